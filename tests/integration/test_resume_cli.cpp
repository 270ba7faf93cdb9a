// End to end: `tumen run --resume`, --outputs, --summary-only and `tumen inspect [--json]` on real
// scenarios, files and exit codes. Each case says what it does, on stderr.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "output/file_checks.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/h5_reader.hpp"

using namespace tumen;
using testing::ScratchDir;

namespace {

const std::string kTumen = TUMEN_EXE;

testing::CommandResult tumen_cli(const std::string& args, const ScratchDir& dir) {
  return testing::run_command("'" + kTumen + "' " + args, dir.path());
}

std::string two_place() {
  return "run '" + testing::source_path("scenarios/tests/two_place.toml").string() + "' ";
}

std::string corridor() {
  return "run '" + testing::source_path("scenarios/examples/corridor.toml").string() + "' ";
}

// A .partial as an interrupted run leaves it: the finished file of the same inputs, renamed
// (resume removes its /summary and end time, and finds every replicate done).
void make_partial_from(const ScratchDir& dir, const std::string& run) {
  const auto made = tumen_cli(run + " -o made.h5 -q", dir);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  std::filesystem::rename(dir.path() / "made.h5", dir.path() / "out.h5.partial");
}

void check_identical(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::string report;
  const int differs = testing::h5diff_without_provenance(a, b, &report);
  INFO(report);
  CHECK(differs == 0);
}

void set_format_version(const std::filesystem::path& path, int version) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Adelete(file, "format_version") >= 0);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute =
      H5Acreate2(file, "format_version", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(H5Awrite(attribute, H5T_NATIVE_INT, &version) >= 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Fclose(file);
}

}  // namespace

TEST_CASE("--resume without a partial file starts afresh and says so", "[cli][resume]") {
  ScratchDir dir("cli-resume-afresh");
  const auto r = tumen_cli(two_place() + "-o out.h5 -r 2 -q --resume", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Matchers::Contains(
                        "tumen: there is no out.h5.partial to resume; starting afresh"));
  CHECK(output::H5Reader(dir.path() / "out.h5").replicate_done() ==
        std::vector<std::uint8_t>{1, 1});
}

TEST_CASE("--resume with a complete file has nothing to do", "[cli][resume]") {
  ScratchDir dir("cli-resume-complete");
  REQUIRE(tumen_cli(two_place() + "-o out.h5 -r 2 -q", dir).exit_code == 0);
  const auto before = std::filesystem::last_write_time(dir.path() / "out.h5");
  const auto again = tumen_cli(two_place() + "-o out.h5 -r 2 -q --resume", dir);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err,
             Catch::Matchers::Contains("tumen: out.h5 is already complete (2 replicates); "
                                       "nothing to do"));
  CHECK(std::filesystem::last_write_time(dir.path() / "out.h5") == before);
  // A complete file of other inputs is not "done": it is refused, and kept.
  const auto other = tumen_cli(two_place() + "-o out.h5 -r 3 -q --resume", dir);
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err,
             Catch::Matchers::Contains("out.h5: error: cannot resume: the complete file there was "
                                       "written by a different run (replicate_total: the file "
                                       "has 2, this run 3; replicate_range: the file has 0:2, "
                                       "this run 0:3)"));
  CHECK(std::filesystem::last_write_time(dir.path() / "out.h5") == before);
}

TEST_CASE("--resume refuses a partial of other inputs, naming what differs",
          "[cli][resume][bad-input]") {
  ScratchDir dir("cli-resume-other");
  make_partial_from(dir, two_place() + "-r 3");
  const auto before = std::filesystem::last_write_time(dir.path() / "out.h5.partial");
  const auto refused = [&](const std::string& options, const std::string& difference) {
    const auto r = tumen_cli(two_place() + "-o out.h5 -r 3 -q --resume " + options, dir);
    INFO(options << '\n' << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Matchers::StartsWith(
                          "out.h5.partial: error: cannot resume: it was written by a different "
                          "run (") &&
                          Catch::Matchers::Contains(difference) &&
                          Catch::Matchers::Contains("or start afresh with --force"));
  };
  refused("--seed 99", "seed: the file has 11, this run 99");
  refused("--set departure.rate_per_day=30", "scenario_hash: the file has ");
  refused("--period year", "period: the file has month, this run year");
  refused("--outputs events",
          "outputs: the file has events,location_events,arrivals,"
          "arrivals_by_years_abroad,stocks,occupancy,route_flow, this run "
          "events");
  refused("--summary-only", "summary_only: the file has 0, this run 1");
  const auto count = tumen_cli(two_place() + "-o out.h5 -r 4 -q --resume", dir);
  CHECK(count.exit_code == 1);
  CHECK_THAT(count.err, Catch::Matchers::Contains("replicate_total: the file has 3, this run 4"));
  // Nothing was touched; the right inputs still resume it.
  CHECK(std::filesystem::last_write_time(dir.path() / "out.h5.partial") == before);
  const auto resumed = tumen_cli(two_place() + "-o out.h5 -r 3 -q --resume", dir);
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Matchers::Contains(
                              "tumen: resuming out.h5.partial: 3 of 3 replicates already done "
                              "and intact; running the other 0"));
}

