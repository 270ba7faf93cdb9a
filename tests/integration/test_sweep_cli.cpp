// End to end: `tumen sweep` with the real binary and real HDF5 files read back. A point's group
// is a format_version 1 file (the project's reader opens it with a group); a point's results do
// not depend on which other points exist (3 points against 30); --point-range slices joined by
// `tumen merge` equal a whole sweep; an interrupted sweep resumes to the same file.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

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

std::string sweep_path(const std::string& name) {
  return "'" + testing::source_path("scenarios/tests/sweep/" + name).string() + "'";
}

void run_ok(const std::string& args, const ScratchDir& dir) {
  const auto r = tumen_cli(args, dir);
  INFO(args << '\n' << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string group_of(int point) {
  char name[32];
  std::snprintf(name, sizeof name, "/point/%04d", point);
  return name;
}

const std::vector<std::string> kCompared = {
    "/events", "/location_events", "/arrivals",   "/arrivals_by_years_abroad",
    "/stocks", "/occupancy",       "/route_flow", "/replicate_done"};
const std::vector<std::string> kComparedSummary = {"/summary/events_mean",
                                                   "/summary/arrivals_quantile"};

// Point `a` of file A and point `b` of file B hold the same results, read with the project's
// reader opened on each group.
void require_same_point(const std::filesystem::path& file_a, int a,
                        const std::filesystem::path& file_b, int b) {
  const output::H5Reader first(file_a, group_of(a));
  const output::H5Reader second(file_b, group_of(b));
  INFO(file_a.filename() << group_of(a) << " against " << file_b.filename() << group_of(b));
  for (const char* attribute : {"scenario_hash", "replicate_range", "rng", "format"}) {
    CHECK(first.string_attribute(attribute) == second.string_attribute(attribute));
  }
  CHECK(first.uint64_attribute("seed") == second.uint64_attribute("seed"));
  CHECK(first.uint64_attribute("sweep_point") == static_cast<std::uint64_t>(a));
  CHECK(first.strings("/scenario/set") == second.strings("/scenario/set"));
  for (const std::string& dataset : kCompared) {
    INFO(dataset);
    const output::Int64Array x = first.int64_dataset(dataset);
    const output::Int64Array y = second.int64_dataset(dataset);
    CHECK(x.shape == y.shape);
    CHECK(x.values == y.values);
  }
  for (const std::string& dataset : kComparedSummary) {
    INFO(dataset);
    CHECK(first.float64_dataset(dataset) == second.float64_dataset(dataset));
  }
}

// The whole-file comparison users make, without the provenance of the file and of its points.
int h5diff_without_provenance(const std::filesystem::path& a, const std::filesystem::path& b,
                              int points, const ScratchDir& dir, std::string* report = nullptr) {
  std::string command = "h5diff --exclude-path /provenance";
  for (int k = 0; k < points; ++k) command += " --exclude-path " + group_of(k) + "/provenance";
  const auto r =
      testing::run_command(command + " '" + a.string() + "' '" + b.string() + "'", dir.path());
  if (report) *report = r.out + r.err;
  return r.exit_code;
}

void set_flag(const std::filesystem::path& path, const std::string& dataset, hsize_t index,
              std::uint8_t flag) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t data = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  REQUIRE(data >= 0);
  const hid_t space = H5Dget_space(data);
  const hsize_t count = 1;
  REQUIRE(H5Sselect_hyperslab(space, H5S_SELECT_SET, &index, nullptr, &count, nullptr) >= 0);
  const hid_t memory = H5Screate_simple(1, &count, nullptr);
  REQUIRE(H5Dwrite(data, H5T_NATIVE_UINT8, memory, space, H5P_DEFAULT, &flag) >= 0);
  H5Sclose(memory);
  H5Sclose(space);
  H5Dclose(data);
  H5Fclose(file);
}

void unlink_object(const std::filesystem::path& path, const std::string& object) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Ldelete(file, object.c_str(), H5P_DEFAULT) >= 0);
  H5Fclose(file);
}

}  // namespace

