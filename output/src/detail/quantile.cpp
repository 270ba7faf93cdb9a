#include "detail/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace tumen::output::detail {

double linear_quantile(std::vector<double> values, double probability) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());

  const double position = static_cast<double>(values.size() - 1) * probability;
  const double below = std::floor(position);
  const auto lower = static_cast<std::size_t>(below);
  const std::size_t upper = std::min(lower + 1, values.size() - 1);
  const double fraction = position - below;
  const double a = values[lower];
  const double b = values[upper];
  // numpy's _lerp: interpolate from the nearer end, which keeps the result monotonic in
  // `probability` and exact at both ends.
  const double difference = b - a;
  return fraction >= 0.5 ? b - difference * (1.0 - fraction) : a + difference * fraction;
}

}  // namespace tumen::output::detail
