#pragma once
// Portable distributions over rng::Draws. std:: distributions differ between standard libraries,
// so the model never uses them; each function here is pinned by exact test vectors
// (tests/engine/test_distributions.cpp). Only IEEE-754 double arithmetic and libm's log/exp are
// used, with -ffp-contract=off.
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
[[nodiscard]] double exponential(rng::Draws& draws);

// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's multiply-and-reject).
[[nodiscard]] std::uint64_t uniform_below(rng::Draws& draws, std::uint64_t n);

// Uniform integer in [low, high].
[[nodiscard]] std::int64_t uniform_between(rng::Draws& draws, std::int64_t low, std::int64_t high);

// Poisson(mean): inversion for small means, Hörmann's PTRS transformed rejection otherwise.
[[nodiscard]] std::int64_t poisson(rng::Draws& draws, double mean);

// Index i with probability weights[i] / sum(weights); weights are non-negative with a positive
// sum. Walks the cumulative sum in index order, so the result is stable under relabelling-free
// reorderings of the caller's data only if the caller keeps the order fixed.
[[nodiscard]] std::size_t categorical(rng::Draws& draws, std::span<const double> weights);

}  // namespace tumen::dist
