#include "detail/cell_histograms.hpp"

#include <algorithm>
#include <limits>

namespace tumen::output::detail {

namespace {

// A cell's counts may span at most this many values: a wider cell would need more memory than a
// reading pass costs, and its order statistics are found by narrowing instead.
constexpr std::uint64_t kMaxSpan = std::uint64_t{1} << 24;

}  // namespace

CellHistograms::CellHistograms(std::size_t cells, std::size_t memory_bytes)
    : memory_bytes_(memory_bytes) {
  bytes_ = cells * sizeof(Cell);
  if (bytes_ > memory_bytes_) {
    alive_ = false;
    return;
  }
  cells_.resize(cells);
}

bool CellHistograms::add(const std::int64_t* values) {
  if (!alive_) return false;
  // A replicate's count must fit the 32-bit counts: 4 x 10^9 replicates is beyond any run.
  if (replicates_ == std::numeric_limits<std::uint32_t>::max()) {
    drop();
    return false;
  }
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    Cell& cell = cells_[i];
    const std::int64_t value = values[i];
    // value - low, computed without overflow; a value below low wraps to a huge offset.
    const std::uint64_t offset =
        static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(cell.low);
    if (offset >= cell.counts.size() && !widen(cell, value)) {
      drop();
      return false;
    }
    ++cell.counts[static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(cell.low)];
    cell.sum += value;
  }
  ++replicates_;
  return true;
}

// Makes room for `value` in the cell's counts, with slack (half the new span again, toward the
// side that grew) so that a cell drifting outward is not copied on every replicate.
bool CellHistograms::widen(Cell& cell, std::int64_t value) {
  if (cell.counts.empty()) {
    cell.low = value;
    cell.counts.assign(1, 0);
    bytes_ += sizeof(std::uint32_t);
    return bytes_ <= memory_bytes_;
  }
  const std::int64_t high =
      static_cast<std::int64_t>(static_cast<std::uint64_t>(cell.low) + (cell.counts.size() - 1));
  const std::int64_t new_low = std::min(cell.low, value);
  const std::int64_t new_high = std::max(high, value);
  const std::uint64_t span =
      static_cast<std::uint64_t>(new_high) - static_cast<std::uint64_t>(new_low) + 1;
  if (span == 0 || span > kMaxSpan) return false;  // span 0: the whole int64 range
  const std::uint64_t slack = std::min<std::uint64_t>(span / 2, kMaxSpan - span);
  std::int64_t low = new_low;
  std::uint64_t size = span + slack;
  if (value < cell.low) {
    // Room below: as far as int64 allows.
    const std::uint64_t room = static_cast<std::uint64_t>(new_low) -
                               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min());
    const std::uint64_t below = std::min(slack, room);
    low = static_cast<std::int64_t>(static_cast<std::uint64_t>(new_low) - below);
    size = span + below;
  } else {
    // Room above: up to int64's largest value.
    const std::uint64_t room =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) -
        static_cast<std::uint64_t>(new_high);
    size = span + std::min(slack, room);
  }
  const std::size_t added = static_cast<std::size_t>(size) - cell.counts.size();
  bytes_ += added * sizeof(std::uint32_t);
  if (bytes_ > memory_bytes_) return false;
  std::vector<std::uint32_t> counts(static_cast<std::size_t>(size), 0);
  const std::uint64_t shift =
      static_cast<std::uint64_t>(cell.low) - static_cast<std::uint64_t>(low);
  std::copy(cell.counts.begin(), cell.counts.end(),
            counts.begin() + static_cast<std::ptrdiff_t>(shift));
  cell.counts.swap(counts);
  cell.low = low;
  return true;
}

void CellHistograms::drop() {
  alive_ = false;
  std::vector<Cell>().swap(cells_);
  bytes_ = 0;
}

}  // namespace tumen::output::detail
