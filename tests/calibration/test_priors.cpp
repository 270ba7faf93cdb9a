// Priors and the normal sampler: densities normalise, sampling moments match, the stream layout
// is as documented (docs/rng.md, "Calibration streams").
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "tumen/calibration/normal.hpp"
#include "tumen/calibration/prior.hpp"
#include "tumen/calibration/proposal_stream.hpp"

using namespace tumen;
using namespace tumen::calibration;

namespace {

// The trapezoid rule on [a, b] with n steps.
template <class F>
double integrate(F f, double a, double b, int n = 200000) {
  const double h = (b - a) / n;
  double sum = 0.5 * (f(a) + f(b));
  for (int i = 1; i < n; ++i) sum += f(a + i * h);
  return sum * h;
}

double density(const Prior& prior, double x) {
  return std::exp(prior.log_density(x));
}

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
  double low = INFINITY;
  double high = -INFINITY;
};

// n draws, each from its own proposal stream, as the calibration draws them.
Moments sample_moments(const Prior& prior, int n, std::uint64_t seed = 77) {
  Moments m;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    auto draws = proposal_draws(seed, 0, static_cast<std::uint64_t>(i));
    const double x = prior.sample(draws);
    sum += x;
    sum2 += x * x;
    m.low = std::min(m.low, x);
    m.high = std::max(m.high, x);
  }
  m.mean = sum / n;
  m.variance = sum2 / n - m.mean * m.mean;
  return m;
}

// Mean and variance of N(mu, sd) truncated to [a, b] (standardised alpha, beta).
std::pair<double, double> truncated_moments(double mu, double sd, double a, double b) {
  const double alpha = (a - mu) / sd, beta = (b - mu) / sd;
  auto phi = [](double z) {
    return std::isinf(z) ? 0.0 : std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
  };
  auto z_phi = [&](double z) { return std::isinf(z) ? 0.0 : z * phi(z); };
  const double mass = standard_normal_cdf(beta) - standard_normal_cdf(alpha);
  const double shift = (phi(alpha) - phi(beta)) / mass;
  const double variance = 1 + (z_phi(alpha) - z_phi(beta)) / mass - shift * shift;
  return {mu + sd * shift, sd * sd * variance};
}

}  // namespace

TEST_CASE("Calibration streams pack (generation, attempt, slot) above bit 63", "[calibration]") {
  CHECK(calibration_stream(0, 0, 0) == std::uint64_t{1} << 63);
  CHECK(calibration_stream(3, 5, 0) ==
        ((std::uint64_t{1} << 63) | (std::uint64_t{3} << 48) | (std::uint64_t{5} << 8)));
  CHECK(calibration_stream(3, 5, 2) == (calibration_stream(3, 5, 0) | 2));
  // Replicate r of a particle reads slot r + 1; the proposal's own draws read slot 0 with the
  // counter (0, 0, 0, block).
  CHECK(replicate_key(9, 3, 5, 0).stream == calibration_stream(3, 5, 1));
  CHECK(replicate_key(9, 3, 5, 0).seed == 9);
  auto draws = proposal_draws(9, 3, 5);
  const auto block = rng::philox4x64_10({0, 0, 0, 0}, {9, calibration_stream(3, 5, 0)});
  for (const std::uint64_t word : block) CHECK(draws.next() == word);
  const auto next = rng::philox4x64_10({0, 0, 0, 1}, {9, calibration_stream(3, 5, 0)});
  CHECK(draws.next() == next[0]);
  // Never a plain run's or a sweep's stream: those leave bit 63 clear.
  CHECK((rng::replicate_stream(0xffffffffu, (std::uint64_t{1} << 31) - 1) >> 63) == 0);
}

TEST_CASE("The standard normal sampler has the moments of N(0, 1)", "[calibration]") {
  const int n = 100000;
  double sum = 0, sum2 = 0, sum4 = 0;
  for (int i = 0; i < n; ++i) {
    auto draws = proposal_draws(5, 1, static_cast<std::uint64_t>(i));
    const double z = standard_normal(draws);
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
  }
  // Standard errors: 1/sqrt(n) = 0.0032 for the mean, sqrt(2/n) = 0.0045 for the second moment,
  // sqrt(96/n) = 0.031 for the fourth (3). Bounds at about 4.5 standard errors.
  CHECK(std::abs(sum / n) < 0.015);
  CHECK(std::abs(sum2 / n - 1.0) < 0.02);
  CHECK(std::abs(sum4 / n - 3.0) < 0.14);
}

