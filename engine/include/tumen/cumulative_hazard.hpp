#pragma once
// A hazard that varies by day, stored as its running sum over the whole run, so that spending a
// waiting agent's Exp(1) budget is a binary search instead of a walk over every change of the
// timeline. Waits that last years (hiding, punishment) under ramps that change every day would
// otherwise cost one step per day; with the table they cost O(log days), whatever the timeline.
#include <cstdint>
#include <vector>

#include "tumen/timeline.hpp"

namespace tumen {

class CumulativeHazard {
 public:
  CumulativeHazard() = default;

  // Sums hazard.rate(d) for d in [0, days): anything with a rate(int32) member.
  template <class Hazard>
  CumulativeHazard(const Hazard& hazard, std::int32_t days)
      : sum_(static_cast<std::size_t>(days) + 1, 0.0) {
    for (std::int32_t d = 0; d < days; ++d) {
      sum_[static_cast<std::size_t>(d) + 1] = sum_[static_cast<std::size_t>(d)] + hazard.rate(d);
    }
  }

  // Total hazard over the days [from, to] (both included).
  [[nodiscard]] double over(std::int32_t from, std::int32_t to) const {
    return sum_[static_cast<std::size_t>(to) + 1] - sum_[static_cast<std::size_t>(from)];
  }
  [[nodiscard]] double rate(std::int32_t day) const { return over(day, day); }
  [[nodiscard]] std::int32_t days() const { return static_cast<std::int32_t>(sum_.size()) - 1; }

  [[nodiscard]] std::size_t bytes() const { return sum_.capacity() * sizeof(double); }

 private:
  std::vector<double> sum_;  // sum_[d]: the hazard of the days before day d
};

// Competing hazards a * A + b * B (b may be absent): the total that a waiting agent spends.
struct HazardMix {
  const CumulativeHazard* a = nullptr;
  double a_scale = 1.0;
  const CumulativeHazard* b = nullptr;
  double b_scale = 0.0;

  [[nodiscard]] double over(std::int32_t from, std::int32_t to) const {
    return a_scale * a->over(from, to) + (b ? b_scale * b->over(from, to) : 0.0);
  }
  [[nodiscard]] double rate_a(std::int32_t day) const { return a_scale * a->rate(day); }
  [[nodiscard]] double rate(std::int32_t day) const { return over(day, day); }
};

// The first day d in [first_day, last_day] by whose end the hazard since first_day exceeds
// `budget`, or kForever when it never does within the run.
[[nodiscard]] std::int32_t spend_budget(double budget, std::int32_t first_day,
                                        std::int32_t last_day, const HazardMix& hazard);

[[nodiscard]] inline std::int32_t spend_budget(double budget, std::int32_t first_day,
                                               std::int32_t last_day,
                                               const CumulativeHazard& hazard) {
  return spend_budget(budget, first_day, last_day, HazardMix{&hazard});
}

}  // namespace tumen
