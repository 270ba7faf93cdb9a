#pragma once
// The Philox streams of a calibration (docs/rng.md, "Calibration streams"). Streams with bit 63
// set belong to calibration proposals, a half of the stream space that plain runs and sweeps
// never use, so no existing stream changes. Each proposal, numbered by (generation, attempt), owns
// a block of 256 streams:
//
//   stream = 1 << 63 | generation << 48 | attempt << 8 | slot
//
//   slot 0      the proposal itself: prior draws, or the ancestor and the kernel's perturbation
//   slot r + 1  replicate r of the particle's simulation, consumed exactly as a plain run's
//               replicate stream (same counters and purposes)
//
// A proposal's numbers therefore depend only on (seed, generation, attempt), never on which
// thread evaluated it, in which batch, or whether the run was resumed.
#include <cstdint>

#include "tumen/rng.hpp"

namespace tumen::calibration {

inline constexpr std::uint64_t kCalibrationStreamBit = std::uint64_t{1} << 63;
inline constexpr std::uint64_t kMaxGenerations = std::uint64_t{1} << 15;  // bits 48-62
inline constexpr std::uint64_t kMaxAttempts = std::uint64_t{1} << 40;     // bits 8-47
inline constexpr std::uint64_t kMaxReplicatesPerParticle = 255;           // slots 1-255

[[nodiscard]] constexpr std::uint64_t calibration_stream(std::uint64_t generation,
                                                         std::uint64_t attempt,
                                                         std::uint64_t slot) {
  return kCalibrationStreamBit | ((generation & (kMaxGenerations - 1)) << 48) |
         ((attempt & (kMaxAttempts - 1)) << 8) | (slot & 0xffu);
}

// The stream of the proposal's own draws. Read as one sequence: counter (0, 0, 0, block), with
// purpose 0, a number no model purpose uses.
[[nodiscard]] inline rng::Draws proposal_draws(std::uint64_t seed, std::uint64_t generation,
                                               std::uint64_t attempt) {
  return rng::Draws(rng::Key{seed, calibration_stream(generation, attempt, 0)}, 0, 0,
                    static_cast<rng::Purpose>(0));
}

// The key of replicate `replicate` of the proposal's simulation.
[[nodiscard]] constexpr rng::Key replicate_key(std::uint64_t seed, std::uint64_t generation,
                                               std::uint64_t attempt, std::uint64_t replicate) {
  return rng::Key{seed, calibration_stream(generation, attempt, replicate + 1)};
}

}  // namespace tumen::calibration
