#pragma once
// The chunk shape of a per-replicate dataset (DESIGN.md, Storage rules). A chunk holds one
// replicate, so that writing a replicate touches no chunk of another and a torn write damages one
// replicate at most; it is split along time (then the next axes) when one replicate's slab would
// exceed the byte limit, so that memory and the cost of reading a slice stay bounded.
#include <cstddef>
#include <vector>

#include <hdf5.h>

namespace tumen::output::detail {

inline constexpr std::size_t max_chunk_bytes = std::size_t{4} << 20;

// `dims` starts with the replicate axis. Returns an empty shape when any dimension is 0: HDF5
// requires every chunk dimension to be at least 1 and at most the (fixed) dimension, which no
// shape can meet, and a dataset with no elements has nothing to chunk, filter or checksum.
[[nodiscard]] std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims,
                                               std::size_t element_bytes,
                                               std::size_t max_bytes = max_chunk_bytes);

}  // namespace tumen::output::detail
