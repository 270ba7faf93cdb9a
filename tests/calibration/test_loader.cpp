// CALIB.toml: a valid file loads; each kind of bad input gets its error at its position. The
// particle evaluator: deterministic per (generation, attempt), closer data for closer values.
#include <catch2/catch.hpp>

#include <sstream>

#include "support/scratch_dir.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/particle_evaluator.hpp"

using namespace tumen;
using namespace tumen::calibration;
using tumen::testing::ScratchDir;
using tumen::testing::source_path;

namespace {

const std::string kScenarioFolder = "scenarios/tests/calibration/";

// A scratch folder with copies of the test scenario and `calibration` as calib.toml.
struct Setup {
  explicit Setup(const std::string& calibration, const std::string& observed = kObserved)
      : dir("calibration-loader") {
    for (const std::string name :
         {"two_place_years.toml", "two_place_years/places.csv", "two_place_years/routes.csv"}) {
      std::ifstream in(source_path(kScenarioFolder + name));
      std::stringstream text;
      text << in.rdbuf();
      dir.write(name, text.str());
    }
    dir.write("observed.csv", observed);
    path = dir.write("calib.toml", calibration);
  }
  static constexpr const char* kObserved =
      "year,total,male,female,source\n2001,700,,,a\n2002,720,210,510,b\n2003,,,,c\n"
      "2004,705,200,505,d\n";
  ScratchDir dir;
  std::filesystem::path path;
};

const std::string kValid = R"([calibration]
scenario = "two_place_years.toml"
particles = 20
seed = 3

[observed]
file = "observed.csv"
destinations = ["Safe"]

[[parameter]]
name = "departure.rate_per_day"
prior = "log_uniform"
low = 0.5
high = 10

[[parameter]]
name = "departure.female_share"
prior = "uniform"
low = 0.1
high = 0.9
)";

