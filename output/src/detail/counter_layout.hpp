#pragma once
// The per-replicate counter datasets of format_version 1: their names, axes, units and where each
// comes from in a ReplicateResult (docs/output-format.md, "Data").
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tumen/replicate_result.hpp"
#include "tumen/run_description.hpp"

namespace tumen::output::detail {

struct CounterDataset {
  const char* name;
  std::vector<std::string> dims;  // the first is always "replicate"
  const char* units;
  const char* long_name;
  const std::vector<std::int64_t> ReplicateResult::*values;
};

// In the file's order (format.hpp, counter_dataset_names).
[[nodiscard]] const std::vector<CounterDataset>& counter_datasets();

// nullptr for a name that is not a counter dataset.
[[nodiscard]] const CounterDataset* find_counter(std::string_view name);

using DimensionSizes = std::map<std::string, hsize_t, std::less<>>;

[[nodiscard]] DimensionSizes dimension_sizes(const RunDescription& run);

// The full shape of a counter dataset in a file of `run`.
[[nodiscard]] std::vector<hsize_t> counter_shape(const CounterDataset& layout,
                                                 const RunDescription& run);

}  // namespace tumen::output::detail
