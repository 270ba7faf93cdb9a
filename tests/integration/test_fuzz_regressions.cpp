// Every input that once crashed, hung or broke a promise in a fuzz target
// (tests/fuzz/regressions/TARGET/), replayed in the ordinary build through the same harness as
// the fuzzer (tests/fuzz/*_input.hpp) or, for HDF5 files, through the real `tumen inspect`. Each
// file must have its expected diagnostic listed here: a new regression without one fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "csv_input.hpp"
#include "scenario_input.hpp"
#include "set_input.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"

using namespace tumen;
using testing::ScratchDir;

namespace {

std::vector<std::filesystem::path> regressions(const std::string& target) {
  std::vector<std::filesystem::path> files;
  const auto folder = testing::source_path("tests/fuzz/regressions/" + target);
  if (std::filesystem::exists(folder)) {
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string messages(const Diagnostics& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics.all()) text += format(d) + '\n';
  return text;
}

// The expected diagnostic of each regression file, by target and file name.
const std::string& expected(const std::map<std::string, std::string>& table,
                            const std::filesystem::path& file) {
  const auto found = table.find(file.filename().string());
  INFO("add the expected diagnostic of " << file << " to test_fuzz_regressions.cpp");
  REQUIRE(found != table.end());
  return found->second;
}

}  // namespace

TEST_CASE("Scenario loader fuzz regressions are refused with a diagnostic",
          "[fuzz][scenario][bad-input]") {
  const std::map<std::string, std::string> table = {
      // toml++ 3.3.0 asserts on a bad first character of a table header in debug builds.
      {"toml-table-header-bad-character",
       "error: Error while parsing key: expected bare key starting character or string "
       "delimiter, saw '@'"},
      // U+FED4 first in the file: toml++ 3.3.0's whitespace test reached a point it marks
      // unreachable (undefined behaviour); the loader refuses it before toml++ sees it.
      {"toml-non-ascii-outside-strings",
       ":1:1: error: a character beyond ASCII outside a string or a comment"},
  };
  for (const auto& file : regressions("scenario")) {
    ScratchDir dir("fuzz-scenario");
    Diagnostics diagnostics;
    const auto outcome =
        fuzz::load_scenario_input(testing::slurp(file), dir.path() / "files", diagnostics);
    INFO(file << '\n' << messages(diagnostics));
    CHECK(outcome == fuzz::InputOutcome::rejected);
    CHECK(messages(diagnostics).find(expected(table, file)) != std::string::npos);
  }
}

TEST_CASE("CSV fuzz regressions are refused with a diagnostic", "[fuzz][csv][bad-input]") {
  const std::map<std::string, std::string> table = {};
  for (const auto& file : regressions("csv")) {
    Diagnostics diagnostics;
    const auto outcome = fuzz::parse_csv_input(testing::slurp(file), diagnostics);
    INFO(file << '\n' << messages(diagnostics));
    CHECK(outcome == fuzz::InputOutcome::rejected);
    CHECK(messages(diagnostics).find(expected(table, file)) != std::string::npos);
  }
}

TEST_CASE("--set fuzz regressions are refused with a diagnostic", "[fuzz][set][bad-input]") {
  const std::map<std::string, std::string> table = {};
  for (const auto& file : regressions("set")) {
    ScratchDir dir("fuzz-set");
    Diagnostics diagnostics;
    const auto outcome =
        fuzz::parse_set_input(testing::slurp(file), dir.path() / "files", diagnostics);
    INFO(file << '\n' << messages(diagnostics));
    CHECK(outcome == fuzz::InputOutcome::rejected);
    CHECK(messages(diagnostics).find(expected(table, file)) != std::string::npos);
  }
}

// HDF5 files go through the real command: a fault inside HDF5 itself cannot be fixed in tumen,
// and `tumen inspect` must contain it (exit code 1 and a message, never a crash or a trace).
TEST_CASE("inspect fuzz regressions end in exit code 1 and a message", "[fuzz][inspect][cli]") {
  const std::map<std::string, std::string> table = {
      // A variable-length string attribute pointing into a corrupt global heap: HDF5 segfaults
      // in H5HG_read (release build), or copies overlapping memory there, which
      // AddressSanitizer stops (dev build). Either way the child dies, the command does not.
      {"hdf5-vlen-memcpy-overlap.h5", "input.h5: error: the HDF5 library failed on this file ("},
  };
  for (const auto& file : regressions("inspect")) {
    ScratchDir dir("fuzz-inspect");
    std::filesystem::copy_file(file, dir.path() / "input.h5");
    for (const std::string format : {"", " --json"}) {
      const auto r = testing::run_command(
          "'" + std::string(TUMEN_EXE) + "' inspect input.h5" + format, dir.path());
      INFO(file << format << "\nexit code " << r.exit_code << "\nstderr: " << r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(r.err.find("input.h5: ") != std::string::npos);
      CHECK(r.err.find(expected(table, file)) != std::string::npos);
    }
  }
}