TEST_CASE("Prior densities integrate to 1", "[calibration]") {
  const Prior uniform = Prior::uniform(1.0, 5.0);
  CHECK(integrate([&](double x) { return density(uniform, x); }, 1.0, 5.0) ==
        Approx(1.0).epsilon(1e-6));
  CHECK(density(uniform, 0.999) == 0.0);
  CHECK(density(uniform, 5.001) == 0.0);

  const Prior log_uniform = Prior::log_uniform(0.01, 10.0);
  CHECK(integrate([&](double x) { return density(log_uniform, x); }, 0.01, 10.0, 2000000) ==
        Approx(1.0).epsilon(1e-4));
  CHECK(density(log_uniform, 0.1) == Approx(1.0 / (0.1 * std::log(1000.0))));

  const Prior normal = Prior::normal(2.0, 0.5);
  CHECK(integrate([&](double x) { return density(normal, x); }, -3.0, 7.0) ==
        Approx(1.0).epsilon(1e-6));

  const Prior truncated = Prior::truncated_normal(0.3, 0.4, 0.0, 1.0);
  CHECK(integrate([&](double x) { return density(truncated, x); }, 0.0, 1.0) ==
        Approx(1.0).epsilon(1e-6));
  CHECK(density(truncated, -0.01) == 0.0);

  const Prior tail = Prior::truncated_normal(0.0, 1.0, 4.0, INFINITY);
  CHECK(integrate([&](double x) { return density(tail, x); }, 4.0, 14.0) ==
        Approx(1.0).epsilon(1e-5));
}

TEST_CASE("Prior sampling has the prior's moments", "[calibration]") {
  const int n = 40000;
  SECTION("uniform") {
    const Moments m = sample_moments(Prior::uniform(2.0, 6.0), n);
    // sd = 4 / sqrt(12) = 1.155; standard error of the mean 0.0058
    CHECK(m.mean == Approx(4.0).margin(0.03));
    CHECK(m.variance == Approx(16.0 / 12.0).epsilon(0.03));
    CHECK(m.low >= 2.0);
    CHECK(m.high < 6.0);
  }
  SECTION("log-uniform") {
    const Moments m = sample_moments(Prior::log_uniform(1.0, 100.0), n);
    const double mean = 99.0 / std::log(100.0);  // 21.5; sd 23.6, standard error 0.12
    CHECK(m.mean == Approx(mean).margin(0.6));
    CHECK(m.low >= 1.0);
    CHECK(m.high <= 100.0);
  }
  SECTION("normal") {
    const Moments m = sample_moments(Prior::normal(-1.0, 2.0), n);
    CHECK(m.mean == Approx(-1.0).margin(0.05));  // standard error 0.01
    CHECK(m.variance == Approx(4.0).epsilon(0.04));
  }
  SECTION("truncated normal, each sampler branch") {
    struct Case {
      double mu, sd, a, b;
    };
    // Wide around the mean (normal proposals), narrow around it (uniform), far in a tail
    // (exponential), narrow in a tail (uniform), the left tail (mirrored), a one-sided bound.
    const std::vector<Case> cases = {{0.5, 0.25, 0.0, 1.0},       {0.0, 1.0, -0.5, 0.7},
                                     {0.0, 1.0, 3.0, INFINITY},   {0.0, 1.0, 2.0, 2.1},
                                     {1.0, 2.0, -INFINITY, -4.0}, {5.0, 3.0, 0.0, INFINITY}};
    for (const Case& c : cases) {
      const Prior prior = Prior::truncated_normal(c.mu, c.sd, c.a, c.b);
      const Moments m = sample_moments(prior, n);
      const auto [mean, variance] = truncated_moments(c.mu, c.sd, c.a, c.b);
      INFO(prior.describe());
      CHECK(m.low >= c.a);
      CHECK(m.high <= c.b);
      // Standard error of the mean sqrt(variance / n); bound at 5 of them.
      CHECK(std::abs(m.mean - mean) < 5.0 * std::sqrt(variance / n));
      CHECK(m.variance == Approx(variance).epsilon(0.05));
    }
  }
}

TEST_CASE("Priors refuse impossible parameters", "[calibration]") {
  CHECK_THROWS_AS(Prior::uniform(2.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Prior::log_uniform(0.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Prior::normal(0.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(Prior::truncated_normal(0.0, 1.0, 1.0, 1.0), std::invalid_argument);
  // An interval without representable probability: 60 standard deviations out.
  CHECK_THROWS_AS(Prior::truncated_normal(0.0, 1.0, 60.0, 61.0), std::invalid_argument);
  CHECK(Prior::truncated_normal(0.5, 0.2, 0.0, 1.0).describe() ==
        "truncated_normal(0.5, 0.2, 0, 1)");
}
