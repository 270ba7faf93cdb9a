// Sweeps (docs/sweeps.md): the points of a grid, a list and a Latin hypercube, and SWEEP.toml,
// whose every kind of bad input gets its error at its position before any work.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "support/scratch_dir.hpp"
#include "tumen/sweep/sweep_points.hpp"
#include "tumen/sweep/sweep_spec.hpp"

using namespace tumen;
using namespace tumen::sweep;
using tumen::testing::ScratchDir;
using tumen::testing::source_path;

namespace {

// A [sweep] table over the two_place test scenario, with `rest` after it.
std::string sweep_file(const std::string& design, const std::string& rest,
                       const std::string& extra_sweep_keys = "") {
  return "[sweep]\nscenario = \"" + source_path("scenarios/tests/two_place.toml").string() +
         "\"\ndesign = \"" + design + "\"\nreplicates = 2\nseed = 5\n" + extra_sweep_keys + "\n" +
         rest;
}

struct Loaded {
  std::optional<SweepSpec> spec;
  Diagnostics diagnostics;
  std::string errors;  // every error, formatted, one a line
};

Loaded load_text(const std::string& text) {
  const ScratchDir dir("sweep-loader");
  const auto path = dir.write("sweep.toml", text);
  Loaded loaded;
  loaded.spec = load_sweep(path, loaded.diagnostics);
  for (const Diagnostic& d : loaded.diagnostics.all()) loaded.errors += format(d) + "\n";
  return loaded;
}

// Loading fails with exactly one error, at line:column of sweep.toml, containing `message`.
void expect_error(const std::string& text, int line, int column, const std::string& message) {
  const Loaded loaded = load_text(text);
  INFO(loaded.errors);
  CHECK_FALSE(loaded.spec);
  REQUIRE(loaded.diagnostics.error_count() == 1);
  const Diagnostic& error = loaded.diagnostics.all().front();
  CHECK(error.where.path.size() > 0);
  CHECK(error.where.line == line);
  CHECK(error.where.column == column);
  CHECK_THAT(error.message, Catch::Matchers::Contains(message));
}

}  // namespace

TEST_CASE("A grid is the cartesian product, the first parameter slowest", "[sweep]") {
  const auto points = grid_points({{1, 2}, {10, 20, 30}});
  REQUIRE(points.size() == 6);
  CHECK(points[0] == Point{1, 10});
  CHECK(points[1] == Point{1, 20});
  CHECK(points[2] == Point{1, 30});
  CHECK(points[3] == Point{2, 10});
  CHECK(points[5] == Point{2, 30});
  CHECK(grid_points({{1, 2}, {}}).empty());
}

TEST_CASE("A list takes the i-th value of every parameter as point i", "[sweep]") {
  const auto points = list_points({{1, 2, 3}, {0.5, 0.25, 0.125}});
  REQUIRE(points.size() == 3);
  CHECK(points[1] == Point{2, 0.25});
  CHECK(points[2] == Point{3, 0.125});
}

TEST_CASE("A Latin hypercube has one point per stratum per parameter, fixed by its seed",
          "[sweep]") {
  const std::vector<ParameterRange> ranges = {{0.0, 1.0}, {10.0, 30.0}, {-5.0, -5.0}};
  const std::uint64_t count = 50;
  const auto points = latin_hypercube_points(ranges, count, 7);
  REQUIRE(points.size() == count);
  for (std::size_t p = 0; p < 2; ++p) {
    std::set<std::uint64_t> strata;
    const double width = (ranges[p].high - ranges[p].low) / static_cast<double>(count);
    for (const Point& point : points) {
      REQUIRE(point.size() == 3);
      CHECK(point[p] >= ranges[p].low);
      CHECK(point[p] <= ranges[p].high);
      strata.insert(static_cast<std::uint64_t>((point[p] - ranges[p].low) / width));
    }
    CHECK(strata.size() == count);  // every stratum once
  }
  for (const Point& point : points) CHECK(point[2] == -5.0);  // a range of one value

  CHECK(latin_hypercube_points(ranges, count, 7) == points);  // deterministic for a seed
  CHECK(latin_hypercube_points(ranges, count, 8) != points);
  // The strata are shuffled, not in point order.
  std::vector<double> first;
  for (const Point& point : points) first.push_back(point[0]);
  CHECK_FALSE(std::is_sorted(first.begin(), first.end()));
  // A parameter's column does not depend on the parameters after it.
  const auto fewer = latin_hypercube_points({ranges[0]}, count, 7);
  for (std::size_t i = 0; i < count; ++i) CHECK(fewer[i][0] == points[i][0]);
}

