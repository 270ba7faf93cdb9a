#include "output_path.hpp"

#include <unistd.h>

#include <iostream>

#include "tumen/output/format.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

fs::path partial_of(const fs::path& path) {
  fs::path partial = path;
  partial += output::partial_suffix;
  return partial;
}

bool check_output_folder(const fs::path& path) {
  std::error_code ec;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) {
    std::cerr << path.string() << ": error: the output folder '" << folder.string()
              << "' does not exist\n";
    return false;
  }
  if (access(folder.c_str(), W_OK) != 0) {
    std::cerr << path.string() << ": error: the output folder '" << folder.string()
              << "' is not writable\n";
    return false;
  }
  if (fs::is_directory(path, ec)) {
    std::cerr << path.string() << ": error: the output path is a directory\n";
    return false;
  }
  return true;
}

bool check_no_earlier_output(const fs::path& path, bool force, bool resumable) {
  std::error_code ec;
  if (fs::exists(path, ec) && !force) {
    std::cerr << path.string() << ": error: the output file exists; use --force to overwrite it\n";
    return false;
  }
  const fs::path partial = partial_of(path);
  if (fs::exists(partial, ec) && !force) {
    std::cerr << partial.string()
              << (resumable ? ": error: a partial output of an earlier run exists; use --resume "
                              "to continue it or --force to start afresh\n"
                            : ": error: a partial output of an earlier run or merge exists; use "
                              "--force to replace it\n");
    return false;
  }
  return true;
}

}  // namespace tumen::cli
