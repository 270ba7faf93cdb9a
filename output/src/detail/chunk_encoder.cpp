#include "detail/chunk_encoder.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace tumen::output::detail {

ChunkPipeline read_chunk_pipeline(hid_t dataset) {
  ChunkPipeline pipeline;
  if constexpr (std::endian::native != std::endian::little) return pipeline;
  const hid_t type = H5Dget_type(dataset);
  const bool int64_le = type >= 0 && H5Tequal(type, H5T_STD_I64LE) > 0;
  if (type >= 0) H5Tclose(type);
  const hid_t properties = H5Dget_create_plist(dataset);
  if (properties < 0) return pipeline;
  const auto close = [&] { H5Pclose(properties); };
  if (!int64_le || H5Pget_layout(properties) != H5D_CHUNKED) {
    close();
    return pipeline;
  }
  const int rank = H5Pget_chunk(properties, 0, nullptr);
  pipeline.chunk.resize(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank <= 0 || H5Pget_chunk(properties, rank, pipeline.chunk.data()) != rank) {
    close();
    return {};
  }
  std::vector<H5Z_filter_t> filters;
  int level = 0;
  for (int i = 0; i < H5Pget_nfilters(properties); ++i) {
    unsigned flags = 0;
    std::size_t count = 4;
    unsigned values[4] = {};
    unsigned config = 0;
    const H5Z_filter_t filter = H5Pget_filter2(properties, static_cast<unsigned>(i), &flags, &count,
                                               values, 0, nullptr, &config);
    filters.push_back(filter);
    if (filter == H5Z_FILTER_DEFLATE && count >= 1) level = static_cast<int>(values[0]);
  }
  close();
  const std::vector<H5Z_filter_t> plain = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_FLETCHER32};
  const std::vector<H5Z_filter_t> deflated = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE,
                                              H5Z_FILTER_FLETCHER32};
  if (filters == plain) {
    pipeline.encodable = true;
  } else if (filters == deflated && level >= 1 && level <= 9) {
    pipeline.encodable = true;
    pipeline.deflate_level = level;
  }
  return pipeline;
}

std::vector<unsigned char> shuffle_bytes(std::span<const unsigned char> bytes,
                                         std::size_t element_bytes) {
  // Byte j of every element first, then byte j + 1: the high bytes of small counts are zeros,
  // and runs of zeros compress well. A tail that is not a whole element stays as it is.
  std::vector<unsigned char> out(bytes.size());
  const std::size_t elements = element_bytes > 1 ? bytes.size() / element_bytes : 0;
  if (elements <= 1) {
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
  }
  for (std::size_t j = 0; j < element_bytes; ++j) {
    for (std::size_t i = 0; i < elements; ++i) out[j * elements + i] = bytes[i * element_bytes + j];
  }
  const std::size_t whole = elements * element_bytes;
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(whole), bytes.end(),
            out.begin() + static_cast<std::ptrdiff_t>(whole));
  return out;
}

std::vector<unsigned char> deflate_bytes(std::span<const unsigned char> bytes, int level) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<unsigned char> out(size);
  if (compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()), level) != Z_OK) {
    throw std::runtime_error("zlib could not compress a chunk");
  }
  out.resize(size);
  return out;
}

std::uint32_t fletcher32(std::span<const unsigned char> bytes) {
  // Sums of big-endian 16-bit words, folded every 360 words before they can overflow.
  std::uint32_t sum1 = 0, sum2 = 0;
  std::size_t words = bytes.size() / 2;
  const unsigned char* data = bytes.data();
  while (words > 0) {
    std::size_t block = std::min<std::size_t>(words, 360);
    words -= block;
    for (; block > 0; --block, data += 2) {
      sum1 += static_cast<std::uint32_t>((data[0] << 8) | data[1]);
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  if (bytes.size() % 2 != 0) {
    sum1 += static_cast<std::uint32_t>(*data << 8);
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return (sum2 << 16) | sum1;
}

std::vector<EncodedChunk> encode_replicate(std::span<const std::int64_t> values,
                                           const std::vector<hsize_t>& dims,
                                           const ChunkPipeline& pipeline, hsize_t replicate_index) {
  const std::size_t rank = dims.size();
  if (!pipeline.encodable || pipeline.chunk.size() != rank || rank < 2 || pipeline.chunk[0] != 1) {
    throw std::logic_error("encode_replicate: a dataset this encoder does not handle");
  }
  const std::vector<hsize_t>& chunk = pipeline.chunk;
  // Row-major strides of the replicate's slab (axes 1..rank-1) and of a chunk.
  std::vector<hsize_t> slab_stride(rank, 1), chunk_stride(rank, 1);
  for (std::size_t axis = rank - 1; axis-- > 1;) {
    slab_stride[axis] = slab_stride[axis + 1] * dims[axis + 1];
    chunk_stride[axis] = chunk_stride[axis + 1] * chunk[axis + 1];
  }
  const hsize_t chunk_elements = chunk_stride[1] * chunk[1];

  std::vector<EncodedChunk> encoded;
  std::vector<hsize_t> start(rank, 0);  // the chunk's first cell; start[0] is the replicate
  start[0] = replicate_index;
  std::vector<std::int64_t> cells;
  while (true) {
    // Gather the chunk's cells row by row along the last axis; the rest stays 0.
    cells.assign(chunk_elements, 0);
    const hsize_t row = std::min(chunk[rank - 1], dims[rank - 1] - start[rank - 1]);
    std::vector<hsize_t> at(rank, 0);  // position within the chunk, axes 1..rank-2
    while (true) {
      bool inside = true;
      hsize_t from = start[rank - 1], to = 0;
      for (std::size_t axis = 1; axis + 1 < rank; ++axis) {
        if (start[axis] + at[axis] >= dims[axis]) inside = false;
        from += (start[axis] + at[axis]) * slab_stride[axis];
        to += at[axis] * chunk_stride[axis];
      }
      if (inside) {
        std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(from), row,
                    cells.begin() + static_cast<std::ptrdiff_t>(to));
      }
      std::size_t axis = rank - 1;
      while (axis-- > 1) {
        if (++at[axis] < chunk[axis]) break;
        at[axis] = 0;
      }
      if (axis == 0 || rank == 2) break;
    }

    const std::span<const unsigned char> raw(reinterpret_cast<const unsigned char*>(cells.data()),
                                             cells.size() * sizeof(std::int64_t));
    std::vector<unsigned char> bytes = shuffle_bytes(raw, sizeof(std::int64_t));
    if (pipeline.deflate_level > 0) bytes = deflate_bytes(bytes, pipeline.deflate_level);
    const std::uint32_t checksum = fletcher32(bytes);
    // HDF5 appends the checksum in the machine's byte order (little-endian, checked above).
    const auto* checksum_bytes = reinterpret_cast<const unsigned char*>(&checksum);
    bytes.insert(bytes.end(), checksum_bytes, checksum_bytes + sizeof checksum);
    encoded.push_back({start, std::move(bytes)});

    // The next chunk: the last axis fastest.
    std::size_t axis = rank;
    while (axis-- > 1) {
      start[axis] += chunk[axis];
      if (start[axis] < dims[axis]) break;
      start[axis] = 0;
    }
    if (axis == 0) break;
  }
  return encoded;
}

}  // namespace tumen::output::detail
