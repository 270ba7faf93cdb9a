#pragma once
// `tumen inspect FILE [--json]`: what a run holds, at a glance, without Python.
#include <filesystem>
#include <ostream>

namespace tumen::output {

enum class InspectFormat { text, json };

// Prints the scenario, seed, replicates done of those in the file, period, dimension sizes,
// outputs, what /summary holds, and headline totals over the run with their 90% intervals (mean,
// 5% and 95% quantiles across replicates) for each event and each destination's arrivals: from
// /summary when the file has one, else from the completed replicates. The JSON form holds the
// same as one object (docs/output-format.md). Throws OutputError for a missing, damaged or
// foreign file, before printing anything.
void inspect(const std::filesystem::path& path, std::ostream& out,
             InspectFormat format = InspectFormat::text);

}  // namespace tumen::output
