#pragma once
// Quantiles as numpy.quantile computes them by default (method "linear"), so that `tumen inspect`
// and a user's notebook print the same numbers for the same file.
#include <vector>

namespace tumen::output::detail {

// `values` need not be sorted. Returns NaN for an empty sample. `probability` is in [0, 1].
[[nodiscard]] double linear_quantile(std::vector<double> values, double probability);

}  // namespace tumen::output::detail
