#pragma once
// A parameter sweep as described by a SWEEP.toml file (docs/sweeps.md): the base scenario, the
// replicates per point, the seed, and the points. Built only by load_sweep(), which checks every
// parameter and value against the base scenario before any simulation runs.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tumen/diagnostics.hpp"
#include "tumen/sweep/sweep_points.hpp"

namespace tumen::sweep {

enum class Design : std::uint8_t { grid, list, latin_hypercube };

[[nodiscard]] const char* to_string(Design design);

// The most points one sweep may have: point k uses the RNG point field k + 1, which must stay
// below 2^31 (docs/rng.md); a million is far beyond any sweep that fits a file.
inline constexpr std::uint64_t kMaxPoints = 1'000'000;

struct SweepSpec {
  std::string path;  // the SWEEP file as given
  std::string text;  // its bytes, recorded in the output
  std::filesystem::path scenario_path;
  std::uint64_t replicates = 1;  // per point
  std::uint64_t seed = 1;
  Design design = Design::grid;
  std::uint64_t sample_seed = 1;        // latin_hypercube only
  std::vector<std::string> parameters;  // dotted names, as for --set, in file order
  std::vector<Point> points;            // point k: one value per parameter

  // From the base scenario.
  std::string scenario_name;
  std::string scenario_hash;
  // SHA-256 of the sweep file's bytes and the base scenario's hash: two sweep files (or slices)
  // belong to the same sweep when it agrees.
  std::string hash;

  // The --set arguments of point k ("departure.rate_per_day=2.5"), with values written so that
  // they read back as the same double.
  [[nodiscard]] std::vector<std::string> overrides(std::uint64_t point) const;
};

// Returns the checked sweep, or nothing when `diagnostics` holds an error. Errors carry the
// SWEEP file's positions; the base scenario's own problems carry its positions.
[[nodiscard]] std::optional<SweepSpec> load_sweep(const std::filesystem::path& path,
                                                  Diagnostics& diagnostics);

// The name of point k's group in a sweep file: "/point/0003" (four digits at least).
[[nodiscard]] std::string point_group(std::uint64_t point);

}  // namespace tumen::sweep
