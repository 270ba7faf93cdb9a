#pragma once
// tumen bench: the benchmark suite that sizes jobs (docs/performance.md). Five rows, each the
// median of several runs with min and max: kernel, korea, population, scaling, output.
#include <cstdint>
#include <string>

namespace tumen::cli {

struct BenchArgs {
  bool quick = false;     // small sizes, for CI: proves that every row runs, in seconds
  bool json = false;      // one JSON object on stdout instead of the table
  std::string scenarios;  // the scenarios/ folder; empty: found next to the sources or the binary
  // For scripts/perf-count and development: run only these rows (comma-separated names; empty:
  // all), and give the kernel this many agents and runs (0: sized by the cache and --quick).
  std::string only;
  std::uint64_t kernel_agents = 0;
  int runs = 0;
};

int bench_command(const BenchArgs& args);

}  // namespace tumen::cli
