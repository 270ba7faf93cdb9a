// The korea row: one replicate of the Korea baseline with monthly output on one thread, the unit
// of work of every calibration and sweep. The Model (timeline, network and route plans) is built
// once per run and shared by every replicate, so it is timed apart.
#include "common.hpp"
#include "tumen/simulation.hpp"

namespace tumen::bench {

Row korea_row(const Config& config) {
  const int runs = runs_of(config, 3, 9);
  const auto model_start = Clock::now();
  const auto model = load_model(config.scenarios / "korea" / "baseline.toml", Period::month);
  const double model_seconds = seconds_since(model_start);

  std::vector<double> seconds, agents, days_per_s;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    Simulation simulation(*model, model->scenario().run.seed, static_cast<std::uint64_t>(run));
    simulation.run();
    const ReplicateResult result = simulation.take_result();
    const double elapsed = seconds_since(start);
    seconds.push_back(elapsed);
    agents.push_back(static_cast<double>(simulation.agents().size()));
    days_per_s.push_back(agent_days(*model, simulation) / elapsed);
  }
  Row row;
  row.name = "korea";
  row.measures.push_back(
      {"seconds_per_replicate", "seconds per replicate", "s", stats_of(seconds), "<= 0.1"});
  row.measures.push_back({"agents", "agents created", "1", stats_of(agents), ""});
  row.measures.push_back(
      {"agent_days_per_s", "simulated agent-days/s", "1/s", stats_of(days_per_s), ""});
  row.facts = {{"model_seconds", model_seconds},
               {"days", model->day_count()},
               {"replicates", runs},
               {"route_plans", static_cast<double>(model->network().plan_count())}};
  row.note = "scenarios/korea/baseline.toml, monthly, 1 thread; model built once in " +
             std::to_string(model_seconds).substr(0, 5) + " s";
  return row;
}

}  // namespace tumen::bench
