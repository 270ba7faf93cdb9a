// The scaling row: replicates per second on one thread and on every available thread (the
// Ensemble's replicate-parallel mode), and one large replicate in agent-parallel blocks on one
// thread and on every thread. Parallel efficiency = speed-up / threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cstdio>

#include "common.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/simulation.hpp"

namespace tumen::bench {

namespace {

double replicates_per_second(const Model& model, std::uint64_t replicates, int threads) {
  NullSink sink;
  EnsembleOptions options;
  options.seed = model.scenario().run.seed;
  options.replicate_end = replicates;
  options.threads = threads;
  const auto start = Clock::now();
  (void)run_ensemble(model, options, sink);
  return static_cast<double>(replicates) / seconds_since(start);
}

// One replicate, agent-parallel, on `threads` threads: creation and every day.
double agent_parallel_seconds(const Model& model, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  double seconds = 0.0;
  arena.execute([&] {
    const auto start = Clock::now();
    Simulation simulation(model, model.scenario().run.seed, 0, SimulationOptions{true});
    simulation.run();
    (void)simulation.take_result();
    seconds = seconds_since(start);
  });
  return seconds;
}

}  // namespace

Row scaling_row(const Config& config) {
  // Five runs of about a second each (on a 2-core machine): with three runs of 0.4 s, a shared
  // machine's bursts moved the median efficiency by 0.2 from one bench to the next.
  const int runs = runs_of(config, 2, 5);
  const int threads = config.threads;
  const auto korea = load_model(config.scenarios / "korea" / "baseline.toml", Period::month);
  // Enough replicates per thread that the last ones to finish do not leave threads idle long.
  const std::uint64_t serial_replicates = config.quick ? 2 : 8;
  const std::uint64_t parallel_replicates =
      static_cast<std::uint64_t>(threads) * (config.quick ? 2 : 8);
  std::vector<double> one, all, replicate_efficiency;
  for (int run = 0; run < runs; ++run) {
    one.push_back(replicates_per_second(*korea, serial_replicates, 1));
    all.push_back(replicates_per_second(*korea, parallel_replicates, threads));
    replicate_efficiency.push_back(all.back() / (one.back() * threads));
  }

  const std::vector<std::string> set = config.quick
                                           ? std::vector<std::string>{"population.size=1000000"}
                                           : std::vector<std::string>{};
  const auto population =
      load_model(config.scenarios / "stress" / "population.toml", Period::month, set);
  std::vector<double> agent_one, agent_all, agent_efficiency;
  for (int run = 0; run < runs; ++run) {
    agent_one.push_back(agent_parallel_seconds(*population, 1));
    agent_all.push_back(agent_parallel_seconds(*population, threads));
    agent_efficiency.push_back(agent_one.back() / (agent_all.back() * threads));
  }

  Row row;
  row.name = "scaling";
  row.measures.push_back(
      {"replicates_per_s_1", "korea replicates/s, 1 thread", "1/s", stats_of(one), ""});
  row.measures.push_back(
      {"replicates_per_s_all", "korea replicates/s, all threads", "1/s", stats_of(all), ""});
  row.measures.push_back({"replicate_efficiency", "replicate-parallel efficiency", "1",
                          stats_of(replicate_efficiency), ">= 0.9"});
  row.measures.push_back(
      {"agent_seconds_1", "population replicate, 1 thread", "s", stats_of(agent_one), ""});
  row.measures.push_back(
      {"agent_seconds_all", "population replicate, all threads", "s", stats_of(agent_all), ""});
  row.measures.push_back(
      {"agent_efficiency", "agent-parallel efficiency", "1", stats_of(agent_efficiency), ">= 0.8"});
  row.facts = {{"threads", threads},
               {"serial_replicates", static_cast<double>(serial_replicates)},
               {"parallel_replicates", static_cast<double>(parallel_replicates)}};
  char note[120];
  std::snprintf(note, sizeof note,
                "1 vs %d threads; agent-parallel on the population row's "
                "replicate",
                threads);
  row.note = note;
  return row;
}

}  // namespace tumen::bench
