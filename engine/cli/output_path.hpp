#pragma once
// Checks of an output path shared by `tumen run` and `tumen merge`, made before any work: each
// prints "PATH: error: ..." on stderr and returns false when the output cannot or must not be
// written.
#include <filesystem>

namespace tumen::cli {

// PATH + ".partial": the working file of an unfinished output.
[[nodiscard]] std::filesystem::path partial_of(const std::filesystem::path& path);

// The folder exists and is writable, and the path is not a folder.
[[nodiscard]] bool check_output_folder(const std::filesystem::path& path);

// An existing output, or a leftover .partial, is kept unless `force`. `resumable`: the message
// offers --resume for the .partial.
[[nodiscard]] bool check_no_earlier_output(const std::filesystem::path& path, bool force,
                                           bool resumable);

}  // namespace tumen::cli
