#pragma once
// The posterior draws of `tumen predict` (docs/calibration.md, "Posterior predictive"): draw i
// picks a particle of the final generation with probability equal to its importance weight.
//
// Draw i reads the stream of plain replicate i, key (seed, replicate_stream(i)), at the counter
// (0, 0, 0, block): entity 0, day 0 and purpose 0, a purpose number no model rule uses
// (docs/rng.md, "Posterior predictive draws"). So draw i depends only on (seed, i, the weights),
// never on the thread that made it or on a resume, and the simulation of predictive replicate i,
// which reads the same key with the model's purposes (1 and up), is exactly replicate i of
// `tumen run` with the drawn values as --set overrides.
#include <cstdint>
#include <span>
#include <string>

#include "tumen/calibration/population.hpp"
#include "tumen/rng.hpp"

namespace tumen::calibration {

// The key of predictive replicate `draw`: both its particle draw and its simulation.
[[nodiscard]] constexpr rng::Key predictive_key(std::uint64_t seed, std::uint64_t draw) {
  return rng::Key{seed, rng::replicate_stream(draw)};
}

// The index of the particle that draw `draw` takes: categorical(weights), one word.
[[nodiscard]] std::size_t draw_posterior_particle(std::span<const double> weights,
                                                  std::uint64_t seed, std::uint64_t draw);

// What fixes the parameter values of a posterior predictive run besides the seed: SHA-256 (lower
// case hex) of the base scenario's hash, the calibration file's text, the generation drawn from
// and its particles and weights (each value with 17 significant digits). A predictive file
// records it as its scenario_hash, so that --resume refuses a file drawn from another posterior.
[[nodiscard]] std::string posterior_hash(const std::string& base_scenario_hash,
                                         const std::string& calibration_text,
                                         std::uint64_t generation, const Population& posterior);

// The scenario_hash of a posterior predictive run of a policy variant (`tumen predict --scenario`):
// SHA-256 of the posterior's hash and the variant scenario's own hash, so that --resume refuses a
// base run's file for a variant run, one variant's for another's, and the other way round.
[[nodiscard]] std::string variant_posterior_hash(const std::string& posterior_hash,
                                                 const std::string& variant_scenario_hash);

}  // namespace tumen::calibration