TEST_CASE("A point's results are the same in a sweep of 3 points and of 30", "[cli][sweep]") {
  const ScratchDir dir("sweep-determinism");
  run_ok("sweep " + sweep_path("grid_small.toml") + " -o small.h5 -q -t 2", dir);
  run_ok("sweep " + sweep_path("grid.toml") + " -o grid.h5 -q -t 1", dir);
  for (int k = 0; k < 3; ++k)
    require_same_point(dir.path() / "small.h5", k, dir.path() / "grid.h5", k);

  // Not vacuous: different points differ, and a point's results are not a plain run's.
  const output::H5Reader grid_3(dir.path() / "grid.h5", group_of(3));
  const output::H5Reader grid_13(dir.path() / "grid.h5", group_of(13));
  CHECK(grid_3.int64_dataset("/events").values != grid_13.int64_dataset("/events").values);
  run_ok("run '" + testing::source_path("scenarios/tests/two_place.toml").string() +
             "' -r 2 --seed 5 --set departure.rate_per_day=2 --set reattempt.probability=0 -q "
             "-o plain.h5",
         dir);
  const output::H5Reader plain(dir.path() / "plain.h5");
  const output::H5Reader point_0(dir.path() / "grid.h5", group_of(0));
  CHECK(plain.string_attribute("scenario_hash") == point_0.string_attribute("scenario_hash"));
  CHECK(plain.int64_dataset("/events").values != point_0.int64_dataset("/events").values);
  CHECK_FALSE(plain.has_attribute("/", "sweep_point"));

  // xarray opens a point as it opens a run's file, every axis labelled, and reads the same
  // values as the project's reader; and the /points table as one variable per parameter.
  std::int64_t events_total = 0;
  for (const std::int64_t count : grid_3.int64_dataset("/events").values) events_total += count;
  const auto python = testing::run_command(
      std::string("'") + TUMEN_PYTHON3 +
          "' -c \"import xarray as xr; "
          "p = xr.open_dataset('grid.h5', group='point/0003', engine='h5netcdf'); "
          "t = xr.open_dataset('grid.h5', group='points', engine='h5netcdf'); "
          "print(p.events.dims, int(p.events.sum()), p.attrs['sweep_point'], "
          "float(t['reattempt.probability'].sel(point=3)))\"",
      dir.path());
  INFO(python.err);
  CHECK(python.exit_code == 0);
  CHECK(python.out ==
        "('replicate', 'time', 'event', 'sex') " + std::to_string(events_total) + " 3 0.3\n");

  // The whole file is not a v1 file; a missing group is named.
  CHECK_THROWS_WITH(output::H5Reader(dir.path() / "grid.h5"),
                    Catch::Matchers::Contains("not a tumen output file"));
  CHECK_THROWS_WITH(output::H5Reader(dir.path() / "grid.h5", "/point/0030"),
                    Catch::Matchers::Contains("no group /point/0030"));

  // The points table: one value per parameter and point, every point done.
  const auto r =
      testing::run_command("h5dump -d /points/reattempt.probability -d /points/point_done '" +
                               (dir.path() / "grid.h5").string() + "'",
                           dir.path());
  CHECK_THAT(r.out, Catch::Matchers::Contains("(0): 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, "
                                              "0.9, 0, 0.1"));
  CHECK_THAT(r.out, Catch::Matchers::Contains("(0): 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1"));
}

