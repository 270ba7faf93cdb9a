#pragma once
// Every value of every cell seen so far, as exact counts per value: /summary computed while the
// replicates are written, so that finish() need not read them back. Reading back decompresses
// every chunk of the summarised datasets at least once, serially, after the last replicate: at
// 1,000 Korea replicates that was nine tenths of the writer's time, and on a node with many
// threads it would be most of the run.
//
// Counts across replicates spread over few values (a cell's range is its width, not its size), so
// a cell's counts are a short array from its smallest value to its largest, grown when a value
// falls outside. Memory is bounded: past `memory_bytes` the histograms are dropped and finish()
// reads the data back instead (detail/cell_statistics.hpp). The numbers are the same either way.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tumen::output::detail {

class CellHistograms {
 public:
  CellHistograms(std::size_t cells, std::size_t memory_bytes);

  // Counts one replicate's value of each cell. Returns false, and forgets everything, once the
  // counts would need more than the memory given.
  bool add(const std::int64_t* values);

  [[nodiscard]] bool alive() const { return alive_; }
  [[nodiscard]] std::size_t cell_count() const { return cells_.size(); }
  [[nodiscard]] std::uint64_t replicate_count() const { return replicates_; }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }

  struct Cell {
    std::int64_t low = 0;               // the value that counts[0] counts
    std::vector<std::uint32_t> counts;  // counts[i]: replicates whose value is low + i
    __extension__ __int128 sum = 0;     // exact, whatever the number of replicates
  };
  [[nodiscard]] const Cell& cell(std::size_t index) const { return cells_[index]; }

 private:
  bool widen(Cell& cell, std::int64_t value);
  void drop();

  std::vector<Cell> cells_;
  std::size_t memory_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t replicates_ = 0;
  bool alive_ = true;
};

}  // namespace tumen::output::detail
