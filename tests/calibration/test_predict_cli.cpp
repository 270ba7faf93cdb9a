// `tumen predict` end to end: a real calibration of scenarios/tests/calibration, its posterior
// predictive written by the real command and read back; 1 and 2 threads compared; an interrupted
// and a killed run resumed and compared with an uninterrupted one; replicate i checked against
// `tumen run` with draw i's values; /predictive checked against the file's own replicates; every
// kind of bad input refused with its exit code.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "integration/process.hpp"
#include "support/command.hpp"
#include "support/scratch_dir.hpp"
#include "tumen/output/calibration_reader.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/predictive_writer.hpp"

using namespace tumen;
using namespace tumen::testing;

namespace {

// A scratch folder holding a copy of scenarios/tests/calibration and a small calibration of it,
// made once for the whole test program.
struct Folder {
  Folder() : dir("predict-cli") {
    std::filesystem::copy(source_path("scenarios/tests/calibration"), dir.path(),
                          std::filesystem::copy_options::recursive);
    // The example calibration cut to 20 particles and 2 generations: a posterior with unequal
    // weights, at a quarter of the cost (the sanitizer build runs this too).
    std::ofstream(dir.path() / "small.toml") << R"([calibration]
scenario = "two_place_years.toml"
particles = 20
seed = 2024
[observed]
file = "observed.csv"
destinations = ["Safe"]
[stop]
max_generations = 2
[[parameter]]
name = "departure.rate_per_day"
prior = "uniform"
low = 0.5
high = 8.0
[[parameter]]
name = "departure.female_share"
prior = "truncated_normal"
mean = 0.5
sd = 0.25
low = 0.0
high = 1.0
)";
    const CommandResult calibrated = tumen("calibrate small.toml -o calib.h5 -t 2 -q");
    if (calibrated.exit_code != 0) throw std::runtime_error("calibrate failed: " + calibrated.err);
  }
  [[nodiscard]] CommandResult tumen(const std::string& arguments) const {
    return run_command(std::string(TUMEN_EXE) + " " + arguments, dir.path());
  }
  [[nodiscard]] std::filesystem::path at(const std::string& name) const {
    return dir.path() / name;
  }
  ScratchDir dir;
};

const Folder& folder() {
  static const Folder shared;
  return shared;
}

void require_same_file(const std::string& a, const std::string& b) {
  const CommandResult diff =
      run_command("h5diff --exclude-path /provenance " + a + " " + b, folder().dir.path());
  INFO(diff.out << diff.err);
  REQUIRE(diff.exit_code == 0);
}

std::string with_17_digits(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// numpy.quantile(values, p) (method "linear"), written out here rather than taken from the code
// under test.
double numpy_quantile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double position = p * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace

TEST_CASE("tumen predict: the same file on 1 and 2 threads, replicate i = tumen run with draw i",
          "[calibration][cli][predict]") {
  const Folder& f = folder();
  const CommandResult one = f.tumen("predict calib.h5 -o one.h5 -r 24 -t 1");
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.out, Catch::Contains("posterior predictive of 24 draws, 2006"));
  CHECK_THAT(one.out, Catch::Contains("arrivals_observed_destinations"));
  CHECK(!std::filesystem::exists(f.at("one.h5.partial")));
  const CommandResult two = f.tumen("predict calib.h5 -o two.h5 -r 24 -t 2 -q");
  REQUIRE(two.exit_code == 0);
  CHECK(two.out.empty());
  require_same_file("one.h5", "two.h5");

  // A different seed gives other draws.
  REQUIRE(f.tumen("predict calib.h5 -o other.h5 -r 24 -t 2 -q --seed 9").exit_code == 0);
  CHECK(run_command("h5diff --exclude-path /provenance one.h5 other.h5", f.dir.path()).exit_code ==
        1);

  const output::H5Reader file(f.at("one.h5"));
  CHECK(file.string_attribute("period") == "year");
  CHECK(file.uint64_attribute("seed") == 2024);  // the calibration's
  CHECK(file.uint64_attribute("replicate_total") == 24);
  const auto calibration = output::read_calibration_file(f.at("calib.h5"));
  const auto& posterior = calibration.generations.back().population;
  CHECK(file.uint64_attribute("/predictive", "posterior_generation") ==
        calibration.generations.back().index);
  CHECK(file.string_attribute("/predictive", "calibration_scenario_hash") ==
        calibration.identity.scenario_hash);

  // /parameters: each replicate's values are exactly those of the particle it names.
  const auto particles = file.int64_dataset("/parameters/particle").values;
  const auto rates = file.float64_dataset("/parameters/departure.rate_per_day");
  const auto shares = file.float64_dataset("/parameters/departure.female_share");
  REQUIRE(particles.size() == 24);
  for (std::size_t i = 0; i < 24; ++i) {
    const auto particle = posterior.particle(static_cast<std::size_t>(particles[i]));
    CHECK(rates[i] == particle[0]);
    CHECK(shares[i] == particle[1]);
  }

  // Replicate i is replicate i of `tumen run` with draw i's values as --set overrides.
  for (const std::size_t i : {std::size_t{0}, std::size_t{17}}) {
    const std::string name = "run" + std::to_string(i) + ".h5";
    const CommandResult run =
        f.tumen("run two_place_years.toml -o " + name + " --seed 2024 -r 24 --replicate-range " +
                std::to_string(i) + ":" + std::to_string(i + 1) + " --period year -q --force" +
                " --set departure.rate_per_day=" + with_17_digits(rates[i]) +
                " --set departure.female_share=" + with_17_digits(shares[i]));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const output::H5Reader single(f.at(name));
    for (const char* dataset : {"/events", "/location_events", "/arrivals", "/stocks"}) {
      CHECK(file.int64_replicate(dataset, i).values == single.int64_replicate(dataset, 0).values);
    }
  }
}

