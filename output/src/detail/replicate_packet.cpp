#include "detail/replicate_packet.hpp"

#include <cstring>
#include <string>
#include <type_traits>

#include "detail/counter_layout.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::output::detail {

namespace {

class ByteWriter {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* first = reinterpret_cast<const unsigned char*>(&value);
    bytes_.insert(bytes_.end(), first, first + sizeof(T));
  }
  template <typename T>
  void put_array(std::span<const T> values) {
    put<std::uint64_t>(values.size());
    const auto* first = reinterpret_cast<const unsigned char*>(values.data());
    bytes_.insert(bytes_.end(), first, first + values.size_bytes());
  }
  std::vector<unsigned char> take() { return std::move(bytes_); }

 private:
  std::vector<unsigned char> bytes_;
};

// Reads what ByteWriter wrote; any read past the end is a malformed message, never a crash.
class ByteReader {
 public:
  ByteReader(std::span<const unsigned char> bytes, const char* what) : bytes_(bytes), what_(what) {}
  template <typename T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  template <typename T>
  std::vector<T> get_array() {
    const auto count = get<std::uint64_t>();
    if (count > (bytes_.size() - position_) / sizeof(T)) fail();
    std::vector<T> values(count);
    if (count > 0) std::memcpy(values.data(), take(count * sizeof(T)), count * sizeof(T));
    return values;
  }
  void expect_end() const {
    if (position_ != bytes_.size()) fail();
  }
  [[noreturn]] void fail() const {
    throw OutputError(std::string("a malformed ") + what_ + " (" + std::to_string(bytes_.size()) +
                      " bytes) from another rank");
  }

 private:
  const unsigned char* take(std::size_t size) {
    if (size > bytes_.size() - position_) fail();
    const unsigned char* at = bytes_.data() + position_;
    position_ += size;
    return at;
  }
  std::span<const unsigned char> bytes_;
  std::size_t position_ = 0;
  const char* what_;
};

constexpr std::uint32_t kPlanMagic = 0x544d5031;    // "TMP1"
constexpr std::uint32_t kPacketMagic = 0x544d5231;  // "TMR1"

std::uint64_t row_size(const std::vector<hsize_t>& dims) {
  std::uint64_t size = 1;
  for (std::size_t axis = 1; axis < dims.size(); ++axis) size *= dims[axis];
  return size;
}

}  // namespace

std::vector<unsigned char> serialize_plan(const PacketPlan& plan) {
  ByteWriter out;
  out.put(kPlanMagic);
  out.put(plan.replicate_begin);
  out.put(plan.replicate_end);
  out.put<std::uint64_t>(plan.counters.size());
  for (const PacketPlan::Counter& counter : plan.counters) {
    out.put<std::uint64_t>(counter.layout_index);
    out.put_array<hsize_t>(counter.dims);
    out.put<std::uint8_t>(counter.pipeline.encodable ? 1 : 0);
    out.put<std::int32_t>(counter.pipeline.deflate_level);
    out.put_array<hsize_t>(counter.pipeline.chunk);
  }
  return out.take();
}

PacketPlan parse_plan(std::span<const unsigned char> bytes) {
  ByteReader in(bytes, "encoding plan");
  if (in.get<std::uint32_t>() != kPlanMagic) in.fail();
  PacketPlan plan;
  plan.replicate_begin = in.get<std::uint64_t>();
  plan.replicate_end = in.get<std::uint64_t>();
  const auto count = in.get<std::uint64_t>();
  if (count > counter_datasets().size() || plan.replicate_begin > plan.replicate_end) in.fail();
  for (std::uint64_t i = 0; i < count; ++i) {
    PacketPlan::Counter counter;
    counter.layout_index = in.get<std::uint64_t>();
    counter.dims = in.get_array<hsize_t>();
    counter.pipeline.encodable = in.get<std::uint8_t>() != 0;
    counter.pipeline.deflate_level = in.get<std::int32_t>();
    counter.pipeline.chunk = in.get_array<hsize_t>();
    const bool shaped =
        counter.dims.size() >= 1 &&
        (!counter.pipeline.encodable || counter.pipeline.chunk.size() == counter.dims.size());
    if (counter.layout_index >= counter_datasets().size() || !shaped) in.fail();
    plan.counters.push_back(std::move(counter));
  }
  in.expect_end();
  return plan;
}

