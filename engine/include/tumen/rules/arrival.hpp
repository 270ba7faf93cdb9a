#pragma once
// Rule family 7: arrival. Reaching a destination ends the journey; arrivals are counted by sex
// and by whole years since the person first left. An arrival may later sponsor a relative's
// departure, paid for by remittances: the family chain. docs/model.md, "Arrival".
#include <algorithm>
#include <cstdint>

#include "tumen/distributions.hpp"
#include "tumen/hazard.hpp"
#include "tumen/vocabulary.hpp"

namespace tumen::rules {

// Whole years of 365.2425 days since the first departure, capped at kYearsAbroadMax.
[[nodiscard]] inline int years_abroad(std::int32_t first_departure_day, std::int32_t day) {
  const std::int64_t days = std::max<std::int64_t>(0, day - first_departure_day);
  const std::int64_t years = days * 10000 / 3652425;
  return static_cast<int>(std::min<std::int64_t>(years, kYearsAbroadMax));
}

// The day a sponsored relative leaves, or kForever: with probability sponsor_probability, after
// an exponential delay with mean delay_days_mean (whole days, at least one).
[[nodiscard]] inline std::int32_t plan_sponsorship(std::int32_t day, std::int32_t last_day,
                                                   double sponsor_probability,
                                                   double delay_days_mean, rng::Draws& draws) {
  if (!dist::bernoulli(draws, sponsor_probability)) return kForever;
  return spend_budget(dist::exponential(draws), day + 1, last_day,
                      ConstantHazard{1.0 / delay_days_mean});
}

}  // namespace tumen::rules
