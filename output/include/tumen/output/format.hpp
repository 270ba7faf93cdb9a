#pragma once
// The identity of the files this library writes (docs/output-format.md). A reader accepts any
// format_version up to the one it was built with, so a change that would break an old reader
// must raise format_version.
#include <string_view>

namespace tumen::output {

inline constexpr std::string_view format_name = "tumen";
inline constexpr int format_version = 1;

// The suffix a file carries until finish() renames it: a file without it is complete.
inline constexpr std::string_view partial_suffix = ".partial";

}  // namespace tumen::output
