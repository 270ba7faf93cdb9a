#pragma once
// Counter-based random numbers: Philox4x64-10 from Random123.
//
// Every draw is a pure function of (key, counter), so a result never depends on which thread
// made it or in what order. The layout below is final (docs/rng.md); changing how the model
// consumes numbers means bumping kRngScheme and re-approving the regression outputs.
//
//   key     = (seed, stream)
//   stream  = replicate (bits 0-31) | point (bits 32-63); point 0 is a plain run, sweep point
//             k is k + 1, calibration proposals set bit 63 (docs/rng.md)
//   counter = (entity, day, purpose, block); each block yields four 64-bit words
//   entity  = agent id, or kPlaceEntity | place index for draws that belong to a place
#include <array>
#include <cstdint>

namespace tumen::rng {

inline constexpr const char* kRngScheme = "philox4x64-10/1";

// What a draw is for. Distinct purposes give an agent independent streams within one day.
enum class Purpose : std::uint64_t {
  departure_count = 1,  // per origin and day: how many leave
  new_agent = 2,        // attributes of a newly created agent
  departure = 3,        // an agent setting out (first hop, broker wish)
  movement = 4,         // reaching a place: hiding, route choice, the next hop
  patrol = 5,           // being caught: where it leads
  broker_priority = 6,  // the order in which broker requests are granted
  broker = 7,           // what a granted broker contract turns out to be
  repatriation = 8,     // detention, punishment, release, re-attempts
  arrival = 9,          // the family chain
  mass_return = 10,     // who is taken in a mass return
};

inline constexpr std::uint64_t kPlaceEntity = std::uint64_t{1} << 63;

struct Key {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
};

[[nodiscard]] constexpr std::uint64_t replicate_stream(std::uint64_t replicate,
                                                       std::uint64_t point = 0) {
  return (replicate & 0xffffffffu) | (point << 32);
}

using Block = std::array<std::uint64_t, 4>;

// The raw bijection: 10 rounds of Philox4x64 on one counter block.
[[nodiscard]] Block philox4x64_10(const Block& counter, const std::array<std::uint64_t, 2>& key);

// A sequence of 64-bit words for one (entity, day, purpose). Cheap to construct; it generates
// one Philox block per four words.
class Draws {
 public:
  Draws(const Key& key, std::uint64_t entity, std::int32_t day, Purpose purpose)
      : key_{key.seed, key.stream},
        counter_{entity, static_cast<std::uint64_t>(static_cast<std::uint32_t>(day)),
                 static_cast<std::uint64_t>(purpose), 0} {}

  [[nodiscard]] std::uint64_t next() {
    if (used_ == 4) refill();
    return block_[used_++];
  }

 private:
  void refill() {
    block_ = philox4x64_10(counter_, key_);
    ++counter_[3];
    used_ = 0;
  }

  std::array<std::uint64_t, 2> key_;
  Block counter_;
  Block block_{};
  unsigned used_ = 4;
};

}  // namespace tumen::rng
