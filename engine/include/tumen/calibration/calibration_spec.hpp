#pragma once
// A calibration as described by a CALIB.toml file (docs/calibration.md): the base scenario, the
// parameters to fit with their priors, the observed yearly arrivals, the distance, and the
// settings of ABC-SMC. Built only by load_calibration(), which checks it against the base
// scenario.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tumen/calibration/arrivals_distance.hpp"
#include "tumen/calibration/prior.hpp"
#include "tumen/calibration/tolerance_schedule.hpp"
#include "tumen/diagnostics.hpp"

namespace tumen::calibration {

struct CalibratedParameter {
  std::string name;  // a dotted parameter name, as for --set
  Prior prior;
  SourcePosition where;
};

struct CalibrationSpec {
  std::string path;  // the CALIB file as given
  std::string text;  // its bytes, recorded in the output
  std::filesystem::path scenario_path;
  std::vector<CalibratedParameter> parameters;
  std::vector<ObservedYear> observed;  // in year order
  std::vector<std::string> destinations;
  DistanceWeights weights;
  std::uint64_t particles = 0;
  std::uint64_t seed = 1;
  std::uint64_t replicates = 1;  // simulations per particle
  double quantile = 0.5;
  double initial_tolerance = std::numeric_limits<double>::infinity();
  StoppingRules stop;

  // From the base scenario.
  std::string scenario_name;
  std::string scenario_hash;
};

// Returns the checked calibration, or nothing when `diagnostics` holds an error. The base
// scenario is loaded to check the parameter names, destinations and years against it; its own
// problems are reported with its own positions.
[[nodiscard]] std::optional<CalibrationSpec> load_calibration(const std::filesystem::path& path,
                                                              Diagnostics& diagnostics);

}  // namespace tumen::calibration