TEST_CASE("tumen predict: /predictive holds the quantiles of the file's own replicates",
          "[calibration][cli][predict]") {
  const Folder& f = folder();
  REQUIRE(f.tumen("predict calib.h5 -o q.h5 -r 41 -t 2 -q").exit_code == 0);
  const output::H5Reader file(f.at("q.h5"));
  const auto years = file.int64_dataset("/predictive/year").values;
  CHECK(years == std::vector<std::int64_t>{2001, 2002, 2003, 2004, 2005, 2006});
  CHECK(file.float64_dataset("/predictive/quantile") ==
        std::vector<double>{0.05, 0.25, 0.5, 0.75, 0.95});
  const auto events = file.strings("/event");
  const auto departed = static_cast<std::size_t>(
      std::find(events.begin(), events.end(), "departed") - events.begin());
  const auto arrivals = file.float64_dataset("/predictive/arrivals_observed_destinations");
  const auto departures = file.float64_dataset("/predictive/departures");
  const auto female_share = file.float64_dataset("/predictive/female_share_observed_destinations");
  for (std::size_t t = 0; t < years.size(); ++t) {
    std::vector<double> arrived(41), left(41), share(41);
    for (std::size_t r = 0; r < 41; ++r) {
      const auto a = file.int64_replicate("/arrivals", r);  // [time][destination][sex]
      const auto e = file.int64_replicate("/events", r);    // [time][event][sex]
      arrived[r] = static_cast<double>(a.at({t, 0, 0}) + a.at({t, 0, 1}));
      share[r] = static_cast<double>(a.at({t, 0, 0})) / arrived[r];
      left[r] = static_cast<double>(e.at({t, departed, 0}) + e.at({t, departed, 1}));
    }
    for (std::size_t q = 0; q < 5; ++q) {
      const double p = output::predictive_quantile_levels[q];
      CHECK(arrivals[t * 5 + q] == Approx(numpy_quantile(arrived, p)).epsilon(1e-12));
      CHECK(departures[t * 5 + q] == Approx(numpy_quantile(left, p)).epsilon(1e-12));
      CHECK(female_share[t * 5 + q] == Approx(numpy_quantile(share, p)).epsilon(1e-12));
    }
  }
  // The observed series of observed.csv: 2004 is blank (missing), 2001 has no sex split.
  const auto observed = file.float64_dataset("/predictive/observed_arrivals");
  const auto observed_share = file.float64_dataset("/predictive/observed_female_share");
  CHECK(observed[0] == 706);
  CHECK(std::isnan(observed[3]));
  CHECK(std::isnan(observed_share[0]));
  CHECK(observed_share[1] == Approx(506.0 / 725.0));
  // Nothing is arrested abroad in this scenario (one route, home to destination).
  for (const double value : file.float64_dataset("/predictive/arrests_in_china")) CHECK(value == 0);
}

// Enough draws that a stop a few replicates in comes well before the end, in either build (a
// replicate takes some 7 ms in the release build, some 150 ms under the sanitizers).
#ifdef NDEBUG
constexpr int kResumeDraws = 300;
#else
constexpr int kResumeDraws = 40;
#endif

