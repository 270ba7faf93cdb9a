#include "tumen/rules/broker.hpp"

#include <algorithm>

namespace tumen::rules {

void grant_requests(std::span<BrokerRequest> requests, std::span<std::int64_t> remaining,
                    std::vector<char>& granted) {
  std::sort(requests.begin(), requests.end());
  granted.assign(requests.size(), 0);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto& left = remaining[requests[i].hub];
    if (left > 0) {
      --left;
      granted[i] = 1;
    }
  }
}

}  // namespace tumen::rules
