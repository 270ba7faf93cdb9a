#pragma once
// One generation's particles: parameter vectors with their importance weights and distances.
#include <cstddef>
#include <span>
#include <vector>

namespace tumen::calibration {

struct Population {
  std::size_t dimensions = 0;
  std::vector<double> particles;  // row-major [particle][parameter]
  std::vector<double> weights;    // [particle], normalised to sum 1
  std::vector<double> distances;  // [particle]

  [[nodiscard]] std::size_t size() const { return weights.size(); }
  [[nodiscard]] std::span<const double> particle(std::size_t i) const {
    return {particles.data() + i * dimensions, dimensions};
  }
};

// The effective sample size 1 / sum(w_i^2) of normalised weights: N for equal weights, 1 when
// one particle holds all the weight.
[[nodiscard]] double effective_sample_size(std::span<const double> weights);

}  // namespace tumen::calibration
