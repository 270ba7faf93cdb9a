#include "detail/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tumen::output::detail {

QuantilePosition quantile_position(std::size_t count, double probability) {
  const double position = static_cast<double>(count - 1) * probability;
  const double below = std::floor(position);
  QuantilePosition result;
  result.lower = static_cast<std::size_t>(below);
  result.upper = std::min(result.lower + 1, count - 1);
  result.fraction = position - below;
  return result;
}

double interpolate(double lower_value, double upper_value, double fraction) {
  const double difference = upper_value - lower_value;
  return fraction >= 0.5 ? upper_value - difference * (1.0 - fraction)
                         : lower_value + difference * fraction;
}

double linear_quantile(std::vector<double> values, double probability) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const QuantilePosition at = quantile_position(values.size(), probability);
  return interpolate(values[at.lower], values[at.upper], at.fraction);
}

}  // namespace tumen::output::detail
