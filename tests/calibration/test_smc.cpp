// The parts of ABC-SMC: the kernel, the importance weights, the tolerance schedule and the
// stopping rules, and the driver's determinism (threads, batches, resume) on a distance that
// needs no simulation.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/importance_weights.hpp"
#include "tumen/calibration/kernel.hpp"
#include "tumen/calibration/posterior_summary.hpp"
#include "tumen/calibration/proposal_stream.hpp"
#include "tumen/calibration/tolerance_schedule.hpp"
#include "tumen/distributions.hpp"

using namespace tumen;
using namespace tumen::calibration;

TEST_CASE("Cholesky factor of a known matrix", "[calibration]") {
  // [[4, 2], [2, 10]] = L L^T with L = [[2, 0], [1, 3]].
  const auto factor = cholesky_factor(2, {4, 2, 2, 10});
  REQUIRE(factor.size() == 4);
  CHECK(factor[0] == 2.0);
  CHECK(factor[1] == 0.0);
  CHECK(factor[2] == 1.0);
  CHECK(factor[3] == 3.0);
  CHECK(cholesky_factor(2, {1, 1, 1, 1}).empty());  // singular
  CHECK(cholesky_factor(2, {1, 2, 2, 1}).empty());  // indefinite
}

TEST_CASE("The kernel's density is the multivariate normal's", "[calibration]") {
  const Kernel kernel(2, {4, 2, 2, 10});
  // Precision matrix of [[4,2],[2,10]]: 1/36 [[10,-2],[-2,4]]; determinant 36.
  const std::vector<double> x = {1.5, -0.5}, centre = {0.5, 1.0};
  const double dx = x[0] - centre[0], dy = x[1] - centre[1];
  const double quadratic = (10 * dx * dx - 4 * dx * dy + 4 * dy * dy) / 36.0;
  const double expected = -std::log(2 * std::numbers::pi) - 0.5 * std::log(36.0) - quadratic / 2;
  CHECK(kernel.log_density(x, centre) == Approx(expected).epsilon(1e-12));
}

TEST_CASE("The kernel's perturbations have its covariance", "[calibration]") {
  const Kernel kernel(2, {4, 2, 2, 10});
  const std::vector<double> centre = {1.0, -2.0};
  const int n = 50000;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  std::vector<double> out(2);
  for (int i = 0; i < n; ++i) {
    auto draws = proposal_draws(3, 1, static_cast<std::uint64_t>(i));
    kernel.perturb(centre, draws, out);
    sx += out[0];
    sy += out[1];
    sxx += out[0] * out[0];
    syy += out[1] * out[1];
    sxy += out[0] * out[1];
  }
  const double mx = sx / n, my = sy / n;
  CHECK(mx == Approx(1.0).margin(0.045));  // standard error 2 / sqrt(n) = 0.009
  CHECK(my == Approx(-2.0).margin(0.07));  // 0.014
  CHECK(sxx / n - mx * mx == Approx(4.0).epsilon(0.04));
  CHECK(syy / n - my * my == Approx(10.0).epsilon(0.04));
  CHECK(sxy / n - mx * my == Approx(2.0).margin(0.15));
}

TEST_CASE("The kernel is twice the weighted covariance, with a fallback", "[calibration]") {
  Population population;
  population.dimensions = 2;
  population.particles = {0, 0, 2, 2, 4, 0};
  population.weights = {0.25, 0.5, 0.25};
  population.distances = {0, 0, 0};
  // mean (2, 1); covariance x: 0.25*4 + 0 + 0.25*4 = 2; y: 0.25 + 0.5 + 0.25 = 1; xy: 0.
  const auto covariance = weighted_covariance(population);
  CHECK(covariance[0] == Approx(2.0));
  CHECK(covariance[3] == Approx(1.0));
  CHECK(covariance[1] == Approx(0.0).margin(1e-15));
  const Kernel kernel = Kernel::from_population(population);
  CHECK(kernel.cholesky()[0] == Approx(2.0));             // sqrt(2 * 2)
  CHECK(kernel.cholesky()[3] == Approx(std::sqrt(2.0)));  // sqrt(2 * 1)

  // A parameter that no longer varies: the diagonal, with a small floor, keeps the kernel proper.
  population.particles = {0, 5, 2, 5, 4, 5};
  const Kernel degenerate = Kernel::from_population(population);
  CHECK(degenerate.cholesky()[0] == Approx(2.0));
  CHECK(degenerate.cholesky()[3] > 0.0);
  CHECK(degenerate.cholesky()[3] < 1e-6);
  CHECK(
      std::isfinite(degenerate.log_density(std::vector<double>{1, 5}, std::vector<double>{0, 5})));
}

