#include "tumen/calibration/tolerance_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tumen/calibration/proposal_stream.hpp"

namespace tumen::calibration {

const char* name_of(StopReason reason) {
  switch (reason) {
    case StopReason::target_tolerance:
      return "target_tolerance";
    case StopReason::max_generations:
      return "max_generations";
    case StopReason::acceptance_rate:
      return "acceptance_rate";
    case StopReason::tolerance_stalled:
      return "tolerance_stalled";
  }
  return "unknown";
}

double next_tolerance(std::span<const double> distances, double alpha, double floor) {
  if (distances.empty()) return floor;
  std::vector<double> sorted(distances.begin(), distances.end());
  std::sort(sorted.begin(), sorted.end());
  const double position = alpha * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  // Written so that equal neighbours give exactly their value.
  const double quantile = sorted[below] + fraction * (sorted[above] - sorted[below]);
  return std::max(quantile, floor);
}

std::uint64_t attempt_limit(std::uint64_t particles, double min_acceptance_rate) {
  if (!(min_acceptance_rate > 0.0)) return kMaxAttempts;
  const double limit = std::ceil(static_cast<double>(particles) / min_acceptance_rate);
  return limit >= static_cast<double>(kMaxAttempts) ? kMaxAttempts
                                                    : static_cast<std::uint64_t>(limit);
}

}  // namespace tumen::calibration
