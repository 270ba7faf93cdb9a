#pragma once
// The perturbation kernel of ABC-SMC: a multivariate normal centred on an ancestor particle, with
// twice the weighted covariance of the previous generation (Beaumont et al. 2009). A full
// covariance, not one variance per parameter, follows the ridges along which parameters trade
// off (a higher departure rate against a lower share getting through), so proposals land where
// the previous generation was and more of them are accepted (Filippi et al. 2013).
#include <cstddef>
#include <span>
#include <vector>

#include "tumen/calibration/population.hpp"
#include "tumen/rng.hpp"

namespace tumen::calibration {

class Kernel {
 public:
  // From a covariance matrix (row-major, dimensions^2). When it is not positive definite (a
  // parameter that no longer varies), its diagonal is used instead, each variance at least
  // (1e-9 max(1, |scale_k|))^2 so that the kernel stays proper.
  Kernel(std::size_t dimensions, std::vector<double> covariance,
         std::span<const double> scale = {});

  // Twice the weighted covariance of `population`.
  [[nodiscard]] static Kernel from_population(const Population& population);

  [[nodiscard]] std::size_t dimensions() const { return dimensions_; }
  // The lower-triangular Cholesky factor L (row-major) with L L^T = the covariance used.
  [[nodiscard]] const std::vector<double>& cholesky() const { return cholesky_; }

  // centre + L z with z ~ N(0, I), z drawn in parameter order (two words each).
  void perturb(std::span<const double> centre, rng::Draws& draws, std::span<double> out) const;
  // log N(x; centre, L L^T).
  [[nodiscard]] double log_density(std::span<const double> x, std::span<const double> centre) const;

 private:
  std::size_t dimensions_;
  std::vector<double> cholesky_;
  double log_normaliser_ = 0.0;  // -(d/2) log(2 pi) - sum log L_kk
};

// The weighted covariance sum w_i (x_i - m)(x_i - m)^T of normalised weights, row-major.
[[nodiscard]] std::vector<double> weighted_covariance(const Population& population);

// The Cholesky factor of a symmetric matrix (row-major), or an empty vector when the matrix is
// not positive definite.
[[nodiscard]] std::vector<double> cholesky_factor(std::size_t dimensions,
                                                  const std::vector<double>& matrix);

}  // namespace tumen::calibration
