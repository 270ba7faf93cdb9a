#pragma once
// How many CPUs this process may use: the smallest of its affinity mask, its cgroup CPU quota and
// SLURM_CPUS_PER_TASK. Never simply the machine's core count, which on a shared node or in a
// container overcommits.
namespace tumen {

[[nodiscard]] int available_cpus();

}  // namespace tumen
