#pragma once
// A small run with distinctive values, written by the output tests and checked value by value.
// tests/output/xarray_open.py recomputes the same values from the same formula, so the two must
// change together.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "tumen/replicate_result.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output::testing {

// Replicates 4, 5 and 6 of a run of 10, four months of 2000 (a leap year), UTF-8 place names.
RunDescription synthetic_run();

// Dataset codes of the formula below, in ReplicateResult order.
enum class Counter : std::int64_t {
  events = 1,
  location_events = 2,
  arrivals = 3,
  arrivals_by_years_abroad = 4,
  stocks = 5,
  occupancy = 6,
  route_flow = 7,
};

// The value stored at row-major position `flat_index` of one replicate's slab of a dataset:
// every value of the file is different, so a value in the wrong place cannot go unnoticed.
constexpr std::int64_t synthetic_value(Counter counter, std::uint64_t replicate,
                                       std::size_t flat_index) {
  return static_cast<std::int64_t>(counter) * 1'000'000'000 +
         static_cast<std::int64_t>(replicate) * 1'000'000 + static_cast<std::int64_t>(flat_index);
}

constexpr double synthetic_wall_seconds(std::uint64_t replicate) {
  return 1.25 + static_cast<double>(replicate);
}

// The result of `replicate`, shaped for `run`, filled by synthetic_value().
ReplicateResult synthetic_result(const RunDescription& run, std::uint64_t replicate);

// An empty folder for one test's files under the build tree, so that runs never collide with
// files outside it and a failed test leaves its files for a post-mortem.
std::filesystem::path scratch_directory(std::string_view test_name);

}  // namespace tumen::output::testing
