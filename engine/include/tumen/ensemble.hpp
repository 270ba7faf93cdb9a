#pragma once
// Runs replicates of a Model on oneTBB threads and hands each finished one to a ResultSink.
// With at least as many replicates as threads, replicates run side by side, each serially;
// otherwise one replicate at a time runs its phases in agent-parallel blocks. Either way the
// results are the same: replicate r depends only on (seed, r).
#include <atomic>
#include <cstdint>
#include <functional>

#include "tumen/model.hpp"
#include "tumen/result_sink.hpp"

namespace tumen {

struct EnsembleOptions {
  std::uint64_t seed = 1;
  std::uint64_t replicate_begin = 0;
  std::uint64_t replicate_end = 1;
  // The point field of the RNG streams (docs/rng.md): 0 for a plain run, k + 1 for sweep point k.
  std::uint64_t stream_point = 0;
  int threads = 1;
  std::function<bool(std::uint64_t)> skip;                    // replicates already done (resume)
  std::function<void(std::uint64_t done)> on_replicate_done;  // called under the sink's lock
  const std::atomic<bool>* stop = nullptr;                    // checked between days
};

struct EnsembleReport {
  std::uint64_t completed = 0;  // replicates written by this call
  bool interrupted = false;
};

EnsembleReport run_ensemble(const Model& model, const EnsembleOptions& options, ResultSink& sink);

}  // namespace tumen
