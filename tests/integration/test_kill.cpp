// Stress, release builds only (label "stress"): interrupt a running `tumen run` at random points
// with a random one of SIGINT, SIGTERM and SIGKILL, resume each time, and the final file is the one
// an uninterrupted run writes. An interruption can land anywhere: while the file is created,
// between a replicate's data and its flag, while finishing.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

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

// TUMEN_KILL_SEED=N repeats a failing sequence of kill times.
std::uint64_t kill_seed() {
  if (const char* text = std::getenv("TUMEN_KILL_SEED")) return std::stoull(text);
  return std::random_device{}();
}

void kill_and_resume(const std::string& name, const std::vector<std::string>& options, int kills) {
  ScratchDir dir(name);
  const std::string corridor = testing::source_path("scenarios/examples/corridor.toml").string();
  std::vector<std::string> command = {kTumen, "run", corridor, "-q", "-t", "2"};
  command.insert(command.end(), options.begin(), options.end());

  std::vector<std::string> reference = command;
  reference.insert(reference.end(), {"-o", "reference.h5"});
  const auto started = std::chrono::steady_clock::now();
  {
    ChildProcess run(reference, dir.path(), "reference");
    REQUIRE(run.wait_for(std::chrono::minutes(10)) == 0);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::uint64_t seed = kill_seed();
  INFO("TUMEN_KILL_SEED=" << seed << "; an uninterrupted run takes " << seconds << " s");
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> when(0.02, 0.7);
  std::vector<std::string> resume = command;
  resume.insert(resume.end(), {"-o", "out.h5", "--resume"});
  const std::filesystem::path partial = dir.path() / "out.h5.partial";
  // SIGINT and SIGTERM end the run at the end of a day with 130 and 143; SIGKILL ends it at once.
  constexpr int kSignals[] = {SIGINT, SIGTERM, SIGKILL};
  std::uniform_int_distribution<int> which(0, 2);
  int landed = 0;
  for (int kill = 0; kill < kills; ++kill) {
    const int signal = kSignals[which(random)];
    INFO("interruption " << kill << " by signal " << signal);
    ChildProcess run(resume, dir.path(), "killed");
    std::this_thread::sleep_for(std::chrono::duration<double>(when(random) * seconds));
    run.signal(signal);
    const auto exit_code = run.wait_for(std::chrono::minutes(2));
    REQUIRE(exit_code);
    if (*exit_code == 0) break;  // it finished first
    CHECK(*exit_code == (signal == SIGINT ? 130 : 128 + signal));
    ++landed;
    // After a kill, the .partial (if the file had been created) opens.
    if (std::filesystem::exists(partial)) {
      INFO("kill " << kill);
      CHECK_NOTHROW(output::H5Reader(partial).replicate_done());
    }
  }
  CHECK(landed >= 1);

  ChildProcess finish(resume, dir.path(), "finish");
  const auto exit_code = finish.wait_for(std::chrono::minutes(10));
  INFO(finish.err());
  REQUIRE(exit_code == 0);
  std::string report;
  CHECK(testing::h5diff_without_provenance(dir.path() / "reference.h5", dir.path() / "out.h5",
                                           &report) == 0);
  INFO(report);
}

}  // namespace

TEST_CASE(
    "SIGINT, SIGTERM and kill -9 at random points, then --resume, give the uninterrupted file",
    "[cli][kill][resume][stress]") {
  kill_and_resume("cli-kill", {"-r", "64"}, 12);
}

TEST_CASE("Interrupting a summary-only run at random, then --resume, gives the uninterrupted file",
          "[cli][kill][resume][summary-only][stress]") {
  kill_and_resume("cli-kill-summary", {"-r", "32", "--summary-only"}, 6);
}