std::string errors_of(const std::string& calibration,
                      const std::string& observed = Setup::kObserved) {
  Setup setup(calibration, observed);
  Diagnostics diagnostics;
  const auto spec = load_calibration(setup.path, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  CHECK(!spec);
  // Positions name the file as given; drop the scratch folder for readable expectations.
  std::string all = text.str();
  const std::string folder = setup.dir.path().string() + "/";
  for (std::size_t at; (at = all.find(folder)) != std::string::npos;) all.erase(at, folder.size());
  return all;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("A valid calibration file loads", "[calibration]") {
  Setup setup(kValid);
  Diagnostics diagnostics;
  const auto spec = load_calibration(setup.path, diagnostics);
  std::ostringstream text;
  diagnostics.print(text);
  INFO(text.str());
  REQUIRE(spec);
  CHECK(spec->particles == 20);
  CHECK(spec->seed == 3);
  CHECK(spec->replicates == 1);
  REQUIRE(spec->parameters.size() == 2);
  CHECK(spec->parameters[0].prior.kind() == PriorKind::log_uniform);
  CHECK(spec->scenario_name == "two_place_years");
  CHECK(spec->scenario_hash.size() == 64);
  // 2003 has nothing observed; 2001 has no sex split: missing, not zero.
  REQUIRE(spec->observed.size() == 3);
  CHECK(spec->observed[0].year == 2001);
  CHECK(spec->observed[0].total == 700.0);
  CHECK(!spec->observed[0].female_share);
  CHECK(spec->observed[1].female_share == Approx(510.0 / 720.0));
  CHECK(spec->observed[2].year == 2004);
}

TEST_CASE("Bad calibration files get positioned errors", "[calibration]") {
  CHECK_THAT(errors_of(replace(kValid, "particles = 20", "particles = 1")),
             Catch::Contains("calib.toml:3:13: error: particles must be a whole number in [2, "));
  CHECK_THAT(errors_of(replace(kValid, "seed = 3", "seed = 3\nparticle = 4")),
             Catch::Contains("calib.toml:5:1: error: unknown key 'particle' in [calibration]; did "
                             "you mean 'particles'?"));
  CHECK_THAT(errors_of(replace(kValid, "departure.rate_per_day", "departure.rate_per_dya")),
             Catch::Contains("calib.toml:11:8: error: unknown parameter 'departure.rate_per_dya'; "
                             "did you mean 'departure.rate_per_day'?"));
  CHECK_THAT(errors_of(replace(kValid, "prior = \"uniform\"", "prior = \"uniform_log\"")),
             Catch::Contains("calib.toml:18:9: error: unknown prior 'uniform_log'"));
  CHECK_THAT(errors_of(replace(kValid, "high = 0.9", "high = 1.2")),
             Catch::Contains("calib.toml:18:9: error: the prior uniform(0.1, 1.2) reaches values "
                             "that departure.female_share cannot take"));
  CHECK_THAT(errors_of(replace(kValid, "prior = \"uniform\"\nlow = 0.1\nhigh = 0.9",
                               "prior = \"normal\"\nmean = 0.5\nsd = 0.1")),
             Catch::Contains("the prior normal(0.5, 0.1) reaches values that "
                             "departure.female_share cannot take"));
  CHECK_THAT(errors_of(replace(kValid, "low = 0.5\n", "")),
             Catch::Contains("calib.toml:12:9: error: a log_uniform prior needs 'low'"));
  CHECK_THAT(errors_of(replace(kValid, "low = 0.5", "low = 0.0")),
             Catch::Contains("calib.toml:12:9: error: a log-uniform prior needs finite 0 < low"));
  CHECK_THAT(errors_of(replace(kValid, "low = 0.1\nhigh = 0.9", "low = 0.1\nhigh = 0.9\nsd = 1")),
             Catch::Contains("calib.toml:21:6: error: a uniform prior takes no 'sd'"));
  CHECK_THAT(errors_of(kValid + "\n[[parameter]]\nname = \"departure.female_share\"\nprior = "
                                "\"uniform\"\nlow = 0.2\nhigh = 0.3\n"),
             Catch::Contains("calib.toml:23:8: error: parameter 'departure.female_share' is fitted "
                             "twice (first at line 17)"));
  CHECK_THAT(errors_of(replace(kValid, "[\"Safe\"]", "[\"Sfae\"]")),
             Catch::Contains("calib.toml:8:17: error: 'Sfae' is not a destination of the base "
                             "scenario; did you mean 'Safe'?"));
  CHECK_THAT(errors_of(replace(kValid, "[\"Safe\"]", "[\"Home\"]")),
             Catch::Contains("'Home' is not a destination of the base scenario"));
  CHECK_THAT(errors_of(replace(kValid, "two_place_years.toml", "nowhere.toml")),
             Catch::Contains("nowhere.toml: error: cannot open scenario: no such file"));
  CHECK_THAT(errors_of(replace(kValid, "observed.csv", "missing.csv")),
             Catch::Contains("missing.csv: error: cannot open the observed table: no such file"));
  CHECK_THAT(errors_of(replace(kValid, "[observed]\n", "")),
             Catch::Contains("missing required table [observed]"));
  CHECK_THAT(errors_of("[calibration\n"), Catch::Contains("calib.toml:1:"));
  CHECK_THAT(errors_of("parameter = 5\n" + kValid.substr(0, kValid.find("[[parameter]]"))),
             Catch::Contains("expected [[parameter]] tables"));
  // The observed table.
  CHECK_THAT(errors_of(kValid, "year,total,female\n2001,abc,\n"),
             Catch::Contains("observed.csv:2:6: error: total must be a number >= 0 or blank "
                             "(missing), found 'abc'"));
  CHECK_THAT(errors_of(kValid, "year,total,female\n2001,100,120\n"),
             Catch::Contains("observed.csv:2:10: error: female must be a number in [0, total]"));
  CHECK_THAT(errors_of(kValid, "year,total,female\n1990,100,50\n"),
             Catch::Contains("observed.csv:2:1: error: year 1990 lies outside the base "
                             "scenario's years 2001-2006"));
  CHECK_THAT(errors_of(kValid, "year,total,female\n2001,100,50\n2001,100,50\n"),
             Catch::Contains("observed.csv:3:1: error: year 2001 appears twice (first on line 2)"));
  CHECK_THAT(
      errors_of(kValid, "year,totl,female\n2001,100,50\n"),
      Catch::Contains("observed.csv:1:1: error: missing column 'total'; did you mean 'totl'?"));
  CHECK_THAT(errors_of(kValid, "year,total,female\n2003,,\n"),
             Catch::Contains("no observed value in the chosen years"));
}

TEST_CASE("The particle evaluator is deterministic and measures closeness", "[calibration]") {
  Setup setup(kValid);
  Diagnostics diagnostics;
  const auto spec = load_calibration(setup.path, diagnostics);
  REQUIRE(spec);
  const ParticleEvaluator evaluator(*spec);
  CHECK(evaluator.overrides(std::vector<double>{2.5, 0.1}) ==
        std::vector<std::string>{"departure.rate_per_day=2.5",
                                 "departure.female_share=0.10000000000000001"});
  // About 298 arrivals a year per unit of rate_per_day; the file observed about 710 and 70%.
  const std::vector<double> near = {2.4, 0.7}, far = {8.0, 0.3};
  const auto years = evaluator.simulate(near, 2, 17);
  REQUIRE(years.size() == 3);
  CHECK(years[0].total == Approx(2.4 * 365 * std::pow(0.98, 10)).epsilon(0.1));
  CHECK(years[0].female / years[0].total == Approx(0.7).margin(0.06));
  CHECK(evaluator.distance(near, 2, 17) == evaluator.distance(near, 2, 17));
  CHECK(evaluator.distance(near, 2, 17) != evaluator.distance(near, 2, 18));
  CHECK(evaluator.distance(near, 2, 17) < evaluator.distance(far, 2, 17));
}
