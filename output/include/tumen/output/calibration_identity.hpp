#pragma once
// What identifies a calibration file (docs/calibration.md, "Output"): its root attributes, the
// same for two runs with the same inputs, and what --resume checks before continuing one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tumen::output {

inline constexpr std::string_view calibration_format_name = "tumen-calibration";
inline constexpr int calibration_format_version = 1;

struct CalibrationIdentity {
  std::string tumen_version;
  std::string rng;
  std::uint64_t seed = 0;
  std::string scenario_name;
  std::string scenario_hash;     // SHA-256 of the base scenario, before any particle's values
  std::string calibration_text;  // the CALIB.toml bytes
  std::uint64_t particles = 0;
  std::vector<std::string> parameters;  // dotted names, in the file's order
  std::vector<std::string> priors;      // "uniform(1, 10)", one per parameter
};

// What varies between two runs of the same calibration: written under /provenance only.
struct CalibrationProvenance {
  std::string command_line;
  std::string host;
  std::string created_utc;
  int threads = 1;
};

}  // namespace tumen::output
