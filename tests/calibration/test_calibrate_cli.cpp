// `tumen calibrate` end to end: the real command on the small calibration of
// scenarios/tests/calibration, its file read back, 1 and 2 threads compared, an interrupted and
// a killed run resumed and compared with an uninterrupted one, and bad input refused.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include "integration/process.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/calibration_reader.hpp"

using namespace tumen;
using namespace tumen::testing;

namespace {

// A scratch folder holding a copy of scenarios/tests/calibration.
struct Folder {
  Folder() : dir("calibrate-cli") {
    std::filesystem::copy(source_path("scenarios/tests/calibration"), dir.path(),
                          std::filesystem::copy_options::recursive);
  }
  [[nodiscard]] CommandResult tumen(const std::string& arguments) const {
    return run_command(std::string(TUMEN_EXE) + " " + arguments, dir.path());
  }
  [[nodiscard]] std::filesystem::path at(const std::string& name) const {
    return dir.path() / name;
  }
  ScratchDir dir;
};

// Bit-identical apart from /provenance (DESIGN.md, whole-file comparison).
void require_same_file(const Folder& folder, const std::string& a, const std::string& b) {
  const CommandResult diff =
      run_command("h5diff --exclude-path /provenance " + a + " " + b, folder.dir.path());
  INFO(diff.out << diff.err);
  REQUIRE(diff.exit_code == 0);
  const auto first = output::read_calibration_file(folder.at(a));
  const auto second = output::read_calibration_file(folder.at(b));
  REQUIRE(first.generations.size() == second.generations.size());
  for (std::size_t g = 0; g < first.generations.size(); ++g) {
    CHECK(first.generations[g].population.particles == second.generations[g].population.particles);
    CHECK(first.generations[g].population.weights == second.generations[g].population.weights);
    CHECK(first.generations[g].tolerance == second.generations[g].tolerance);
  }
}

bool wait_for_text(const ChildProcess& child, const std::string& text,
                   std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (child.err().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("tumen calibrate writes every generation, the same on 1 and 2 threads",
          "[calibration][cli]") {
  Folder folder;
  const CommandResult one = folder.tumen("calibrate calibration.toml -o one.h5 -t 1");
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.err, Catch::Contains("tumen: generation 0: tolerance inf, acceptance 1.000 (40 "
                                      "of 40 attempts), ESS 40.0"));
  CHECK_THAT(one.out, Catch::Contains("departure.rate_per_day"));
  CHECK(!std::filesystem::exists(folder.at("one.h5.partial")));

  const auto file = output::read_calibration_file(folder.at("one.h5"));
  CHECK(file.identity.parameters ==
        std::vector<std::string>{"departure.rate_per_day", "departure.female_share"});
  CHECK(file.identity.priors[1] == "truncated_normal(0.5, 0.25, 0, 1)");
  CHECK(file.identity.seed == 2024);
  CHECK(file.identity.calibration_text.find("particles = 40") != std::string::npos);
  CHECK(file.stop_reason == "max_generations");
  REQUIRE(file.generations.size() == 4);
  for (std::size_t g = 0; g < file.generations.size(); ++g) {
    const auto& generation = file.generations[g];
    CHECK(generation.population.particles.size() == 80);
    double sum = 0;
    for (const double w : generation.population.weights) sum += w;
    CHECK(sum == Approx(1.0));
    for (const double d : generation.population.distances) CHECK(d <= generation.tolerance);
    if (g > 0) CHECK(generation.tolerance < file.generations[g - 1].tolerance);
    CHECK(generation.acceptance_rate == Approx(40.0 / static_cast<double>(generation.attempts)));
  }

  const CommandResult two = folder.tumen("calibrate calibration.toml -o two.h5 -t 2 -q");
  REQUIRE(two.exit_code == 0);
  CHECK(two.err.empty());
  CHECK(two.out.empty());
  require_same_file(folder, "one.h5", "two.h5");
}

TEST_CASE("An interrupted or killed calibration resumes to the same file", "[calibration][cli]") {
  Folder folder;
  REQUIRE(folder.tumen("calibrate calibration.toml -o whole.h5 -t 2 -q").exit_code == 0);
  for (const int signal : {SIGINT, SIGKILL}) {
    DYNAMIC_SECTION("signal " << signal) {
      ChildProcess child({TUMEN_EXE, "calibrate", "calibration.toml", "-o", "cut.h5", "-t", "1"},
                         folder.dir.path(), "cut");
      REQUIRE(child.started());
      // Generation 1 is on disk once its line is printed; stop the run in generation 2.
      REQUIRE(wait_for_text(child, "generation 1:", std::chrono::seconds(120)));
      child.signal(signal);
      const auto code = child.wait_for(std::chrono::seconds(60));
      INFO(child.err());
      REQUIRE(code);
      CHECK(*code == (signal == SIGINT ? 130 : 128 + SIGKILL));
      REQUIRE(std::filesystem::exists(folder.at("cut.h5.partial")));
      const auto partial = output::read_calibration_file(folder.at("cut.h5.partial"));
      CHECK(partial.generations.size() >= 2);
      CHECK(partial.generations.size() < 4);
      CHECK(partial.stop_reason.empty());

      const CommandResult resumed = folder.tumen("calibrate calibration.toml -o cut.h5 --resume");
      INFO(resumed.err);
      REQUIRE(resumed.exit_code == 0);
      CHECK_THAT(resumed.err, Catch::Contains("tumen: resuming"));
      require_same_file(folder, "whole.h5", "cut.h5");
      // Resuming a complete file has nothing to do.
      const CommandResult again = folder.tumen("calibrate calibration.toml -o cut.h5 --resume");
      CHECK(again.exit_code == 0);
      CHECK_THAT(again.err, Catch::Contains("is already complete (4 generations); nothing to do"));
      std::filesystem::remove(folder.at("cut.h5"));
    }
  }
}

TEST_CASE("tumen calibrate refuses bad input with the contract's exit codes",
          "[calibration][cli]") {
  Folder folder;
  const CommandResult missing = folder.tumen("calibrate nowhere.toml -o x.h5");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("nowhere.toml: error: cannot open calibration file: no "
                                          "such file"));
  CHECK(folder.tumen("calibrate").exit_code == 2);
  CHECK(folder.tumen("calibrate calibration.toml --resume --force").exit_code == 2);
  CHECK(folder.tumen("calibrate calibration.toml -t 0").exit_code == 2);

  const CommandResult bad = folder.tumen(
      "calibrate calibration.toml -o x.h5 >/dev/null; sed -i 's/particles = 40/particles = "
      "\"forty\"/' calibration.toml && " +
      std::string(TUMEN_EXE) + " calibrate calibration.toml -o y.h5");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("calibration.toml:7:13: error: particles must be a whole "
                                      "number"));
  CHECK_THAT(bad.err, Catch::Contains("tumen: 1 error; nothing was run"));

