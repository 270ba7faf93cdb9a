// Faults from outside the engine, end to end with the real binary (docs/reliability.md):
// a disk that fills up during a run, an output folder that cannot be written, a run that would
// not fit in memory, and a scenario edited while a run that read it is going on.
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "output/file_checks.hpp"
#include "process.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/h5_reader.hpp"

namespace fs = std::filesystem;
using namespace tumen;
using testing::ChildProcess;
using testing::ScratchDir;

namespace {

const std::string kTumen = TUMEN_EXE;

testing::CommandResult tumen_cli(const std::string& args, const ScratchDir& dir) {
  return testing::run_command("'" + kTumen + "' " + args, dir.path());
}

std::string scenario(const std::string& relative) {
  return "'" + testing::source_path(relative).string() + "'";
}

// A small tmpfs mounted for the test and unmounted after it: a real file system that really
// fills up. Mounting needs root (CI runs as root); without it the test fails and says why.
class TmpfsMount {
 public:
  TmpfsMount(fs::path folder, const std::string& options) : folder_(std::move(folder)) {
    fs::create_directories(folder_);
    mounted_ = mount("tumen-test", folder_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~TmpfsMount() {
    if (mounted_) umount2(folder_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  [[nodiscard]] bool mounted() const { return mounted_; }
  // Changes the size or flags in place, as freeing space on a real disk would.
  bool remount(const std::string& options) const {
    return mount("tumen-test", folder_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()) == 0;
  }

 private:
  fs::path folder_;
  bool mounted_ = false;
};

std::string contents(const fs::path& path) {
  return testing::slurp(path);
}

}  // namespace

TEST_CASE(
    "A full disk ends the run with exit 3; the earlier file is untouched and --resume "
    "finishes from where it stopped",
    "[cli][faults][disk-full]") {
  ScratchDir dir("faults-disk-full");
  const std::string corridor = scenario("scenarios/examples/corridor.toml");
  REQUIRE(tumen_cli("run " + corridor + " -r 160 -t 2 -q -o reference.h5", dir).exit_code == 0);

  // 2 MiB: room for an earlier 64-replicate file (1.3 MB) and part of a 160-replicate one.
  const TmpfsMount disk(dir.path() / "disk", "size=2m,mode=0777");
  INFO("mounting a tmpfs needs root: run the tests as root, as CI does");
  REQUIRE(disk.mounted());
  REQUIRE(tumen_cli("run " + corridor + " -r 64 -t 2 -q -o disk/out.h5", dir).exit_code == 0);
  const std::string earlier = contents(dir.path() / "disk/out.h5");

  const auto full = tumen_cli("run " + corridor + " -r 160 -t 2 -q -o disk/out.h5 --force", dir);
  INFO(full.err);
  CHECK(full.exit_code == 3);
  CHECK(full.err.find("error: the disk is full") != std::string::npos);
  CHECK(full.err.find("--resume") != std::string::npos);
  CHECK(contents(dir.path() / "disk/out.h5") == earlier);
  const fs::path partial = dir.path() / "disk/out.h5.partial";
  REQUIRE(fs::exists(partial));
  std::uint64_t done_before = 0;
  {
    const output::H5Reader file(partial);
    for (const auto flag : file.replicate_done()) done_before += flag;
  }
  CHECK(done_before > 0);
  CHECK(done_before < 160);

  // Space is freed; the run continues from the replicates it had finished.
  REQUIRE(disk.remount("size=16m"));
  const auto resumed =
      tumen_cli("run " + corridor + " -r 160 -t 2 -q -o disk/out.h5 --resume", dir);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find(std::to_string(done_before) + " of 160 replicates already done") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(partial));
  std::string report;
  CHECK(testing::h5diff_without_provenance(dir.path() / "reference.h5", dir.path() / "disk/out.h5",
                                           &report) == 0);
  INFO(report);
}

TEST_CASE("An output folder that cannot be written is refused with exit 1 before any work",
          "[cli][faults]") {
  ScratchDir dir("faults-read-only");
  const TmpfsMount read_only(dir.path() / "ro", "size=1m,ro");
  INFO("mounting a tmpfs needs root: run the tests as root, as CI does");
  REQUIRE(read_only.mounted());
  // Korea with many replicates would take minutes: a refusal that comes at once came first.
  const auto started = std::chrono::steady_clock::now();
  const auto r =
      tumen_cli("run " + scenario("scenarios/korea/baseline.toml") + " -r 1000 -q -o ro/x.h5", dir);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("ro/x.h5: error: the output folder 'ro' is not writable") != std::string::npos);
  CHECK(seconds < 30.0);
  CHECK(fs::is_empty(dir.path() / "ro"));
}

TEST_CASE("A run that would not fit in --max-memory is refused with the estimate",
          "[cli][faults][memory]") {
  ScratchDir dir("faults-memory");
  const std::string population = scenario("scenarios/stress/population.toml");
  const auto r = tumen_cli("run " + population + " -r 1 -t 1 -q -o p.h5 --max-memory 100M", dir);
  CHECK(r.exit_code == 1);
  // 2.5e7 people, 5% room for relatives, 34 bytes each: about 850 MiB before the rest.
  CHECK(r.err.find("population.toml: error: this run needs about") != std::string::npos);
  CHECK(r.err.find("26250000 agents x 34 B") != std::string::npos);
  CHECK(r.err.find("more than the 100.0 MiB --max-memory allows") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "p.h5"));
  CHECK_FALSE(fs::exists(dir.path() / "p.h5.partial"));

