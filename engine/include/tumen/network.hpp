#pragma once
// The network of places and routes (a Boost.Graph compressed sparse row graph) and the route
// plans derived from it: for every goal destination, the generalised cost of reaching it from
// each place, computed by Dijkstra on the reversed graph. Plans are rebuilt only on the days
// when the timeline opens or closes a route or changes its risk; between those days a plan is
// shared, read-only, by every replicate.
#include <cstdint>
#include <span>
#include <vector>

#include "tumen/scenario.hpp"
#include "tumen/timeline.hpp"

namespace tumen {

// What a person knows and can use, which decides the routes they plan with:
//   unaided         cannot pay a broker: only routes that need none;
//   seeking_broker  can pay a broker: also broker-only routes that start at a working hub, priced
//                   at the fee, so they head for the hub (but cannot travel such routes alone);
//   brokered        under a broker contract: every open route, with a lower detection hazard.
enum class View : std::uint8_t { unaided, seeking_broker, brokered };
inline constexpr std::size_t kViewCount = 3;

struct RoutePlan {
  std::int32_t first_day = 0;
  std::size_t place_count = 0;
  std::size_t goal_count = 0;
  std::vector<double> cost_to_goal;  // [view][goal][place]; +inf where the goal is unreachable
  std::vector<double> route_cost;    // [view][route]; +inf where the route cannot be used

  [[nodiscard]] double cost(View v, std::size_t goal, std::uint32_t place) const {
    return cost_to_goal[(static_cast<std::size_t>(v) * goal_count + goal) * place_count + place];
  }
  [[nodiscard]] double step_cost(View v, std::uint32_t route, std::size_t route_count) const {
    return route_cost[static_cast<std::size_t>(v) * route_count + route];
  }
};

// A stretch of days over which a route's detection hazard holds one value: from `begin` to the
// next segment's begin (the last segment lasts to the end of the run).
struct HazardSegment {
  std::int32_t begin = 0;
  double rate = 0.0;  // detection_hazard(route, day) for every day of the segment
};

// Whether a change of `p` can change the route plans (route costs, and the costs to the goals
// that follow from them): a plan is built for each day on which one of these changes.
[[nodiscard]] bool shapes_route_plans(Param p);

// The memory of one route plan: the cost to every goal from every place, and every route's
// cost, for each view.
[[nodiscard]] std::uint64_t route_plan_bytes(std::uint64_t places, std::uint64_t routes,
                                             std::uint64_t destinations);

class Network {
 public:
  Network(const Scenario& scenario, const Timeline& timeline);

  // Routes leaving `place`, in ascending route index.
  [[nodiscard]] std::span<const std::uint32_t> routes_from(std::uint32_t place) const {
    return {out_routes_.data() + out_offsets_[place], out_routes_.data() + out_offsets_[place + 1]};
  }
  [[nodiscard]] std::uint32_t route_to(std::uint32_t route) const {
    return scenario_.routes[route].to;
  }
  [[nodiscard]] bool broker_only(std::uint32_t route) const {
    return scenario_.routes[route].broker == BrokerUse::required;
  }
  [[nodiscard]] const RoutePlan& plan_for(std::int32_t day) const;
  [[nodiscard]] std::size_t plan_count() const { return plans_.size(); }
  // Destination places, in place order; a goal is an index into this list.
  [[nodiscard]] const std::vector<std::uint32_t>& destinations() const { return destinations_; }

  // Daily detection hazard on a route on `day`, before any broker or bribe.
  [[nodiscard]] double detection_hazard(std::uint32_t route, std::int32_t day) const;
  [[nodiscard]] std::int32_t detection_constant_until(std::uint32_t route, std::int32_t day) const;
  // The same hazard over the whole run as segments, ascending: the segments' begins are exactly
  // the days that detection_constant_until() steps through from day 0, so that a hop planned from
  // them spends its budget with the same arithmetic, but without looking up three series on
  // every segment (rules::RouteHazard).
  [[nodiscard]] std::span<const HazardSegment> detection_segments(std::uint32_t route) const {
    return {segments_.data() + segment_offsets_[route],
            segments_.data() + segment_offsets_[route + 1]};
  }

 private:
  // The plan of `day` with its route costs; its costs to the goals are filled in afterwards.
  RoutePlan route_costs(std::int32_t day) const;

  const Scenario& scenario_;
  const Timeline& timeline_;
  std::vector<std::uint32_t> out_offsets_;
  std::vector<std::uint32_t> out_routes_;
  std::vector<std::uint32_t> destinations_;
  std::vector<double> base_hazard_;             // -log(1 - detection_per_day)
  std::vector<std::uint32_t> segment_offsets_;  // [route]: first segment in segments_
  std::vector<HazardSegment> segments_;
  std::vector<RoutePlan> plans_;  // ascending first_day
};

}  // namespace tumen
