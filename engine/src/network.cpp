#include "tumen/network.hpp"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <boost/property_map/property_map.hpp>
#include <boost/range/iterator_range.hpp>
#include <cmath>
#include <limits>

namespace tumen {

namespace {

struct RouteEdge {
  std::uint32_t route = 0;
};
using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, RouteEdge>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The parameters that shape route plans; a plan is rebuilt when any of them changes.
constexpr Param kPlanGlobals[] = {Param::route_time_weight, Param::route_risk_weight,
                                  Param::route_cost_weight_per_kusd, Param::broker_protection,
                                  Param::broker_fee_usd};

}  // namespace

std::uint64_t route_plan_bytes(std::uint64_t places, std::uint64_t routes,
                               std::uint64_t destinations) {
  return kViewCount * (destinations * places + routes) * sizeof(double) + sizeof(RoutePlan);
}

bool shapes_route_plans(Param p) {
  return std::find(std::begin(kPlanGlobals), std::end(kPlanGlobals), p) != std::end(kPlanGlobals) ||
         p == Param::route_open || p == Param::patrol_intensity ||
         p == Param::route_detection_multiplier || p == Param::broker_capacity_per_month;
}

namespace {

// Fills plan.cost_to_goal from plan.route_cost: Dijkstra from each destination on the reversed
// graph gives every place's cost to reach it.
void costs_to_goals(RoutePlan& plan, const Graph& graph,
                    const std::vector<std::uint32_t>& destinations) {
  const std::size_t place_count = plan.place_count;
  const std::size_t route_count = plan.route_cost.size() / kViewCount;
  std::vector<double> distance(place_count);
  std::vector<Vertex> predecessor(place_count);
  for (std::size_t v = 0; v < kViewCount; ++v) {
    const double* costs = plan.route_cost.data() + v * route_count;
    const auto weight = boost::make_function_property_map<Graph::edge_descriptor, double>(
        [&](const Graph::edge_descriptor& e) { return costs[graph[e].route]; });
    for (std::size_t g = 0; g < destinations.size(); ++g) {
      boost::dijkstra_shortest_paths(
          graph, destinations[g],
          boost::weight_map(weight)
              .distance_map(boost::make_iterator_property_map(
                  distance.begin(), boost::get(boost::vertex_index, graph)))
              .predecessor_map(boost::make_iterator_property_map(
                  predecessor.begin(), boost::get(boost::vertex_index, graph)))
              .distance_inf(kInfinity));
      std::copy(distance.begin(), distance.end(),
                plan.cost_to_goal.begin() +
                    static_cast<std::ptrdiff_t>((v * plan.goal_count + g) * place_count));
    }
  }
}

}  // namespace

Network::Network(const Scenario& scenario, const Timeline& timeline)
    : scenario_(scenario), timeline_(timeline) {
  const auto place_count = scenario.places.size();
  // Route indices follow the CSV; the CSR graph sorts edges by source, so keep the mapping.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  std::vector<RouteEdge> properties;
  for (std::uint32_t r = 0; r < scenario.routes.size(); ++r) {
    edges.emplace_back(scenario.routes[r].from, scenario.routes[r].to);
    properties.push_back({r});
  }
  const Graph graph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(),
                    properties.begin(), place_count);
  out_offsets_.assign(place_count + 1, 0);
  for (std::uint32_t v = 0; v < place_count; ++v) {
    std::vector<std::uint32_t> routes;
    for (const auto e :
         boost::make_iterator_range(boost::out_edges(static_cast<Vertex>(v), graph))) {
      routes.push_back(graph[e].route);
    }
    std::sort(routes.begin(), routes.end());
    out_routes_.insert(out_routes_.end(), routes.begin(), routes.end());
    out_offsets_[v + 1] = static_cast<std::uint32_t>(out_routes_.size());
  }
  for (std::uint32_t i = 0; i < place_count; ++i) {
    if (scenario.places[i].kind == PlaceKind::destination) destinations_.push_back(i);
  }
  for (const auto& route : scenario.routes) {
    base_hazard_.push_back(-std::log1p(-route.detection_per_day));
  }
  // Detection hazards as segments: every day of a segment has the hazard of its first day, and
  // detection_constant_until() of any day in it is the next segment's begin (a Series changes
  // only at its pieces' begins and on each day of a ramp, so the next change after a day is the
  // same from every day of a segment).
  segment_offsets_.push_back(0);
  for (std::uint32_t r = 0; r < scenario.routes.size(); ++r) {
    for (std::int32_t day = 0; day < scenario.day_count(); day = detection_constant_until(r, day)) {
      segments_.push_back({day, detection_hazard(r, day)});
    }
    segment_offsets_.push_back(static_cast<std::uint32_t>(segments_.size()));
  }

