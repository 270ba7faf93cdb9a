#pragma once
// What the commands record about where and when a file was written (its /provenance): the same
// for run, merge and calibrate.
#include <string>

#include "tumen/utc_time.hpp"  // utc_now()

namespace tumen::cli {

[[nodiscard]] std::string host_name();  // gethostname(), or "unknown"

}  // namespace tumen::cli
