#pragma once
// The prior of one calibrated parameter: uniform, log-uniform, normal or truncated normal. A prior
// gives the log density that the importance weights use and draws the first generation.
#include <string>

#include "tumen/rng.hpp"

namespace tumen::calibration {

enum class PriorKind { uniform, log_uniform, normal, truncated_normal };

class Prior {
 public:
  // uniform on [low, high], low < high
  [[nodiscard]] static Prior uniform(double low, double high);
  // log X uniform on [log low, log high], 0 < low < high
  [[nodiscard]] static Prior log_uniform(double low, double high);
  // N(mean, sd^2), sd > 0
  [[nodiscard]] static Prior normal(double mean, double sd);
  // N(mean, sd^2) restricted to [low, high]; one bound may be infinite. The interval must hold
  // some probability (the constructor throws std::invalid_argument otherwise).
  [[nodiscard]] static Prior truncated_normal(double mean, double sd, double low, double high);

  [[nodiscard]] PriorKind kind() const { return kind_; }
  // The support: values outside have density 0.
  [[nodiscard]] double low() const { return low_; }
  [[nodiscard]] double high() const { return high_; }
  [[nodiscard]] double mean_parameter() const { return mean_; }
  [[nodiscard]] double sd_parameter() const { return sd_; }

  // The normalised log density: -infinity outside the support.
  [[nodiscard]] double log_density(double x) const;
  // One draw, from the words of `draws` (docs/calibration.md says how many).
  [[nodiscard]] double sample(rng::Draws& draws) const;
  // "uniform(1, 10)", "truncated_normal(0.5, 0.2, 0, 1)": for the output file and messages.
  [[nodiscard]] std::string describe() const;

 private:
  PriorKind kind_ = PriorKind::uniform;
  double low_ = 0.0;
  double high_ = 1.0;
  double mean_ = 0.0;
  double sd_ = 1.0;
  double log_normaliser_ = 0.0;  // the log of what makes the density integrate to 1
};

}  // namespace tumen::calibration