  // One plan per day on which anything shaping the plans changes. The costs to the goals follow
  // from the route costs alone, so a day whose route costs equal the last plan's (a change that
  // moved nothing a plan uses) needs no plan of its own: the last one covers it. In the Korea
  // baseline 2,644 of the 8,347 days on which something shaping the plans changes are such days.
  const std::int32_t days = scenario.day_count();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> reversed;
  std::vector<RouteEdge> reversed_properties;
  for (std::uint32_t r = 0; r < scenario.routes.size(); ++r) {
    reversed.emplace_back(scenario.routes[r].to, scenario.routes[r].from);
    reversed_properties.push_back({r});
  }
  const Graph reversed_graph(boost::edges_are_unsorted_multi_pass, reversed.begin(), reversed.end(),
                             reversed_properties.begin(), place_count);
  std::int32_t day = 0;
  while (day < days) {
    RoutePlan plan = route_costs(day);
    if (plans_.empty() || plan.route_cost != plans_.back().route_cost) {
      costs_to_goals(plan, reversed_graph, destinations_);
      plans_.push_back(std::move(plan));
    }
    std::int32_t next = kForever;
    for (const Param p : kPlanGlobals)
      next = std::min(next, timeline.global(p).constant_until(day));
    for (std::uint32_t r = 0; r < scenario.routes.size(); ++r) {
      next = std::min(next, timeline.route(Param::route_open, r).constant_until(day));
      next = std::min(next, detection_constant_until(r, day));
      next =
          std::min(next, timeline.place(Param::broker_capacity_per_month, scenario.routes[r].from)
                             .constant_until(day));
    }
    day = next;
  }
}

double Network::detection_hazard(std::uint32_t route, std::int32_t day) const {
  const Route& r = scenario_.routes[route];
  // Scaled by the most intensely patrolled of the two places the route touches.
  const double patrol = std::max(timeline_.place(Param::patrol_intensity, r.from).at(day),
                                 timeline_.place(Param::patrol_intensity, r.to).at(day));
  return base_hazard_[route] * patrol *
         timeline_.route(Param::route_detection_multiplier, route).at(day);
}

std::int32_t Network::detection_constant_until(std::uint32_t route, std::int32_t day) const {
  const Route& r = scenario_.routes[route];
  return std::min({timeline_.place(Param::patrol_intensity, r.from).constant_until(day),
                   timeline_.place(Param::patrol_intensity, r.to).constant_until(day),
                   timeline_.route(Param::route_detection_multiplier, route).constant_until(day)});
}

RoutePlan Network::route_costs(std::int32_t day) const {
  const auto place_count = scenario_.places.size();
  const auto route_count = scenario_.routes.size();
  RoutePlan plan;
  plan.first_day = day;
  plan.place_count = place_count;
  plan.goal_count = destinations_.size();
  plan.cost_to_goal.assign(kViewCount * plan.goal_count * place_count, kInfinity);
  plan.route_cost.assign(kViewCount * route_count, kInfinity);

  const double time_weight = timeline_.global(Param::route_time_weight).at(day);
  const double risk_weight = timeline_.global(Param::route_risk_weight).at(day);
  const double cost_weight = timeline_.global(Param::route_cost_weight_per_kusd).at(day);
  const double protection = timeline_.global(Param::broker_protection).at(day);
  const double fee = timeline_.global(Param::broker_fee_usd).at(day);

  for (std::uint32_t r = 0; r < route_count; ++r) {
    const Route& route = scenario_.routes[r];
    if (timeline_.route(Param::route_open, r).at(day) < 0.5) continue;
    const double days = route.travel_days;
    const double hazard = detection_hazard(r, day);
    const double risk_alone = -std::expm1(-hazard * days);
    const double risk_brokered = -std::expm1(-hazard * (1.0 - protection) * days);
    const double cost_alone =
        time_weight * days + risk_weight * risk_alone + cost_weight * route.cost_usd / 1000.0;
    if (route.broker == BrokerUse::optional) {
      plan.route_cost[r] = cost_alone;
      plan.route_cost[route_count + r] = cost_alone;
    } else if (timeline_.place(Param::broker_capacity_per_month, route.from).at(day) >= 1.0) {
      // Someone who can pay plans toward a broker-only route that starts at a working hub,
      // pricing in the fee; they cannot travel it alone (rules::choose_route skips it).
      plan.route_cost[route_count + r] =
          time_weight * days + risk_weight * risk_brokered + cost_weight * fee / 1000.0;
    }
    // A broker's fee covers the route costs, so brokered travel weighs only time and risk.
    plan.route_cost[2 * route_count + r] = time_weight * days + risk_weight * risk_brokered;
  }

  return plan;
}

const RoutePlan& Network::plan_for(std::int32_t day) const {
  const auto it =
      std::upper_bound(plans_.begin(), plans_.end(), day,
                       [](std::int32_t d, const RoutePlan& p) { return d < p.first_day; });
  return *(it - 1);
}

}  // namespace tumen
