#pragma once
// Reads a scenario (a TOML file and the CSV tables it names), applies --set overrides, and checks
// everything it can, collecting every problem as a Diagnostic. docs/scenario-format.md documents
// the format.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tumen/diagnostics.hpp"
#include "tumen/scenario.hpp"

namespace tumen {

struct LoadOptions {
  std::vector<std::string> set_overrides;  // "dotted.name=value", applied after the files
};

// Returns the validated scenario, or nothing when `diagnostics` holds at least one error.
// Warnings may be present either way.
[[nodiscard]] std::optional<Scenario> load_scenario(const std::filesystem::path& path,
                                                    const LoadOptions& options,
                                                    Diagnostics& diagnostics);

}  // namespace tumen
