#pragma once
// Rule family 2: crossing and patrol. Travel along a route is scheduled with one draw per hop:
// the travel time, and whether (and on which day) detection comes first. docs/model.md,
// "Crossing and patrol".
#include <algorithm>
#include <cstdint>
#include <span>

#include "tumen/distributions.hpp"
#include "tumen/hazard.hpp"
#include "tumen/network.hpp"

namespace tumen::rules {

struct Hop {
  std::int32_t end_day = 0;  // the day the hop ends: arrival, or detection
  bool caught = false;
};

// The detection hazard on a route is the route's base hazard, times patrol intensity and the
// route multiplier (Network::detection_hazard), times `factor` for brokers and bribes. It reads
// the route's precomputed segments (Network::detection_segments).
class RouteHazard {
 public:
  // `from_day`: the first day that will be asked about. `segment`, if known, is the index of the
  // segment that holds it (the Simulation keeps one per route for tomorrow); otherwise it is
  // looked up.
  RouteHazard(const Network& network, std::uint32_t route, double factor, std::int32_t from_day,
              std::size_t segment = kLookUp)
      : segments_(network.detection_segments(route)),
        factor_(factor),
        at_(segment != kLookUp ? segment : find(from_day)) {}

  static constexpr std::size_t kLookUp = static_cast<std::size_t>(-1);

  [[nodiscard]] double rate(std::int32_t day) const {
    seek(day);
    return factor_ * segments_[at_].rate;
  }
  [[nodiscard]] std::int32_t constant_until(std::int32_t day) const {
    seek(day);
    return at_ + 1 < segments_.size() ? segments_[at_ + 1].begin : kForever;
  }

  // tumen::spend_budget() (hazard.hpp) over this hazard, step for step and with the same
  // arithmetic, but walking the segments in order instead of asking rate() and
  // constant_until() about each: a hop across a ramp has one segment a day.
  [[nodiscard]] std::int32_t spend(double budget, std::int32_t first_day,
                                   std::int32_t last_day) const {
    if (first_day > last_day) return kForever;
    seek(first_day);
    std::size_t i = at_;
    std::int32_t day = first_day;
    while (day <= last_day) {
      const double rate = factor_ * segments_[i].rate;
      const std::int32_t until = i + 1 < segments_.size() ? segments_[i + 1].begin : kForever;
      const std::int32_t segment_end = until > last_day ? last_day + 1 : until;
      if (const auto end = spend_segment(budget, day, segment_end, rate); end != kForever) {
        return end;
      }
      day = segment_end;
      ++i;
    }
    return kForever;
  }

 private:
  // The segment that holds `day` (segments start on day 0, and no day asked about is earlier).
  [[nodiscard]] std::size_t find(std::int32_t day) const {
    const auto it =
        std::upper_bound(segments_.begin(), segments_.end(), day,
                         [](std::int32_t d, const HazardSegment& s) { return d < s.begin; });
    return it == segments_.begin() ? 0 : static_cast<std::size_t>(it - segments_.begin()) - 1;
  }
  void seek(std::int32_t day) const {
    if (day < segments_[at_].begin) {
      at_ = find(day);
      return;
    }
    while (at_ + 1 < segments_.size() && segments_[at_ + 1].begin <= day) ++at_;
  }

  std::span<const HazardSegment> segments_;
  double factor_;
  mutable std::size_t at_;
};

// Found by plan_hop() for a RouteHazard in place of the generic tumen::spend_budget().
[[nodiscard]] inline std::int32_t spend_budget(double budget, std::int32_t first_day,
                                               std::int32_t last_day, const RouteHazard& hazard) {
  return hazard.spend(budget, first_day, last_day);
}

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
