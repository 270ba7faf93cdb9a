#pragma once
// /summary: the mean and the 5%, 50% and 95% quantiles across replicates of /events, /arrivals,
// /stocks and /occupancy (those of them that the run writes), and of each replicate's totals over
// the run (docs/output-format.md, "/summary").
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "detail/cell_histograms.hpp"
#include "detail/counter_layout.hpp"
#include "detail/h5_error.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output::detail {

struct SummaryInput {
  const CounterDataset* layout;
  hid_t dataset;              // an open per-replicate dataset with every replicate written
  std::vector<hsize_t> dims;  // its shape, replicate first
  // When every replicate was counted as it was written (detail/cell_histograms.hpp): the cells,
  // and for events and arrivals each replicate's totals; the dataset is then not read.
  const CellHistograms* counted = nullptr;
  const CellHistograms* counted_totals = nullptr;
};

// Whether /summary also holds each replicate's totals over the run of this dataset (events and
// arrivals: NAME_totals over [time, X, sex] summed over time and sex, one cell per X).
[[nodiscard]] bool has_run_totals(const CounterDataset& layout);

// One replicate's totals of a [periods, kinds, sexes] slab: totals[kind], summed over period
// and sex.
void run_totals(const std::int64_t* slab, std::size_t periods, std::size_t kinds, std::size_t sexes,
                std::int64_t* totals);

// Creates /summary in `target` from `inputs`, which may lie in another file (a summary-only run
// reads its working file). The values are read in replicate order, with at most about
// `memory_bytes` of them held at once (detail/cell_statistics.hpp). The group has its own
// dimension scales, so that it depends on nothing outside it.
void write_summary_group(const ErrorContext& errors, hid_t target, const RunDescription& run,
                         const std::vector<SummaryInput>& inputs, std::size_t memory_bytes);

}  // namespace tumen::output::detail
