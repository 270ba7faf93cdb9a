// End to end: SIGTERM (what Slurm sends before a time limit) and SIGINT stop a running `tumen run`
// at the end of a day, with exit codes 143 and 130, leaving a .partial that opens and that
// --resume completes into the file an uninterrupted run writes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include "output/file_checks.hpp"
#include "process.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/h5_reader.hpp"

using namespace tumen;
using testing::ChildProcess;
using testing::ScratchDir;

namespace {

const std::string kTumen = TUMEN_EXE;

double seconds_to_run(const std::string& arguments, const ScratchDir& dir) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = testing::run_command("'" + kTumen + "' " + arguments, dir.path());
  REQUIRE(result.exit_code == 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::size_t done_in(const std::filesystem::path& file) {
  const auto flags = output::H5Reader(file).replicate_done();
  return static_cast<std::size_t>(std::count(flags.begin(), flags.end(), 1));
}

// Waits until the running tumen has written more than `already` replicates into `partial`, or has
// ended. The bound is generous: it only keeps a broken build from hanging the test.
void wait_for_progress(ChildProcess& run, const std::filesystem::path& partial,
                       std::size_t already) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!run.poll() && std::chrono::steady_clock::now() < deadline &&
         testing::replicates_done_while_running(partial) <= already) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

TEST_CASE("SIGTERM and SIGINT leave a valid .partial that --resume completes",
          "[cli][interrupt][resume]") {
  ScratchDir dir("cli-interrupt");
  const std::string corridor = testing::source_path("scenarios/examples/corridor.toml").string();
  const std::string quoted = "'" + corridor + "'";

  // Enough replicates that the run goes on for about five seconds after its first replicate,
  // whatever this build's speed (a sanitizer build is many times slower): ample time to signal
  // it while it runs (a check takes a few hundredths of a second), and no more work than that.
  const double one = seconds_to_run("run " + quoted + " -o one.h5 -r 1 -t 1 -q", dir);
  const double three = seconds_to_run("run " + quoted + " -o three.h5 -r 3 -t 1 -q", dir);
  const double per_replicate = std::max((three - one) / 2.0, 0.001);
  const auto replicates =
      static_cast<std::size_t>(std::clamp(std::ceil(5.0 / per_replicate), 12.0, 2000.0));
  INFO(replicates << " replicates at about " << per_replicate << " s each");
  const std::string count = std::to_string(replicates);

  REQUIRE(testing::run_command(
              "'" + kTumen + "' run " + quoted + " -o reference.h5 -q -t 2 -r " + count, dir.path())
              .exit_code == 0);

  const std::filesystem::path partial = dir.path() / "out.h5.partial";
  std::size_t done = 0;
  {
    ChildProcess run({kTumen, "run", corridor, "-o", "out.h5", "-q", "-t", "1", "-r", count},
                     dir.path(), "sigterm");
    REQUIRE(run.started());
    wait_for_progress(run, partial, 0);
    REQUIRE_FALSE(run.poll());  // still running, with a replicate written
    run.signal(SIGTERM);
    const auto exit_code = run.wait_for(std::chrono::minutes(2));
    INFO(run.err());
    REQUIRE(exit_code);
    CHECK(*exit_code == 143);
    CHECK_THAT(run.err(), Catch::Matchers::Contains("tumen: interrupted after") &&
                              Catch::Matchers::Contains("(continue with --resume)"));
  }
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5"));
  {
    const output::H5Reader file(partial);  // the .partial opens
    CHECK_FALSE(file.has_attribute("/provenance", "finished_utc"));
    CHECK_FALSE(file.exists("/summary"));
    done = done_in(partial);
    CHECK(done >= 1);
    CHECK(done < replicates);
  }

  // The resumed run is interrupted in its turn, by SIGINT.
  {
    ChildProcess run(
        {kTumen, "run", corridor, "-o", "out.h5", "-q", "-t", "1", "-r", count, "--resume"},
        dir.path(), "sigint");
    wait_for_progress(run, partial, done);
    REQUIRE_FALSE(run.poll());
    run.signal(SIGINT);
    const auto exit_code = run.wait_for(std::chrono::minutes(2));
    INFO(run.err());
    REQUIRE(exit_code);
    CHECK(*exit_code == 130);
    CHECK_THAT(run.err(),
               Catch::Matchers::Contains("tumen: resuming out.h5.partial: " + std::to_string(done) +
                                         " of " + count + " replicates already done and intact"));
    CHECK(done_in(partial) > done);
  }

  const auto finished = testing::run_command(
      "'" + kTumen + "' run " + quoted + " -o out.h5 -q -t 2 --resume -r " + count, dir.path());
  INFO(finished.err);
  REQUIRE(finished.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(partial));
  std::string report;
  CHECK(testing::h5diff_without_provenance(dir.path() / "reference.h5", dir.path() / "out.h5",
                                           &report) == 0);
  INFO(report);
}
