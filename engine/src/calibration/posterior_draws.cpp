#include "tumen/calibration/posterior_draws.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "tumen/distributions.hpp"

namespace tumen::calibration {

namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::size_t draw_posterior_particle(std::span<const double> weights, std::uint64_t seed,
                                    std::uint64_t draw) {
  // Purpose 0 is outside the model's purposes (1 and up), as for a calibration proposal's own
  // draws: the simulation of this replicate never reads these words.
  rng::Draws draws(predictive_key(seed, draw), 0, 0, static_cast<rng::Purpose>(0));
  return dist::categorical(draws, weights);
}

std::string posterior_hash(const std::string& base_scenario_hash,
                           const std::string& calibration_text, std::uint64_t generation,
                           const Population& posterior) {
  std::string canonical = "tumen predict posterior/1\n" + base_scenario_hash + "\n" +
                          std::to_string(calibration_text.size()) + "\n" + calibration_text +
                          "\ngeneration " + std::to_string(generation) + "\n";
  char number[40];
  for (std::size_t i = 0; i < posterior.size(); ++i) {
    for (const double value : posterior.particle(i)) {
      std::snprintf(number, sizeof number, "%.17g ", value);
      canonical += number;
    }
    std::snprintf(number, sizeof number, "w %.17g\n", posterior.weights[i]);
    canonical += number;
  }
  return sha256_hex(canonical);
}

std::string variant_posterior_hash(const std::string& posterior_hash,
                                   const std::string& variant_scenario_hash) {
  return sha256_hex("tumen predict variant/1\n" + posterior_hash + "\n" + variant_scenario_hash +
                    "\n");
}

}  // namespace tumen::calibration
