// The bad-input corpus (tests/data/bad-scenarios/): one folder per kind of error. For each,
// `tumen validate` and `tumen run` exit with 1, and one message names the right file and line and
// says what was wrong. None crashes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/command.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace tumen;

namespace {

struct Expected {
  std::string file;
  int line = 0;
  std::string contains;
};

Expected read_expected(const fs::path& path) {
  Expected e;
  std::ifstream in(path);
  std::string row;
  while (std::getline(in, row)) {
    const auto colon = row.find(": ");
    if (colon == std::string::npos) continue;
    const auto key = row.substr(0, colon);
    const auto value = row.substr(colon + 2);
    if (key == "file") e.file = value;
    if (key == "line") e.line = std::stoi(value);
    if (key == "contains") e.contains = value;
  }
  return e;
}

}  // namespace

TEST_CASE("Every bad scenario in the corpus is refused with its position", "[cli][bad-input]") {
  const fs::path corpus = testing::source_path("tests/data/bad-scenarios");
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 20);
  for (const auto& folder : cases) {
    const Expected expected = read_expected(folder / "expected");
    INFO("case " << folder.filename().string());
    REQUIRE_FALSE(expected.file.empty());
    // Each case runs in a copy, so that the corpus stays untouched.
    const testing::ScratchDir scratch("bad-" + folder.filename().string());
    fs::copy(folder, scratch.path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const char* command : {"validate scenario.toml", "run scenario.toml -o out.h5"}) {
      INFO(command);
      const auto result =
          testing::run_command(std::string("'") + TUMEN_EXE + "' " + command, scratch.path());
      INFO(result.err);
      CHECK(result.exit_code == 1);
      const std::string prefix = expected.file + ":" + std::to_string(expected.line) + ":";
      bool found = false;
      std::istringstream lines(result.err);
      for (std::string message; std::getline(lines, message);) {
        if (message.starts_with(prefix) && message.find(": error: ") != std::string::npos &&
            message.find(expected.contains) != std::string::npos) {
          found = true;
        }
      }
      CHECK(found);
      CHECK(result.err.find("terminate") == std::string::npos);
      CHECK(result.err.find("Sanitizer") == std::string::npos);
      CHECK_FALSE(fs::exists(scratch.path() / "out.h5"));
      CHECK_FALSE(fs::exists(scratch.path() / "out.h5.partial"));
    }
  }
}
