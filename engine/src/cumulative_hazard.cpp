#include "tumen/cumulative_hazard.hpp"

namespace tumen {

std::int32_t spend_budget(double budget, std::int32_t first_day, std::int32_t last_day,
                          const HazardMix& hazard) {
  if (first_day > last_day || !(hazard.over(first_day, last_day) > budget)) return kForever;
  // The answer is the first day d in [first_day, last_day] on which the hazard since first_day
  // exceeds the budget. The hazard is never negative and rounding is monotone, so that test is
  // false up to the answer and true from it on: any search for the first true day finds the same
  // day. Start where the first day's rate, held, would end the wait, widen by doubling steps
  // until the answer is bracketed, then bisect. Waits under a steady hazard (detention,
  // punishment) then take a few tests instead of log2(days left in the run).
  const auto exceeds = [&](std::int32_t d) { return hazard.over(first_day, d) > budget; };
  std::int32_t low = first_day;  // the answer is in [low, high]
  std::int32_t high = last_day;
  const double rate = hazard.rate(first_day);
  if (rate > 0.0) {
    const double held = static_cast<double>(first_day) + budget / rate;
    const std::int32_t guess =
        held >= static_cast<double>(last_day) ? last_day : static_cast<std::int32_t>(held);
    std::int32_t step = 1;
    if (exceeds(guess)) {
      high = guess;
      while (high - low >= step && exceeds(high - step)) {
        high -= step;
        step *= 2;
      }
      if (high - low >= step) low = high - step + 1;
    } else {
      low = guess + 1;
      while (high - low >= step && !exceeds(low + step - 1)) {
        low += step;
        step *= 2;
      }
      if (high - low >= step) high = low + step - 1;
    }
  }
  while (low < high) {
    const std::int32_t middle = low + (high - low) / 2;
    if (exceeds(middle)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

}  // namespace tumen
