#pragma once
// What the bench rows share: timing statistics, facts about the machine, and where the shipped
// scenarios are.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tumen/model.hpp"
#include "tumen/result_sink.hpp"

namespace tumen {
class Simulation;
}

namespace tumen::bench {

using Clock = std::chrono::steady_clock;

[[nodiscard]] inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The median of several runs, with the smallest and largest.
struct Stats {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
};
[[nodiscard]] Stats stats_of(std::vector<double> values);

// One measured quantity of a row: a key for JSON, a label for the table, and its statistics.
struct Measure {
  std::string key;    // JSON key within the row, e.g. "agent_steps_per_s"
  std::string label;  // for the table
  std::string unit;
  Stats value;
  std::string target;  // the target, for the table; empty if none
};

// A row: its measures, and plain facts (sizes, counts) that are not timed.
struct Row {
  std::string name;
  std::vector<Measure> measures;
  std::vector<std::pair<std::string, double>> facts;  // JSON key, value
  std::string note;                                   // one line for the table
};

struct Config {
  bool quick = false;
  int threads = 1;  // every CPU this process may use
  std::filesystem::path scenarios;
  std::uint64_t kernel_agents = 0;  // 0: sized from the last-level cache
  int runs = 0;                     // 0: each row's default
};

// The runs a row makes: its default unless the command line gave a number.
[[nodiscard]] inline int runs_of(const Config& config, int quick, int full) {
  return config.runs > 0 ? config.runs : config.quick ? quick : full;
}

// Whether a long row (kernel, output) makes another of its `runs`: always the first; later ones
// only while the next is expected to end within `budget_seconds` of the row's start, so that
// `tumen bench` stays within minutes where one run is long (a large last-level cache, few
// threads). The rows report how many runs they made.
[[nodiscard]] inline bool another_run(int made, int runs, Clock::time_point row_start,
                                      double budget_seconds) {
  if (made >= runs) return false;
  if (made == 0) return true;
  const double elapsed = seconds_since(row_start);
  return elapsed + elapsed / made <= budget_seconds;
}
inline constexpr double kLongRowBudgetSeconds = 150.0;

// The CPU model name from /proc/cpuinfo.
[[nodiscard]] std::string cpu_model();

// The last-level cache in bytes, from sysfs (/sys/devices/system/cpu/cpu0/cache/index*/), else
// sysconf, else /proc/cpuinfo; `source` says which answered.
[[nodiscard]] std::uint64_t last_level_cache_bytes(std::string& source);

// Peak resident memory of this process so far (VmHWM), in bytes.
[[nodiscard]] std::uint64_t peak_rss_bytes();

// The scenarios/ folder: `given` if not empty, else next to the working directory, the sources or
// the binary. Throws if none holds scenarios/korea/baseline.toml.
[[nodiscard]] std::filesystem::path find_scenarios(const std::string& given);

// Loads a scenario and builds its Model; throws with the loader's messages on failure.
[[nodiscard]] std::unique_ptr<Model> load_model(const std::filesystem::path& scenario,
                                                Period period,
                                                const std::vector<std::string>& set = {});

// A temporary folder removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A sink that keeps nothing: for timing the engine alone.
class NullSink final : public ResultSink {
 public:
  void write(const ReplicateResult&) override {}
  void finish() override {}
};

// Agent-days simulated by a finished replicate: every agent from the day it was created (day 0
// for whole-population agents) to the end of the run.
[[nodiscard]] double agent_days(const Model& model, const Simulation& simulation);

// The rows.
[[nodiscard]] Row kernel_row(const Config& config);
[[nodiscard]] Row korea_row(const Config& config);
[[nodiscard]] Row population_row(const Config& config);
[[nodiscard]] Row scaling_row(const Config& config);
[[nodiscard]] Row output_row(const Config& config);

}  // namespace tumen::bench