  // x.h5 exists now: refused without --force.
  const CommandResult exists = folder.tumen("calibrate calibration.toml -o x.h5");
  CHECK(exists.exit_code == 1);

  const CommandResult folder_missing =
      folder.tumen("calibrate calibration.toml -o no/such/folder.h5");
  CHECK(folder_missing.exit_code == 1);
}

TEST_CASE("tumen calibrate does not resume another calibration's file", "[calibration][cli]") {
  Folder folder;
  ChildProcess child({TUMEN_EXE, "calibrate", "calibration.toml", "-o", "c.h5", "-t", "1"},
                     folder.dir.path(), "c");
  REQUIRE(wait_for_text(child, "generation 0:", std::chrono::seconds(120)));
  child.signal(SIGKILL);
  REQUIRE(child.wait_for(std::chrono::seconds(60)));
  REQUIRE(std::filesystem::exists(folder.at("c.h5.partial")));
  const CommandResult plain = folder.tumen("calibrate calibration.toml -o c.h5");
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.err, Catch::Contains("use --resume to continue it or --force"));
  const CommandResult other =
      run_command("sed -i 's/seed = 2024/seed = 2025/' calibration.toml && " +
                      std::string(TUMEN_EXE) + " calibrate calibration.toml -o c.h5 --resume",
                  folder.dir.path());
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err, Catch::Contains("c.h5.partial: cannot resume: it was written by a "
                                        "different calibration (the calibration file, the seed "
                                        "differ)"));
  const CommandResult forced = folder.tumen("calibrate calibration.toml -o c.h5 --force -q");
  CHECK(forced.exit_code == 0);
}
