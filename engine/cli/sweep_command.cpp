// tumen sweep: run a base scenario over the points of SWEEP.toml (all of them, or the slice
// --point-range names), one /point/NNNN group per point in one file (docs/sweeps.md).
//
// The work is a list of (point, replicate) tasks: each point's replicates go through the same
// Ensemble and ResultSink (H5Writer, writing into the point's group) as a plain run, with the
// RNG point field k + 1, so a point's results depend only on (seed, its resolved scenario, k).
// Points run one after another; within a point, replicates run in parallel (on this process's
// threads, or in the MPI build across the ranks of mpirun: mpi_sweep.cpp).
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "output_path.hpp"
#include "progress.hpp"
#include "provenance_fields.hpp"
#include "sweep_runner.hpp"
#include "tumen/build_info.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/model.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/sweep_file.hpp"
#include "tumen/rng.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/sweep/sweep_spec.hpp"
#include "tumen/utc_time.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

// "A:B" of --point-range: A < B, decimal; the same form as --replicate-range.
std::optional<ReplicateRange> parse_point_range(const std::string& text) {
  return parse_replicate_range(text);
}

output::SweepDescription describe_sweep(const sweep::SweepSpec& spec, ReplicateRange points,
                                        const std::string& command_line) {
  output::SweepDescription sweep;
  sweep.tumen_version = tumen_version();
  sweep.rng_scheme = rng::kRngScheme;
  sweep.sweep_hash = spec.hash;
  sweep.scenario_name = spec.scenario_name;
  sweep.scenario_hash = spec.scenario_hash;
  sweep.design = sweep::to_string(spec.design);
  sweep.seed = spec.seed;
  sweep.replicates = spec.replicates;
  sweep.point_begin = points.begin;
  sweep.point_end = points.end;
  sweep.sweep_path = spec.path;
  sweep.sweep_text = spec.text;
  sweep.parameters = spec.parameters;
  sweep.points = spec.points;
  sweep.command_line = command_line;
  sweep.host = host_name();
  sweep.git_commit = tumen_git_commit();
  sweep.compiler = "g++ " __VERSION__;
  sweep.created_utc = utc_now();
  return sweep;
}

// Opens the working file: a fresh one, or with --resume the one an interrupted sweep of the same
// inputs left. Returns an exit code on failure.
std::optional<int> open_working_file(const fs::path& output, const fs::path& partial,
                                     const output::SweepDescription& sweep, bool resume) {
  std::error_code ec;
  if (resume && fs::exists(partial, ec)) {
    const output::SweepDescription found = output::read_sweep_description(partial);
    const auto differences = output::sweep_differences(found, sweep);
    if (!differences.empty()) {
      std::string list;
      for (const auto& difference : differences) list += (list.empty() ? "" : "; ") + difference;
      std::cerr << partial.string()
                << ": error: cannot resume: it was written by a different sweep (" << list
                << "); rerun with that sweep's inputs, or start afresh with --force\n";
      return kInvalidInput;
    }
    return std::nullopt;
  }
  if (resume && fs::exists(output, ec)) {
    try {
      const output::SweepDescription found = output::read_sweep_description(output);
      if (output::sweep_differences(found, sweep).empty()) {
        std::cerr << "tumen: " << output.string() << " is already complete; nothing to do\n";
        return kSuccess;
      }
    } catch (const output::OutputError&) {
    }
    std::cerr << output.string()
              << ": error: cannot resume: the complete file there was written by a different "
                 "sweep; choose another -o, or replace it with --force\n";
    return kInvalidInput;
  }
  if (resume) {
    std::cerr << "tumen: there is no " << partial.string() << " to resume; starting afresh\n";
  }
  output::create_sweep_file(partial, sweep);
  return std::nullopt;
}

}  // namespace

int sweep_command(const SweepArgs& args) {
  return sweep_command(
      args, [](const Model& model, const RunDescription&, const EnsembleOptions& options,
               output::H5Writer& writer) { return run_ensemble(model, options, writer); });
}

