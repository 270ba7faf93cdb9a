#pragma once
// /summary: the mean and the 5%, 50% and 95% quantiles across replicates of /events, /arrivals,
// /stocks and /occupancy (those of them that the run writes), and of each replicate's totals over
// the run (docs/output-format.md, "/summary").
#include <hdf5.h>

#include <cstddef>
#include <vector>

#include "detail/counter_layout.hpp"
#include "detail/h5_error.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output::detail {

struct SummaryInput {
  const CounterDataset* layout;
  hid_t dataset;              // an open per-replicate dataset with every replicate written
  std::vector<hsize_t> dims;  // its shape, replicate first
};

// Creates /summary in `target` from `inputs`, which may lie in another file (a summary-only run
// reads its working file). The values are read in replicate order, with at most about
// `memory_bytes` of them held at once (detail/cell_statistics.hpp). The group has its own
// dimension scales, so that it depends on nothing outside it.
void write_summary_group(const ErrorContext& errors, hid_t target, const RunDescription& run,
                         const std::vector<SummaryInput>& inputs, std::size_t memory_bytes);

}  // namespace tumen::output::detail
