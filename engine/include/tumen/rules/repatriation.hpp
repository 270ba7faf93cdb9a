#pragma once
// Rule family 6: repatriation. Detention abroad ends with return to North Korea (a hazard that
// the timeline can set to zero, as during the 2020-2023 closure); mass-return events empty the
// detention places of a country on one day. Returned and caught people are punished: most are
// released after months or years, some go to political prison camps, some die. Released people
// may try again. docs/model.md, "Repatriation".
#include <cstdint>

#include "tumen/cumulative_hazard.hpp"
#include "tumen/distributions.hpp"

namespace tumen::rules {

// The day detention ends, under the return hazard.
[[nodiscard]] inline std::int32_t plan_detention(std::int32_t day, std::int32_t last_day,
                                                 const CumulativeHazard& return_hazard,
                                                 rng::Draws& draws) {
  return spend_budget(dist::exponential(draws), day + 1, last_day, return_hazard);
}

// A waiting time whose mean is a series: the hazard is 1 / mean(d).
struct MeanDaysHazard {
  const Series& mean_days;
  [[nodiscard]] double rate(std::int32_t d) const { return 1.0 / mean_days.at(d); }
};

enum class Sentence : std::uint8_t { release, camp, death };

struct Punishment {
  Sentence sentence = Sentence::release;
  std::int32_t end_day = kForever;  // release or death; kForever for the camps
};

// `end_hazard` is 1 / punishment.days_mean (a MeanDaysHazard table).
[[nodiscard]] inline Punishment plan_punishment(std::int32_t day, std::int32_t last_day,
                                                double camp_probability, double death_probability,
                                                const CumulativeHazard& end_hazard,
                                                rng::Draws& draws) {
  const double u = dist::uniform(draws);
  const double budget = dist::exponential(draws);
  if (u < camp_probability) return {Sentence::camp, kForever};
  const Sentence s = u < camp_probability + death_probability ? Sentence::death : Sentence::release;
  return {s, spend_budget(budget, day + 1, last_day, end_hazard)};
}

// After release: whether and when the person tries again (`delay_hazard` is
// 1 / reattempt.delay_days_mean).
[[nodiscard]] inline std::int32_t plan_reattempt(std::int32_t day, std::int32_t last_day,
                                                 double probability,
                                                 const CumulativeHazard& delay_hazard,
                                                 rng::Draws& draws) {
  if (!dist::bernoulli(draws, probability)) return kForever;
  return spend_budget(dist::exponential(draws), day + 1, last_day, delay_hazard);
}

}  // namespace tumen::rules
