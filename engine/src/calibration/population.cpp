#include "tumen/calibration/population.hpp"

namespace tumen::calibration {

double effective_sample_size(std::span<const double> weights) {
  double sum_of_squares = 0.0;
  for (const double w : weights) sum_of_squares += w * w;
  return sum_of_squares > 0.0 ? 1.0 / sum_of_squares : 0.0;
}

}  // namespace tumen::calibration
