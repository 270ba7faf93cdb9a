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
#include <Random123/philox.h>

#include <array>
#include <cstddef>
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

// The raw bijection: 10 rounds of Philox4x64 on one counter block, by Random123. Inline, since
// every agent handled on a day computes at least one block: a call and the copies around it cost
// a tenth of the block.
[[nodiscard]] inline __attribute__((always_inline)) Block philox4x64_10(
    const Block& counter, const std::array<std::uint64_t, 2>& key) {
  using Philox = r123::Philox4x64_R<10>;
  const Philox::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  const Philox::key_type k = {{key[0], key[1]}};
  const Philox::ctr_type out = Philox()(c, k);
  return {out[0], out[1], out[2], out[3]};
}

// A sequence of 64-bit words for one (entity, day, purpose). Cheap to construct; it generates
// one Philox block per four words.
class Draws {
 public:
  Draws(const Key& key, std::uint64_t entity, std::int32_t day, Purpose purpose)
      : key_{key.seed, key.stream},
        counter_{entity, static_cast<std::uint64_t>(static_cast<std::uint32_t>(day)),
                 static_cast<std::uint64_t>(purpose), 0} {}

  // The same sequence, with its first block computed already (first_blocks below).
  Draws(const Key& key, std::uint64_t entity, std::int32_t day, Purpose purpose, const Block& first)
      : key_{key.seed, key.stream},
        counter_{entity, static_cast<std::uint64_t>(static_cast<std::uint32_t>(day)),
                 static_cast<std::uint64_t>(purpose), 1},
        block_(first),
        used_(0) {}

  [[nodiscard]] std::uint64_t next() {
    if (used_ == 4) refill();
    return block_[used_++];
  }

 private:
  // Out of line, once: next() is inlined everywhere, the ten rounds need not be.
  __attribute__((noinline)) void refill() {
    block_ = philox4x64_10(counter_, key_);
    ++counter_[3];
    used_ = 0;
  }

  std::array<std::uint64_t, 2> key_;
  Block counter_;
  Block block_{};
  unsigned used_ = 4;
};

// Block 0 of (entities[i], day, purpose) for each i < n, into out[i]: exactly the words that
// Draws would compute on first use. Computed side by side, the rounds of independent blocks
// overlap in the processor, where a block computed on first use waits for its own ten rounds.
inline void first_blocks(const Key& key, const std::uint32_t* entities, std::size_t n,
                         std::int32_t day, Purpose purpose, Block* out) {
  const std::array<std::uint64_t, 2> k{key.seed, key.stream};
  const auto d = static_cast<std::uint64_t>(static_cast<std::uint32_t>(day));
  const auto p = static_cast<std::uint64_t>(purpose);
  for (std::size_t i = 0; i < n; ++i) out[i] = philox4x64_10({entities[i], d, p, 0}, k);
}

}  // namespace tumen::rng
