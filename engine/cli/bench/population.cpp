// The population row: scenarios/stress/population.toml, everyone in North Korea at risk of
// leaving (2.5e7 agents over 31 years), on one thread. Each run is a child process, so that its
// peak memory is its own and not what earlier rows left in this one.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <stdexcept>

#include "common.hpp"
#include "tumen/simulation.hpp"

namespace tumen::bench {

namespace {

struct ChildResult {
  double seconds = 0.0;
  double creation_seconds = 0.0;
  double agents = 0.0;
  double peak_rss = 0.0;
};

// Loads, builds and runs the scenario in a child process; reports the child's timing and peak
// resident memory. The child makes no oneTBB call (the replicate runs serially), so forking a
// process that may hold oneTBB threads is safe.
ChildResult run_in_child(const std::filesystem::path& scenario,
                         const std::vector<std::string>& set) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("cannot create a pipe");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot fork");
  if (pid == 0) {
    close(pipe_fds[0]);
    std::array<double, 3> out{-1.0, -1.0, 0.0};
    try {
      const auto start = Clock::now();
      const auto model = load_model(scenario, Period::month, set);
      const auto creating = Clock::now();
      Simulation simulation(*model, model->scenario().run.seed, 0);
      out[1] = seconds_since(creating);
      simulation.run();
      (void)simulation.take_result();
      out[0] = seconds_since(start);
      out[2] = static_cast<double>(simulation.agents().size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "tumen bench: population: %s\n", e.what());
    }
    const ssize_t written = write(pipe_fds[1], out.data(), sizeof out);
    _exit(written == static_cast<ssize_t>(sizeof out) && out[0] >= 0 ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::array<double, 3> in{};
  const ssize_t got = read(pipe_fds[0], in.data(), sizeof in);
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      got != static_cast<ssize_t>(sizeof in)) {
    throw std::runtime_error("the population run failed");
  }
  return {in[0], in[1], in[2], static_cast<double>(usage.ru_maxrss) * 1024.0};
}

}  // namespace

Row population_row(const Config& config) {
  const int runs = runs_of(config, 2, 3);
  const auto scenario = config.scenarios / "stress" / "population.toml";
  // --quick: the same scenario with a million people.
  const std::vector<std::string> set = config.quick
                                           ? std::vector<std::string>{"population.size=1000000"}
                                           : std::vector<std::string>{};
  std::vector<double> seconds, creation, rss, per_agent;
  double agents = 0.0;
  for (int run = 0; run < runs; ++run) {
    const ChildResult r = run_in_child(scenario, set);
    seconds.push_back(r.seconds);
    creation.push_back(r.creation_seconds);
    rss.push_back(r.peak_rss);
    per_agent.push_back(r.peak_rss / r.agents);
    agents = r.agents;
  }
  Row row;
  row.name = "population";
  row.measures.push_back({"seconds", "seconds, load to last day", "s", stats_of(seconds), "<= 60"});
  row.measures.push_back(
      {"creation_seconds", "of which creating the people", "s", stats_of(creation), ""});
  row.measures.push_back({"peak_rss_bytes", "peak memory", "B", stats_of(rss), "<= 2 GiB"});
  row.measures.push_back(
      {"bytes_per_agent", "peak memory per agent", "B", stats_of(per_agent), "<= 64"});
  row.facts = {{"agents", agents}};
  row.note = config.quick ? "scenarios/stress/population.toml with population.size=1e6, 1 thread"
                          : "scenarios/stress/population.toml, 1 thread";
  return row;
}

}  // namespace tumen::bench
