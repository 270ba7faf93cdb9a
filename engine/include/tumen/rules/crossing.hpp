#pragma once
// Rule family 2: crossing and patrol. Travel along a route is scheduled with one draw per hop:
// the travel time, and whether (and on which day) detection comes first. docs/model.md,
// "Crossing and patrol".
#include <cstdint>

#include "tumen/distributions.hpp"
#include "tumen/hazard.hpp"
#include "tumen/network.hpp"

namespace tumen::rules {

struct Hop {
  std::int32_t end_day = 0;  // the day the hop ends: arrival, or detection
  bool caught = false;
};

// The detection hazard on a route is the route's base hazard, times patrol intensity and the
// route multiplier (Network::detection_hazard), times `factor` for brokers and bribes.
struct RouteHazard {
  const Network& network;
  std::uint32_t route;
  double factor;
  [[nodiscard]] double rate(std::int32_t day) const {
    return factor * network.detection_hazard(route, day);
  }
  [[nodiscard]] std::int32_t constant_until(std::int32_t day) const {
    return network.detection_constant_until(route, day);
  }
};

// Hazard multiplier for one traveller: a broker removes `protection` of it, a bribe leaves
// `bribe_factor` of it.
[[nodiscard]] inline double hazard_factor(bool brokered, double protection, bool bribed,
                                          double bribe_factor) {
  return (brokered ? 1.0 - protection : 1.0) * (bribed ? bribe_factor : 1.0);
}

// A hop that starts on `day` covers days day+1 .. day+L, with L uniform in
// [travel_days - spread, travel_days + spread]. The detection budget is spent over those days;
// if it runs out first, the traveller is caught on that day. Days beyond `last_day` are never
// reached: the hop then ends at kForever.
template <class Hazard>
[[nodiscard]] Hop plan_hop(std::int32_t day, std::int32_t travel_days, std::int32_t spread,
                           const Hazard& hazard, std::int32_t last_day, rng::Draws& draws) {
  const auto length = static_cast<std::int32_t>(
      dist::uniform_between(draws, travel_days - spread, travel_days + spread));
  const double budget = dist::exponential(draws);
  const std::int32_t arrive = day + length;
  const std::int32_t caught = spend_budget(budget, day + 1, std::min(arrive, last_day), hazard);
  if (caught != kForever) return {caught, true};
  return {arrive > last_day ? kForever : arrive, false};
}

}  // namespace tumen::rules
