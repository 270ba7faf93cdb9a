#pragma once
// Which per-replicate counter datasets a run writes (`tumen run --outputs LIST`).
#include <string>
#include <string_view>
#include <vector>

namespace tumen::output {

// Every counter dataset, in the file's order.
[[nodiscard]] std::vector<std::string> all_outputs();

// Parses a comma-separated list of counter dataset names ("events,stocks"). Returns the names in
// the file's order without duplicates, so that the same selection always reads the same. Throws
// std::invalid_argument for an empty list or an unknown name; the message names the bad entry and
// lists the valid ones.
[[nodiscard]] std::vector<std::string> parse_outputs(std::string_view list);

// The same names in the file's order without duplicates (an empty list stays empty). Throws
// std::invalid_argument for an unknown name.
[[nodiscard]] std::vector<std::string> normalise_outputs(const std::vector<std::string>& outputs);

// "events,stocks": the form of the root attribute `outputs`.
[[nodiscard]] std::string join_outputs(const std::vector<std::string>& outputs);

// Whether /summary describes this counter dataset (events, arrivals, stocks, occupancy).
[[nodiscard]] bool is_summarised(std::string_view name);

}  // namespace tumen::output