int sweep_command(const SweepArgs& args, const SweepPointRunner& runner) {
  install_interrupt_handlers();

  std::optional<ReplicateRange> slice;
  if (!args.point_range.empty()) {
    slice = parse_point_range(args.point_range);
    if (!slice) {
      std::cerr << "<command line>: error: --point-range expects A:B, whole numbers with A < B "
                   "(points A to B-1), not '"
                << args.point_range << "'\n";
      return kUsage;
    }
  }

  Diagnostics diagnostics;
  auto spec = sweep::load_sweep(args.sweep, diagnostics);
  diagnostics.print(std::cerr);
  if (!spec) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was run\n";
    return kInvalidInput;
  }
  if (args.list_points) {
    // The exact values each point runs with, as its --set arguments give them.
    std::cout << "point";
    for (const std::string& name : spec->parameters) std::cout << '\t' << name;
    std::cout << '\n';
    for (std::uint64_t k = 0; k < spec->points.size(); ++k) {
      std::cout << k;
      for (const std::string& set : spec->overrides(k)) {
        std::cout << '\t' << set.substr(set.find('=') + 1);
      }
      std::cout << '\n';
    }
    return kSuccess;
  }
  if (args.replicates) spec->replicates = *args.replicates;
  const std::uint64_t point_total = spec->points.size();
  const ReplicateRange points = slice.value_or(ReplicateRange{0, point_total});
  if (points.end > point_total) {
    std::cerr << "<command line>: error: --point-range " << to_string(points)
              << " goes beyond the sweep's " << point_total << " points (numbered 0 to "
              << point_total - 1 << ")\n";
    return kUsage;
  }

  const fs::path output = args.output.empty()
                              ? fs::path(fs::path(spec->path).stem().string() + ".h5")
                              : fs::path(args.output);
  if (!check_output_folder(output)) return kInvalidInput;
  if (!args.resume && !check_no_earlier_output(output, args.force, true)) return kInvalidInput;
  const fs::path partial = partial_of(output);
  const int threads = args.threads > 0 ? args.threads : available_cpus();
  const output::SweepDescription sweep = describe_sweep(*spec, points, args.command_line);

  std::vector<std::uint8_t> done;
  try {
    if (const auto code = open_working_file(output, partial, sweep, args.resume)) return *code;
    done = output::read_points_done(partial);
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kInvalidInput;
  }

  std::uint64_t points_done = 0;
  for (std::uint64_t k = points.begin; k < points.end; ++k) points_done += done.at(k) == 1;
  if (args.resume && points_done > 0) {
    std::cerr << "tumen: resuming " << partial.string() << ": " << points_done << " of "
              << points.end - points.begin << " points already done\n";
  }
  const std::uint64_t replicates_total = (points.end - points.begin) * spec->replicates;
  ProgressBar progress(replicates_total, !args.quiet);
  std::uint64_t replicates_done = points_done * spec->replicates;
  progress.update(replicates_done);

  try {
    for (std::uint64_t k = points.begin; k < points.end; ++k) {
      if (done[k] == 1) continue;
      if (stop_requested().load()) {
        progress.finish();
        std::cerr << "tumen: interrupted before point " << k << "; the finished points are in "
                  << partial.string() << " (continue with --resume)\n";
        return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
      }
      const std::string group = sweep::point_group(k);
      Diagnostics point_diagnostics;
      auto scenario =
          load_scenario(spec->scenario_path, LoadOptions{spec->overrides(k)}, point_diagnostics);
      if (!scenario) {
        // The loader checked each parameter's extremes; a combination can still be refused.
        point_diagnostics.print(std::cerr);
        std::cerr << spec->path << ": error: point " << k << " is not a valid scenario\n";
        return kInvalidInput;
      }
      const Period period = scenario->run.period;
      const Model model(std::move(*scenario), period);
      RunDescription run = describe(model, spec->seed, spec->replicates, 0, spec->replicates);
      run.sweep_point = k;
      run.command_line = args.command_line;
      run.host = sweep.host;
      run.created_utc = utc_now();
      output::WriterOptions options;
      options.compression_level = args.compression;
      options.group = group;

      std::optional<output::H5Writer> writer;
      if (output::has_group(partial, group)) {
        try {
          writer.emplace(output::H5Writer::resume(partial, run, options));
        } catch (const output::ResumeError& damaged) {
          // A kill while the group was being laid out: nothing in it can be trusted.
          std::cerr << "tumen: point " << k << " is started afresh (" << damaged.what() << ")\n";
          output::delete_group(partial, group);
        }
      }
      if (!writer) writer.emplace(partial, run, options);
      replicates_done += writer->replicates_written();
      progress.update(replicates_done);

      EnsembleOptions ensemble;
      ensemble.seed = spec->seed;
      ensemble.stream_point = k + 1;
      ensemble.replicate_begin = 0;
      ensemble.replicate_end = spec->replicates;
      ensemble.threads = threads;
      ensemble.skip = [&](std::uint64_t replicate) { return writer->has_replicate(replicate); };
      ensemble.on_replicate_done = [&](std::uint64_t) { progress.update(++replicates_done); };
      ensemble.stop = &stop_requested();
      const auto report = runner(model, run, ensemble, *writer);
      if (report.interrupted) {
        progress.finish();
        std::cerr << "tumen: interrupted in point " << k << "; the finished replicates are in "
                  << partial.string() << " (continue with --resume)\n";
        return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
      }
      writer->finish();
      writer.reset();
      output::mark_point_done(partial, k);
    }
    progress.finish();
    output::finish_sweep_file(partial, output);
  } catch (const output::OutputError& e) {
    progress.finish();
    std::cerr << "tumen: error: " << e.what() << '\n'
              << "tumen: the points finished before the failure are kept in " << partial.string()
              << "; continue with --resume\n";
    return kFailure;
  }
  if (!args.quiet) {
    std::cout << "wrote " << output.string() << ": points " << to_string(points) << " of "
              << point_total << " (" << spec->replicates << " replicate"
              << (spec->replicates == 1 ? "" : "s") << " each, seed " << spec->seed << ")\n";
  }
  return kSuccess;
}

}  // namespace tumen::cli
