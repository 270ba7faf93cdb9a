#include "tumen/cpu_budget.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

namespace tumen {

namespace {

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

// cgroup v2 "cpu.max" holds "QUOTA PERIOD" or "max PERIOD"; v1 splits them into two files.
int cgroup_cpus() {
  std::ifstream v2("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period && quota != "max" && period > 0) {
    return std::max(1, static_cast<int>(std::ceil(std::stod(quota) / period)));
  }
  std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  std::ifstream p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double quota_us = 0;
  if (q >> quota_us && p >> period && quota_us > 0 && period > 0) {
    return std::max(1, static_cast<int>(std::ceil(quota_us / period)));
  }
  return 0;
}

int slurm_cpus() {
  const char* value = std::getenv("SLURM_CPUS_PER_TASK");
  if (!value) return 0;
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  return end != value && *end == '\0' && n > 0 && n < 1 << 20 ? static_cast<int>(n) : 0;
}

}  // namespace

int available_cpus() {
  int cpus = affinity_cpus();
  if (const int c = cgroup_cpus(); c > 0) cpus = std::min(cpus, c);
  if (const int s = slurm_cpus(); s > 0) cpus = std::min(cpus, s);
  return cpus;
}

}  // namespace tumen
