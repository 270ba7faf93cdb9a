#pragma once
// What one particle's parameter values produce: the base scenario with the values as --set
// overrides, run in-process for the calibration's replicates at a yearly period, summarised as
// the mean yearly arrivals (total and female) at the observed destinations, and the distance of
// those to the observed series.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tumen/calibration/arrivals_distance.hpp"
#include "tumen/calibration/calibration_spec.hpp"

namespace tumen::calibration {

// The base scenario refused a particle's values (a cross-check between parameters, say), or its
// files changed during the calibration: the user can fix either.
class ParticleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ParticleEvaluator {
 public:
  // Keeps the base scenario's files to notice an edit during the calibration.
  explicit ParticleEvaluator(const CalibrationSpec& spec);

  // The --set overrides of a particle: "name=value" with 17 significant digits, so that the
  // scenario gets exactly the particle's doubles.
  [[nodiscard]] std::vector<std::string> overrides(std::span<const double> particle) const;

  // Mean yearly arrivals for each observed year, over replicates 0 .. replicates-1 of proposal
  // (generation, attempt). Thread-safe.
  [[nodiscard]] std::vector<SimulatedYear> simulate(std::span<const double> particle,
                                                    std::uint64_t generation,
                                                    std::uint64_t attempt) const;

  [[nodiscard]] double distance(std::span<const double> particle, std::uint64_t generation,
                                std::uint64_t attempt) const;

 private:
  const CalibrationSpec& spec_;
  std::vector<std::string> base_files_;  // the text of every file of the base scenario
};

}  // namespace tumen::calibration