TEST_CASE("Importance weights are prior over the kernel mixture, normalised", "[calibration]") {
  const std::vector<Prior> priors = {Prior::normal(0.0, 1.0)};
  Population previous;
  previous.dimensions = 1;
  previous.particles = {-1.0, 0.5};
  previous.weights = {0.3, 0.7};
  previous.distances = {0, 0};
  const Kernel kernel(1, {0.25});
  const std::vector<double> particles = {0.0, 1.0, -2.0};
  const auto weights = importance_weights(priors, particles, previous, kernel);
  auto normal = [](double x, double m, double sd) {
    return std::exp(-0.5 * (x - m) * (x - m) / (sd * sd)) / (sd * std::sqrt(2 * std::numbers::pi));
  };
  std::vector<double> expected;
  double sum = 0;
  for (const double x : particles) {
    const double w = normal(x, 0, 1) / (0.3 * normal(x, -1.0, 0.5) + 0.7 * normal(x, 0.5, 0.5));
    expected.push_back(w);
    sum += w;
  }
  REQUIRE(weights.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(weights[i] == Approx(expected[i] / sum).epsilon(1e-12));

  // A particle outside the prior's support gets weight 0.
  const std::vector<Prior> bounded = {Prior::uniform(-1.5, 1.5)};
  const auto outside = importance_weights(bounded, particles, previous, kernel);
  CHECK(outside[2] == 0.0);
  CHECK(outside[0] + outside[1] == Approx(1.0));
  // Far-off particles whose kernel densities underflow still get finite, normalised weights.
  const std::vector<double> far = {40.0, 41.0};
  const auto far_weights =
      importance_weights(std::vector<Prior>{Prior::uniform(-100, 100)}, far, previous, kernel);
  CHECK(far_weights[0] + far_weights[1] == Approx(1.0));
  CHECK(far_weights[1] > far_weights[0]);
}

TEST_CASE("Effective sample size", "[calibration]") {
  CHECK(effective_sample_size(std::vector<double>(50, 0.02)) == Approx(50.0));
  CHECK(effective_sample_size(std::vector<double>{1.0, 0.0, 0.0}) == Approx(1.0));
}

TEST_CASE("The tolerance schedule takes the alpha-quantile, not below the target",
          "[calibration]") {
  const std::vector<double> distances = {5, 1, 4, 2, 3};
  CHECK(next_tolerance(distances, 0.5, 0.0) == 3.0);
  CHECK(next_tolerance(distances, 0.25, 0.0) == 2.0);
  CHECK(next_tolerance(distances, 0.1, 0.0) == Approx(1.4));
  CHECK(next_tolerance(distances, 0.5, 3.5) == 3.5);
  CHECK(attempt_limit(100, 0.01) == 10000);
  CHECK(attempt_limit(100, 0.03) == 3334);
  CHECK(attempt_limit(100, 0.0) == kMaxAttempts);
}

namespace {

// A toy model without simulation: y = theta + noise, noise from the attempt's replicate stream,
// observed y = 3. The distance is |y - 3|.
double toy_distance(std::span<const double> particle, std::uint64_t generation,
                    std::uint64_t attempt) {
  rng::Draws draws(replicate_key(11, generation, attempt, 0), 0, 0, rng::Purpose::movement);
  const double noise = (dist::uniform(draws) - 0.5) * 0.2;
  double d = 0;
  for (const double x : particle) d += std::abs(x + noise - 3.0);
  return d;
}

std::vector<Generation> run_toy(int threads, const std::optional<Generation>& from = std::nullopt,
                                std::uint64_t stop_after = 1000) {
  const std::vector<Prior> priors = {Prior::uniform(0.0, 10.0), Prior::normal(3.0, 2.0)};
  AbcSmcSettings settings;
  settings.particles = 60;
  settings.seed = 99;
  settings.threads = threads;
  settings.stop.max_generations = 6;
  std::vector<Generation> generations;
  std::atomic<bool> stop{false};
  (void)run_abc_smc(
      priors, settings, toy_distance, from,
      [&](const Generation& g) {
        generations.push_back(g);
        if (generations.size() >= stop_after) stop = true;
      },
      &stop);
  return generations;
}

void require_identical(const Generation& a, const Generation& b) {
  REQUIRE(a.index == b.index);
  CHECK(a.tolerance == b.tolerance);
  CHECK(a.attempts == b.attempts);
  CHECK(a.ess == b.ess);
  CHECK(a.population.particles == b.population.particles);
  CHECK(a.population.weights == b.population.weights);
  CHECK(a.population.distances == b.population.distances);
}

}  // namespace

TEST_CASE("ABC-SMC is the same on 1 and 2 threads and after a resume", "[calibration]") {
  const auto serial = run_toy(1);
  const auto parallel = run_toy(2);
  REQUIRE(serial.size() == 6);
  REQUIRE(parallel.size() == serial.size());
  for (std::size_t g = 0; g < serial.size(); ++g) require_identical(serial[g], parallel[g]);

  // Interrupted after two generations, then resumed from the last complete one.
  const auto first = run_toy(2, std::nullopt, 2);
  REQUIRE(first.size() == 2);
  const auto rest = run_toy(1, first.back());
  REQUIRE(rest.size() == 4);
  for (std::size_t g = 0; g < rest.size(); ++g) require_identical(rest[g], serial[g + 2]);

  // Every generation: N particles within its tolerance, a falling tolerance, the ESS and the
  // acceptance rate as defined; the posterior concentrates near theta = 3.
  for (std::size_t g = 0; g < serial.size(); ++g) {
    const Generation& generation = serial[g];
    CHECK(generation.population.size() == 60);
    for (const double d : generation.population.distances) CHECK(d <= generation.tolerance);
    if (g > 0) CHECK(generation.tolerance < serial[g - 1].tolerance);
    CHECK(generation.acceptance_rate == 60.0 / static_cast<double>(generation.attempts));
    CHECK(generation.ess == Approx(effective_sample_size(generation.population.weights)));
  }
  CHECK(serial[0].attempts == 60);  // generation 0 accepts every prior draw
  CHECK(std::isinf(serial[0].tolerance));
  const Population& last = serial.back().population;
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(weighted_quantile(last, k, 0.05) < 3.0);
    CHECK(weighted_quantile(last, k, 0.95) > 3.0);
    CHECK(weighted_quantile(last, k, 0.95) - weighted_quantile(last, k, 0.05) < 1.5);
  }
}

