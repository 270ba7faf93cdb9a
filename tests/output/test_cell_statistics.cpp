// summarise_cells: the statistics behind /summary, checked against a brute-force numpy-"linear"
// computation on every path (all in memory, several passes, bracketing), and for its bounds.
#include "detail/cell_statistics.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "detail/quantile.hpp"

namespace {

using tumen::output::detail::CellSource;
using tumen::output::detail::CellStatistics;
using tumen::output::detail::linear_quantile;
using tumen::output::detail::summarise_cells;

const std::vector<double> kProbabilities = {0.05, 0.5, 0.95};

// Values in memory, [replicate][cell]; counts how often it is streamed.
class MemoryCells final : public CellSource {
 public:
  MemoryCells(std::size_t replicates, std::size_t cells)
      : replicates_(replicates), cells_(cells), values_(replicates * cells) {}

  std::int64_t& at(std::size_t replicate, std::size_t cell) {
    return values_[replicate * cells_ + cell];
  }
  [[nodiscard]] std::size_t cell_count() const override { return cells_; }
  [[nodiscard]] std::size_t replicate_count() const override { return replicates_; }
  void stream(std::size_t first, std::size_t count,
              const std::function<void(const std::int64_t*)>& visit) const override {
    REQUIRE(first + count <= cells_);
    ++streams_;
    for (std::size_t replicate = 0; replicate < replicates_; ++replicate) {
      visit(values_.data() + replicate * cells_ + first);
    }
  }
  [[nodiscard]] std::size_t streams() const { return streams_; }

  // What numpy.mean and numpy.quantile(..., method="linear") give for one cell.
  [[nodiscard]] double expected_mean(std::size_t cell) const {
    long double sum = 0;
    for (std::size_t replicate = 0; replicate < replicates_; ++replicate) {
      sum += static_cast<long double>(values_[replicate * cells_ + cell]);
    }
    return static_cast<double>(sum) / static_cast<double>(replicates_);
  }
  [[nodiscard]] double expected_quantile(std::size_t cell, double probability) const {
    std::vector<double> sample;
    for (std::size_t replicate = 0; replicate < replicates_; ++replicate) {
      sample.push_back(static_cast<double>(values_[replicate * cells_ + cell]));
    }
    return linear_quantile(sample, probability);
  }

 private:
  std::size_t replicates_;
  std::size_t cells_;
  std::vector<std::int64_t> values_;
  mutable std::size_t streams_ = 0;
};

void check_exact(const MemoryCells& source, const CellStatistics& stats) {
  const std::size_t cells = source.cell_count();
  REQUIRE(stats.mean.size() == cells);
  REQUIRE(stats.quantiles.size() == kProbabilities.size() * cells);
  std::size_t wrong = 0;
  for (std::size_t cell = 0; cell < cells; ++cell) {
    if (stats.mean[cell] != source.expected_mean(cell)) ++wrong;
    for (std::size_t p = 0; p < kProbabilities.size(); ++p) {
      if (stats.quantiles[p * cells + cell] != source.expected_quantile(cell, kProbabilities[p])) {
        ++wrong;
      }
    }
  }
  CHECK(wrong == 0);
}

void fill_randomly(MemoryCells& source, std::uint64_t seed) {
  const std::size_t replicates = source.replicate_count();
  const std::size_t cells = source.cell_count();
  std::mt19937_64 random(seed);
  for (std::size_t cell = 0; cell < cells; ++cell) {
    // Each cell its own kind of distribution: constant, small counts, wide, huge, negative.
    const std::int64_t spread = std::int64_t{1} << (cell % 48);
    const std::int64_t offset = cell % 5 == 4 ? -spread / 2 : 0;
    for (std::size_t replicate = 0; replicate < replicates; ++replicate) {
      source.at(replicate, cell) =
          cell % 7 == 0
              ? 42
              : offset +
                    static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(spread + 1));
    }
  }
}

}  // namespace

TEST_CASE("summarise_cells matches numpy when everything fits in memory",
          "[output][summary][statistics]") {
  for (const std::size_t replicates : {1, 2, 3, 20, 101}) {
    INFO(replicates << " replicates");
    MemoryCells source(replicates, 30);
    fill_randomly(source, replicates);
    const CellStatistics stats = summarise_cells(source, kProbabilities, std::size_t{1} << 20);
    check_exact(source, stats);
    CHECK(stats.passes == 1);
    CHECK(source.streams() == 1);
  }
}

