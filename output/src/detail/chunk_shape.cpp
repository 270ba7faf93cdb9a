#include "detail/chunk_shape.hpp"

#include <algorithm>

namespace tumen::output::detail {

std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims, std::size_t element_bytes,
                                 std::size_t max_bytes) {
  if (dims.empty() || std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end()) return {};

  std::vector<hsize_t> chunk = dims;
  chunk[0] = 1;
  // Shrink the outermost axes first, keeping the inner ones whole: a chunk then stays one
  // contiguous run of the replicate's row-major slab.
  for (std::size_t axis = 1; axis < chunk.size(); ++axis) {
    hsize_t inner_bytes = element_bytes;
    for (std::size_t inner = axis + 1; inner < chunk.size(); ++inner) inner_bytes *= chunk[inner];
    if (inner_bytes * chunk[axis] <= max_bytes) break;
    chunk[axis] = std::max<hsize_t>(1, max_bytes / inner_bytes);
  }
  return chunk;
}

}  // namespace tumen::output::detail
