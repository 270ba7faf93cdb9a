#pragma once
// Whether an existing output file belongs to a run: the check behind `tumen run --resume`.
#include <string>
#include <vector>

#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

// One entry per root attribute that fixes the data and differs between `file` and the run that
// `run` and `options` describe, e.g. "seed: the file has 7, this run 8". Empty when the file
// belongs to this run. Compared: tumen_version, rng, scenario_hash, seed, replicate_total,
// replicate_range, period, outputs and summary_only (a file without the last two was written with
// every output and not summary-only).
[[nodiscard]] std::vector<std::string> identity_differences(const H5Reader& file,
                                                            const RunDescription& run,
                                                            const WriterOptions& options);

}  // namespace tumen::output
