// End to end: `tumen run --replicate-range` slices and `tumen merge`, with the real binary, real
// HDF5 files read back, and h5diff for the whole-file comparison.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
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

// Seven replicates of the two-place scenario: small enough for the sanitizer build.
std::string two_place(const std::string& options, int seed = 5) {
  return "run '" + testing::source_path("scenarios/tests/two_place.toml").string() +
         "' -r 7 --seed " + std::to_string(seed) + " -q " + options;
}

void run_ok(const std::string& args, const ScratchDir& dir) {
  const auto r = tumen_cli(args, dir);
  INFO(args << '\n' << r.err);
  REQUIRE(r.exit_code == 0);
}

// The three slices 0:3, 3:5 and 5:7 as part-0.h5, part-1.h5 and part-2.h5.
void run_slices(const ScratchDir& dir) {
  run_ok(two_place("--replicate-range 0:3 -o part-0.h5"), dir);
  run_ok(two_place("--replicate-range 3:5 -o part-1.h5"), dir);
  run_ok(two_place("--replicate-range 5:7 -o part-2.h5"), dir);
}

const std::vector<std::string> kCounters = {
    "/events", "/location_events", "/arrivals",  "/arrivals_by_years_abroad",
    "/stocks", "/occupancy",       "/route_flow"};

// `tumen merge ARGS`, expected to refuse with exit code 1, leaving no output behind.
testing::CommandResult refused_merge(const std::string& args, const ScratchDir& dir) {
  const auto r = tumen_cli("merge " + args + " -o merged.h5", dir);
  INFO("merge " << args << '\n' << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Matchers::EndsWith("; nothing was merged\n"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "merged.h5"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "merged.h5.partial"));
  return r;
}

void set_replicate_done(const std::filesystem::path& path, std::uint64_t index, std::uint8_t flag) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t dataset = H5Dopen2(file, "/replicate_done", H5P_DEFAULT);
  const hid_t space = H5Dget_space(dataset);
  const hsize_t start[1] = {index};
  const hsize_t count[1] = {1};
  REQUIRE(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr) >= 0);
  const hid_t memory = H5Screate_simple(1, count, nullptr);
  REQUIRE(H5Dwrite(dataset, H5T_NATIVE_UINT8, memory, space, H5P_DEFAULT, &flag) >= 0);
  H5Sclose(memory);
  H5Sclose(space);
  H5Dclose(dataset);
  H5Fclose(file);
}

}  // namespace

