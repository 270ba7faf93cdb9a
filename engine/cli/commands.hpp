#pragma once
// The subcommands of `tumen`. Each takes its parsed options and returns the process exit code.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tumen::cli {

struct RunArgs {
  std::string scenario;
  std::string output;  // empty: <scenario name>.h5
  std::optional<std::uint64_t> replicates;
  std::string replicate_range;  // "A:B" (--replicate-range); empty: every replicate
  std::optional<std::uint64_t> seed;
  int threads = 0;  // 0: every CPU this process may use
  std::vector<std::string> set;
  std::string period;  // empty: the scenario's
  int compression = 4;
  std::string outputs;  // empty: every dataset; else a comma-separated list (--outputs)
  bool summary_only = false;
  std::string max_memory;  // empty: what this process may use (available_memory_bytes)
  bool resume = false;
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

struct CalibrateArgs {
  std::string calibration;  // CALIB.toml
  std::string output;       // empty: <CALIB file stem>.h5
  int threads = 0;          // 0: every CPU this process may use
  bool resume = false;
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

struct PredictArgs {
  std::string calibration;            // CALIB.h5, a finished calibration file
  std::string output;                 // -o, required
  std::uint64_t replicates = 1000;    // posterior draws, one replicate each
  int threads = 0;                    // 0: every CPU this process may use
  std::optional<std::uint64_t> seed;  // default: the calibration's seed
  std::string calibration_toml;       // --calibration; empty: from the file's command line
  std::string variant_scenario;       // --scenario: a policy variant to run; empty: the base
  bool resume = false;
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

int run_command(const RunArgs& args);
// `tumen run` as the command line starts it: run_command, or, in the MPI build, the run across the
// ranks of `mpirun` (mpi_run.cpp).
int start_run(const RunArgs& args);
int predict_command(const PredictArgs& args);
int calibrate_command(const CalibrateArgs& args);
// `tumen calibrate` as the command line starts it: calibrate_command, or, in the MPI build, the
// calibration with its particles evaluated across the ranks of `mpirun` (mpi_calibrate.cpp).
int start_calibrate(const CalibrateArgs& args);
int validate_command(const std::string& scenario, const std::vector<std::string>& set);
int inspect_command(const std::string& path, bool json);

struct MergeArgs {
  std::vector<std::string> parts;
  std::string output;
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

int merge_command(const MergeArgs& args);

struct SweepArgs {
  std::string sweep;                        // SWEEP.toml
  std::string output;                       // empty: <SWEEP file stem>.h5
  std::optional<std::uint64_t> replicates;  // per point; default: the sweep file's
  std::string point_range;                  // "A:B" (--point-range); empty: every point
  int threads = 0;                          // 0: every CPU this process may use
  int compression = 4;
  bool resume = false;
  bool force = false;
  bool quiet = false;
  bool list_points = false;  // print the points and run nothing
  std::string command_line;
};

int sweep_command(const SweepArgs& args);
// `tumen sweep` as the command line starts it: sweep_command, or, in the MPI build, the sweep
// across the ranks of `mpirun` (mpi_sweep.cpp).
int start_sweep(const SweepArgs& args);

}  // namespace tumen::cli