std::vector<unsigned char> pack_replicate(const PacketPlan& plan, const ReplicateResult& result) {
  if (result.replicate < plan.replicate_begin || result.replicate >= plan.replicate_end) {
    throw OutputError("replicate " + std::to_string(result.replicate) +
                      " is outside the writer's range " + std::to_string(plan.replicate_begin) +
                      ":" + std::to_string(plan.replicate_end));
  }
  const hsize_t index = result.replicate - plan.replicate_begin;
  ByteWriter out;
  out.put(kPacketMagic);
  out.put(result.replicate);
  out.put(result.wall_seconds);
  for (const PacketPlan::Counter& counter : plan.counters) {
    const CounterDataset& layout = counter_datasets()[counter.layout_index];
    const std::vector<std::int64_t>& values = result.*(layout.values);
    if (values.size() != row_size(counter.dims)) {
      throw OutputError("replicate " + std::to_string(result.replicate) + ": " + layout.name +
                        " has " + std::to_string(values.size()) + " values, expected " +
                        std::to_string(row_size(counter.dims)));
    }
    // An empty row (a run without routes, say) has no chunk to write: it goes the ordinary way.
    if (!counter.pipeline.encodable || values.empty()) {
      out.put<std::uint8_t>(0);
      out.put_array<std::int64_t>(values);
      continue;
    }
    out.put<std::uint8_t>(1);
    const std::vector<EncodedChunk> chunks =
        encode_replicate(values, counter.dims, counter.pipeline, index);
    out.put<std::uint64_t>(chunks.size());
    for (const EncodedChunk& chunk : chunks) {
      out.put_array<hsize_t>(chunk.offset);
      out.put_array<unsigned char>(chunk.bytes);
    }
  }
  return out.take();
}

UnpackedReplicate unpack_replicate(const PacketPlan& plan, std::span<const unsigned char> bytes) {
  ByteReader in(bytes, "replicate packet");
  if (in.get<std::uint32_t>() != kPacketMagic) in.fail();
  UnpackedReplicate unpacked;
  unpacked.replicate = in.get<std::uint64_t>();
  unpacked.wall_seconds = in.get<double>();
  if (unpacked.replicate < plan.replicate_begin || unpacked.replicate >= plan.replicate_end) {
    in.fail();
  }
  const hsize_t index = unpacked.replicate - plan.replicate_begin;
  for (const PacketPlan::Counter& counter : plan.counters) {
    std::vector<EncodedChunk> chunks;
    std::vector<std::int64_t> raw;
    if (in.get<std::uint8_t>() == 0) {
      raw = in.get_array<std::int64_t>();
      if (raw.size() != row_size(counter.dims)) in.fail();
    } else {
      if (!counter.pipeline.encodable) in.fail();
      const auto count = in.get<std::uint64_t>();
      for (std::uint64_t i = 0; i < count; ++i) {
        EncodedChunk chunk;
        chunk.offset = in.get_array<hsize_t>();
        chunk.bytes = in.get_array<unsigned char>();
        // A chunk of this replicate's row, on the chunk grid, inside the dataset.
        bool placed = chunk.offset.size() == counter.dims.size() && chunk.offset[0] == index;
        for (std::size_t axis = 1; placed && axis < chunk.offset.size(); ++axis) {
          placed = chunk.offset[axis] < counter.dims[axis] &&
                   chunk.offset[axis] % counter.pipeline.chunk[axis] == 0;
        }
        if (!placed || chunk.bytes.empty()) in.fail();
        chunks.push_back(std::move(chunk));
      }
      if (chunks.empty()) in.fail();
    }
    unpacked.chunks.push_back(std::move(chunks));
    unpacked.raw.push_back(std::move(raw));
  }
  in.expect_end();
  return unpacked;
}

}  // namespace tumen::output::detail
