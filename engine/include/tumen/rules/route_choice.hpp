#pragma once
// Rule family 4: route choice. A person at a place picks the next route toward their goal among
// the open routes that bring them strictly closer to it (in generalised cost: time, risk and
// money). Broker clients follow the broker's route, the cheapest; people on their own choose by a
// logit of the total cost, and cannot take routes that need a broker: where only such a route
// leads on, they wait (hide) at the hub until a broker takes them. docs/model.md,
// "Route choice".
#include <cstdint>
#include <optional>

#include "tumen/network.hpp"
#include "tumen/rng.hpp"

namespace tumen::rules {

inline constexpr std::size_t kMaxChoices = 64;

[[nodiscard]] std::optional<std::uint32_t> choose_route(
    const Network& network, const RoutePlan& plan, std::size_t route_count, std::uint32_t place,
    std::size_t goal, View view, double temperature, rng::Draws& draws);

}  // namespace tumen::rules