TEST_CASE("A leftover .partial is kept unless --resume or --force", "[cli][resume][bad-input]") {
  ScratchDir dir("cli-resume-leftover");
  make_partial_from(dir, two_place() + "-r 2");
  const auto refused = tumen_cli(two_place() + "-o out.h5 -r 2 -q", dir);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Matchers::Contains(
                              "out.h5.partial: error: a partial output of an earlier run exists; "
                              "use --resume to continue it or --force to start afresh"));
  const auto both = tumen_cli(two_place() + "-o out.h5 -r 2 -q --resume --force", dir);
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Matchers::Contains("--force excludes --resume"));
  dir.write("out.h5.partial", "the remains of something else");
  const auto broken = tumen_cli(two_place() + "-o out.h5 -r 2 -q --resume", dir);
  CHECK(broken.exit_code == 1);
  CHECK_THAT(broken.err, Catch::Matchers::Contains(
                             "out.h5.partial: error: cannot resume: not an HDF5 file; start "
                             "afresh with --force"));
  CHECK(tumen_cli(two_place() + "-o out.h5 -r 2 -q --force", dir).exit_code == 0);
}

// [parallel]: the tsan preset runs this case, three two-thread runs of which one resumes.
TEST_CASE("--resume runs again a replicate that fails its checksum", "[cli][resume][parallel]") {
  ScratchDir dir("cli-resume-torn");
  const std::string run = corridor() + "-r 4 -t 2";
  const auto reference = tumen_cli(run + " -o reference.h5 -q", dir);
  INFO(reference.err);
  REQUIRE(reference.exit_code == 0);
  make_partial_from(dir, run);
  REQUIRE(testing::damage_chunk(dir.path() / "out.h5.partial", "/events", 2));
  const auto r = tumen_cli(run + " -o out.h5 -q --resume", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Matchers::Contains(
                        "tumen: resuming out.h5.partial: 3 of 4 replicates already done and "
                        "intact; running the other 1\n"
                        "tumen: 1 replicate was marked done but failed the checksum, and run "
                        "again: 2\n"));
  check_identical(dir.path() / "reference.h5", dir.path() / "out.h5");
}