TEST_CASE("Slices hold exactly their replicates of a full run, and merge into it", "[cli][merge]") {
  ScratchDir dir("cli-merge-equal");
  run_ok(two_place("-o full.h5"), dir);
  run_slices(dir);

  const output::H5Reader full(dir.path() / "full.h5");
  const std::vector<std::pair<std::string, std::uint64_t>> slices = {
      {"part-0.h5", 0}, {"part-1.h5", 3}, {"part-2.h5", 5}};
  for (const auto& [name, begin] : slices) {
    const output::H5Reader part(dir.path() / name);
    INFO(name);
    CHECK(part.uint64_attribute("replicate_total") == 7);
    const auto count = part.shape("/replicate").at(0);
    CHECK(part.string_attribute("replicate_range") ==
          std::to_string(begin) + ":" + std::to_string(begin + count));
    const auto numbers = part.int64_dataset("/replicate").values;
    for (std::size_t index = 0; index < count; ++index) {
      CHECK(numbers[index] == static_cast<std::int64_t>(begin + index));
    }
    CHECK(part.replicate_done() == std::vector<std::uint8_t>(count, 1));
    // /summary of a part describes its own replicates.
    CHECK(part.uint64_attribute("/summary", "replicates") == count);
    for (const std::string& dataset : kCounters) {
      for (std::size_t index = 0; index < count; ++index) {
        INFO(dataset << " replicate " << begin + index);
        const auto in_part = part.int64_replicate(dataset, index);
        const auto in_full = full.int64_replicate(dataset, begin + index);
        CHECK(in_part.shape == in_full.shape);
        CHECK(in_part.values == in_full.values);
      }
    }
  }

  // In shuffled order: the result is the same file as one run of every replicate.
  const auto r = tumen_cli("merge part-2.h5 part-0.h5 part-1.h5 -o merged.h5", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "merged 3 parts (replicates 0:7 of two_place, seed 5) into merged.h5\n");
  std::string report;
  const int differs =
      testing::h5diff_without_provenance(dir.path() / "full.h5", dir.path() / "merged.h5", &report);
  INFO(report);
  CHECK(differs == 0);
  // And the comparison can fail: a slice is not the whole run.
  CHECK(testing::h5diff_without_provenance(dir.path() / "full.h5", dir.path() / "part-0.h5") == 1);

  const output::H5Reader merged(dir.path() / "merged.h5");
  CHECK(merged.string_attribute("replicate_range") == "0:7");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "merged.h5.partial"));
  const std::string from = merged.string_attribute("/provenance", "merged_from");
  CHECK_THAT(from, Catch::Matchers::StartsWith("part-0.h5 (replicates 0:3): created "));
  CHECK_THAT(from, Catch::Matchers::Contains("\npart-1.h5 (replicates 3:5): created "));
  CHECK_THAT(from, Catch::Matchers::Contains("\npart-2.h5 (replicates 5:7): created "));
  CHECK_THAT(merged.string_attribute("/provenance", "command_line"),
             Catch::Matchers::Contains("merge part-2.h5 part-0.h5 part-1.h5 -o merged.h5"));
  // The wall times come from the parts.
  const auto wall = merged.float64_dataset("/provenance/replicate_wall_seconds");
  const auto part_wall = output::H5Reader(dir.path() / "part-1.h5")
                             .float64_dataset("/provenance/replicate_wall_seconds");
  REQUIRE(wall.size() == 7);
  CHECK(wall[3] == part_wall[0]);
  CHECK(wall[4] == part_wall[1]);

  // An existing output is kept unless --force; a part is never overwritten.
  const auto again = tumen_cli("merge part-0.h5 part-1.h5 part-2.h5 -o merged.h5 -q", dir);
  CHECK(again.exit_code == 1);
  CHECK(again.err == "merged.h5: error: the output file exists; use --force to overwrite it\n");
  const auto forced = tumen_cli("merge part-0.h5 part-1.h5 part-2.h5 -o merged.h5 -q --force", dir);
  CHECK(forced.exit_code == 0);
  CHECK(forced.out.empty());
  CHECK(testing::h5diff_without_provenance(dir.path() / "full.h5", dir.path() / "merged.h5") == 0);
  const auto over_part = tumen_cli("merge part-0.h5 part-1.h5 part-2.h5 -o part-1.h5 --force", dir);
  CHECK(over_part.exit_code == 1);
  CHECK_THAT(over_part.err,
             Catch::Matchers::Contains("part-1.h5: error: the output would overwrite the part "
                                       "part-1.h5; choose another -o"));
  CHECK(output::H5Reader(dir.path() / "part-1.h5").string_attribute("replicate_range") == "3:5");
}

TEST_CASE("A slice interrupted and resumed equals the slice run at once", "[cli][merge][resume]") {
  ScratchDir dir("cli-merge-resume");
  run_ok(two_place("--replicate-range 3:5 -o slice.h5"), dir);
  // A .partial as an interruption leaves it: the finished slice, renamed.
  run_ok(two_place("--replicate-range 3:5 -o made.h5"), dir);
  std::filesystem::rename(dir.path() / "made.h5", dir.path() / "out.h5.partial");

  const auto other = tumen_cli(two_place("--replicate-range 0:2 -o out.h5 --resume"), dir);
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err,
             Catch::Matchers::Contains("replicate_range: the file has 3:5, this run 0:2"));

  const auto resumed = tumen_cli(two_place("--replicate-range 3:5 -o out.h5 --resume"), dir);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Matchers::Contains(
                              "tumen: resuming out.h5.partial: 2 of 2 replicates already done"));
  CHECK(testing::h5diff_without_provenance(dir.path() / "slice.h5", dir.path() / "out.h5") == 0);
}

