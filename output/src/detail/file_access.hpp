#pragma once
// The file access properties of every file this library opens, for writing or reading.
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"

namespace tumen::output::detail {

// HDF5's file lock where the file system has locks (and no failure where it has none, as is
// common on cluster file systems), and a small metadata cache of fixed size. The chunk index is
// a B-tree with a node for every few dozen replicates of each dataset, and HDF5 holds each node
// in memory at several times the size its cache counts: with the default cache (2 MiB, growing
// up to 32 MiB), memory grew with the replicates a file holds, by about 5 KB each when writing.
// Writing appends along the index's right edge and reading walks it in order, so a small cache
// costs no measurable time.
[[nodiscard]] PropertyList file_access(const ErrorContext& errors);

}  // namespace tumen::output::detail
