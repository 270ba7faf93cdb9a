#include "tumen/calibration/normal.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "tumen/distributions.hpp"

namespace tumen::calibration {

namespace {

// Every sampler below accepts at least about a third of its proposals (Robert 1995), so this
// bound is never reached by a valid interval; it turns a mistake into an error, not a hang.
constexpr int kMaxTries = 1'000'000;

[[noreturn]] void too_many_tries() {
  throw std::runtime_error("truncated normal: no draw accepted after a million proposals");
}

// alpha >= 0: the interval lies in the right half.
double right_of_mean(rng::Draws& draws, double alpha, double beta) {
  const double root = std::sqrt(alpha * alpha + 4.0);
  const double rate = (alpha + root) / 2.0;
  // Robert's rule: uniform proposals beat exponential ones on intervals narrower than this.
  const double narrow = 2.0 * std::sqrt(std::numbers::e) / (alpha + root) *
                        std::exp((alpha * alpha - alpha * root) / 4.0);
  if (beta - alpha < narrow) {
    for (int tries = 0; tries < kMaxTries; ++tries) {
      const double z = alpha + (beta - alpha) * dist::uniform(draws);
      if (dist::uniform(draws) < std::exp((alpha * alpha - z * z) / 2.0)) return z;
    }
    too_many_tries();
  }
  for (int tries = 0; tries < kMaxTries; ++tries) {
    const double z = alpha + dist::exponential(draws) / rate;
    const double u = dist::uniform(draws);
    if (z <= beta && u < std::exp(-(z - rate) * (z - rate) / 2.0)) return z;
  }
  too_many_tries();
}

}  // namespace

double standard_normal(rng::Draws& draws) {
  const double u1 = dist::uniform_open(draws);
  const double u2 = dist::uniform(draws);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double truncated_standard_normal(rng::Draws& draws, double alpha, double beta) {
  if (alpha >= 0.0) return right_of_mean(draws, alpha, beta);
  if (beta <= 0.0) return -right_of_mean(draws, -beta, -alpha);
  // The interval holds the mean. Narrower than sqrt(2 pi): uniform proposals, which accept at
  // least exp(-pi) of the time; wider: plain normal draws, of which at least 49% fall inside.
  if (beta - alpha < std::sqrt(2.0 * std::numbers::pi)) {
    for (int tries = 0; tries < kMaxTries; ++tries) {
      const double z = alpha + (beta - alpha) * dist::uniform(draws);
      if (dist::uniform(draws) < std::exp(-z * z / 2.0)) return z;
    }
    too_many_tries();
  }
  for (int tries = 0; tries < kMaxTries; ++tries) {
    const double z = standard_normal(draws);
    if (z >= alpha && z <= beta) return z;
  }
  too_many_tries();
}

double standard_normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double standard_normal_log_density(double x) {
  return -0.5 * x * x - 0.5 * std::log(2.0 * std::numbers::pi);
}

}  // namespace tumen::calibration
