#pragma once
// Rule family 3: transit and hiding. In a transit country a person either moves on or hides
// (work, marriage, trafficking). Hiding ends by arrest in a police sweep or by moving on, two
// competing hazards spent from one budget. docs/model.md, "Transit and hiding".
#include <algorithm>
#include <cstdint>

#include "tumen/cumulative_hazard.hpp"
#include "tumen/distributions.hpp"

namespace tumen::rules {

[[nodiscard]] inline bool decides_to_hide(bool female, double probability_female,
                                          double probability_male, rng::Draws& draws) {
  return dist::bernoulli(draws, female ? probability_female : probability_male);
}

// The competing hazards of someone hiding at a place: arrest(d) = arrest_hazard(d) * sweep(place,
// d), in `hazards.a`, and move_on(d) = move_on_hazard(d) * move_on_factor, in `hazards.b`.
struct HidingEnd {
  std::int32_t day = kForever;
  bool arrested = false;
};

// Hiding from `day` on: the end day comes from the total hazard; the cause is arrest with
// probability arrest(d) / (arrest(d) + move_on(d)) on that day.
[[nodiscard]] inline HidingEnd plan_hiding(std::int32_t day, std::int32_t last_day,
                                           const HazardMix& hazards, rng::Draws& draws) {
  const double budget = dist::exponential(draws);
  const double cause = dist::uniform(draws);
  const std::int32_t end = spend_budget(budget, day + 1, last_day, hazards);
  if (end == kForever) return {};
  return {end, cause * hazards.rate(end) < hazards.rate_a(end)};
}

// Savings accumulated while hiding.
[[nodiscard]] inline float funds_after_hiding(float funds_usd, double savings_usd_per_day,
                                              std::int32_t days) {
  return static_cast<float>(funds_usd + savings_usd_per_day * days);
}

}  // namespace tumen::rules
