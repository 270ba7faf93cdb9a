#pragma once
// A finished replicate as bytes, for a writer in another process: an MPI rank encodes its
// replicates' chunks exactly as the writer's prepare() would (detail/chunk_encoder.hpp) and sends
// the result to the single writer on rank 0 (docs/hpc.md, "MPI"). The plan says how the writer's
// file stores each per-replicate dataset; the rank gets it from the writer once, before the first
// replicate. Both ends are the same tumen binary on the same kind of machine, so numbers travel
// in native byte order; every length is still checked when a packet is read.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "detail/chunk_encoder.hpp"
#include "tumen/replicate_result.hpp"

namespace tumen::output::detail {

struct PacketPlan {
  std::uint64_t replicate_begin = 0;
  std::uint64_t replicate_end = 0;
  // One entry per per-replicate dataset of the file, in the file's order.
  struct Counter {
    std::size_t layout_index = 0;  // into counter_datasets()
    std::vector<hsize_t> dims;     // the full shape, replicate axis first
    ChunkPipeline pipeline;        // not encodable: the values travel as they are
  };
  std::vector<Counter> counters;
};

[[nodiscard]] std::vector<unsigned char> serialize_plan(const PacketPlan& plan);
// Throws OutputError on bytes that are not a plan.
[[nodiscard]] PacketPlan parse_plan(std::span<const unsigned char> bytes);

// A replicate of the plan's range as bytes: its number, wall seconds and, per counter, either the
// encoded chunks or the raw values. Throws OutputError for a replicate outside the range or a
// counter of the wrong size.
[[nodiscard]] std::vector<unsigned char> pack_replicate(const PacketPlan& plan,
                                                        const ReplicateResult& result);

struct UnpackedReplicate {
  std::uint64_t replicate = 0;
  double wall_seconds = 0.0;
  // Per plan counter: the chunks, or (when empty) the values in `raw`.
  std::vector<std::vector<EncodedChunk>> chunks;
  std::vector<std::vector<std::int64_t>> raw;
};

// Throws OutputError when the bytes do not hold a replicate of this plan: a truncated packet,
// a chunk offset outside the replicate's row, raw values of the wrong count.
[[nodiscard]] UnpackedReplicate unpack_replicate(const PacketPlan& plan,
                                                 std::span<const unsigned char> bytes);

}  // namespace tumen::output::detail
