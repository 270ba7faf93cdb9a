#include "replicate_pool.hpp"

#include <algorithm>

#include "tumen/rng.hpp"
#include "tumen/simulation.hpp"

namespace tumen::cli {

ReplicatePool::ReplicatePool(const Model& model, std::uint64_t seed, int threads,
                             std::function<void(FinishedReplicate&)> after_run,
                             const std::atomic<bool>* stop, std::uint64_t stream_point)
    : model_(model),
      seed_(seed),
      stream_point_(stream_point),
      threads_(std::max(threads, 1)),
      after_run_(std::move(after_run)),
      stop_(stop),
      parallelism_(tbb::global_control::max_allowed_parallelism,
                   static_cast<std::size_t>(threads_) + 1),
      arena_(threads_, 0) {}

ReplicatePool::~ReplicatePool() {
  halt();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return in_flight_ == static_cast<int>(finished_.size()); });
}

int ReplicatePool::in_flight() const {
  const std::lock_guard lock(mutex_);
  return in_flight_;
}

void ReplicatePool::submit(std::uint64_t replicate) {
  {
    const std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  arena_.enqueue([this, replicate] { run_one(replicate); });
}

void ReplicatePool::run_one(std::uint64_t replicate) {
  FinishedReplicate finished;
  finished.result.replicate = replicate;
  try {
    const auto started = std::chrono::steady_clock::now();
    Simulation simulation(model_, rng::Key{seed_, rng::replicate_stream(replicate, stream_point_)},
                          SimulationOptions{false});
    // It stops between days when either the signal flag or halt() asks.
    bool completed = true;
    while (!simulation.finished()) {
      if ((stop_ && stop_->load(std::memory_order_relaxed)) ||
          halt_.load(std::memory_order_relaxed)) {
        completed = false;
        break;
      }
      simulation.step();
    }
    if (completed) {
      finished.result = simulation.take_result();
      finished.result.replicate = replicate;
      finished.result.wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      finished.completed = true;
      if (after_run_) after_run_(finished);
    }
  } catch (...) {
    finished.completed = false;
    finished.error = std::current_exception();
  }
  const std::lock_guard lock(mutex_);
  finished_.push_back(std::move(finished));
  changed_.notify_all();
}

bool ReplicatePool::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return !finished_.empty(); });
}

std::vector<FinishedReplicate> ReplicatePool::take_finished() {
  const std::lock_guard lock(mutex_);
  std::vector<FinishedReplicate> taken = std::move(finished_);
  finished_.clear();
  in_flight_ -= static_cast<int>(taken.size());
  return taken;
}

}  // namespace tumen::cli
