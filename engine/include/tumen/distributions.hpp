#pragma once
// Portable distributions over rng::Draws. std:: distributions differ between standard libraries,
// so the model never uses them; each function here is pinned by exact test vectors
// (tests/engine/test_distributions.cpp). Only IEEE-754 double arithmetic and libm's log/exp are
// used, with -ffp-contract=off.
#include <cmath>
#include <cstdint>
#include <span>

#include "tumen/rng.hpp"

namespace tumen::dist {

// [0, 1) with 53 random bits.
[[nodiscard]] inline double uniform(rng::Draws& draws) {
  return static_cast<double>(draws.next() >> 11) * 0x1.0p-53;
}

// (0, 1): never 0, so log() is finite.
[[nodiscard]] inline double uniform_open(rng::Draws& draws) {
  return (static_cast<double>(draws.next() >> 11) + 0.5) * 0x1.0p-53;
}

[[nodiscard]] inline bool bernoulli(rng::Draws& draws, double p) {
  return uniform(draws) < p;
}

// Exp(1): the budget that a waiting agent spends against a hazard.
[[nodiscard]] inline double exponential(rng::Draws& draws) {
  return -std::log(uniform_open(draws));
}

// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's multiply-and-reject).
[[nodiscard]] inline std::uint64_t uniform_below(rng::Draws& draws, std::uint64_t n) {
  __extension__ using Wide = unsigned __int128;
  // Lemire (2019): the high word of x*n is uniform on [0, n) once the low word is outside the
  // biased band; the band test needs a division only when the low word is small.
  Wide product = static_cast<Wide>(draws.next()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<Wide>(draws.next()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

// Uniform integer in [low, high].
[[nodiscard]] inline std::int64_t uniform_between(rng::Draws& draws, std::int64_t low,
                                                  std::int64_t high) {
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(uniform_below(draws, span));
}

// Poisson(mean): inversion for small means, Hörmann's PTRS transformed rejection otherwise.
[[nodiscard]] std::int64_t poisson(rng::Draws& draws, double mean);

// Index i with probability weights[i] / sum(weights); weights are non-negative with a positive
// sum. Walks the cumulative sum in index order, so the result is stable under relabelling-free
// reorderings of the caller's data only if the caller keeps the order fixed.
[[nodiscard]] std::size_t categorical(rng::Draws& draws, std::span<const double> weights);

}  // namespace tumen::dist