TEST_CASE("An interrupted or killed tumen predict resumes to the same file",
          "[calibration][cli][predict]") {
  const Folder& f = folder();
  const std::string draws = std::to_string(kResumeDraws);
  // Made once, for both sections.
  if (!std::filesystem::exists(f.at("whole.h5"))) {
    REQUIRE(f.tumen("predict calib.h5 -o whole.h5 -q -t 2 -r " + draws).exit_code == 0);
  }
  for (const int signal : {SIGINT, SIGKILL}) {
    DYNAMIC_SECTION("signal " << signal) {
      std::filesystem::remove(f.at("cut.h5.partial"));
      std::filesystem::remove(f.at("cut.h5"));
      ChildProcess child({TUMEN_EXE, "predict", "calib.h5", "-o", "cut.h5", "-r", draws, "-t", "1"},
                         f.dir.path(), "cut");
      REQUIRE(child.started());
      // The .partial appears with its structure; it grows when the first replicate is written.
      // Stop the run after about three more replicates' time.
      const auto partial = f.at("cut.h5.partial");
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (!std::filesystem::exists(partial) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      REQUIRE(std::filesystem::exists(partial));
      const auto created = std::chrono::steady_clock::now();
      const auto empty_size = std::filesystem::file_size(partial);
      while (std::filesystem::file_size(partial) == empty_size &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      const auto first = std::chrono::steady_clock::now() - created;
      std::this_thread::sleep_for(
          std::max<std::chrono::steady_clock::duration>(3 * first, std::chrono::milliseconds(20)));
      child.signal(signal);
      const auto code = child.wait_for(std::chrono::seconds(120));
      INFO(child.err());
      REQUIRE(code);
      CHECK(*code == (signal == SIGINT ? 130 : 128 + SIGKILL));
      REQUIRE(std::filesystem::exists(partial));
      REQUIRE(!std::filesystem::exists(f.at("cut.h5")));
      const CommandResult resumed =
          f.tumen("predict calib.h5 -o cut.h5 -t 2 --resume -q -r " + draws);
      INFO(resumed.err);
      REQUIRE(resumed.exit_code == 0);
      std::smatch kept;
      REQUIRE(std::regex_search(resumed.err, kept,
                                std::regex("resuming cut.h5.partial: ([0-9]+) of " + draws)));
      const int done_before = std::stoi(kept[1]);
      CHECK(done_before > 0);
      CHECK(done_before < kResumeDraws);
      require_same_file("whole.h5", "cut.h5");
      // Resuming a finished file of the same run does nothing.
      const CommandResult again = f.tumen("predict calib.h5 -o cut.h5 --resume -q -r " + draws);
      CHECK(again.exit_code == 0);
      CHECK_THAT(again.err, Catch::Contains("already complete"));
    }
  }
}

TEST_CASE("tumen predict refuses bad input with the contract's exit codes",
          "[calibration][cli][predict]") {
  const Folder& f = folder();
  auto expect = [&](const std::string& arguments, int code, const std::string& message) {
    const CommandResult result = f.tumen(arguments);
    INFO(arguments << "\n" << result.err);
    CHECK(result.exit_code == code);
    CHECK_THAT(result.err, Catch::Contains(message));
  };
  expect("predict missing.h5 -o x.h5", 1, "missing.h5: error: no such file");
  expect("predict observed.csv -o x.h5", 1, "observed.csv: error: not an HDF5 file");
  REQUIRE(f.tumen("run two_place_years.toml -o plain.h5 -q --force").exit_code == 0);
  expect("predict plain.h5 -o x.h5", 1, "plain.h5: error: not a tumen calibration file");
  expect("predict calib.h5 -o x.h5 -r 0", 2, "");
  expect("predict calib.h5 -o x.h5 -r -3", 2, "");
  expect("predict calib.h5 -o x.h5 -r many", 2, "");
  expect("predict calib.h5", 2, "--output is required");
  expect("predict calib.h5 -o x.h5 --force --resume", 2, "excludes");
  expect("predict calib.h5 -o nowhere/x.h5", 1, "does not exist");

  // An existing output is kept without --force.
  REQUIRE(f.tumen("predict calib.h5 -o exists.h5 -r 3 -q").exit_code == 0);
  expect("predict calib.h5 -o exists.h5 -r 3", 1,
         "exists.h5: error: the output file exists; use --force");
  CHECK(f.tumen("predict calib.h5 -o exists.h5 -r 3 -q --force").exit_code == 0);
  // --resume onto a complete file of another run (another -r).
  expect("predict calib.h5 -o exists.h5 -r 4 --resume", 1, "replicate_total");

  // An unfinished calibration: its .partial, or a path where only the .partial is.
  std::filesystem::copy_file(f.at("calib.h5"), f.at("unfinished.h5.partial"),
                             std::filesystem::copy_options::overwrite_existing);
  expect("predict unfinished.h5.partial -o x.h5", 1, "the working file of an unfinished");
  expect("predict unfinished.h5 -o x.h5", 1, "the calibration is unfinished: only");

  // A calibration that stopped without any complete generation.
  // Generation 0 accepts nothing within its tolerance and is abandoned after 8 attempts.
  std::ofstream(f.at("hopeless.toml")) << R"([calibration]
scenario = "two_place_years.toml"
particles = 4
initial_tolerance = 1e-12
[observed]
file = "observed.csv"
destinations = ["Safe"]
[stop]
min_acceptance_rate = 0.5
[[parameter]]
name = "departure.rate_per_day"
prior = "uniform"
low = 0.5
high = 8.0
)";
  CHECK(f.tumen("calibrate hopeless.toml -o hopeless.h5 -q --force").exit_code == 1);
  expect("predict hopeless.h5 -o x.h5", 1, "hopeless.h5: error: the calibration has no complete");

  // The CALIB.toml: another one named with --calibration, or a missing one.
  expect("predict calib.h5 -o x.h5 --calibration hopeless.toml", 1,
         "hopeless.toml: error: this is not the calibration file calib.h5 was made from");
  expect("predict calib.h5 -o x.h5 --calibration gone.toml", 1, "gone.toml: error:");
  CHECK(!std::filesystem::exists(f.at("x.h5")));
  CHECK(!std::filesystem::exists(f.at("x.h5.partial")));
}

TEST_CASE("tumen predict refuses a base scenario changed since the calibration",
          "[calibration][cli][predict]") {
  ScratchDir dir("predict-changed");
  std::filesystem::copy(source_path("scenarios/tests/calibration"), dir.path(),
                        std::filesystem::copy_options::recursive);
  const auto tumen = [&](const std::string& arguments) {
    return run_command(std::string(TUMEN_EXE) + " " + arguments, dir.path());
  };
  REQUIRE(std::filesystem::exists(folder().at("calib.h5")));
  std::filesystem::copy_file(folder().at("calib.h5"), dir.path() / "calib.h5");
  // Without its CALIB.toml (the one on calibrate's command line) beside it:
  const CommandResult lost = tumen("predict calib.h5 -o x.h5 -r 3");
  CHECK(lost.exit_code == 1);
  CHECK_THAT(lost.err, Catch::Contains("small.toml: error: calib.h5 was made from this calibration "
                                       "file (on its command line), but it is not there"));
  std::filesystem::copy_file(folder().at("small.toml"), dir.path() / "small.toml");
  REQUIRE(tumen("predict calib.h5 -o before.h5 -r 3 -q").exit_code == 0);
  std::ofstream(dir.path() / "two_place_years.toml", std::ios::app) << "\n# edited\n";
  const CommandResult result = tumen("predict calib.h5 -o x.h5 -r 3");
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("two_place_years.toml: error: the base scenario changed "
                                         "since the calibration"));
}