TEST_CASE("tumen merge refuses parts that do not make one whole run", "[cli][merge][bad-input]") {
  // One set of slices for every case (no SECTIONs, which would run them again for each).
  ScratchDir dir("cli-merge-refuse");
  run_slices(dir);

  {  // a missing replicate
    const auto r = refused_merge("part-2.h5 part-0.h5", dir);
    CHECK_THAT(r.err, Catch::Matchers::StartsWith(
                          "part-2.h5: error: replicates 3:5 are in no part: part-0.h5 holds 0:3, "
                          "this part 5:7; run the missing slice and merge it too\n"));
    const auto end = refused_merge("part-0.h5 part-1.h5", dir);
    CHECK_THAT(end.err, Catch::Matchers::StartsWith(
                            "part-1.h5: error: replicates 5:7 of the run's 7 are in no part: the "
                            "last part ends at 5"));
    const auto start = refused_merge("part-1.h5 part-2.h5", dir);
    CHECK_THAT(start.err, Catch::Matchers::StartsWith(
                              "part-1.h5: error: replicates 0:3 are in no part: no part holds "
                              "replicate 0, this part 3:5"));
  }
  {  // a duplicated part and overlapping ranges
    const auto twice = refused_merge("part-0.h5 part-1.h5 part-2.h5 ./part-1.h5", dir);
    CHECK_THAT(twice.err,
               Catch::Matchers::StartsWith("./part-1.h5: error: it is given more than once\n"));
    std::filesystem::copy_file(dir.path() / "part-1.h5", dir.path() / "copy.h5");
    const auto copy = refused_merge("part-0.h5 part-1.h5 copy.h5 part-2.h5", dir);
    CHECK_THAT(copy.err, Catch::Matchers::StartsWith(
                             "copy.h5: error: replicates 3:5 are also in part-1.h5 (which holds "
                             "3:5, this part 3:5); give each replicate once\n"));
    run_ok(two_place("--replicate-range 2:4 -o overlap.h5"), dir);
    const auto overlap = refused_merge("part-0.h5 overlap.h5 part-1.h5 part-2.h5", dir);
    CHECK_THAT(overlap.err,
               Catch::Matchers::Contains("overlap.h5: error: replicates 2:3 are also in part-0.h5 "
                                         "(which holds 0:3, this part 2:4)") &&
                   Catch::Matchers::Contains("part-1.h5: error: replicates 3:4 are also in "
                                             "overlap.h5 (which holds 2:4, this part 3:5)"));
  }
  {  // a part of another run: seed, scenario, replicate total, outputs
    run_ok(two_place("--replicate-range 3:5 -o seed.h5", 6), dir);
    const auto seed = refused_merge("part-0.h5 seed.h5 part-2.h5", dir);
    CHECK_THAT(seed.err, Catch::Matchers::StartsWith(
                             "seed.h5: error: it is not a part of the same run as part-0.h5 (seed: "
                             "part-0.h5 has 5, this part 6)\n"));
    run_ok(two_place("--replicate-range 3:5 --set departure.rate_per_day=3 -o scenario.h5"), dir);
    const auto scenario = refused_merge("part-0.h5 scenario.h5 part-2.h5", dir);
    CHECK_THAT(scenario.err, Catch::Matchers::StartsWith(
                                 "scenario.h5: error: it is not a part of the same run as "
                                 "part-0.h5 (scenario_hash: part-0.h5 has "));
    run_ok("run '" + testing::source_path("scenarios/tests/two_place.toml").string() +
               "' -r 8 --seed 5 -q --replicate-range 3:5 -o total.h5",
           dir);
    const auto total = refused_merge("part-0.h5 total.h5 part-2.h5", dir);
    CHECK_THAT(total.err, Catch::Matchers::StartsWith(
                              "total.h5: error: it is not a part of the same run as part-0.h5 "
                              "(replicate_total: part-0.h5 has 7, this part 8)\n"));
    run_ok(two_place("--replicate-range 3:5 --outputs events -o outputs.h5"), dir);
    const auto outputs = refused_merge("part-0.h5 outputs.h5 part-2.h5", dir);
    CHECK_THAT(outputs.err, Catch::Matchers::Contains("outputs.h5: error: it is not a part of the "
                                                      "same run as part-0.h5 (outputs: "));
  }
  {  // a summary-only part
    run_ok(two_place("--replicate-range 3:5 --summary-only -o summary.h5"), dir);
    const auto r = refused_merge("part-0.h5 summary.h5 part-2.h5", dir);
    CHECK_THAT(r.err, Catch::Matchers::StartsWith(
                          "summary.h5: error: it was written with --summary-only and holds no "
                          "per-replicate data, so it cannot be merged into the file of a whole "
                          "run; run this slice again without --summary-only\n"));
  }
  {  // unfinished parts: a .partial, a replicate not done
    std::filesystem::copy_file(dir.path() / "part-1.h5", dir.path() / "part-1.h5.partial");
    const auto partial = refused_merge("part-0.h5 part-1.h5.partial part-2.h5", dir);
    CHECK_THAT(partial.err, Catch::Matchers::StartsWith(
                                "part-1.h5.partial: error: an unfinished run's working file, not "
                                "a part: finish the slice with tumen run ... --resume"));
    std::filesystem::copy_file(dir.path() / "part-1.h5", dir.path() / "undone.h5");
    set_replicate_done(dir.path() / "undone.h5", 1, 0);
    const auto undone = refused_merge("part-0.h5 undone.h5 part-2.h5", dir);
    CHECK_THAT(undone.err, Catch::Matchers::StartsWith(
                               "undone.h5: error: 1 of its replicates is not marked done (4): "
                               "finish the slice with tumen run ... --resume\n"));
    // A .partial renamed by hand, its replicates all done but never finished: no /summary.
    std::filesystem::copy_file(dir.path() / "part-1.h5", dir.path() / "unfinished.h5");
    {
      const hid_t file = H5Fopen((dir.path() / "unfinished.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      REQUIRE(file >= 0);
      CHECK(H5Ldelete(file, "/summary", H5P_DEFAULT) >= 0);
      H5Fclose(file);
    }
    const auto unfinished = refused_merge("part-0.h5 unfinished.h5 part-2.h5", dir);
    CHECK_THAT(unfinished.err,
               Catch::Matchers::StartsWith(
                   "unfinished.h5: error: it has no /summary: the run that wrote it "
                   "never finished; finish the slice with tumen run ... --resume\n"));
  }
  {  // files that are not tumen files
    dir.write("text.h5", "not HDF5 at all\n");
    const hid_t plain =
        H5Fcreate((dir.path() / "plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(plain >= 0);
    H5Fclose(plain);
    const auto r = refused_merge("part-0.h5 text.h5 plain.h5 absent.h5 part-1.h5 part-2.h5", dir);
    CHECK_THAT(r.err, Catch::Matchers::StartsWith(
                          "text.h5: error: not an HDF5 file\n"
                          "plain.h5: error: not a tumen output file (it has no root attribute "
                          "\"format\")\n"
                          "absent.h5: error: no such file\n"
                          "tumen: 3 problems; nothing was merged\n"));
  }
  {  // a part damaged after it was written
    std::filesystem::copy_file(dir.path() / "part-1.h5", dir.path() / "damaged.h5");
    REQUIRE(testing::damage_chunk(dir.path() / "damaged.h5", "/stocks", 1));
    const auto r = refused_merge("part-0.h5 damaged.h5 part-2.h5", dir);
    CHECK_THAT(r.err, Catch::Matchers::StartsWith("damaged.h5: error: cannot read replicate 4: "));
  }
  {  // usage
    CHECK(tumen_cli("merge -o merged.h5", dir).exit_code == 2);
    CHECK(tumen_cli("merge part-0.h5", dir).exit_code == 2);
  }
}

TEST_CASE("--replicate-range refuses bad values as usage errors", "[cli][merge][bad-input]") {
  ScratchDir dir("cli-range-bad");
  for (const std::string bad : {"3", "3:3", "5:2", "a:b", "1:2:3", "-1:2", ":4", "2:", " 1:2"}) {
    const auto r = tumen_cli(two_place("--replicate-range '" + bad + "' -o out.h5"), dir);
    INFO(bad);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "<command line>: error: --replicate-range expects A:B, whole numbers with A < "
          "B (replicates A to B-1), not '" +
              bad + "'\n");
  }
  const auto beyond = tumen_cli(two_place("--replicate-range 5:8 -o out.h5"), dir);
  CHECK(beyond.exit_code == 2);
  CHECK(beyond.err ==
        "<command line>: error: --replicate-range 5:8 goes beyond the run's 7 "
        "replicates (numbered 0 to 6, from -r)\n");
  // Without -r the run's size is the scenario's (4 replicates in two_place.toml).
  const auto scenario =
      tumen_cli("run '" + testing::source_path("scenarios/tests/two_place.toml").string() +
                    "' --replicate-range 2:5 -o out.h5",
                dir);
  CHECK(scenario.exit_code == 2);
  CHECK_THAT(scenario.err, Catch::Matchers::Contains(
                               "goes beyond the run's 4 replicates (numbered 0 to 3, from the "
                               "scenario's run.replicates; set -r)"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5.partial"));
}

TEST_CASE("A part that crashes the HDF5 library is refused, not fatal", "[cli][merge][bad-input]") {
  ScratchDir dir("merge-crashing-part");
  run_ok(two_place("--replicate-range 0:3 -o part-0.h5"), dir);
  // Found by fuzzing `inspect`: reading its attributes makes HDF5 1.10.8 segfault
  // (tests/fuzz/regressions/inspect). The merge reads each part first in a child process.
  const std::string crashing =
      testing::source_path("tests/fuzz/regressions/inspect/hdf5-vlen-memcpy-overlap.h5").string();
  const auto r = refused_merge("part-0.h5 '" + crashing + "'", dir);
  CHECK(r.err.find("hdf5-vlen-memcpy-overlap.h5: error: the HDF5 library failed on this part") !=
        std::string::npos);
}
