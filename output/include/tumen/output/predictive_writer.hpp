#pragma once
// The posterior predictive part of a `tumen predict` file (docs/output-format.md, "Posterior
// predictive file"): /parameters, the values each replicate was run with, and /predictive, the
// yearly quantiles across replicates of the quantities docs/calibration.md defines, with the
// observed series beside them. Both are computed from the run file's own per-replicate datasets,
// so a resumed run gets them exactly as an uninterrupted one.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tumen::output {

// The quantile coordinate of /predictive: the median and the 50% and 90% central intervals.
inline constexpr std::array<double, 5> predictive_quantile_levels = {0.05, 0.25, 0.5, 0.75, 0.95};

// The quantiles at predictive_quantile_levels of the values that are not NaN (numpy's default
// "linear" method); all NaN when none is.
[[nodiscard]] std::array<double, 5> predictive_quantiles(std::vector<double> values);

struct PredictiveInputs {
  std::vector<std::string> parameters;   // dotted names, in the calibration file's order
  std::vector<std::uint64_t> particles;  // [replicate]: the particle of the final generation drawn
  std::vector<double> values;            // [replicate][parameter], row-major
  std::uint64_t posterior_generation = 0;
  std::string
      calibration_scenario_hash;  // the base scenario's hash, as the calibration file has it
  // The policy variant's own scenario hash when `tumen predict --scenario` ran one in place of the
  // calibrated base; empty when the base ran.
  std::string variant_scenario_hash;
  std::vector<std::int32_t> years;                 // the calendar year of each period of the run
  std::vector<std::string> observed_destinations;  // the calibration's [observed] destinations
  std::vector<double> observed_total;              // [year]: NaN where not observed
  std::vector<double> observed_female_share;       // [year]: NaN where not observed
};

// Adds /parameters and /predictive to the closed, complete run file at `path` (every replicate
// done), replacing them if an earlier, interrupted finish left them. Throws OutputError.
void add_predictive(const std::filesystem::path& path, const PredictiveInputs& inputs);

}  // namespace tumen::output