TEST_CASE("tumen predict --scenario runs a policy variant with the base's draws",
          "[calibration][cli][predict]") {
  const Folder& f = folder();
  const std::string variant = " --scenario two_place_years_fences.toml";
  REQUIRE(f.tumen("predict calib.h5 -o paired-base.h5 -r 12 -t 2 -q --force").exit_code == 0);
  const CommandResult ran =
      f.tumen("predict calib.h5 -o paired-variant.h5 -r 12 -t 2 --force" + variant);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK_THAT(ran.out, Catch::Contains("posterior predictive of 12 draws on the variant "
                                      "two_place_years_fences, 2006"));

  const output::H5Reader base(f.at("paired-base.h5"));
  const output::H5Reader file(f.at("paired-variant.h5"));
  // The file says what ran: the variant's scenario, as a variant of the calibrated base.
  const auto calibration = output::read_calibration_file(f.at("calib.h5"));
  CHECK(file.string_attribute("scenario_name") == "two_place_years_fences");
  CHECK(base.string_attribute("/predictive", "scenario_kind") == "base");
  CHECK(file.string_attribute("/predictive", "scenario_kind") == "variant");
  CHECK(file.string_attribute("/predictive", "calibration_scenario_hash") ==
        calibration.identity.scenario_hash);
  const CommandResult validated = f.tumen("validate two_place_years_fences.toml");
  REQUIRE(validated.exit_code == 0);
  CHECK_THAT(validated.out,
             Catch::Contains(file.string_attribute("/predictive", "variant_scenario_hash")));
  CHECK(file.string_attribute("scenario_hash") != base.string_attribute("scenario_hash"));
  CHECK(file.uint64_attribute("seed") == base.uint64_attribute("seed"));

  // The same draws as the base's predictive file, so replicate i of each is a paired comparison.
  CHECK(file.int64_dataset("/parameters/particle").values ==
        base.int64_dataset("/parameters/particle").values);
  const auto rates = file.float64_dataset("/parameters/departure.rate_per_day");
  const auto shares = file.float64_dataset("/parameters/departure.female_share");
  CHECK(rates == base.float64_dataset("/parameters/departure.rate_per_day"));
  CHECK(shares == base.float64_dataset("/parameters/departure.female_share"));
  // The tighter border from 2004 changes what happens.
  CHECK(file.float64_dataset("/predictive/caught_at_border") !=
        base.float64_dataset("/predictive/caught_at_border"));

  // Replicate i is replicate i of `tumen run VARIANT` with draw i's values as --set overrides.
  for (const std::size_t i : {std::size_t{0}, std::size_t{9}}) {
    const std::string name = "variant-run" + std::to_string(i) + ".h5";
    const CommandResult run = f.tumen("run two_place_years_fences.toml -o " + name +
                                      " --seed 2024 -r 12 --replicate-range " + std::to_string(i) +
                                      ":" + std::to_string(i + 1) + " --period year -q --force" +
                                      " --set departure.rate_per_day=" + with_17_digits(rates[i]) +
                                      " --set departure.female_share=" + with_17_digits(shares[i]));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const output::H5Reader single(f.at(name));
    for (const char* dataset : {"/events", "/location_events", "/arrivals", "/stocks"}) {
      CHECK(file.int64_replicate(dataset, i).values == single.int64_replicate(dataset, 0).values);
    }
  }

  SECTION("--resume tells the base and the variant apart") {
    // A complete file of the other scenario.
    const CommandResult as_variant =
        f.tumen("predict calib.h5 -o paired-base.h5 -r 12 -q --resume" + variant);
    CHECK(as_variant.exit_code == 1);
    CHECK_THAT(as_variant.err, Catch::Contains("paired-base.h5: error: cannot resume") &&
                                   Catch::Contains("scenario_hash"));
    const CommandResult as_base =
        f.tumen("predict calib.h5 -o paired-variant.h5 -r 12 -q --resume");
    CHECK(as_base.exit_code == 1);
    CHECK_THAT(as_base.err, Catch::Contains("scenario_hash"));
    // A .partial of the other scenario.
    std::filesystem::copy_file(f.at("paired-base.h5"), f.at("left.h5.partial"),
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(f.at("left.h5"));
    const CommandResult partial =
        f.tumen("predict calib.h5 -o left.h5 -r 12 -q --resume" + variant);
    CHECK(partial.exit_code == 1);
    CHECK_THAT(partial.err, Catch::Contains("left.h5.partial: error: cannot resume") &&
                                Catch::Contains("scenario_hash"));
    CHECK(!std::filesystem::exists(f.at("left.h5")));
    // The same variant's own file resumes (here: is already complete).
    const CommandResult same =
        f.tumen("predict calib.h5 -o paired-variant.h5 -r 12 -q --resume" + variant);
    CHECK(same.exit_code == 0);
    CHECK_THAT(same.err, Catch::Contains("already complete"));
  }

  SECTION("a variant that does not leave every fitted parameter to the draws is refused") {
    const CommandResult fixed =
        f.tumen("predict calib.h5 -o refused.h5 -r 12 --scenario two_place_years_fixed_rate.toml");
    CHECK(fixed.exit_code == 1);
    CHECK_THAT(fixed.err,
               Catch::Contains("two_place_years_fixed_rate.toml:9:1: error: this timeline entry "
                               "sets the fitted parameter 'departure.rate_per_day'"));
    const CommandResult missing =
        f.tumen("predict calib.h5 -o refused.h5 -r 12 --scenario gone.toml");
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Catch::Contains("gone.toml"));
    CHECK(!std::filesystem::exists(f.at("refused.h5")));
    CHECK(!std::filesystem::exists(f.at("refused.h5.partial")));
  }
}
