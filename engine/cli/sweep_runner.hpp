#pragma once
// How `tumen sweep` runs one point's replicates once the point's group is open: on this process's
// threads (run_ensemble), or, in the MPI build, across the ranks of `mpirun` (mpi_sweep.cpp).
// Everything else (the checks, the sweep file, --resume, the order of the points, finishing) is
// sweep_command's, the same either way.
#include <functional>

#include "commands.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/model.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/run_description.hpp"

namespace tumen::cli {

using SweepPointRunner =
    std::function<EnsembleReport(const Model& model, const RunDescription& point,
                                 const EnsembleOptions& options, output::H5Writer& writer)>;

// sweep_command with another runner; sweep_command(args) uses run_ensemble.
int sweep_command(const SweepArgs& args, const SweepPointRunner& runner);

}  // namespace tumen::cli
