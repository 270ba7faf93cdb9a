// `tumen run` in the serial build: this process runs every replicate (mpi_run.cpp is the MPI
// build's start_run).
#include "commands.hpp"

namespace tumen::cli {

int start_run(const RunArgs& args) {
  return run_command(args);
}

}  // namespace tumen::cli
