// `tumen sweep` in the serial build: this process runs every point (mpi_sweep.cpp is the MPI
// build's start_sweep).
#include "commands.hpp"

namespace tumen::cli {

int start_sweep(const SweepArgs& args) {
  return sweep_command(args);
}

}  // namespace tumen::cli