TEST_CASE("Point-range slices joined by merge equal the whole sweep", "[cli][sweep]") {
  const ScratchDir dir("sweep-slices");
  const std::string sweep = "sweep " + sweep_path("latin_hypercube.toml") + " -q ";
  run_ok(sweep + "-o whole.h5", dir);
  run_ok(sweep + "--point-range 0:2 -o part-0.h5", dir);
  run_ok(sweep + "--point-range 2:5 -o part-1.h5", dir);
  run_ok("merge part-1.h5 part-0.h5 -o joined.h5 -q", dir);
  std::string report;
  CHECK(h5diff_without_provenance(dir.path() / "whole.h5", dir.path() / "joined.h5", 5, dir,
                                  &report) == 0);
  INFO(report);
  // A slice is not the whole: h5diff sees it.
  CHECK(h5diff_without_provenance(dir.path() / "whole.h5", dir.path() / "part-1.h5", 5, dir) != 0);
  for (int k = 0; k < 5; ++k) {
    require_same_point(dir.path() / "whole.h5", k, dir.path() / "joined.h5", k);
  }

  SECTION("gaps, overlaps and other sweeps are refused") {
    auto refused = [&](const std::string& parts, const std::string& message) {
      const auto r = tumen_cli("merge " + parts + " -o bad.h5", dir);
      INFO(parts << '\n' << r.err);
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.err, Catch::Matchers::Contains(message));
      CHECK_FALSE(std::filesystem::exists(dir.path() / "bad.h5"));
    };
    refused("part-0.h5", "error: points 2:5 are in no part");
    refused("part-0.h5 whole.h5", "are also in another part");
    run_ok("sweep " + sweep_path("grid_small.toml") + " -q --point-range 2:3 -o other.h5", dir);
    refused("part-0.h5 part-1.h5 other.h5", "a slice of another sweep");
  }
}

TEST_CASE("An interrupted sweep resumes to the file of an uninterrupted one", "[cli][sweep]") {
  const ScratchDir dir("sweep-resume");
  const std::string base = "sweep " + sweep_path("grid_small.toml") + " -q ";
  const std::string sweep = base + "-o out.h5 ";
  run_ok(base + "-o whole.h5", dir);
  // The state a kill leaves: point 0 done; point 1 begun, its replicate 1 not done; point 2 not
  // started (a group a kill left half laid out is treated the same way: deleted, started anew).
  run_ok(sweep, dir);
  const auto partial = dir.path() / "out.h5.partial";
  std::filesystem::rename(dir.path() / "out.h5", partial);
  set_flag(partial, "/points/point_done", 1, 0);
  set_flag(partial, "/points/point_done", 2, 0);
  set_flag(partial, "/point/0001/replicate_done", 1, 0);
  unlink_object(partial, "/point/0002/events");

  const auto refused = tumen_cli(sweep + "--replicates 3 --resume", dir);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Matchers::Contains("cannot resume: it was written by a "
                                                    "different sweep (replicates 2, not 3)"));

  const auto resumed = tumen_cli(sweep + "--resume", dir);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Matchers::Contains("1 of 3 points already done"));
  CHECK_THAT(resumed.err, Catch::Matchers::Contains("point 2 is started afresh"));
  CHECK_FALSE(std::filesystem::exists(partial));
  std::string report;
  CHECK(h5diff_without_provenance(dir.path() / "whole.h5", dir.path() / "out.h5", 3, dir,
                                  &report) == 0);
  INFO(report);

  const auto again = tumen_cli(sweep + "--resume", dir);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Matchers::Contains("already complete; nothing to do"));
}

TEST_CASE("Bad sweep inputs are refused before any work", "[cli][sweep]") {
  const ScratchDir dir("sweep-bad");
  const auto bad_range =
      tumen_cli("sweep " + sweep_path("grid_small.toml") + " --point-range 2:9 -o out.h5", dir);
  CHECK(bad_range.exit_code == 2);
  CHECK_THAT(bad_range.err, Catch::Matchers::Contains("goes beyond the sweep's 3 points"));
  const auto malformed =
      tumen_cli("sweep " + sweep_path("grid_small.toml") + " --point-range 3:1 -o out.h5", dir);
  CHECK(malformed.exit_code == 2);
  const auto path =
      dir.write("bad.toml", "[sweep]\nscenario = \"" +
                                testing::source_path("scenarios/tests/two_place.toml").string() +
                                "\"\ndesign = \"grid\"\nreplicates = 1\n[[parameter]]\n"
                                "name = \"hiding.probability_male\"\nvalues = [0.5, -1]\n");
  const auto bad = tumen_cli("sweep '" + path.string() + "' -o out.h5", dir);
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Matchers::Contains("bad.toml:7:16: error: hiding.probability_male "
                                                "must be a probability in [0, 1], found -1"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.h5.partial"));
  CHECK(tumen_cli("sweep missing.toml", dir).exit_code == 1);
}
