#pragma once
// Quantiles as numpy.quantile computes them by default (method "linear"), so that `tumen inspect`,
// /summary and a user's notebook print the same numbers for the same file.
#include <cstddef>
#include <vector>

namespace tumen::output::detail {

// Where the quantile of `probability` lies among `count` sorted values: between the order
// statistics `lower` and `upper` (0-based; equal at the top end), `fraction` of the way up.
struct QuantilePosition {
  std::size_t lower = 0;
  std::size_t upper = 0;
  double fraction = 0.0;
};

// numpy's virtual index for method "linear": (count - 1) * probability. `count` must be > 0.
[[nodiscard]] QuantilePosition quantile_position(std::size_t count, double probability);

// numpy's _lerp: interpolates from the nearer end, which keeps the result monotonic in the
// fraction and exact at both ends.
[[nodiscard]] double interpolate(double lower_value, double upper_value, double fraction);

// `values` need not be sorted. Returns NaN for an empty sample. `probability` is in [0, 1].
[[nodiscard]] double linear_quantile(std::vector<double> values, double probability);

}  // namespace tumen::output::detail
