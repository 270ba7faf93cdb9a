// `tumen calibrate` in the serial build: this process evaluates every particle
// (mpi_calibrate.cpp is the MPI build's start_calibrate).
#include "commands.hpp"

namespace tumen::cli {

int start_calibrate(const CalibrateArgs& args) {
  return calibrate_command(args);
}

}  // namespace tumen::cli
