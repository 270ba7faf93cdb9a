#pragma once
// The identity of the files this library writes (docs/output-format.md). A reader accepts any
// format_version up to the one it was built with, so a change that would break an old reader
// must raise format_version.
#include <array>
#include <string_view>

namespace tumen::output {

inline constexpr std::string_view format_name = "tumen";
inline constexpr int format_version = 1;

// The suffix a file carries until finish() renames it: a file without it is complete.
inline constexpr std::string_view partial_suffix = ".partial";

// The suffix of a file still being created (a new .partial, or the final file of a summary-only
// run). It is renamed once complete; a leftover one is never valid and the next run replaces it.
inline constexpr std::string_view new_suffix = ".new";

// The per-replicate counter datasets, in the file's order: the names `--outputs` accepts.
inline constexpr std::array<std::string_view, 7> counter_dataset_names = {
    "events", "location_events", "arrivals",  "arrivals_by_years_abroad",
    "stocks", "occupancy",       "route_flow"};

// The counter datasets that /summary describes across replicates, in the file's order.
inline constexpr std::array<std::string_view, 4> summarised_dataset_names = {"events", "arrivals",
                                                                             "stocks", "occupancy"};

// The probabilities of /summary/quantile: the median and a 90% interval.
inline constexpr std::array<double, 3> summary_probabilities = {0.05, 0.5, 0.95};

}  // namespace tumen::output
