#pragma once
// Reads a whole text file that a user names (a scenario, a table, a calibration file), refusing
// what would hang or flood the reader: a directory, a FIFO or a device, a file over `max_bytes`
// (docs/reliability.md, limits).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tumen {

// The file's bytes; or nothing, with `why` completing "FILE ..." ("no such file", "is not a
// regular file", "is 5.0 MiB, more than the 4.0 MiB allowed ...").
[[nodiscard]] std::optional<std::string> read_text_file(const std::filesystem::path& path,
                                                        std::uintmax_t max_bytes, std::string& why);

}  // namespace tumen