TEST_CASE("Latin hypercube values are pinned", "[sweep]") {
  // Pins the use of the draws (docs/rng.md, "Latin hypercube"): the shuffle, then one uniform per
  // point. A change here changes every Latin hypercube sweep's points.
  const auto points = latin_hypercube_points({{0.0, 1.0}, {10.0, 30.0}}, 4, 1);
  const std::vector<Point> expected = {{0x1.b41e7257bf2c5p-1, 0x1.c195c30c2e2dep+4},
                                       {0x1.22adddf9ecc1bp-1, 0x1.f8bb9caa6de1bp+3},
                                       {0x1.b31288dcd1beap-2, 0x1.54a9a6f64b7b8p+4},
                                       {0x1.29f32e7e35ba4p-4, 0x1.dad238daee5ep+3}};
  CHECK(points == expected);
}

TEST_CASE("A valid sweep file loads its points and their --set values", "[sweep]") {
  const Loaded grid = load_text(sweep_file("grid",
                                           "[[parameter]]\nname = \"departure.rate_per_day\"\n"
                                           "values = [1.5, 3]\n"
                                           "[[parameter]]\nname = \"reattempt.probability\"\n"
                                           "values = [0.0, 0.1, 0.2]\n"));
  INFO(grid.errors);
  REQUIRE(grid.spec);
  CHECK(grid.spec->design == Design::grid);
  CHECK(grid.spec->replicates == 2);
  CHECK(grid.spec->seed == 5);
  CHECK(grid.spec->scenario_name == "two_place");
  CHECK(grid.spec->hash.size() == 64);
  REQUIRE(grid.spec->points.size() == 6);
  CHECK(grid.spec->overrides(4) ==
        std::vector<std::string>{"departure.rate_per_day=3", "reattempt.probability=0.1"});
  CHECK(point_group(3) == "/point/0003");
  CHECK(point_group(12345) == "/point/12345");

  const Loaded lhs = load_text(sweep_file("latin_hypercube",
                                          "[[parameter]]\nname = \"hiding.probability_male\"\n"
                                          "low = 0.1\nhigh = 0.9\n",
                                          "points = 8\nsample_seed = 4\n"));
  INFO(lhs.errors);
  REQUIRE(lhs.spec);
  CHECK(lhs.spec->points.size() == 8);
  CHECK(lhs.spec->points == latin_hypercube_points({{0.1, 0.9}}, 8, 4));
  // A value's --set text reads back as the same double.
  CHECK(std::stod(lhs.spec->overrides(3).front().substr(24)) == lhs.spec->points[3][0]);
}

