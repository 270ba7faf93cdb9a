#pragma once
// Rule family 1: departure. How many people leave an origin on a day, and who they are.
// docs/model.md, "Departure".
#include <cstdint>
#include <span>

#include "tumen/rng.hpp"

namespace tumen::rules {

// Expected first departures from one origin on one day:
//   rate_per_day * origin_share * push(origin, day)
[[nodiscard]] double departure_mean(double rate_per_day, double origin_share, double push);

// The number who leave: Poisson with that mean.
[[nodiscard]] std::int64_t departures(double mean, rng::Draws& draws);

struct NewPerson {
  bool female = false;
  float funds_usd = 0.0F;
  std::uint8_t goal = 0;
};

// A person leaving on their own: sex by female_share, funds ~ Exponential(mean), a goal
// destination drawn by goal weight.
[[nodiscard]] NewPerson draw_person(double female_share, double funds_usd_mean,
                                    std::span<const double> goal_weights, rng::Draws& draws);

// A relative whose departure family abroad arranged: same goal as the sponsor, leaving with the
// remittance as funds.
[[nodiscard]] NewPerson draw_sponsored_person(double female_share, double remittance_usd,
                                              std::uint8_t goal, rng::Draws& draws);

}  // namespace tumen::rules
