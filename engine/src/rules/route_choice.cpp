#include "tumen/rules/route_choice.hpp"

#include <array>
#include <cmath>

namespace tumen::rules {

RouteOptions route_options(const Network& network, const RoutePlan& plan, std::size_t route_count,
                           std::uint32_t place, std::size_t goal, View view, double temperature,
                           std::uint32_t* candidates, double* weights) {
  const double here = plan.cost(view, goal, place);
  if (!std::isfinite(here)) return {};
  // Left uninitialised on purpose: only the first n entries are read, and zeroing an array of 64
  // on every call cost more than the rest of the choice.
  std::array<double, kMaxChoices> totals;
  std::size_t n = 0;
  for (const std::uint32_t r : network.routes_from(place)) {
    const double step = plan.step_cost(view, r, route_count);
    const double rest = plan.cost(view, goal, network.route_to(r));
    // Only routes that bring the person strictly closer: no wandering in circles.
    if (!std::isfinite(step) || !(rest < here) || n == kMaxChoices) continue;
    if (view != View::brokered && network.broker_only(r)) continue;
    candidates[n] = r;
    totals[n] = step + rest;
    ++n;
  }
  if (n == 0) return {};
  std::size_t best = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (totals[i] < totals[best]) best = i;  // ties keep the lower route index
  }
  const auto count = static_cast<std::uint8_t>(n);
  if (view == View::brokered || n == 1) return {count, static_cast<std::uint8_t>(best)};
  // Logit: weight exp(-(total - best) / temperature), relative to the best so it cannot overflow.
  // A total equal to the best one weighs exp(-0 / temperature) = exp(-0) = 1 exactly, so the call
  // to exp() is skipped for it: the same bits, and the best route always has one.
  for (std::size_t i = 0; i < n; ++i) {
    weights[i] =
        totals[i] == totals[best] ? 1.0 : std::exp(-(totals[i] - totals[best]) / temperature);
  }
  return {count, RouteOptions::kDraw};
}

std::optional<std::uint32_t> choose_route(const Network& network, const RoutePlan& plan,
                                          std::size_t route_count, std::uint32_t place,
                                          std::size_t goal, View view, double temperature,
                                          rng::Draws& draws) {
  std::array<std::uint32_t, kMaxChoices> candidates;
  std::array<double, kMaxChoices> weights;
  const RouteOptions options = route_options(network, plan, route_count, place, goal, view,
                                             temperature, candidates.data(), weights.data());
  return pick_route(options, candidates.data(), weights.data(), draws);
}

}  // namespace tumen::rules
