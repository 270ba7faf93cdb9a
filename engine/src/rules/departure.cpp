#include "tumen/rules/departure.hpp"

#include "tumen/distributions.hpp"

namespace tumen::rules {

double departure_mean(double rate_per_day, double origin_share, double push) {
  return rate_per_day * origin_share * push;
}

std::int64_t departures(double mean, rng::Draws& draws) {
  return dist::poisson(draws, mean);
}

NewPerson draw_person(double female_share, double funds_usd_mean,
                      std::span<const double> goal_weights, rng::Draws& draws) {
  NewPerson p;
  p.female = dist::bernoulli(draws, female_share);
  p.funds_usd = static_cast<float>(funds_usd_mean * dist::exponential(draws));
  p.goal = static_cast<std::uint8_t>(dist::categorical(draws, goal_weights));
  return p;
}

NewPerson draw_sponsored_person(double female_share, double remittance_usd, std::uint8_t goal,
                                rng::Draws& draws) {
  NewPerson p;
  p.female = dist::bernoulli(draws, female_share);
  p.funds_usd = static_cast<float>(remittance_usd);
  p.goal = goal;
  return p;
}

}  // namespace tumen::rules
