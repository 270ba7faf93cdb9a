#include "detail/cell_statistics.hpp"

#include <algorithm>
#include <limits>

#include "detail/quantile.hpp"

namespace tumen::output::detail {

namespace {

// Exact sums of int64 counts over any number of replicates.
__extension__ using WideSum = __int128;

// Bins of a narrowing pass, and of a cell's first count at most.
constexpr std::size_t kBins = 64;
constexpr std::size_t kCountBins = 1024;

// The order statistics the quantiles need: the lower and upper neighbour of each, sorted and
// without duplicates, and for each probability the indices of its two in that list.
struct RankPlan {
  std::vector<std::size_t> ranks;
  std::vector<std::size_t> lower_index;
  std::vector<std::size_t> upper_index;
  std::vector<double> fraction;
};

RankPlan plan_ranks(std::size_t replicates, const std::vector<double>& probabilities) {
  RankPlan plan;
  std::vector<QuantilePosition> positions;
  for (const double probability : probabilities) {
    positions.push_back(quantile_position(replicates, probability));
    plan.ranks.push_back(positions.back().lower);
    plan.ranks.push_back(positions.back().upper);
  }
  std::sort(plan.ranks.begin(), plan.ranks.end());
  plan.ranks.erase(std::unique(plan.ranks.begin(), plan.ranks.end()), plan.ranks.end());
  const auto index_of = [&](std::size_t rank) {
    return static_cast<std::size_t>(std::lower_bound(plan.ranks.begin(), plan.ranks.end(), rank) -
                                    plan.ranks.begin());
  };
  for (const QuantilePosition& position : positions) {
    plan.lower_index.push_back(index_of(position.lower));
    plan.upper_index.push_back(index_of(position.upper));
    plan.fraction.push_back(position.fraction);
  }
  return plan;
}

void store_cell(CellStatistics& stats, std::size_t cell, std::size_t cells, std::size_t replicates,
                WideSum sum, const RankPlan& plan,
                const std::vector<std::int64_t>& order_statistics) {
  // numpy.mean converts to float64 and sums; for sums below 2^53 that is this exact sum.
  stats.mean[cell] = static_cast<double>(sum) / static_cast<double>(replicates);
  for (std::size_t p = 0; p < plan.fraction.size(); ++p) {
    stats.quantiles[p * cells + cell] =
        interpolate(static_cast<double>(order_statistics[plan.lower_index[p]]),
                    static_cast<double>(order_statistics[plan.upper_index[p]]), plan.fraction[p]);
  }
}

// All replicates of `block` cells in memory, cell-major; the order statistics by nth_element.
void summarise_direct(const CellSource& source, const RankPlan& plan, std::size_t block,
                      CellStatistics& stats, std::vector<std::int64_t>& values) {
  const std::size_t cells = source.cell_count();
  const std::size_t replicates = source.replicate_count();
  if (values.size() < block * replicates) values.resize(block * replicates);
  std::vector<std::int64_t> order_statistics(plan.ranks.size());
  for (std::size_t first = 0; first < cells; first += block) {
    const std::size_t count = std::min(block, cells - first);
    std::size_t replicate = 0;
    source.stream(first, count, [&](const std::int64_t* row) {
      for (std::size_t cell = 0; cell < count; ++cell) {
        values[cell * replicates + replicate] = row[cell];
      }
      ++replicate;
    });
    ++stats.passes;
    for (std::size_t cell = 0; cell < count; ++cell) {
      const auto begin = values.begin() + static_cast<std::ptrdiff_t>(cell * replicates);
      const auto end = begin + static_cast<std::ptrdiff_t>(replicates);
      WideSum sum = 0;
      for (auto value = begin; value != end; ++value) sum += *value;
      // Ascending ranks: each selection only has to look right of the previous one.
      auto from = begin;
      for (std::size_t index = 0; index < plan.ranks.size(); ++index) {
        const auto nth = begin + static_cast<std::ptrdiff_t>(plan.ranks[index]);
        std::nth_element(from, nth, end);
        order_statistics[index] = *nth;
        from = nth + 1;
      }
      store_cell(stats, first + cell, cells, replicates, sum, plan, order_statistics);
    }
  }
}

// The search for one order statistic of one cell: it lies in [low, high], and `below` values of
// the cell are less than low.
struct Bracket {
  std::int64_t low = 0;
  std::int64_t high = 0;
  std::uint64_t below = 0;
  std::uint64_t bin_width = 1;
  bool found = false;
};

struct CellRange {
  std::int64_t minimum = std::numeric_limits<std::int64_t>::max();
  std::int64_t maximum = std::numeric_limits<std::int64_t>::min();
  WideSum sum = 0;
};

// value - low for value >= low, without overflow whatever their signs.
std::uint64_t offset_of(std::int64_t value, std::int64_t low) {
  return static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(low);
}

std::int64_t shifted(std::int64_t low, std::uint64_t offset) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + offset);
}

