#pragma once
// Scheduled waiting: an agent that waits (hides, is detained or punished, travels a route) draws
// one Exp(1) budget and spends it against a hazard that is piecewise constant in whole days. The
// day on which the budget runs out is the day the waiting ends. Nothing is done for the agent on
// the days in between, so a waiting agent costs nothing per day.
#include <cstdint>

#include "tumen/timeline.hpp"

namespace tumen {

// Spends `budget` against hazard(day) from `first_day` on, where the hazard holds its value until
// constant_until(day). Returns the day in [first_day, last_day] on which the budget runs out, or
// kForever if it lasts beyond last_day.
//   Hazard must provide: double rate(int32 day) and int32 constant_until(int32 day).

// One step of the walk: spends the budget on the days [day, segment_end) at a constant rate.
// Returns the day the budget runs out, or kForever after taking what the segment costs from it.
// Shared by spend_budget() and RouteHazard::spend(), so both give the same day bit for bit.
[[nodiscard]] inline std::int32_t spend_segment(double& budget, std::int32_t day,
                                                std::int32_t segment_end, double rate) {
  if (rate > 0.0) {
    const double need = budget / rate;  // days this rate takes to exhaust the budget
    if (need < static_cast<double>(segment_end - day)) return day + static_cast<std::int32_t>(need);
    budget -= rate * static_cast<double>(segment_end - day);
  }
  return kForever;
}

template <class Hazard>
[[nodiscard]] std::int32_t spend_budget(double budget, std::int32_t first_day,
                                        std::int32_t last_day, const Hazard& hazard) {
  std::int32_t day = first_day;
  while (day <= last_day) {
    const double rate = hazard.rate(day);
    const std::int32_t until = hazard.constant_until(day);
    const std::int32_t segment_end = until > last_day ? last_day + 1 : until;
    if (const auto end = spend_segment(budget, day, segment_end, rate); end != kForever) return end;
    day = segment_end;
  }
  return kForever;
}

// A constant hazard.
struct ConstantHazard {
  double per_day;
  [[nodiscard]] double rate(std::int32_t) const { return per_day; }
  [[nodiscard]] std::int32_t constant_until(std::int32_t) const { return kForever; }
};

// A hazard that is a multiple of one series.
struct SeriesHazard {
  const Series& series;
  double factor = 1.0;
  [[nodiscard]] double rate(std::int32_t day) const { return factor * series.at(day); }
  [[nodiscard]] std::int32_t constant_until(std::int32_t day) const {
    return series.constant_until(day);
  }
};

}  // namespace tumen
