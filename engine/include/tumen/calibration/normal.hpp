#pragma once
// The normal distribution for priors and the perturbation kernel: portable sampling from Philox
// words (never std::normal_distribution, which differs between standard libraries) and the
// density and distribution function from libm.
#include "tumen/rng.hpp"

namespace tumen::calibration {

// N(0, 1) by Box-Muller from two words: sqrt(-2 log u1) cos(2 pi u2), u1 = uniform_open,
// u2 = uniform. The sine half is not kept, so each value costs exactly two words.
[[nodiscard]] double standard_normal(rng::Draws& draws);

// N(0, 1) restricted to [alpha, beta] (either may be infinite; alpha < beta), by Robert's (1995)
// rejection samplers: normal proposals when the interval holds much of the mass, uniform
// proposals on a narrow interval, exponential proposals in a tail.
[[nodiscard]] double truncated_standard_normal(rng::Draws& draws, double alpha, double beta);

// Phi(x), the standard normal distribution function.
[[nodiscard]] double standard_normal_cdf(double x);

// log phi(x), the log density of N(0, 1).
[[nodiscard]] double standard_normal_log_density(double x);

}  // namespace tumen::calibration
