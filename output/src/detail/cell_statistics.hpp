#pragma once
// Statistics across replicates, cell by cell: the mean and exact numpy-"linear" quantiles of every
// cell of a per-replicate dataset, for /summary. Exact quantiles need every value of a cell, so
// memory is bounded by reading the data more than once (docs/output-format.md, "/summary"):
//
// - direct: when all replicates of the cells fit in `memory_bytes` in at most two blocks, each
//   block is read and its order statistics selected in memory (std::nth_element). One pass for
//   the small runs that are most runs.
// - counting: otherwise, one pass finds each cell's minimum, maximum and sum, and a second counts
//   each cell's values in up to 1,024 bins over its range. Counts are integers whose spread across
//   replicates is usually narrower than that, so the count is exact and gives every order
//   statistic at once; a wider range is narrowed down 64 bins a pass (about log64(range) passes).
//   The number of passes does not grow with the number of replicates, and memory does not
//   depend on it (about 8 KiB per cell at most, in blocks of cells that fit `memory_bytes`).
//
// Both read the replicates in replicate order and give the same numbers as numpy.mean and
// numpy.quantile (method "linear") on the same values.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "detail/cell_histograms.hpp"

namespace tumen::output::detail {

// The values of one per-replicate dataset (or something derived from it), seen as `cell_count()`
// cells per replicate.
class CellSource {
 public:
  CellSource() = default;
  virtual ~CellSource() = default;
  CellSource(const CellSource&) = delete;
  CellSource& operator=(const CellSource&) = delete;

  [[nodiscard]] virtual std::size_t cell_count() const = 0;
  [[nodiscard]] virtual std::size_t replicate_count() const = 0;
  // Calls `visit` once per replicate, in replicate order, with the values of cells
  // [first, first + count) of that replicate.
  virtual void stream(std::size_t first, std::size_t count,
                      const std::function<void(const std::int64_t*)>& visit) const = 0;
};

struct CellStatistics {
  std::vector<double> mean;       // [cell]; NaN without replicates
  std::vector<double> quantiles;  // [probability][cell]; NaN without replicates
  std::size_t passes = 0;         // how often the source was streamed (for tests and docs)
};

// `workspace`, when given, holds the values of the direct way and keeps its memory from one call
// to the next: a summary of several datasets then allocates its largest block once, instead of
// leaving the heap fragmented by blocks of every size.
[[nodiscard]] CellStatistics summarise_cells(const CellSource& source,
                                             const std::vector<double>& probabilities,
                                             std::size_t memory_bytes,
                                             std::vector<std::int64_t>* workspace = nullptr);

// The same statistics from counts kept while the replicates were written (no pass over the
// data): the order statistics are read off each cell's counts, the mean from its exact sum, so
// the numbers are those of summarise_cells to the last bit.
[[nodiscard]] CellStatistics summarise_counted(const CellHistograms& histograms,
                                               const std::vector<double>& probabilities);

}  // namespace tumen::output::detail
