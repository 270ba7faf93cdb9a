#include "tumen/route_choice_cache.hpp"

#include <algorithm>
#include <bit>

namespace tumen {

RouteChoiceCache::RouteChoiceCache(const Network& network, std::size_t place_count,
                                   std::size_t route_count)
    : network_(network),
      place_count_(place_count),
      route_count_(route_count),
      goal_count_(network.destinations().size()) {
  slot_offset_.resize(place_count_);
  for (std::uint32_t p = 0; p < place_count_; ++p) {
    slot_offset_[p] = static_cast<std::uint32_t>(slots_per_view_goal_);
    slots_per_view_goal_ += std::min(network.routes_from(p).size(), rules::kMaxChoices);
  }
  const std::size_t view_goals = kViewCount * goal_count_;
  enabled_ = bytes_for(network, place_count) > 0;
  if (!enabled_) return;
  entries_.resize(view_goals * place_count_);
  candidates_.resize(view_goals * slots_per_view_goal_);
  weights_.resize(view_goals * slots_per_view_goal_);
}

std::size_t RouteChoiceCache::bytes_for(const Network& network, std::size_t place_count) {
  std::size_t slots = 0;
  for (std::uint32_t p = 0; p < place_count; ++p) {
    slots += std::min(network.routes_from(p).size(), rules::kMaxChoices);
  }
  const std::size_t view_goals = kViewCount * network.destinations().size();
  const std::size_t bytes =
      view_goals * (place_count * sizeof(Entry) + slots * (sizeof(std::uint32_t) + sizeof(double)));
  return view_goals > 0 && bytes <= kMaxBytes ? bytes : 0;
}

void RouteChoiceCache::use(const RoutePlan& plan, double temperature) {
  // The temperature is compared bit for bit: equal bits give equal weights.
  if (&plan == plan_ &&
      std::bit_cast<std::uint64_t>(temperature) == std::bit_cast<std::uint64_t>(temperature_)) {
    return;
  }
  plan_ = &plan;
  temperature_ = temperature;
  ++stamp_;
  if (stamp_ == 0) {  // wrapped after 2^32 changes: forget every entry explicitly
    std::fill(entries_.begin(), entries_.end(), Entry{});
    stamp_ = 1;
  }
}

}  // namespace tumen
