#pragma once
// What an output file says about the run that wrote it, in the writer's own terms: enough to
// write a file of the same layout (`tumen merge` writes the whole run that its parts are slices
// of). The inverse of what H5Writer writes before the first replicate.
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output {

// The root attributes, the coordinates and /scenario of `file`, with replicate_begin and
// replicate_end from its `replicate_range`, and the /provenance attributes the file has
// (command_line, host, git_commit, compiler, created_utc; empty when absent). Throws OutputError
// for a file without them or with a malformed `replicate_range` or `period`.
[[nodiscard]] RunDescription read_run_description(const H5Reader& file);

// `outputs` and `summary_only` from the root attributes (a file without them holds every output
// and is not summary-only), and the gzip level of its per-replicate datasets.
[[nodiscard]] WriterOptions read_writer_options(const H5Reader& file);

}  // namespace tumen::output
