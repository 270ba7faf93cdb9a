#pragma once
// Summaries of a weighted particle population: the weighted mean and weighted quantiles of one
// parameter, for the progress report, the command's summary table and the recovery test.
#include <cstddef>
#include <span>

#include "tumen/calibration/population.hpp"

namespace tumen::calibration {

[[nodiscard]] double weighted_mean(const Population& population, std::size_t parameter);

// The smallest particle value v of `parameter` whose cumulative weight (particles sorted by
// value, ties in particle order) reaches `probability` of the total: the inverse of the weighted
// empirical distribution function.
[[nodiscard]] double weighted_quantile(const Population& population, std::size_t parameter,
                                       double probability);

}  // namespace tumen::calibration
