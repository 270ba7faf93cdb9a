// H5Writer::resume: continuing a .partial gives the file an uninterrupted run writes, a partial
// of another run is refused with every difference named, and a torn chunk is run again.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "detail/h5_handle.hpp"
#include "file_checks.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"

namespace {

using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::OutputError;
using tumen::output::ResumeError;
using tumen::output::WriterOptions;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
using tumen::testing::damage_chunk;
using tumen::testing::h5diff_without_provenance;
namespace detail = tumen::output::detail;

std::filesystem::path partial(std::filesystem::path path) {
  return path += ".partial";
}

std::filesystem::path write_complete(const std::filesystem::path& path, const RunDescription& run,
                                     const WriterOptions& options = {}) {
  H5Writer writer(path, run, options);
  for (std::uint64_t replicate = run.replicate_begin; replicate < run.replicate_end; ++replicate) {
    writer.write(synthetic_result(run, replicate));
  }
  writer.finish();
  return path;
}

// A writer that dies after writing `replicates`, leaving its .partial.
void write_abandoned(const std::filesystem::path& path, const RunDescription& run,
                     const std::vector<std::uint64_t>& replicates,
                     const WriterOptions& options = {}) {
  H5Writer writer(path, run, options);
  for (const std::uint64_t replicate : replicates) writer.write(synthetic_result(run, replicate));
}

void check_identical(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::string report;
  const int differs = h5diff_without_provenance(a, b, &report);
  INFO(report);
  CHECK(differs == 0);
}

}  // namespace

TEST_CASE("Resuming a .partial gives the file of an uninterrupted run", "[output][resume]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("resume_continue");
  const std::filesystem::path reference = write_complete(folder / "reference.h5", run);
  const std::filesystem::path path = folder / "run.h5";
  write_abandoned(path, run, {6});

  RunDescription again = run;
  again.command_line = "tumen run synthetic.toml --resume";  // provenance may differ
  again.created_utc = "2024-06-02T08:00:00Z";
  {
    H5Writer writer = H5Writer::resume(path, again);
    CHECK(writer.resume_report().done == 1);
    CHECK(writer.resume_report().rerun.empty());
    CHECK(writer.replicates_written() == 1);
    CHECK(writer.has_replicate(6));
    CHECK_FALSE(writer.has_replicate(4));
    CHECK_FALSE(writer.has_replicate(7));
    CHECK_THROWS_WITH(writer.write(synthetic_result(run, 6)),
                      Catch::Matchers::EndsWith("replicate 6 was already written"));
    writer.write(synthetic_result(run, 5));
    writer.write(synthetic_result(run, 4));
    writer.finish();
  }
  CHECK_FALSE(std::filesystem::exists(partial(path)));
  check_identical(reference, path);
  const H5Reader file(path);
  CHECK(file.string_attribute("/provenance", "created_utc") == run.created_utc);  // the original
  CHECK_THAT(file.string_attribute("/provenance", "resumed"),
             Catch::Matchers::EndsWith("on test-host: tumen run synthetic.toml --resume"));
}

TEST_CASE("Resuming a partial left by a killed process", "[output][resume][kill]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("resume_killed");
  const std::filesystem::path reference = write_complete(folder / "reference.h5", run);
  const std::filesystem::path path = folder / "run.h5";
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      H5Writer writer(path, run);
      writer.write(synthetic_result(run, 5));
      writer.write(synthetic_result(run, 4));
      raise(SIGKILL);
    } catch (...) {
    }
    _exit(1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));

  H5Writer writer = H5Writer::resume(path, run);
  CHECK(writer.resume_report().done == 2);
  writer.write(synthetic_result(run, 6));
  writer.finish();
  check_identical(reference, path);
}

