#include "tumen/cumulative_hazard.hpp"

namespace tumen {

std::int32_t spend_budget(double budget, std::int32_t first_day, std::int32_t last_day,
                          const HazardMix& hazard) {
  if (first_day > last_day || !(hazard.over(first_day, last_day) > budget)) return kForever;
  // The hazard is never negative, so the total since first_day grows with the day: bisect for
  // the first day on which it exceeds the budget.
  std::int32_t low = first_day;
  std::int32_t high = last_day;
  while (low < high) {
    const std::int32_t middle = low + (high - low) / 2;
    if (hazard.over(first_day, middle) > budget) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

}  // namespace tumen
