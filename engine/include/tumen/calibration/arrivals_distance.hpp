#pragma once
// The distance between observed and simulated yearly arrivals: a weighted sum of the mean
// squared log error of the yearly totals and the mean squared error of the yearly female share,
// each over the years where the observed value is present (a blank cell is missing data, not a
// zero).
//
//   d = w_total * mean_y (log(1 + sim_y) - log(1 + obs_y))^2
//     + w_share * mean_y (sim_female_y / sim_y - obs_female_share_y)^2
//
// The log(1 + x) scale weighs a 20% miss alike in a year of 200 and of 2000 arrivals. A share is
// compared as it is: it already lies in [0, 1]. A simulated year without arrivals has no share;
// it counts as the largest possible miss, 1.
#include <optional>
#include <span>
#include <vector>

namespace tumen::calibration {

struct ObservedYear {
  int year = 0;
  std::optional<double> total;         // arrivals in the year
  std::optional<double> female_share;  // female / total
};

struct SimulatedYear {
  double total = 0.0;   // mean arrivals over the particle's replicates
  double female = 0.0;  // mean female arrivals
};

struct DistanceWeights {
  double total = 1.0;
  double female_share = 1.0;
};

// `simulated[i]` belongs to `observed[i]`.
[[nodiscard]] double arrivals_distance(std::span<const ObservedYear> observed,
                                       std::span<const SimulatedYear> simulated,
                                       const DistanceWeights& weights);

}  // namespace tumen::calibration
