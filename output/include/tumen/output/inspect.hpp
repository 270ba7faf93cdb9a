#pragma once
// `tumen inspect FILE`: what a run holds, at a glance, without Python.
#include <filesystem>
#include <ostream>

namespace tumen::output {

// Prints the scenario, seed, replicates, period, dimension sizes, and for each event the total
// over the run (summed over time and sex): mean, 5% and 95% quantiles across the completed
// replicates. Throws OutputError for a missing, damaged or foreign file.
void inspect(const std::filesystem::path& path, std::ostream& out);

}  // namespace tumen::output
