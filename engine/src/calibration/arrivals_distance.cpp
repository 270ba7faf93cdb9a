#include "tumen/calibration/arrivals_distance.hpp"

#include <cmath>

namespace tumen::calibration {

double arrivals_distance(std::span<const ObservedYear> observed,
                         std::span<const SimulatedYear> simulated, const DistanceWeights& weights) {
  double total_sum = 0.0;
  double share_sum = 0.0;
  std::size_t totals = 0;
  std::size_t shares = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const SimulatedYear& sim = simulated[i];
    if (observed[i].total) {
      const double error = std::log1p(sim.total) - std::log1p(*observed[i].total);
      total_sum += error * error;
      ++totals;
    }
    if (observed[i].female_share) {
      const double error =
          sim.total > 0.0 ? sim.female / sim.total - *observed[i].female_share : 1.0;
      share_sum += error * error;
      ++shares;
    }
  }
  double d = 0.0;
  if (totals > 0 && weights.total > 0.0)
    d += weights.total * total_sum / static_cast<double>(totals);
  if (shares > 0 && weights.female_share > 0.0) {
    d += weights.female_share * share_sum / static_cast<double>(shares);
  }
  return d;
}

}  // namespace tumen::calibration
