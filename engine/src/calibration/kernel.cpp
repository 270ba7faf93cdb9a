#include "tumen/calibration/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "tumen/calibration/normal.hpp"

namespace tumen::calibration {

std::vector<double> cholesky_factor(std::size_t dimensions, const std::vector<double>& matrix) {
  // Cholesky-Banachiewicz, row by row; a pivot that is not clearly positive means the matrix is
  // (numerically) singular.
  const std::size_t d = dimensions;
  std::vector<double> factor(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = matrix[i * d + j];
      for (std::size_t k = 0; k < j; ++k) sum -= factor[i * d + k] * factor[j * d + k];
      if (i == j) {
        if (!(sum > 1e-14 * std::abs(matrix[i * d + i])) || !(sum > 0.0) || !std::isfinite(sum)) {
          return {};
        }
        factor[i * d + i] = std::sqrt(sum);
      } else {
        factor[i * d + j] = sum / factor[j * d + j];
      }
    }
  }
  return factor;
}

std::vector<double> weighted_covariance(const Population& population) {
  const std::size_t d = population.dimensions;
  std::vector<double> mean(d, 0.0);
  for (std::size_t i = 0; i < population.size(); ++i) {
    for (std::size_t k = 0; k < d; ++k)
      mean[k] += population.weights[i] * population.particle(i)[k];
  }
  std::vector<double> covariance(d * d, 0.0);
  for (std::size_t i = 0; i < population.size(); ++i) {
    const auto x = population.particle(i);
    for (std::size_t k = 0; k < d; ++k) {
      for (std::size_t l = 0; l <= k; ++l) {
        covariance[k * d + l] += population.weights[i] * (x[k] - mean[k]) * (x[l] - mean[l]);
      }
    }
  }
  for (std::size_t k = 0; k < d; ++k) {
    for (std::size_t l = 0; l < k; ++l) covariance[l * d + k] = covariance[k * d + l];
  }
  return covariance;
}

Kernel::Kernel(std::size_t dimensions, std::vector<double> covariance,
               std::span<const double> scale)
    : dimensions_(dimensions) {
  if (covariance.size() != dimensions * dimensions) {
    throw std::invalid_argument("kernel covariance has the wrong size");
  }
  cholesky_ = cholesky_factor(dimensions, covariance);
  if (cholesky_.empty()) {
    cholesky_.assign(dimensions * dimensions, 0.0);
    for (std::size_t k = 0; k < dimensions; ++k) {
      const double magnitude = k < scale.size() ? std::max(1.0, std::abs(scale[k])) : 1.0;
      const double floor = 1e-9 * magnitude;
      const double variance = covariance[k * dimensions + k];
      cholesky_[k * dimensions + k] =
          std::isfinite(variance) && variance > floor * floor ? std::sqrt(variance) : floor;
    }
  }
  log_normaliser_ = -0.5 * static_cast<double>(dimensions) * std::log(2.0 * std::numbers::pi);
  for (std::size_t k = 0; k < dimensions; ++k) {
    log_normaliser_ -= std::log(cholesky_[k * dimensions + k]);
  }
}

Kernel Kernel::from_population(const Population& population) {
  std::vector<double> covariance = weighted_covariance(population);
  for (double& c : covariance) c *= 2.0;
  // The weighted mean of each parameter sets the scale of the fallback's variance floor.
  std::vector<double> scale(population.dimensions, 0.0);
  for (std::size_t i = 0; i < population.size(); ++i) {
    for (std::size_t k = 0; k < population.dimensions; ++k) {
      scale[k] += population.weights[i] * population.particle(i)[k];
    }
  }
  return Kernel(population.dimensions, std::move(covariance), scale);
}

void Kernel::perturb(std::span<const double> centre, rng::Draws& draws,
                     std::span<double> out) const {
  const std::size_t d = dimensions_;
  std::vector<double> z(d);
  for (std::size_t k = 0; k < d; ++k) z[k] = standard_normal(draws);
  for (std::size_t i = 0; i < d; ++i) {
    double value = centre[i];
    for (std::size_t k = 0; k <= i; ++k) value += cholesky_[i * d + k] * z[k];
    out[i] = value;
  }
}

double Kernel::log_density(std::span<const double> x, std::span<const double> centre) const {
  // Solve L y = x - centre by forward substitution; the exponent is -|y|^2 / 2.
  const std::size_t d = dimensions_;
  double squared = 0.0;
  double y_buffer[16];
  std::vector<double> y_heap;
  double* y = y_buffer;
  if (d > 16) {
    y_heap.resize(d);
    y = y_heap.data();
  }
  for (std::size_t i = 0; i < d; ++i) {
    double value = x[i] - centre[i];
    for (std::size_t k = 0; k < i; ++k) value -= cholesky_[i * d + k] * y[k];
    y[i] = value / cholesky_[i * d + i];
    squared += y[i] * y[i];
  }
  return log_normaliser_ - 0.5 * squared;
}

}  // namespace tumen::calibration