  // More threads hold more replicates at once, and the estimate grows with them.
  const auto one = tumen_cli("run " + population + " -r 4 -t 1 -q -o p.h5 --max-memory 1K", dir);
  const auto four = tumen_cli("run " + population + " -r 4 -t 4 -q -o p.h5 --max-memory 1K", dir);
  CHECK(one.err.find("1 replicate at a time") != std::string::npos);
  CHECK(four.err.find("4 replicates at a time") != std::string::npos);

  // Within the limit the run goes ahead.
  const auto fits = tumen_cli(
      "run " + scenario("scenarios/tests/two_place.toml") + " -r 2 -q -o small.h5 --max-memory 1G",
      dir);
  CHECK(fits.exit_code == 0);

  CHECK(tumen_cli("run " + population + " --max-memory lots", dir).exit_code == 2);
  CHECK(tumen_cli("run " + population + " --max-memory 0", dir).exit_code == 2);
}

TEST_CASE("Without --max-memory the limit is what the process may use (RLIMIT_AS)",
          "[cli][faults][memory]") {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space, so an RLIMIT_AS stops the binary from
  // starting at all; the release build runs this case.
  SUCCEED("AddressSanitizer build: left to the release build");
#else
  ScratchDir dir("faults-rlimit");
  // 3e8 people need about 10 GiB; the process may use 4 GiB of address space.
  const auto r = testing::run_command("prlimit --as=4294967296 '" + kTumen + "' run " +
                                          scenario("scenarios/stress/population.toml") +
                                          " --set population.size=3e8 -r 1 -t 1 -q -o p.h5",
                                      dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("more than the 4.0 GiB this process may use") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "p.h5.partial"));
#endif
}

TEST_CASE("A scenario edited during a run changes nothing: the run uses what it validated",
          "[cli][faults]") {
  ScratchDir dir("faults-edited");
  const fs::path source = testing::source_path("scenarios/examples");
  fs::copy(source, dir.path() / "scenario", fs::copy_options::recursive);
  const std::string base = "run scenario/corridor.toml -r 96 -t 2 -q ";
  REQUIRE(tumen_cli(base + "-o reference.h5", dir).exit_code == 0);

  ChildProcess run(
      {kTumen, "run", "scenario/corridor.toml", "-r", "96", "-t", "2", "-q", "-o", "edited.h5"},
      dir.path(), "edited");
  // Once the output exists, the scenario was read and validated; now break every file of it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!fs::exists(dir.path() / "edited.h5.partial") && !fs::exists(dir.path() / "edited.h5") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE(fs::exists(dir.path() / "edited.h5.partial"));
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "scenario")) {
    if (entry.is_regular_file()) std::ofstream(entry.path()) << "garbage = [\n";
  }
  const auto exit_code = run.wait_for(std::chrono::minutes(5));
  INFO(run.err());
  REQUIRE(exit_code == 0);
  std::string report;
  CHECK(testing::h5diff_without_provenance(dir.path() / "reference.h5", dir.path() / "edited.h5",
                                           &report) == 0);
  INFO(report);
  // The file holds the scenario as validated, not as it is now.
  const output::H5Reader file(dir.path() / "edited.h5");
  for (const auto& text : file.strings("/scenario/file_text")) {
    CHECK(text.find("garbage") == std::string::npos);
  }
}