TEST_CASE("Resuming runs again a replicate whose chunk fails its checksum", "[output][resume]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("resume_torn");
  const std::filesystem::path reference = write_complete(folder / "reference.h5", run);
  const std::filesystem::path path = folder / "run.h5";
  write_abandoned(path, run, {4, 5, 6});
  const char* dataset =
      GENERATE("/location_events", "/provenance/replicate_wall_seconds", "/replicate_done");
  INFO(dataset);
  REQUIRE(damage_chunk(partial(path), dataset, 1));  // replicate 5
  {
    const H5Reader damaged(partial(path));
    const std::string name = dataset;
    if (name == "/provenance/replicate_wall_seconds") {
      CHECK_THROWS_WITH(damaged.float64_dataset(name),
                        Catch::Matchers::Contains("Fletcher32 checksum"));
    } else {
      CHECK_THROWS_WITH(damaged.int64_dataset(name),
                        Catch::Matchers::Contains("Fletcher32 checksum"));
    }
  }

  H5Writer writer = H5Writer::resume(path, run);
  CHECK(writer.resume_report().done == 2);
  if (std::string(dataset) == "/replicate_done") {
    // A torn flag says nothing: the replicate is simply not done.
    CHECK(writer.resume_report().rerun.empty());
  } else {
    CHECK(writer.resume_report().rerun == std::vector<std::uint64_t>{5});
  }
  CHECK_FALSE(writer.has_replicate(5));
  // The file says so at once, in case this run is killed too.
  CHECK(H5Reader(partial(path)).replicate_done() == std::vector<std::uint8_t>{1, 0, 1});
  writer.write(synthetic_result(run, 5));
  writer.finish();
  check_identical(reference, path);
}

TEST_CASE("Resuming a run killed while finishing rewrites /summary", "[output][resume]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("resume_finishing");
  const std::filesystem::path reference = write_complete(folder / "reference.h5", run);
  // A finished file under the .partial name: as if killed between /summary and the rename.
  const std::filesystem::path path = folder / "run.h5";
  std::filesystem::copy_file(reference, partial(path));
  H5Writer writer = H5Writer::resume(path, run);
  CHECK(writer.resume_report().done == 3);
  {
    const H5Reader file(partial(path));
    CHECK_FALSE(file.exists("/summary"));
    CHECK_FALSE(file.has_attribute("/provenance", "finished_utc"));
  }
  writer.finish();
  check_identical(reference, path);
}

TEST_CASE("Resuming a summary-only run", "[output][resume][summary-only]") {
  const RunDescription run = synthetic_run();
  WriterOptions options;
  options.summary_only = true;
  options.outputs = {"events", "occupancy", "route_flow"};
  const std::filesystem::path folder = scratch_directory("resume_summary_only");
  const std::filesystem::path reference = write_complete(folder / "reference.h5", run, options);
  const std::filesystem::path path = folder / "run.h5";
  write_abandoned(path, run, {5}, options);
  H5Writer writer = H5Writer::resume(path, run, options);
  CHECK(writer.resume_report().done == 1);
  writer.write(synthetic_result(run, 4));
  writer.write(synthetic_result(run, 6));
  writer.finish();
  CHECK_FALSE(std::filesystem::exists(partial(path)));
  check_identical(reference, path);
  CHECK_FALSE(H5Reader(path).exists("/events"));
}

TEST_CASE("Resuming refuses a partial of another run, naming every difference",
          "[output][resume][bad-input]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("resume_other_run") / "run.h5";
  write_abandoned(path, run, {4});
  RunDescription other = run;
  WriterOptions options;
  std::vector<std::string> expected;

  SECTION("seed") {
    other.seed = 7;
    expected = {"seed: the file has 18446744073709551557, this run 7"};
  }
  SECTION("scenario and replicate count") {
    other.scenario_hash = std::string(64, 'a');
    other.replicate_total = 11;
    expected = {
        "scenario_hash: the file has " + run.scenario_hash + ", this run " + std::string(64, 'a'),
        "replicate_total: the file has 10, this run 11"};
  }
  SECTION("replicate range") {
    other.replicate_begin = 5;
    other.replicate_end = 8;
    expected = {"replicate_range: the file has 4:7, this run 5:8"};
  }
  SECTION("engine version, RNG and period") {
    other.tumen_version = "0.2.0";
    other.rng_scheme = "philox4x64-10/2";
    other.period = tumen::Period::year;
    expected = {"tumen_version: the file has 0.1.0-test, this run 0.2.0",
                "rng: the file has philox4x64-10/1, this run philox4x64-10/2",
                "period: the file has month, this run year"};
  }
  SECTION("outputs and summary-only") {
    options.outputs = {"events"};
    options.summary_only = true;
    expected = {
        "outputs: the file has events,location_events,arrivals,arrivals_by_years_abroad,stocks,"
        "occupancy,route_flow, this run events",
        "summary_only: the file has 0, this run 1"};
  }
  try {
    (void)H5Writer::resume(path, other, options);
    FAIL("resume() accepted a partial of another run");
  } catch (const ResumeError& refused) {
    const std::string message = refused.what();
    INFO(message);
    CHECK_THAT(message,
               Catch::Matchers::StartsWith(partial(path).string() +
                                           ": cannot resume: it was written by a different run ("));
    for (const std::string& difference : expected) {
      CHECK_THAT(message, Catch::Matchers::Contains(difference));
    }
    CHECK_THAT(message, Catch::Matchers::EndsWith("or start afresh with --force"));
  }
  // Refusing touched nothing.
  CHECK(H5Reader(partial(path)).replicate_done() == std::vector<std::uint8_t>{1, 0, 0});
}

