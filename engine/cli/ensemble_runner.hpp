#pragma once
// How `tumen run` runs its replicates once the output file is open: on this process's threads
// (run_ensemble), or, in the MPI build, across the ranks of `mpirun` (mpi_run.cpp). Everything
// before (checks, the scenario, opening or resuming the file) and after (finishing, the summary
// table, the exit code) is the same either way.
#include <functional>

#include "commands.hpp"
#include "run_summary.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/model.hpp"
#include "tumen/run_description.hpp"

namespace tumen::cli {

using EnsembleRunner =
    std::function<EnsembleReport(const Model& model, const RunDescription& run,
                                 const EnsembleOptions& options, RunSummary& sink)>;

// run_command with another runner; run_command(args) uses run_ensemble.
int run_command(const RunArgs& args, const EnsembleRunner& runner);

}  // namespace tumen::cli
