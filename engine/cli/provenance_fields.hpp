#pragma once
// What the commands record about where and when a file was written (its /provenance): the same
// for run, merge and calibrate.
#include <string>

namespace tumen::cli {

[[nodiscard]] std::string utc_now();    // "2026-11-26T09:30:00Z"
[[nodiscard]] std::string host_name();  // gethostname(), or "unknown"

}  // namespace tumen::cli
