#include "tumen/distributions.hpp"

#include <cmath>

namespace tumen::dist {

// exponential(), uniform_below() and uniform_between() are inline in the header: the daily step
// calls them for every agent it handles.

namespace {

std::int64_t poisson_inversion(rng::Draws& draws, double mean) {
  // Sequential search from 0; the expected number of steps is mean + 1.
  double probability = std::exp(-mean);
  double cumulative = probability;
  const double u = uniform(draws);
  std::int64_t k = 0;
  while (u >= cumulative && k < 1000) {
    ++k;
    probability *= mean / static_cast<double>(k);
    cumulative += probability;
    if (probability == 0.0) break;
  }
  return k;
}

std::int64_t poisson_ptrs(rng::Draws& draws, double mean) {
  // W. Hörmann (1993), "The transformed rejection method for generating Poisson random
  // variables", algorithm PTRS.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform(draws) - 0.5;
    const double v = uniform(draws);
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b);
    const double rhs = -mean + k * loglam - std::lgamma(k + 1);
    if (lhs <= rhs) return static_cast<std::int64_t>(k);
  }
}

}  // namespace

std::int64_t poisson(rng::Draws& draws, double mean) {
  if (!(mean > 0.0)) return 0;
  return mean < 10.0 ? poisson_inversion(draws, mean) : poisson_ptrs(draws, mean);
}

std::size_t categorical(rng::Draws& draws, std::span<const double> weights) {
  double total = 0.0;
  for (const double w : weights) total += w;
  const double target = uniform(draws) * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    cumulative += weights[i];
    last_positive = i;
    if (target < cumulative) return i;
  }
  // Rounding can leave target == total; the last positive weight takes it.
  return last_positive;
}

}  // namespace tumen::dist
