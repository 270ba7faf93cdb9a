#include "tumen/calibration/posterior_summary.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace tumen::calibration {

double weighted_mean(const Population& population, std::size_t parameter) {
  double sum = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < population.size(); ++i) {
    sum += population.weights[i] * population.particle(i)[parameter];
    total += population.weights[i];
  }
  return total > 0.0 ? sum / total : 0.0;
}

double weighted_quantile(const Population& population, std::size_t parameter, double probability) {
  const std::size_t n = population.size();
  if (n == 0) return 0.0;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return population.particle(a)[parameter] < population.particle(b)[parameter];
  });
  double total = 0.0;
  for (const double w : population.weights) total += w;
  const double target = probability * total;
  double cumulative = 0.0;
  for (const std::size_t i : order) {
    cumulative += population.weights[i];
    if (cumulative >= target) return population.particle(i)[parameter];
  }
  return population.particle(order.back())[parameter];
}

}  // namespace tumen::calibration