TEST_CASE("--outputs and --summary-only choose what the file holds", "[cli][outputs]") {
  ScratchDir dir("cli-outputs");
  SECTION("a subset") {
    const auto r = tumen_cli(two_place() + "-o out.h5 -r 2 --outputs stocks,arrivals", dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("arrived in Safe"));
    const output::H5Reader file(dir.path() / "out.h5");
    CHECK(file.string_attribute("outputs") == "arrivals,stocks");
    CHECK(file.exists("/stocks"));
    CHECK(file.exists("/arrivals"));
    CHECK_FALSE(file.exists("/events"));
    CHECK_FALSE(file.exists("/route_flow"));
    CHECK_FALSE(file.exists("/summary/events_mean"));
    CHECK(file.exists("/summary/stocks_mean"));
  }
  SECTION("summary only") {
    REQUIRE(tumen_cli(two_place() + "-o full.h5 -r 3 -q", dir).exit_code == 0);
    const auto r = tumen_cli(two_place() + "-o out.h5 -r 3 --summary-only", dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("first_departure"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5.partial"));
    const output::H5Reader file(dir.path() / "out.h5");
    CHECK(file.int64_attribute("summary_only") == 1);
    CHECK_FALSE(file.exists("/events"));
    CHECK_FALSE(file.exists("/occupancy"));
    CHECK(file.replicate_done() == std::vector<std::uint8_t>{1, 1, 1});
    const output::H5Reader full(dir.path() / "full.h5");
    CHECK(file.float64_dataset("/summary/occupancy_quantile") ==
          full.float64_dataset("/summary/occupancy_quantile"));
    CHECK(std::filesystem::file_size(dir.path() / "out.h5") <
          std::filesystem::file_size(dir.path() / "full.h5"));
  }
  SECTION("bad lists are usage errors") {
    const auto unknown = tumen_cli(two_place() + "-o out.h5 --outputs events,stock", dir);
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Matchers::Contains(
                                "--outputs: unknown dataset 'stock'; expected a comma-separated "
                                "list of: events, location_events, arrivals"));
    CHECK(tumen_cli(two_place() + "-o out.h5 --outputs ,", dir).exit_code == 2);
    const auto nothing =
        tumen_cli(two_place() + "-o out.h5 --outputs route_flow --summary-only", dir);
    CHECK(nothing.exit_code == 2);
    CHECK_THAT(nothing.err, Catch::Matchers::Contains("--outputs selects none of them"));
    CHECK(tumen_cli(two_place() + "-o out.h5 --compression 10", dir).exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5.partial"));
  }
}

TEST_CASE("tumen run reports the share of time spent writing", "[cli][output]") {
  ScratchDir dir("cli-writing-share");
  const auto r = tumen_cli(two_place() + "-o out.h5 -r 2", dir);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Matchers::Contains("wrote out.h5 (") &&
                        Catch::Matchers::Contains("; writing: ") &&
                        Catch::Matchers::Contains("% of wall time ("));
}

TEST_CASE("tumen inspect --json", "[cli][inspect][json]") {
  ScratchDir dir("cli-inspect-json");
  REQUIRE(tumen_cli(two_place() + "-o out.h5 -r 3 -q", dir).exit_code == 0);
  const auto r = tumen_cli("inspect out.h5 --json", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Matchers::Contains("\"scenario\": \"two_place\""));
  CHECK_THAT(r.out, Catch::Matchers::Contains("\"totals_from\": \"summary\""));
  // A JSON parser reads it, and finds the same totals as the text.
  dir.write("check.py",
            "import json, sys\n"
            "d = json.load(open(sys.argv[1]))\n"
            "assert d['seed'] == 11 and d['replicates']['done'] == 3, d\n"
            "assert d['dimensions']['replicate'] == 3\n"
            "assert d['outputs'][0] == 'events' and d['summary_only'] is False\n"
            "names = [row['event'] for row in d['event_totals']]\n"
            "assert 'first_departure' in names, names\n"
            "assert all(row['p5'] <= row['mean'] <= row['p95'] for row in d['event_totals'])\n"
            "print(d['arrival_totals'][0]['destination'])\n");
  dir.write("inspect.json", r.out);
  const auto parsed =
      testing::run_command(std::string(TUMEN_PYTHON3) + " check.py inspect.json", dir.path());
  INFO(parsed.out << parsed.err);
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.out == "Safe\n");
}

TEST_CASE("tumen inspect refuses every kind of bad file, with or without --json",
          "[cli][inspect][bad-input]") {
  ScratchDir dir("cli-inspect-bad");
  REQUIRE(tumen_cli(two_place() + "-o good.h5 -r 2 -q", dir).exit_code == 0);
  dir.write("text.h5", "name = \"not HDF5\"\n");
  {
    const hid_t plain =
        H5Fcreate((dir.path() / "plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(plain >= 0);
    H5Fclose(plain);
  }
  std::filesystem::copy_file(dir.path() / "good.h5", dir.path() / "newer.h5");
  set_format_version(dir.path() / "newer.h5", 2);
  std::filesystem::copy_file(dir.path() / "good.h5", dir.path() / "truncated.h5");
  std::filesystem::resize_file(dir.path() / "truncated.h5",
                               std::filesystem::file_size(dir.path() / "good.h5") / 2);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"absent.h5", "absent.h5: no such file"},
      {"text.h5", "text.h5: not an HDF5 file"},
      {"plain.h5", "plain.h5: not a tumen output file (it has no root attribute \"format\")"},
      {"newer.h5", "newer.h5: format_version 2 is newer than this tumen understands (1)"},
      {"truncated.h5", "truncated.h5: cannot open the file: truncated file"},
      {".", ".: is a directory, not a file"}};
  for (const auto& [file, message] : bad) {
    for (const std::string format : {"", " --json"}) {
      const auto r = tumen_cli("inspect " + file + format, dir);
      INFO(file << format << '\n' << r.err);
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.err, Catch::Matchers::StartsWith(message));
      CHECK(r.out.empty());
    }
  }
  CHECK(tumen_cli("inspect good.h5 --json", dir).exit_code == 0);
  CHECK(tumen_cli("inspect --json", dir).exit_code == 2);
}
