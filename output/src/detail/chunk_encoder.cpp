#include "detail/chunk_encoder.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
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

namespace {

// Buffers that are written before they are read: a std::vector would zero them first, which cost
// a quarter of the encoding time (perf, `tumen run` of the Korea baseline).
class Scratch {
 public:
  unsigned char* reserve(std::size_t size) {
    if (size > capacity_) {
      bytes_ = std::make_unique_for_overwrite<unsigned char[]>(size);
      capacity_ = size;
    }
    return bytes_.get();
  }

 private:
  std::unique_ptr<unsigned char[]> bytes_;
  std::size_t capacity_ = 0;
};

// Transposes the 8 x 8 byte matrix whose row i is word i (byte j at bits 8j): afterwards word j
// holds byte j of every input word, byte i from word i. Three rounds of block swaps: 4 x 4, 2 x 2,
// 1 x 1.
void transpose_bytes(std::uint64_t (&w)[8]) {
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t t = ((w[i] >> 32) ^ w[i + 4]) & 0x00000000ffffffffULL;
    w[i] ^= t << 32;
    w[i + 4] ^= t;
  }
  for (int i : {0, 1, 4, 5}) {
    const std::uint64_t t = ((w[i] >> 16) ^ w[i + 2]) & 0x0000ffff0000ffffULL;
    w[i] ^= t << 16;
    w[i + 2] ^= t;
  }
  for (int i : {0, 2, 4, 6}) {
    const std::uint64_t t = ((w[i] >> 8) ^ w[i + 1]) & 0x00ff00ff00ff00ffULL;
    w[i] ^= t << 8;
    w[i + 1] ^= t;
  }
}

// The shuffle of 8-byte elements, 8 elements at a time through transpose_bytes (little-endian
// words, the only byte order the encoder runs on); the elements after the last whole 8 one by one.
void shuffle_int64(const unsigned char* bytes, std::size_t elements, unsigned char* out) {
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= elements; i += 8) {
      std::uint64_t w[8];
      std::memcpy(w, bytes + i * 8, sizeof w);
      transpose_bytes(w);
      for (std::size_t j = 0; j < 8; ++j) std::memcpy(out + j * elements + i, &w[j], 8);
    }
  }
  for (; i < elements; ++i) {
    for (std::size_t j = 0; j < 8; ++j) out[j * elements + i] = bytes[i * 8 + j];
  }
}

// Byte j of every element first, then byte j + 1: the high bytes of small counts are zeros, and
// runs of zeros compress well. A tail that is not a whole element stays as it is. `out` holds
// bytes.size() bytes.
void shuffle_into(std::span<const unsigned char> bytes, std::size_t element_bytes,
                  unsigned char* out) {
  const std::size_t elements = element_bytes > 1 ? bytes.size() / element_bytes : 0;
  if (elements <= 1) {
    std::copy(bytes.begin(), bytes.end(), out);
    return;
  }
  if (element_bytes == sizeof(std::int64_t)) {
    shuffle_int64(bytes.data(), elements, out);  // the counters
  } else {
    for (std::size_t i = 0; i < elements; ++i) {
      const unsigned char* element = bytes.data() + i * element_bytes;
      for (std::size_t j = 0; j < element_bytes; ++j) out[j * elements + i] = element[j];
    }
  }
  const std::size_t whole = elements * element_bytes;
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(whole), bytes.end(), out + whole);
}

// Compresses `bytes` into `out`, which holds compressBound(bytes.size()) bytes; returns the size.
std::size_t deflate_into(std::span<const unsigned char> bytes, int level, unsigned char* out) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  if (compress2(out, &size, bytes.data(), static_cast<uLong>(bytes.size()), level) != Z_OK) {
    throw std::runtime_error("zlib could not compress a chunk");
  }
  return size;
}

}  // namespace

std::vector<unsigned char> shuffle_bytes(std::span<const unsigned char> bytes,
                                         std::size_t element_bytes) {
  std::vector<unsigned char> out(bytes.size());
  shuffle_into(bytes, element_bytes, out.data());
  return out;
}

std::vector<unsigned char> deflate_bytes(std::span<const unsigned char> bytes, int level) {
  std::vector<unsigned char> out(compressBound(static_cast<uLong>(bytes.size())));
  out.resize(deflate_into(bytes, level, out.data()));
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
  // Korea's datasets are chunked one replicate to a chunk: the slab is then the chunk, cell for
  // cell in the same order, and needs no copy.
  bool whole_slab = values.size() == chunk_elements;
  for (std::size_t axis = 1; axis < rank; ++axis) whole_slab &= chunk[axis] == dims[axis];

  std::vector<EncodedChunk> encoded;
  std::vector<hsize_t> start{replicate_index};  // the chunk's first cell, the replicate first
  start.resize(rank, 0);
  std::vector<std::int64_t> cells;
  // Kept by each thread from replicate to replicate: fresh megabytes would be page-faulted in on
  // every replicate.
  thread_local Scratch shuffle_scratch, deflate_scratch;
  while (true) {
    std::span<const std::int64_t> chunk_cells = values;
    if (!whole_slab) {
      // Gather the chunk's cells row by row along the last axis; in an edge chunk the cells outside
      // the dataset are 0 (an inner chunk overwrites every cell).
      bool edge = false;
      for (std::size_t axis = 1; axis < rank; ++axis)
        edge |= start[axis] + chunk[axis] > dims[axis];
      if (edge || cells.size() != chunk_elements) cells.assign(chunk_elements, 0);
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
      chunk_cells = cells;
    }

    const std::span<const unsigned char> raw(
        reinterpret_cast<const unsigned char*>(chunk_cells.data()), chunk_cells.size_bytes());
    unsigned char* shuffled = shuffle_scratch.reserve(raw.size());
    shuffle_into(raw, sizeof(std::int64_t), shuffled);
    std::span<const unsigned char> filtered(shuffled, raw.size());
    if (pipeline.deflate_level > 0) {
      unsigned char* deflated =
          deflate_scratch.reserve(compressBound(static_cast<uLong>(raw.size())));
      filtered = {deflated, deflate_into(filtered, pipeline.deflate_level, deflated)};
    }
    const std::uint32_t checksum = fletcher32(filtered);
    // HDF5 appends the checksum in the machine's byte order (little-endian, checked above).
    std::vector<unsigned char> bytes;
    bytes.reserve(filtered.size() + sizeof checksum);
    bytes.assign(filtered.begin(), filtered.end());
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
