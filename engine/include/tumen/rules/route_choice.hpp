#pragma once
// Rule family 4: route choice. A person at a place picks the next route toward their goal among
// the open routes that bring them strictly closer to it (in generalised cost: time, risk and
// money). Broker clients follow the broker's route, the cheapest; people on their own choose by a
// logit of the total cost, and cannot take routes that need a broker: where only such a route
// leads on, they wait (hide) at the hub until a broker takes them. docs/model.md,
// "Route choice".
#include <cstdint>
#include <optional>
#include <span>

#include "tumen/distributions.hpp"
#include "tumen/network.hpp"
#include "tumen/rng.hpp"

namespace tumen::rules {

inline constexpr std::size_t kMaxChoices = 64;

// The choice before its draw: which routes are candidates, with their logit weights, and
// whether one of them is taken without a draw. It depends only on the plan, the place, the
// goal, the view and the temperature, so it can be kept while they stay the same
// (RouteChoiceCache). choose_route() is route_options() followed by pick_route().
struct RouteOptions {
  static constexpr std::uint8_t kDraw = 0xff;
  std::uint8_t count = 0;       // candidates; 0 when no route leads closer
  std::uint8_t chosen = kDraw;  // the candidate taken without a draw, or kDraw for the logit
};

// Writes the candidates, and their weights when the choice needs a draw, into the first
// `count` entries of `candidates` and `weights`, which hold at least
// min(routes_from(place).size(), kMaxChoices) entries each.
[[nodiscard]] RouteOptions route_options(const Network& network, const RoutePlan& plan,
                                         std::size_t route_count, std::uint32_t place,
                                         std::size_t goal, View view, double temperature,
                                         std::uint32_t* candidates, double* weights);

// The route taken: one draw (categorical over the weights) when the options call for it.
[[nodiscard]] inline std::optional<std::uint32_t> pick_route(const RouteOptions& options,
                                                             const std::uint32_t* candidates,
                                                             const double* weights,
                                                             rng::Draws& draws) {
  if (options.count == 0) return std::nullopt;
  if (options.chosen != RouteOptions::kDraw) return candidates[options.chosen];
  return candidates[dist::categorical(draws, std::span<const double>(weights, options.count))];
}

[[nodiscard]] std::optional<std::uint32_t> choose_route(
    const Network& network, const RoutePlan& plan, std::size_t route_count, std::uint32_t place,
    std::size_t goal, View view, double temperature, rng::Draws& draws);

}  // namespace tumen::rules
