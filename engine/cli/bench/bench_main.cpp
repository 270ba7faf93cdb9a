// tumen_bench: `tumen bench` as a program of its own, for development, CI (tests/bench) and
// scripts/perf-count. The options of `tumen bench`, and a few more for scripts.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "../bench.hpp"
#include "../exit_codes.hpp"

int main(int argc, char** argv) {
  tumen::cli::BenchArgs args;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      args.quick = true;
    } else if (std::strcmp(argv[i], "--json") == 0) {
      args.json = true;
    } else if (std::strcmp(argv[i], "--scenarios") == 0 && i + 1 < argc) {
      args.scenarios = argv[++i];
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      args.only = argv[++i];
    } else if (std::strcmp(argv[i], "--kernel-agents") == 0 && i + 1 < argc) {
      args.kernel_agents = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      args.runs = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: tumen_bench [--quick] [--json] [--scenarios DIR] [--only ROW,...] "
                   "[--kernel-agents N] [--runs N]\n";
      return tumen::cli::kUsage;
    }
  }
  return tumen::cli::bench_command(args);
}