TEST_CASE("summarise_cells matches numpy in two blocks and by counting",
          "[output][summary][statistics]") {
  MemoryCells source(500, 40);
  fill_randomly(source, 7);
  SECTION("two blocks of cells, all replicates in memory") {
    const CellStatistics stats = summarise_cells(source, kProbabilities, 500 * 8 * 20);
    check_exact(source, stats);
    CHECK(stats.passes == 2);
  }
  SECTION("counting, when the values do not fit") {
    // Ranges up to 2^47: many narrowing passes, a few cells at a time.
    const CellStatistics stats = summarise_cells(source, kProbabilities, 1000);
    check_exact(source, stats);
    CHECK(stats.passes > 4);
  }
}

TEST_CASE("summarise_cells counts narrow ranges exactly in two passes",
          "[output][summary][statistics]") {
  // Counts across replicates rarely spread over more than 1,024 values: one pass for the ranges,
  // one to count, whatever the number of replicates.
  for (const std::size_t replicates : {2000, 8000, 32000}) {
    INFO(replicates << " replicates");
    MemoryCells source(replicates, 50);
    std::mt19937_64 random(replicates);
    for (std::size_t replicate = 0; replicate < replicates; ++replicate) {
      for (std::size_t cell = 0; cell < 50; ++cell) {
        source.at(replicate, cell) =
            static_cast<std::int64_t>(cell * 1000 + random() % (cell * 20 + 1));
      }
    }
    // 256 KiB: too little for the values (four blocks), enough for every cell's bins.
    const CellStatistics stats = summarise_cells(source, kProbabilities, 256 << 10);
    check_exact(source, stats);
    CHECK(stats.passes == 2);
  }
}

TEST_CASE("summarise_cells narrows wide ranges in passes that do not grow with replicates",
          "[output][summary][statistics]") {
  // Too many replicates to hold a cell's values in 10,000 bytes. A range of 4,000 is counted in
  // 1,024 bins of 4 values (8 KiB: one cell per count), which one narrowing pass splits into
  // single values: a range pass, then two passes for each of the three cells.
  for (const std::size_t replicates : {2000, 8000, 32000}) {
    INFO(replicates << " replicates");
    MemoryCells source(replicates, 3);
    std::mt19937_64 random(replicates);
    for (std::size_t replicate = 0; replicate < replicates; ++replicate) {
      for (std::size_t cell = 0; cell < 3; ++cell) {
        source.at(replicate, cell) = static_cast<std::int64_t>(random() % 4000);
      }
    }
    const CellStatistics stats = summarise_cells(source, kProbabilities, 10000);
    check_exact(source, stats);
    CHECK(stats.passes == 1 + 3 * 2);
  }
}

TEST_CASE("summarise_cells handles the extremes of int64", "[output][summary][statistics]") {
  MemoryCells source(5, 2);
  const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  const std::int64_t column[] = {lowest, highest, 0, -1, highest - 1};
  for (std::size_t replicate = 0; replicate < 5; ++replicate) {
    source.at(replicate, 0) = column[replicate];
    source.at(replicate, 1) = 0;
  }
  for (const std::size_t memory : {std::size_t{1} << 20, std::size_t{1}}) {
    INFO("memory " << memory);
    const CellStatistics stats = summarise_cells(source, kProbabilities, memory);
    for (std::size_t p = 0; p < kProbabilities.size(); ++p) {
      CHECK(stats.quantiles[p * 2] == source.expected_quantile(0, kProbabilities[p]));
      CHECK(stats.quantiles[p * 2 + 1] == 0.0);
    }
    // The exact sum, (max - 1) + max + min - 1 = max - 2 + (max + min) = max - 3, over 5.
    CHECK(stats.mean[0] == static_cast<double>(highest - 3) / 5.0);
  }
}

TEST_CASE("summarise_cells gives NaN without replicates and nothing without cells",
          "[output][summary][statistics]") {
  const MemoryCells none(0, 4);
  const CellStatistics stats = summarise_cells(none, kProbabilities, 1 << 20);
  REQUIRE(stats.mean.size() == 4);
  CHECK(std::isnan(stats.mean[3]));
  CHECK(std::isnan(stats.quantiles[11]));
  CHECK(none.streams() == 0);
  const MemoryCells empty(10, 0);
  CHECK(summarise_cells(empty, kProbabilities, 1 << 20).mean.empty());
}