TEST_CASE("Resuming refuses a partial it cannot open", "[output][resume][bad-input]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("resume_unreadable");
  const std::filesystem::path path = folder / "run.h5";
  std::string expected;
  SECTION("none there") {
    expected = "cannot resume: there is no such file";
  }
  SECTION("not HDF5") {
    std::ofstream(partial(path)) << "not HDF5";
    expected = "cannot resume: not an HDF5 file; start afresh with --force";
  }
  SECTION("truncated") {
    write_abandoned(path, run, {4, 5});
    std::filesystem::resize_file(partial(path), std::filesystem::file_size(partial(path)) / 3);
    expected = "truncated file";
  }
  SECTION("a newer format") {
    const std::filesystem::path complete = write_complete(folder / "complete.h5", run);
    std::filesystem::rename(complete, partial(path));
    {
      // As a later tumen would write it.
      const detail::File file(H5Fopen(partial(path).c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
      REQUIRE(file.is_open());
      REQUIRE(H5Adelete(file.id(), "format_version") >= 0);
      const detail::Dataspace space(H5Screate(H5S_SCALAR));
      const detail::Attribute attribute(H5Acreate2(file.id(), "format_version", H5T_STD_I32LE,
                                                   space.id(), H5P_DEFAULT, H5P_DEFAULT));
      const int version = 2;
      REQUIRE(H5Awrite(attribute.id(), H5T_NATIVE_INT, &version) >= 0);
    }
    expected = "cannot resume: format_version 2 is newer than this tumen understands (1)";
  }
  CHECK_THROWS_AS(H5Writer::resume(path, run), ResumeError);
  CHECK_THROWS_WITH(H5Writer::resume(path, run),
                    Catch::Matchers::StartsWith(partial(path).string() + ": ") &&
                        Catch::Matchers::Contains(expected));
}

TEST_CASE("A new run refuses to replace a .partial another process is writing",
          "[output][writer][lock]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_locked_partial") / "run.h5";
  int ready[2];
  int release[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(release) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    char signal = 'x';
    try {
      H5Writer writer(path, run);
      writer.write(synthetic_result(run, 4));
      signal = 'w';
      (void)!write(ready[1], &signal, 1);
      (void)!read(release[0], &signal, 1);
    } catch (...) {
      (void)!write(ready[1], &signal, 1);
    }
    _exit(0);
  }
  char signal = 0;
  REQUIRE(read(ready[0], &signal, 1) == 1);
  REQUIRE(signal == 'w');
  CHECK_THROWS_WITH(H5Writer(path, run),
                    Catch::Matchers::EndsWith("another process, such as a running tumen, is "
                                              "writing this file"));
  CHECK_THROWS_AS(H5Writer::resume(path, run), ResumeError);
  REQUIRE(write(release[1], &signal, 1) == 1);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  for (const int end : {ready[0], ready[1], release[0], release[1]}) close(end);
  // The running writer's file is intact.
  CHECK(H5Reader(partial(path)).replicate_done() == std::vector<std::uint8_t>{1, 0, 0});
}

TEST_CASE("A new file is built under .new and replaces a leftover one", "[output][writer]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_new_suffix") / "run.h5";
  std::filesystem::path building = path;
  building += ".new";
  std::ofstream(building) << "left by a run killed while creating its file";
  {
    H5Writer writer(path, run);
    CHECK_FALSE(std::filesystem::exists(building));
    CHECK(std::filesystem::exists(partial(path)));
  }
  CHECK(H5Reader(partial(path)).replicate_done() == std::vector<std::uint8_t>{0, 0, 0});
}
