#pragma once
// The adaptive tolerance schedule and the stopping rules of ABC-SMC. Generation 0 accepts
// every prior draw (tolerance +infinity unless the file gives one); each later tolerance is the
// alpha-quantile of the previous generation's distances (Del Moral et al. 2012; Drovandi and
// Pettitt 2011), never below the target.
#include <cstdint>
#include <span>
#include <string>

namespace tumen::calibration {

struct StoppingRules {
  double target_tolerance = 0.0;      // stop once a generation's tolerance is at most this
  double min_acceptance_rate = 0.01;  // stop once a generation accepts less than this
  std::uint64_t max_generations = 20;
};

enum class StopReason {
  target_tolerance,   // the last generation reached the target
  max_generations,    // the generation limit
  acceptance_rate,    // the last generation (or the one after it) accepted too little
  tolerance_stalled,  // the quantile did not fall below the last tolerance
};

[[nodiscard]] const char* name_of(StopReason reason);

// The alpha-quantile of `distances` (linear interpolation between order statistics, the
// definition numpy calls "linear"), or `floor` if that is larger. Distances are not modified.
[[nodiscard]] double next_tolerance(std::span<const double> distances, double alpha, double floor);

// The most attempts a generation may make: ceil(particles / min_acceptance_rate), beyond which
// its acceptance rate could only end below the minimum; kMaxAttempts when there is no minimum.
[[nodiscard]] std::uint64_t attempt_limit(std::uint64_t particles, double min_acceptance_rate);

}  // namespace tumen::calibration
