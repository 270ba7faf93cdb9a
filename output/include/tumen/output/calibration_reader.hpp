#pragma once
// Reads a calibration file (complete or .partial): its identity and its complete generations.
#include <filesystem>
#include <string>
#include <vector>

#include "tumen/calibration/abc_smc.hpp"
#include "tumen/output/calibration_identity.hpp"

namespace tumen::output {

struct CalibrationFile {
  CalibrationIdentity identity;
  std::vector<calibration::Generation> generations;  // complete ones, in order
  std::string stop_reason;                           // "" in a .partial
  std::string stop_explanation;
  std::string command_line;  // /provenance: the `tumen calibrate` command that wrote it
};

// Throws OutputError ("PATH: ...") for a missing, damaged or non-calibration file.
[[nodiscard]] CalibrationFile read_calibration_file(const std::filesystem::path& path);

}  // namespace tumen::output
