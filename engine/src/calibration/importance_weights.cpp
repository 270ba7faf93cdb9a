#include "tumen/calibration/importance_weights.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tumen::calibration {

double log_prior_density(std::span<const Prior> priors, std::span<const double> particle) {
  double sum = 0.0;
  for (std::size_t k = 0; k < priors.size(); ++k) sum += priors[k].log_density(particle[k]);
  return sum;
}

std::vector<double> normalise_log_weights(std::span<const double> log_weights) {
  double top = -std::numeric_limits<double>::infinity();
  for (const double w : log_weights) top = std::max(top, w);
  std::vector<double> weights(log_weights.size(), 0.0);
  if (!std::isfinite(top)) {
    // Nothing has a usable weight: fall back to equal weights rather than dividing by zero.
    std::fill(weights.begin(), weights.end(), 1.0 / static_cast<double>(weights.size()));
    return weights;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] = std::exp(log_weights[i] - top);
    sum += weights[i];
  }
  for (double& w : weights) w /= sum;
  return weights;
}

std::vector<double> importance_weights(std::span<const Prior> priors,
                                       std::span<const double> particles,
                                       const Population& previous, const Kernel& kernel) {
  const std::size_t d = previous.dimensions;
  const std::size_t n = d == 0 ? 0 : particles.size() / d;
  std::vector<double> log_weights(n);
  std::vector<double> terms(previous.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::span<const double> x = particles.subspan(i * d, d);
    // log sum_j w_j K(x | theta_j), as a log-sum-exp over j in index order.
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < previous.size(); ++j) {
      terms[j] = previous.weights[j] > 0.0
                     ? std::log(previous.weights[j]) + kernel.log_density(x, previous.particle(j))
                     : -std::numeric_limits<double>::infinity();
      top = std::max(top, terms[j]);
    }
    double sum = 0.0;
    for (const double t : terms) sum += std::exp(t - top);
    const double log_mixture = top + std::log(sum);
    log_weights[i] = log_prior_density(priors, x) - log_mixture;
  }
  return normalise_log_weights(log_weights);
}

}  // namespace tumen::calibration
