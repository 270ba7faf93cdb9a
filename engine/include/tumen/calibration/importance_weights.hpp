#pragma once
// The importance weights of a new ABC-SMC generation (Toni et al. 2009; Beaumont et al. 2009):
//
//   w_i  proportional to  prior(theta_i) / sum_j w_j^prev K(theta_i | theta_j^prev)
//
// computed in logs (log-sum-exp), so that neither tiny kernel densities nor tiny prior densities
// underflow, then normalised to sum 1. The first generation, drawn from the prior, has equal
// weights.
#include <span>
#include <vector>

#include "tumen/calibration/kernel.hpp"
#include "tumen/calibration/population.hpp"
#include "tumen/calibration/prior.hpp"

namespace tumen::calibration {

// The sum of the log prior densities of one particle.
[[nodiscard]] double log_prior_density(std::span<const Prior> priors,
                                       std::span<const double> particle);

// Normalised weights of `particles` (row-major, previous.dimensions columns) proposed from
// `previous` through `kernel`. Each weight is computed on its own, in particle order, so the
// result does not depend on how the work is spread.
[[nodiscard]] std::vector<double> importance_weights(std::span<const Prior> priors,
                                                     std::span<const double> particles,
                                                     const Population& previous,
                                                     const Kernel& kernel);

// exp(x_i - max) / sum: turns log weights into normalised weights.
[[nodiscard]] std::vector<double> normalise_log_weights(std::span<const double> log_weights);

}  // namespace tumen::calibration
