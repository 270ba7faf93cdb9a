#pragma once
// Replicates of a Model run on oneTBB threads while the calling thread stays free: the MPI
// layer's main thread keeps talking to the other ranks (and, on rank 0, writing the file) and
// hands this pool replicate numbers one by one as they are assigned (docs/hpc.md, "MPI"). Each
// replicate runs serially on one thread; its result is the same as in any other run (it depends
// only on the seed and its number). No MPI and no HDF5 here.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "tumen/model.hpp"
#include "tumen/replicate_result.hpp"

namespace tumen::cli {

struct FinishedReplicate {
  ReplicateResult result;           // result.replicate says which
  bool completed = false;           // false: stopped by halt() or the stop flag, or failed
  std::exception_ptr error;         // what the replicate (or after_run) threw
  std::vector<unsigned char> data;  // what after_run made of it, if anything
};

class ReplicatePool {
 public:
  // `after_run` runs on the worker thread once a replicate completes (encoding its chunks, say);
  // it must be safe to call from several threads at once. `stop` (the signal flag) is checked
  // between days, as is halt(). `stream_point` is EnsembleOptions::stream_point (a sweep's point
  // k + 1; 0 for a plain run).
  ReplicatePool(const Model& model, std::uint64_t seed, int threads,
                std::function<void(FinishedReplicate&)> after_run, const std::atomic<bool>* stop,
                std::uint64_t stream_point = 0);
  // Halts what still runs and waits for it.
  ~ReplicatePool();
  ReplicatePool(const ReplicatePool&) = delete;
  ReplicatePool& operator=(const ReplicatePool&) = delete;

  [[nodiscard]] int threads() const { return threads_; }
  // Replicates submitted and not yet taken back by take_finished().
  [[nodiscard]] int in_flight() const;
  void submit(std::uint64_t replicate);
  // Asks running replicates to stop at the end of their current day.
  void halt() { halt_.store(true); }
  // Waits until a replicate finishes or `timeout` passes; true when one is ready to take.
  bool wait(std::chrono::milliseconds timeout);
  [[nodiscard]] std::vector<FinishedReplicate> take_finished();

 private:
  void run_one(std::uint64_t replicate);

  const Model& model_;
  std::uint64_t seed_;
  std::uint64_t stream_point_;
  int threads_;
  std::function<void(FinishedReplicate&)> after_run_;
  const std::atomic<bool>* stop_;
  std::atomic<bool> halt_{false};
  // The main thread does not join the arena, so every one of `threads` slots is a TBB worker,
  // and the process-wide limit leaves room for them beside the main thread.
  tbb::global_control parallelism_;
  tbb::task_arena arena_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0;
  std::vector<FinishedReplicate> finished_;
};

}  // namespace tumen::cli
