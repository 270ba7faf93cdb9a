#pragma once
// What a run will hold in memory, estimated before it starts, so that a run that cannot fit is
// refused with figures rather than killed by the kernel hours in (docs/reliability.md, "Out of
// memory"). An estimate of the expected case: Poisson departures and the agents' growth are not
// bounded in advance, so a run can exceed it by a few percent.
#include <cstdint>
#include <string>

#include "tumen/model.hpp"

namespace tumen {

struct MemoryEstimate {
  double agents_per_replicate = 0.0;  // expected agents of one replicate, relatives included
  std::uint64_t bytes_per_agent = 0;  // fields, room reserved for growth, due lists
  std::uint64_t day_bytes_per_replicate = 0;      // per-day lists of one simulation
  std::uint64_t counter_bytes_per_replicate = 0;  // one replicate's integer counters
  std::uint64_t replicates_at_once = 1;           // simulations alive side by side
  std::uint64_t model_bytes = 0;  // route plans and hazard tables, shared by every replicate
  // The process itself: code, libraries, thread stacks, the HDF5 library's caches (a Korea run
  // with 2 threads peaks 20-25 MiB above the rest of this estimate).
  std::uint64_t process_bytes = std::uint64_t{32} << 20;

  [[nodiscard]] std::uint64_t replicate_bytes() const;
  [[nodiscard]] std::uint64_t total_bytes() const;
  // "2 replicates at a time x (26,250,000 agents x 35 B + 12.0 MiB of counters) + ...": the
  // arithmetic behind total_bytes(), for messages.
  [[nodiscard]] std::string explain() const;
};

// `replicates` to run with `threads`: replicate-parallel runs hold one simulation per thread,
// an agent-parallel run (fewer replicates than threads) one in all. Each finished replicate's
// counters are counted twice, since one can wait for the writer while the next is recorded.
[[nodiscard]] MemoryEstimate estimate_memory(const Model& model, std::uint64_t replicates,
                                             int threads);

}  // namespace tumen