TEST_CASE("A generation is the first N accepted attempts", "[calibration]") {
  // Recompute generation 1 by hand from generation 0: propose every attempt in order and keep
  // the first N within the tolerance.
  const auto generations = run_toy(1, std::nullopt, 2);
  REQUIRE(generations.size() == 2);
  const std::vector<Prior> priors = {Prior::uniform(0.0, 10.0), Prior::normal(3.0, 2.0)};
  const Generation& previous = generations[0];
  const Kernel kernel = Kernel::from_population(previous.population);
  const double tolerance = next_tolerance(previous.population.distances, 0.5, 0.0);
  CHECK(generations[1].tolerance == tolerance);
  std::vector<double> accepted;
  std::uint64_t attempt = 0;
  std::vector<double> particle(2);
  while (accepted.size() < 120) {
    if (propose(priors, &previous.population, &kernel, 99, 1, attempt, particle) &&
        toy_distance(particle, 1, attempt) <= tolerance) {
      accepted.insert(accepted.end(), particle.begin(), particle.end());
    }
    ++attempt;
  }
  CHECK(accepted == generations[1].population.particles);
  CHECK(attempt == generations[1].attempts);
}

TEST_CASE("Stopping rules", "[calibration]") {
  const std::vector<Prior> priors = {Prior::uniform(0.0, 10.0)};
  AbcSmcSettings settings;
  settings.particles = 30;
  settings.seed = 5;
  std::uint64_t count = 0;
  auto counting = [&](const Generation&) { ++count; };
  SECTION("maximum generations") {
    settings.stop.max_generations = 3;
    const auto outcome = run_abc_smc(priors, settings, toy_distance, std::nullopt, counting);
    CHECK(outcome.reason == StopReason::max_generations);
    CHECK(count == 3);
  }
  SECTION("target tolerance") {
    settings.stop.target_tolerance = 0.5;
    const auto outcome = run_abc_smc(priors, settings, toy_distance, std::nullopt, counting);
    CHECK(outcome.reason == StopReason::target_tolerance);
    CHECK(outcome.generations == count);
  }
  SECTION("minimum acceptance rate: a generation that cannot fill is not kept") {
    settings.stop.min_acceptance_rate = 0.4;
    settings.stop.max_generations = 50;
    std::vector<Generation> kept;
    const auto outcome = run_abc_smc(priors, settings, toy_distance, std::nullopt,
                                     [&](const Generation& g) { kept.push_back(g); });
    CHECK(outcome.reason == StopReason::acceptance_rate);
    REQUIRE(!kept.empty());
    for (const Generation& g : kept) CHECK(g.attempts <= 75);  // ceil(30 / 0.4)
  }
  SECTION("interrupted before any work") {
    std::atomic<bool> stop{true};
    const auto outcome = run_abc_smc(priors, settings, toy_distance, std::nullopt, counting, &stop);
    CHECK(outcome.interrupted);
    CHECK(count == 0);
  }
}
