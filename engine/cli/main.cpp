// tumen: the command line. Parses arguments with CLI11 and dispatches to the subcommands;
// every failure ends in a message on stderr and an exit code of the contract, never a trace.
// GCC 12 reports a false -Wnull-dereference inside libstdc++ when it inlines CLI11's string
// splitting into this file; the pragma covers the system headers included here, nothing of ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <exception>
#include <iostream>
#include <stdexcept>

#include "bench.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "tumen/build_info.hpp"
#include "tumen/memory_budget.hpp"
#include "tumen/model.hpp"
#include "tumen/output/output_selection.hpp"
#include "tumen/rng.hpp"

namespace {

std::string join_arguments(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i) line += ' ';
    line += argv[i];
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tumen::cli;
  CLI::App app{"tumen: an agent-based simulation of people leaving North Korea"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run replicates of a scenario and write them to HDF5");
  run_cmd->add_option("scenario", run.scenario, "Scenario TOML file")->required();
  run_cmd->add_option("-o,--output", run.output, "Output file (default: SCENARIO_NAME.h5)");
  run_cmd
      ->add_option("-r,--replicates", run.replicates,
                   "Number of replicates (default: the scenario's)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
  run_cmd->add_option(
      "--replicate-range", run.replicate_range,
      "Run only replicates A to B-1 of the run, e.g. 0:25 (a slice for tumen merge)");
  run_cmd
      ->add_option("-t,--threads", run.threads, "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 4096));
  run_cmd->add_option("--seed", run.seed, "Seed (default: the scenario's)");
  run_cmd->add_option("--set", run.set, "Override a parameter: --set departure.rate_per_day=2.5")
      ->take_all()
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--period", run.period,
                   "Output period: day, month or year (default: the scenario's)")
      ->check(CLI::IsMember({"day", "month", "year"}));
  run_cmd
      ->add_option("--compression", run.compression, "gzip level of the datasets, 0-9 (default 4)")
      ->check(CLI::Range(0, 9));
  run_cmd
      ->add_option("--outputs", run.outputs,
                   "Per-replicate datasets to write, comma-separated (default: all): events, "
                   "location_events, arrivals, arrivals_by_years_abroad, stocks, occupancy, "
                   "route_flow")
      ->check(CLI::Validator(
          [](std::string& list) {
            try {
              (void)tumen::output::parse_outputs(list);
            } catch (const std::invalid_argument& bad) {
              return std::string(bad.what());
            }
            return std::string();
          },
          "LIST"));
  run_cmd->add_flag("--summary-only", run.summary_only,
                    "Write /summary and replicate_done, but no per-replicate datasets");
  run_cmd
      ->add_option("--max-memory", run.max_memory,
                   "Refuse a run estimated to need more memory, e.g. 8G or 512MiB (default: what "
                   "this machine, cgroup or Slurm allocation gives the process)")
      ->check(CLI::Validator(
          [](std::string& size) {
            return tumen::parse_memory_size(size)
                       ? std::string()
                       : "expected a size such as 8G or 512MiB, found '" + size + "'";
          },
          "SIZE"));
  auto* force = run_cmd->add_flag("--force", run.force,
                                  "Overwrite an existing output file or leftover .partial");
  run_cmd
      ->add_flag("--resume", run.resume,
                 "Continue the interrupted run left in OUT.h5.partial (same inputs)")
      ->excludes(force);
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress bar and no summary table");

  CalibrateArgs calibrate;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate", "Fit scenario parameters to observed arrivals by ABC-SMC (docs/calibration.md)");
  calibrate_cmd->add_option("calibration", calibrate.calibration, "Calibration TOML file")
      ->required();
  calibrate_cmd->add_option("-o,--output", calibrate.output,
                            "Output file (default: the calibration file's name with .h5)");
  calibrate_cmd
      ->add_option("-t,--threads", calibrate.threads,
                   "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 4096));
  auto* calibrate_force = calibrate_cmd->add_flag(
      "--force", calibrate.force, "Overwrite an existing output file or leftover .partial");
  calibrate_cmd
      ->add_flag("--resume", calibrate.resume,
                 "Continue the interrupted calibration left in OUT.h5.partial (same inputs)")
      ->excludes(calibrate_force);
  calibrate_cmd->add_flag("-q,--quiet", calibrate.quiet, "No progress lines and no summary");

  PredictArgs predict;
  auto* predict_cmd = app.add_subcommand(
      "predict", "Run the posterior predictive of a finished calibration (docs/calibration.md)");
  predict_cmd
      ->add_option("calibration_file", predict.calibration, "Calibration HDF5 file (CALIB.h5)")
      ->required();
  predict_cmd->add_option("-o,--output", predict.output, "Output file")->required();
  predict_cmd
      ->add_option("-r,--replicates", predict.replicates,
                   "Posterior draws, one replicate each (default 1000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
  predict_cmd
      ->add_option("-t,--threads", predict.threads,
                   "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 4096));
  predict_cmd->add_option("--seed", predict.seed, "Seed (default: the calibration's)");
  predict_cmd->add_option("--calibration", predict.calibration_toml,
                          "The CALIB.toml (default: the one on the calibration's command line)");
  predict_cmd->add_option("--scenario", predict.variant_scenario,
                          "Run this policy variant of the calibrated base scenario with the same "
                          "draws (docs/calibration.md)");
  auto* predict_force = predict_cmd->add_flag(
      "--force", predict.force, "Overwrite an existing output file or leftover .partial");
  predict_cmd
      ->add_flag("--resume", predict.resume,
                 "Continue the interrupted run left in OUT.h5.partial (same inputs)")
      ->excludes(predict_force);
  predict_cmd->add_flag("-q,--quiet", predict.quiet, "No progress bar and no summary");

  std::string validate_path;
  std::vector<std::string> validate_set;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario and summarise it");
  validate_cmd->add_option("scenario", validate_path, "Scenario TOML file")->required();
  validate_cmd->add_option("--set", validate_set, "Override a parameter, as for run");

  std::string inspect_path;
  bool inspect_json = false;
  auto* inspect_cmd = app.add_subcommand("inspect", "Describe a tumen output file");
  inspect_cmd->add_option("file", inspect_path, "tumen HDF5 output file")->required();
  inspect_cmd->add_flag("--json", inspect_json, "Print the same as one JSON object");

  MergeArgs merge;
  auto* merge_cmd = app.add_subcommand(
      "merge",
      "Join the files of --replicate-range (or sweep --point-range) slices into the file of the "
      "whole run (or sweep)");
  merge_cmd->add_option("parts", merge.parts, "Part files, in any order")->required();
  merge_cmd->add_option("-o,--output", merge.output, "The merged file")->required();
  merge_cmd->add_flag("--force", merge.force, "Overwrite an existing output file or .partial");
  merge_cmd->add_flag("-q,--quiet", merge.quiet, "No progress bar and no closing line");

  SweepArgs sweep;
  auto* sweep_cmd =
      app.add_subcommand("sweep",
                         "Run a scenario over a grid, list or Latin hypercube of parameter points "
                         "(docs/sweeps.md)");
  sweep_cmd->add_option("sweep", sweep.sweep, "Sweep TOML file")->required();
  sweep_cmd->add_option("-o,--output", sweep.output,
                        "Output file (default: the sweep file's name with .h5)");
  sweep_cmd
      ->add_option("-r,--replicates", sweep.replicates,
                   "Replicates per point (default: the sweep file's)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
  sweep_cmd->add_option("--point-range", sweep.point_range,
                        "Run only points A to B-1, e.g. 0:10 (a slice for tumen merge)");
  sweep_cmd
      ->add_option("-t,--threads", sweep.threads,
                   "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 4096));
  sweep_cmd
      ->add_option("--compression", sweep.compression,
                   "gzip level of the datasets, 0-9 (default 4)")
      ->check(CLI::Range(0, 9));
  auto* sweep_force = sweep_cmd->add_flag("--force", sweep.force,
                                          "Overwrite an existing output file or leftover .partial");
  sweep_cmd
      ->add_flag("--resume", sweep.resume,
                 "Continue the interrupted sweep left in OUT.h5.partial (same inputs)")
      ->excludes(sweep_force);
  sweep_cmd->add_flag("-q,--quiet", sweep.quiet, "No progress bar and no closing line");
  sweep_cmd->add_flag("--list-points", sweep.list_points,
                      "Print the points (tab-separated, with a header) and run nothing");

  BenchArgs bench;
  auto* bench_cmd = app.add_subcommand(
      "bench", "Measure this machine: the benchmark rows of docs/performance.md");
  bench_cmd->add_flag("--quick", bench.quick, "Small sizes: every row in seconds (for CI)");
  bench_cmd->add_flag("--json", bench.json, "Print one JSON object instead of the table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // CLI11 2.1 uses its own codes (100 and up) for parse errors; the contract says 2.
    return code == 0 ? kSuccess : kUsage;
  }

  try {
    if (version) {
      std::cout << "tumen " << tumen::tumen_version() << " (rng " << tumen::rng::kRngScheme
                << ", git " << tumen::tumen_git_commit() << ")\n";
      return kSuccess;
    }
    if (*run_cmd) {
      run.command_line = join_arguments(argc, argv);
      return start_run(run);
    }
    if (*calibrate_cmd) {
      calibrate.command_line = join_arguments(argc, argv);
      return start_calibrate(calibrate);
    }
    if (*predict_cmd) {
      predict.command_line = join_arguments(argc, argv);
      return predict_command(predict);
    }
    if (*validate_cmd) return validate_command(validate_path, validate_set);
    if (*inspect_cmd) return inspect_command(inspect_path, inspect_json);
    if (*merge_cmd) {
      merge.command_line = join_arguments(argc, argv);
      return merge_command(merge);
    }
    if (*sweep_cmd) {
      sweep.command_line = join_arguments(argc, argv);
      return start_sweep(sweep);
    }
    if (*bench_cmd) return bench_command(bench);
    std::cerr << app.help();
    return kUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "tumen: error: out of memory\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }
}
