#pragma once
// Encodes the chunks of one replicate's counters exactly as HDF5's filter pipeline stores them
// (shuffle, then deflate, then Fletcher-32), so that this work runs on the worker thread that
// made the replicate, beside the others, and the single writer only stores finished chunks with
// H5Dwrite_chunk. HDF5 reads them back through its own pipeline, which checks the checksum and
// inflates; tests compare the bytes with chunks that HDF5 encoded itself.
#include <hdf5.h>

#include <cstdint>
#include <span>
#include <vector>

namespace tumen::output::detail {

// A per-replicate dataset's storage, read from its creation properties: encodable when it is
// chunked little-endian int64 with exactly shuffle, optional deflate, Fletcher-32 in that order.
struct ChunkPipeline {
  bool encodable = false;
  int deflate_level = 0;       // 0: no deflate filter
  std::vector<hsize_t> chunk;  // the chunk shape, replicate axis first
};

[[nodiscard]] ChunkPipeline read_chunk_pipeline(hid_t dataset);

struct EncodedChunk {
  std::vector<hsize_t> offset;  // in the dataset, replicate axis first
  std::vector<unsigned char> bytes;
};

// Every chunk of replicate index `replicate_index` of a dataset of `dims` (replicate axis first),
// whose values are the row-major slab `values` (dims without the replicate axis). Cells of an
// edge chunk outside the dataset are 0, the fill value.
[[nodiscard]] std::vector<EncodedChunk> encode_replicate(std::span<const std::int64_t> values,
                                                         const std::vector<hsize_t>& dims,
                                                         const ChunkPipeline& pipeline,
                                                         hsize_t replicate_index);

// The three filters, as HDF5 1.10 implements them (H5Zshuffle.c, H5Zdeflate.c, H5checksum.c).
[[nodiscard]] std::vector<unsigned char> shuffle_bytes(std::span<const unsigned char> bytes,
                                                       std::size_t element_bytes);
[[nodiscard]] std::vector<unsigned char> deflate_bytes(std::span<const unsigned char> bytes,
                                                       int level);
[[nodiscard]] std::uint32_t fletcher32(std::span<const unsigned char> bytes);

}  // namespace tumen::output::detail
