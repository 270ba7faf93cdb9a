#pragma once
// Route choices kept for as long as the route plan and the logit temperature stay the same.
//
// Everything in a route choice before its draw (the candidates and their logit weights,
// rules::route_options) depends only on the plan, the place, the goal, the view and the
// temperature. Plans change only on the days the timeline changes a route, so most people who
// choose at a place choose among the same options as the person before them: the cache computes
// the options once per (view, goal, place) and plan, and each choice is then only its draw. The
// options are the same values that choose_route() computes, so the route taken is the same bit
// for bit; the draw is consumed in the same way.
//
// One per Simulation, used by its serial block only: agent-parallel blocks, which run at the same
// time, call rules::choose_route() directly, with the same result.
#include <cstdint>
#include <optional>
#include <vector>

#include "tumen/network.hpp"
#include "tumen/rng.hpp"
#include "tumen/rules/route_choice.hpp"

namespace tumen {

class RouteChoiceCache {
 public:
  // A network whose options would take more than this is not cached (enabled() is false).
  static constexpr std::size_t kMaxBytes = std::size_t{4} << 20;

  RouteChoiceCache(const Network& network, std::size_t place_count, std::size_t route_count);

  // The memory one cache takes for this network: 0 when it would exceed kMaxBytes and is not
  // kept (memory_estimate.cpp counts it per replicate).
  [[nodiscard]] static std::size_t bytes_for(const Network& network, std::size_t place_count);

  [[nodiscard]] bool enabled() const { return enabled_; }

  // The plan and temperature of today. Forgets every kept choice if either differs from the
  // last call's. Must be called before choose(), and again whenever either may have changed.
  void use(const RoutePlan& plan, double temperature);

  // rules::choose_route() with the plan and temperature of the last use().
  [[nodiscard]] std::optional<std::uint32_t> choose(std::uint32_t place, std::size_t goal,
                                                    View view, rng::Draws& draws) {
    const std::size_t view_goal = static_cast<std::size_t>(view) * goal_count_ + goal;
    Entry& entry = entries_[view_goal * place_count_ + place];
    const std::size_t slot = view_goal * slots_per_view_goal_ + slot_offset_[place];
    std::uint32_t* candidates = candidates_.data() + slot;
    double* weights = weights_.data() + slot;
    if (entry.stamp != stamp_) {
      entry.options = rules::route_options(network_, *plan_, route_count_, place, goal, view,
                                           temperature_, candidates, weights);
      entry.stamp = stamp_;
    }
    return rules::pick_route(entry.options, candidates, weights, draws);
  }

 private:
  struct Entry {
    std::uint32_t stamp = 0;  // valid when equal to stamp_
    rules::RouteOptions options;
  };

  const Network& network_;
  std::size_t place_count_;
  std::size_t route_count_;
  std::size_t goal_count_;
  bool enabled_ = false;
  // Each place has min(routes leaving it, kMaxChoices) slots in every (view, goal) slab.
  std::vector<std::uint32_t> slot_offset_;  // [place]: its first slot within a slab
  std::size_t slots_per_view_goal_ = 0;
  std::vector<Entry> entries_;             // [view][goal][place]
  std::vector<std::uint32_t> candidates_;  // [view][goal][slot]
  std::vector<double> weights_;            // [view][goal][slot]
  const RoutePlan* plan_ = nullptr;
  double temperature_ = 0.0;
  std::uint32_t stamp_ = 0;
};

}  // namespace tumen