// The bins of a cell's first count: one per value of its range, up to kCountBins.
std::size_t count_bins(const CellRange& range) {
  const std::uint64_t span = offset_of(range.maximum, range.minimum);  // range - 1
  return span >= kCountBins - 1 ? kCountBins : static_cast<std::size_t>(span) + 1;
}

// Finds the bin of `counts` holding order statistic `rank` and narrows `bracket` to it.
void narrow_to_bin(Bracket& bracket, std::size_t rank, const std::uint64_t* counts,
                   std::size_t bins) {
  std::uint64_t cumulative = bracket.below;
  std::size_t bin = 0;
  while (bin + 1 < bins && cumulative + counts[bin] <= rank) {
    cumulative += counts[bin];
    ++bin;
  }
  const std::uint64_t high_offset = offset_of(bracket.high, bracket.low);
  const std::uint64_t low_offset = static_cast<std::uint64_t>(bin) * bracket.bin_width;
  const std::uint64_t new_high_offset = bracket.bin_width - 1 > high_offset - low_offset
                                            ? high_offset
                                            : low_offset + (bracket.bin_width - 1);
  bracket.below = cumulative;
  bracket.high = shifted(bracket.low, new_high_offset);
  bracket.low = shifted(bracket.low, low_offset);
  bracket.found = bracket.low == bracket.high;
}

// The order statistics of `count` cells from `first`, whose ranges are known: one pass counts
// each cell's values in up to kCountBins bins over its range, which is exact for a range that
// narrow (as counts across replicates usually are); the statistics of wider ranges are then
// narrowed down by 64 bins a pass.
void count_block(const CellSource& source, const RankPlan& plan, std::size_t first,
                 std::size_t count, const CellRange* ranges, CellStatistics& stats) {
  const std::size_t cells = source.cell_count();
  const std::size_t replicates = source.replicate_count();
  const std::size_t ranks = plan.ranks.size();
  std::vector<Bracket> brackets(count * ranks);
  std::vector<std::size_t> bin_offset(count + 1, 0);
  std::vector<std::uint64_t> bin_width(count, 1);
  for (std::size_t cell = 0; cell < count; ++cell) {
    const CellRange& range = ranges[cell];
    const std::size_t bins = count_bins(range);
    bin_offset[cell + 1] = bin_offset[cell] + bins;
    bin_width[cell] = offset_of(range.maximum, range.minimum) / bins + 1;
    for (std::size_t rank = 0; rank < ranks; ++rank) {
      brackets[cell * ranks + rank] =
          Bracket{range.minimum, range.maximum, 0, bin_width[cell], false};
    }
  }

  std::vector<std::uint64_t> counts(bin_offset[count], 0);
  source.stream(first, count, [&](const std::int64_t* row) {
    for (std::size_t cell = 0; cell < count; ++cell) {
      ++counts[bin_offset[cell] + offset_of(row[cell], ranges[cell].minimum) / bin_width[cell]];
    }
  });
  ++stats.passes;
  std::vector<std::size_t> open;  // brackets still wider than one value
  for (std::size_t cell = 0; cell < count; ++cell) {
    for (std::size_t rank = 0; rank < ranks; ++rank) {
      Bracket& bracket = brackets[cell * ranks + rank];
      narrow_to_bin(bracket, plan.ranks[rank], &counts[bin_offset[cell]],
                    bin_offset[cell + 1] - bin_offset[cell]);
      if (!bracket.found) open.push_back(cell * ranks + rank);
    }
  }
  counts = std::vector<std::uint64_t>();

  std::vector<std::uint64_t> narrowing(open.size() * kBins);
  while (!open.empty()) {
    std::fill(narrowing.begin(), narrowing.end(), 0);
    for (const std::size_t index : open) {
      Bracket& bracket = brackets[index];
      bracket.bin_width = offset_of(bracket.high, bracket.low) / kBins + 1;
    }
    source.stream(first, count, [&](const std::int64_t* row) {
      for (std::size_t position = 0; position < open.size(); ++position) {
        const Bracket& bracket = brackets[open[position]];
        const std::int64_t value = row[open[position] / ranks];
        if (value < bracket.low || value > bracket.high) continue;
        ++narrowing[position * kBins + offset_of(value, bracket.low) / bracket.bin_width];
      }
    });
    ++stats.passes;
    std::vector<std::size_t> still_open;
    for (std::size_t position = 0; position < open.size(); ++position) {
      Bracket& bracket = brackets[open[position]];
      narrow_to_bin(bracket, plan.ranks[open[position] % ranks], &narrowing[position * kBins],
                    kBins);
      if (!bracket.found) still_open.push_back(open[position]);
    }
    open.swap(still_open);
    narrowing.resize(open.size() * kBins);
  }

  std::vector<std::int64_t> order_statistics(ranks);
  for (std::size_t cell = 0; cell < count; ++cell) {
    for (std::size_t rank = 0; rank < ranks; ++rank) {
      order_statistics[rank] = brackets[cell * ranks + rank].low;
    }
    store_cell(stats, first + cell, cells, replicates, ranges[cell].sum, plan, order_statistics);
  }
}