namespace {

using tumen::output::detail::CellHistograms;
using tumen::output::detail::summarise_counted;

// Counts every replicate of `source` in a CellHistograms with `memory` bytes.
CellHistograms count_all(const MemoryCells& source, std::size_t memory) {
  CellHistograms histograms(source.cell_count(), memory);
  source.stream(0, source.cell_count(),
                [&](const std::int64_t* values) { (void)histograms.add(values); });
  return histograms;
}

}  // namespace

TEST_CASE("summarise_counted matches numpy and summarise_cells to the last bit",
          "[output][summary][statistics]") {
  // Each cell drifts: its first values in the middle of its range, later ones further down or up,
  // so that the counts grow on both sides, by one value and by many.
  for (const std::size_t replicates : {1, 2, 3, 20, 501}) {
    INFO(replicates << " replicates");
    MemoryCells source(replicates, 40);
    std::mt19937_64 random(replicates);
    for (std::size_t cell = 0; cell < 40; ++cell) {
      const std::int64_t spread = std::int64_t{1} << (cell % 21);
      const std::int64_t offset = cell % 3 == 0 ? -spread : cell * 1000;
      for (std::size_t replicate = 0; replicate < replicates; ++replicate) {
        const auto drift = static_cast<std::int64_t>(replicate % 2 == 0 ? replicate : -replicate);
        source.at(replicate, cell) =
            cell % 7 == 0
                ? 42
                : offset + drift * (spread / 1024) +
                      static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(spread + 1));
      }
    }
    const CellHistograms histograms = count_all(source, std::size_t{256} << 20);
    REQUIRE(histograms.alive());
    CHECK(histograms.replicate_count() == replicates);
    const CellStatistics counted = summarise_counted(histograms, kProbabilities);
    check_exact(source, counted);
    CHECK(counted.passes == 0);
    // The read-back ways give the same bits (NaN never occurs with replicates).
    for (const std::size_t memory : {std::size_t{1} << 20, std::size_t{1000}}) {
      const CellStatistics read = summarise_cells(source, kProbabilities, memory);
      CHECK(read.mean == counted.mean);
      CHECK(read.quantiles == counted.quantiles);
    }
  }
}

TEST_CASE("CellHistograms gives up past its memory or a span of 2^24 values, never wrongly",
          "[output][summary][statistics]") {
  SECTION("memory: the counts of a cell that spreads outgrow it") {
    MemoryCells source(100, 2);
    for (std::size_t replicate = 0; replicate < 100; ++replicate) {
      source.at(replicate, 0) = 7;
      source.at(replicate, 1) = static_cast<std::int64_t>(replicate) * 100;  // 10,000 values
    }
    CHECK(count_all(source, std::size_t{1} << 20).alive());
    const CellHistograms small = count_all(source, 4096);
    CHECK_FALSE(small.alive());
    CHECK(small.bytes() == 0);
  }
  SECTION("span: the extremes of int64 in one cell") {
    CellHistograms histograms(1, std::size_t{1} << 30);
    const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
    CHECK(histograms.add(&lowest));
    CHECK_FALSE(histograms.add(&highest));
    CHECK_FALSE(histograms.alive());
    CHECK_FALSE(histograms.add(&lowest));  // stays given up
  }
  SECTION("values at the ends of int64 that fit a narrow span") {
    MemoryCells source(5, 2);
    const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
    const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    const std::int64_t top[] = {highest, highest - 3, highest - 1, highest, highest - 2};
    const std::int64_t bottom[] = {lowest + 2, lowest, lowest + 4, lowest + 1, lowest};
    for (std::size_t replicate = 0; replicate < 5; ++replicate) {
      source.at(replicate, 0) = top[replicate];
      source.at(replicate, 1) = bottom[replicate];
    }
    const CellHistograms histograms = count_all(source, std::size_t{1} << 20);
    REQUIRE(histograms.alive());
    const CellStatistics counted = summarise_counted(histograms, kProbabilities);
    const CellStatistics read = summarise_cells(source, kProbabilities, std::size_t{1} << 20);
    CHECK(read.mean == counted.mean);
    CHECK(read.quantiles == counted.quantiles);
  }
  SECTION("no replicates: NaN, as summarise_cells gives") {
    const CellHistograms none(3, 1 << 20);
    const CellStatistics stats = summarise_counted(none, kProbabilities);
    REQUIRE(stats.mean.size() == 3);
    CHECK(std::isnan(stats.mean[0]));
    CHECK(std::isnan(stats.quantiles[8]));
  }
}
