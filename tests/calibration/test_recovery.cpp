// Recovery: ABC-SMC finds known parameters again. For K parameter sets of the small synthetic
// scenario, 'observed' yearly arrivals by sex are simulated from the true values (with a seed of
// their own), then calibrated from wide priors. At least K - 1 of the 90% credible intervals must
// hold the true value, for each parameter, and every interval must be at most half as wide as the
// prior's 90% interval.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/scratch_dir.hpp"
#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/particle_evaluator.hpp"
#include "tumen/calibration/posterior_summary.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/model.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;
using namespace tumen::calibration;
using tumen::testing::ScratchDir;
using tumen::testing::source_path;

namespace {

struct Truth {
  double rate_per_day;
  double female_share;
  std::uint64_t observed_seed;
  std::uint64_t calibration_seed;
};

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Yearly arrivals at Safe by sex from one replicate of the scenario at the true values.
std::string observed_csv(const std::filesystem::path& scenario, const Truth& truth) {
  Diagnostics diagnostics;
  char rate[64], share[64];
  std::snprintf(rate, sizeof rate, "departure.rate_per_day=%.17g", truth.rate_per_day);
  std::snprintf(share, sizeof share, "departure.female_share=%.17g", truth.female_share);
  auto loaded = load_scenario(scenario, LoadOptions{{rate, share}}, diagnostics);
  REQUIRE(loaded);
  const Model model(std::move(*loaded), Period::year);
  Simulation simulation(model, truth.observed_seed, 0);
  simulation.run();
  const ReplicateResult result = simulation.take_result();
  const std::size_t destinations = model.network().destinations().size();
  REQUIRE(destinations == 1);
  std::string csv = "year,total,female\n";
  for (std::size_t t = 0; t < model.period_count(); ++t) {
    const int year =
        Date{model.scenario().start.days_since_epoch + model.period_start_days()[t]}.year();
    const std::int64_t female = result.arrivals[t * 2];
    const std::int64_t male = result.arrivals[t * 2 + 1];
    csv += std::to_string(year) + "," + std::to_string(female + male) + "," +
           std::to_string(female) + "\n";
  }
  return csv;
}

constexpr double kRateLow = 0.5, kRateHigh = 8.0;
constexpr double kShareLow = 0.1, kShareHigh = 0.9;

std::string calibration_toml(std::uint64_t seed) {
  char text[1024];
  std::snprintf(text, sizeof text, R"([calibration]
scenario = "two_place_years.toml"
particles = 100
seed = %llu

[observed]
file = "observed.csv"
destinations = ["Safe"]

[stop]
max_generations = 7
min_acceptance_rate = 0.05

[[parameter]]
name = "departure.rate_per_day"
prior = "uniform"
low = %g
high = %g

[[parameter]]
name = "departure.female_share"
prior = "uniform"
low = %g
high = %g
)",
                static_cast<unsigned long long>(seed), kRateLow, kRateHigh, kShareLow, kShareHigh);
  return text;
}

}  // namespace

TEST_CASE("ABC-SMC recovers known parameters of a synthetic scenario", "[calibration][recovery]") {
  const std::vector<Truth> truths = {
      {2.5, 0.70, 101, 1}, {1.2, 0.35, 202, 2}, {5.5, 0.55, 303, 3}, {3.6, 0.80, 404, 4}};
  const std::vector<double> prior_widths = {0.9 * (kRateHigh - kRateLow),
                                            0.9 * (kShareHigh - kShareLow)};
  const std::vector<double> true_values[2] = {{2.5, 1.2, 5.5, 3.6}, {0.70, 0.35, 0.55, 0.80}};
  std::size_t covered[2] = {0, 0};
  const int threads = std::max(1, std::min(available_cpus(), 4));

  for (std::size_t set = 0; set < truths.size(); ++set) {
    const Truth& truth = truths[set];
    const auto started = std::chrono::steady_clock::now();
    ScratchDir dir("recovery");
    for (const std::string name :
         {"two_place_years.toml", "two_place_years/places.csv", "two_place_years/routes.csv"}) {
      dir.write(name, read(source_path("scenarios/tests/calibration/" + name)));
    }
    dir.write("observed.csv", observed_csv(dir.path() / "two_place_years.toml", truth));
    const auto path = dir.write("calib.toml", calibration_toml(truth.calibration_seed));
    Diagnostics diagnostics;
    const auto spec = load_calibration(path, diagnostics);
    REQUIRE(spec);
    const ParticleEvaluator evaluator(*spec);
    std::vector<Prior> priors;
    for (const auto& parameter : spec->parameters) priors.push_back(parameter.prior);
    AbcSmcSettings settings;
    settings.particles = spec->particles;
    settings.seed = spec->seed;
    settings.stop = spec->stop;
    settings.threads = threads;
    std::optional<Generation> last;
    std::uint64_t attempts = 0;
    const auto outcome = run_abc_smc(
        priors, settings,
        [&](std::span<const double> particle, std::uint64_t g, std::uint64_t a) {
          return evaluator.distance(particle, g, a);
        },
        std::nullopt,
        [&](const Generation& g) {
          attempts += g.attempts;
          last = g;
        });
    REQUIRE(last);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::size_t k = 0; k < 2; ++k) {
      const double low = weighted_quantile(last->population, k, 0.05);
      const double high = weighted_quantile(last->population, k, 0.95);
      const double value = true_values[k][set];
      std::printf(
          "set %zu %-24s true %.3f  90%% interval [%.3f, %.3f] width %.3f (prior %.3f)  "
          "mean %.3f\n",
          set, spec->parameters[k].name.c_str(), value, low, high, high - low, prior_widths[k],
          weighted_mean(last->population, k));
      if (low <= value && value <= high) ++covered[k];
      CHECK(high - low <= 0.5 * prior_widths[k]);
    }
    std::printf("set %zu: %llu generations (%s), %llu simulations, %.1f s on %d threads\n", set,
                static_cast<unsigned long long>(outcome.generations), name_of(outcome.reason),
                static_cast<unsigned long long>(attempts), seconds, threads);
  }
  CHECK(covered[0] + 1 >= truths.size());
  CHECK(covered[1] + 1 >= truths.size());
}
