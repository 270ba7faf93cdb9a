#pragma once
// Rule family 5: brokers. Brokers work at hubs with a fee and a monthly capacity. Requests made
// on a day are granted in a phase of their own, in the order of a random priority key (agent id
// breaks ties), never first come first served across threads. A contract lowers the detection
// hazard, and may end in betrayal. docs/model.md, "Brokers".
#include <cstdint>
#include <span>
#include <vector>

#include "tumen/distributions.hpp"

namespace tumen::rules {

// Someone at a hub without a broker asks for one if they (or their sponsor) can pay the fee,
// with probability hire_probability; sponsored people always ask.
[[nodiscard]] inline bool wants_broker(float funds_usd, double fee_usd, bool sponsored,
                                       double hire_probability, rng::Draws& draws) {
  if (static_cast<double>(funds_usd) < fee_usd) return false;
  return sponsored || dist::bernoulli(draws, hire_probability);
}

struct BrokerRequest {
  std::uint32_t hub = 0;
  std::uint64_t priority = 0;
  std::uint32_t agent = 0;

  friend bool operator<(const BrokerRequest& a, const BrokerRequest& b) {
    if (a.hub != b.hub) return a.hub < b.hub;
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.agent < b.agent;
  }
};

// Sorts `requests` and marks which are granted: at most remaining[hub] per hub, in priority
// order. Decrements `remaining`.
void grant_requests(std::span<BrokerRequest> requests, std::span<std::int64_t> remaining,
                    std::vector<char>& granted);

enum class Contract : std::uint8_t { honest, trafficked, reported };

[[nodiscard]] inline Contract draw_contract(double betrayal_probability, double trafficking_share,
                                            rng::Draws& draws) {
  if (!dist::bernoulli(draws, betrayal_probability)) return Contract::honest;
  return dist::bernoulli(draws, trafficking_share) ? Contract::trafficked : Contract::reported;
}

}  // namespace tumen::rules