TEST_CASE("Each kind of bad sweep file is refused at its position", "[sweep]") {
  const std::string rate = "[[parameter]]\nname = \"departure.rate_per_day\"\nvalues = [1.0]\n";
  // Lines: 1 [sweep], 2 scenario, 3 design, 4 replicates, 5 seed, then the extra keys.
  SECTION("TOML syntax") {
    expect_error(sweep_file("grid", "[[parameter]\n"), 7, 13, "expected ']'");
  }
  SECTION("an unknown key") {
    expect_error(sweep_file("grid", rate, "repeats = 2\n"), 6, 1, "unknown key 'repeats'");
  }
  SECTION("an unknown design") {
    expect_error(sweep_file("cube", rate), 3, 10, "design must be \"grid\", \"list\" or");
  }
  SECTION("replicates out of range") {
    std::string text = sweep_file("grid", rate);
    text.replace(text.find("replicates = 2"), 14, "replicates = 0");
    expect_error(text, 4, 14, "replicates must be a whole number in [1, ");
  }
  SECTION("no parameter") {
    expect_error(sweep_file("grid", ""), 1, 1, "expected at least one [[parameter]]");
  }
  SECTION("an unknown parameter") {
    expect_error(sweep_file("grid", "[[parameter]]\nname = \"departure.rate\"\nvalues = [1]\n"), 8,
                 8, "unknown parameter 'departure.rate'; did you mean");
  }
  SECTION("the seed is not a parameter") {
    expect_error(sweep_file("grid", "[[parameter]]\nname = \"run.seed\"\nvalues = [1]\n"), 8, 8,
                 "a sweep sets the seed and the replicates in [sweep]");
  }
  SECTION("a parameter swept twice") {
    expect_error(sweep_file("grid", rate + rate), 11, 8, "is swept twice");
  }
  SECTION("a value of the wrong type") {
    expect_error(
        sweep_file("grid", "[[parameter]]\nname = \"departure.rate_per_day\"\nvalues = [\"a\"]\n"),
        9, 11, "departure.rate_per_day expects a number, found");
  }
  SECTION("a value outside the parameter's domain") {
    expect_error(
        sweep_file("grid",
                   "[[parameter]]\nname = \"reattempt.probability\"\nvalues = [0.5, 1.5]\n"),
        9, 16, "reattempt.probability must be a probability in [0, 1], found 1.5");
  }
  SECTION("a value the scenario loader refuses") {
    expect_error(sweep_file("grid", "[[parameter]]\nname = \"population.size\"\nvalues = [1e12]\n"),
                 9, 11,
                 "the scenario does not accept population.size=1e+12: population.size 1e+12 needs");
  }
  SECTION("lists of different lengths") {
    expect_error(sweep_file("list", rate + "[[parameter]]\nname = \"reattempt.probability\"\n"
                                           "values = [0.1, 0.2]\n"),
                 11, 8, "'reattempt.probability' has 2 values, 'departure.rate_per_day' has 1");
  }
  SECTION("a latin_hypercube range upside down") {
    expect_error(sweep_file("latin_hypercube",
                            "[[parameter]]\nname = \"departure.rate_per_day\"\nlow = 2.0\n"
                            "high = 1.0\n",
                            "points = 4\n"),
                 11, 8, "high must not be below low (2)");
  }
  SECTION("latin_hypercube without points") {
    expect_error(sweep_file("latin_hypercube",
                            "[[parameter]]\nname = \"departure.rate_per_day\"\nlow = 1.0\n"
                            "high = 2.0\n"),
                 1, 1, "missing required key 'points' in [sweep]");
  }
  SECTION("values given to a latin_hypercube") {
    expect_error(sweep_file("latin_hypercube", rate, "points = 4\n"), 10, 10,
                 "a latin_hypercube parameter takes 'low' and 'high', not 'values'");
  }
  SECTION("points given to a grid") {
    expect_error(sweep_file("grid", rate, "points = 4\n"), 6, 10,
                 "points belongs to a latin_hypercube design");
  }
  SECTION("a missing base scenario") {
    const Loaded loaded = load_text(
        "[sweep]\nscenario = \"nowhere.toml\"\ndesign = \"grid\"\nreplicates = 1\n" + rate);
    CHECK_FALSE(loaded.spec);
    CHECK_THAT(loaded.errors, Catch::Matchers::Contains("sweep.toml:2:12: error: the base "
                                                        "scenario"));
  }
}