std::size_t counting_bytes(const CellRange& range, std::size_t ranks) {
  return count_bins(range) * sizeof(std::uint64_t) + 2 * sizeof(std::size_t) +
         ranks * (sizeof(Bracket) + sizeof(std::size_t));
}

void summarise_by_counting(const CellSource& source, const RankPlan& plan, std::size_t memory_bytes,
                           CellStatistics& stats) {
  const std::size_t cells = source.cell_count();
  const std::size_t ranks = plan.ranks.size();
  const std::size_t range_block = std::max<std::size_t>(1, memory_bytes / sizeof(CellRange));
  std::vector<CellRange> ranges;
  for (std::size_t first = 0; first < cells; first += range_block) {
    const std::size_t count = std::min(range_block, cells - first);
    ranges.assign(count, CellRange{});
    source.stream(first, count, [&](const std::int64_t* row) {
      for (std::size_t cell = 0; cell < count; ++cell) {
        CellRange& range = ranges[cell];
        range.minimum = std::min(range.minimum, row[cell]);
        range.maximum = std::max(range.maximum, row[cell]);
        range.sum += row[cell];
      }
    });
    ++stats.passes;
    // As many cells per count as their bins fit in memory (at least one).
    for (std::size_t from = 0; from < count;) {
      std::size_t bytes = counting_bytes(ranges[from], ranks);
      std::size_t to = from + 1;
      while (to < count && bytes + counting_bytes(ranges[to], ranks) <= memory_bytes) {
        bytes += counting_bytes(ranges[to], ranks);
        ++to;
      }
      count_block(source, plan, first + from, to - from, ranges.data() + from, stats);
      from = to;
    }
  }
}

// Statistics of `cells` cells that are all NaN until set: what a file without replicates gets.
CellStatistics unknown_statistics(std::size_t cells, std::size_t probabilities) {
  CellStatistics stats;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  stats.mean.assign(cells, nan);
  stats.quantiles.assign(probabilities * cells, nan);
  return stats;
}

}  // namespace

CellStatistics summarise_cells(const CellSource& source, const std::vector<double>& probabilities,
                               std::size_t memory_bytes, std::vector<std::int64_t>* workspace) {
  const std::size_t cells = source.cell_count();
  const std::size_t replicates = source.replicate_count();
  CellStatistics stats = unknown_statistics(cells, probabilities.size());
  if (cells == 0 || replicates == 0) return stats;

  const RankPlan plan = plan_ranks(replicates, probabilities);
  const std::size_t direct_block = memory_bytes / (sizeof(std::int64_t) * replicates);
  // Counting takes two passes for most data (ranges, then counts); the direct way reads the data
  // once per block of cells, so it is taken when it needs no more.
  if (direct_block > 0 && (cells + direct_block - 1) / direct_block <= 2) {
    std::vector<std::int64_t> own;
    summarise_direct(source, plan, std::min(direct_block, cells), stats,
                     workspace != nullptr ? *workspace : own);
  } else {
    summarise_by_counting(source, plan, memory_bytes, stats);
  }
  return stats;
}

CellStatistics summarise_counted(const CellHistograms& histograms,
                                 const std::vector<double>& probabilities) {
  const std::size_t cells = histograms.cell_count();
  const std::size_t replicates = static_cast<std::size_t>(histograms.replicate_count());
  CellStatistics stats = unknown_statistics(cells, probabilities.size());
  if (cells == 0 || replicates == 0) return stats;

  const RankPlan plan = plan_ranks(replicates, probabilities);
  std::vector<std::int64_t> order_statistics(plan.ranks.size());
  for (std::size_t cell = 0; cell < cells; ++cell) {
    const CellHistograms::Cell& counted = histograms.cell(cell);
    // Ascending ranks: each is found by walking on from the previous one. Every rank is below
    // the number of replicates, which the counts add up to, so the walk ends inside them.
    std::uint64_t below = 0;
    std::size_t bin = 0;
    for (std::size_t index = 0; index < plan.ranks.size(); ++index) {
      while (below + counted.counts[bin] <= plan.ranks[index]) below += counted.counts[bin++];
      order_statistics[index] = shifted(counted.low, bin);
    }
    store_cell(stats, cell, cells, replicates, counted.sum, plan, order_statistics);
  }
  return stats;
}

}  // namespace tumen::output::detail
