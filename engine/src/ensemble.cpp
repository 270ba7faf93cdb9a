#include "tumen/ensemble.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "parallel_for.hpp"
#include "tumen/simulation.hpp"

namespace tumen {

EnsembleReport run_ensemble(const Model& model, const EnsembleOptions& options, ResultSink& sink) {
  std::vector<std::uint64_t> todo;
  for (auto r = options.replicate_begin; r < options.replicate_end; ++r) {
    if (!options.skip || !options.skip(r)) todo.push_back(r);
  }
  const int threads = options.threads < 1 ? 1 : options.threads;
  EnsembleReport report;
  std::mutex sink_mutex;
  std::atomic<bool> interrupted{false};

  auto run_one = [&](std::uint64_t replicate, bool agent_parallel) {
    const auto started = std::chrono::steady_clock::now();
    Simulation simulation(
        model, rng::Key{options.seed, rng::replicate_stream(replicate, options.stream_point)},
        SimulationOptions{agent_parallel});
    if (!simulation.run(options.stop)) {
      interrupted = true;
      return;
    }
    ReplicateResult result = simulation.take_result();
    result.replicate = replicate;
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    sink.prepare(result);  // on this worker, beside the others
    const std::lock_guard lock(sink_mutex);
    sink.write(result);
    ++report.completed;
    if (options.on_replicate_done) options.on_replicate_done(replicate);
  };

  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    if (todo.size() >= static_cast<std::size_t>(threads) || threads == 1) {
      detail::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t i) {
        if (options.stop && options.stop->load(std::memory_order_relaxed)) {
          interrupted = true;
          return;
        }
        run_one(todo[i], false);
      });
    } else {
      for (const auto r : todo) {
        if (options.stop && options.stop->load(std::memory_order_relaxed)) {
          interrupted = true;
          break;
        }
        run_one(r, true);
      }
    }
  });
  report.interrupted = interrupted;
  return report;
}

}  // namespace tumen
