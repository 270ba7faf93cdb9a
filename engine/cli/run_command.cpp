// tumen run: validate the scenario, check the output path, run the replicates, write HDF5.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "progress.hpp"
#include "run_summary.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/model.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/scenario_loader.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string host_name() {
  char buffer[256] = {};
  return gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "unknown";
}

// Refuses, before any simulation work, an output that cannot or must not be written.
bool check_output(const fs::path& path, bool force) {
  std::error_code ec;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) {
    std::cerr << path.string() << ": error: the output folder '" << folder.string()
              << "' does not exist\n";
    return false;
  }
  if (access(folder.c_str(), W_OK) != 0) {
    std::cerr << path.string() << ": error: the output folder '" << folder.string()
              << "' is not writable\n";
    return false;
  }
  if (fs::is_directory(path, ec)) {
    std::cerr << path.string() << ": error: the output path is a directory\n";
    return false;
  }
  if (fs::exists(path, ec) && !force) {
    std::cerr << path.string() << ": error: the output file exists; use --force to overwrite it\n";
    return false;
  }
  fs::path partial = path;
  partial += ".partial";
  if (fs::exists(partial, ec) && !force) {
    std::cerr
        << partial.string()
        << ": error: a partial output of an earlier run exists; use --force to start afresh\n";
    return false;
  }
  return true;
}

Period parse_period(const std::string& text, Period fallback) {
  if (text == "day") return Period::day;
  if (text == "month") return Period::month;
  if (text == "year") return Period::year;
  return fallback;
}

}  // namespace

int run_command(const RunArgs& args) {
  Diagnostics diagnostics;
  auto scenario = load_scenario(args.scenario, LoadOptions{args.set}, diagnostics);
  diagnostics.print(std::cerr);
  if (!scenario) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was run\n";
    return kInvalidInput;
  }
  const std::uint64_t replicates = args.replicates.value_or(scenario->run.replicates);
  const std::uint64_t seed = args.seed.value_or(scenario->run.seed);
  const Period period = parse_period(args.period, scenario->run.period);
  const fs::path output =
      args.output.empty() ? fs::path(scenario->name + ".h5") : fs::path(args.output);
  if (!check_output(output, args.force)) return kInvalidInput;
  const int threads = args.threads > 0 ? args.threads : available_cpus();

  const Model model(std::move(*scenario), period);
  RunDescription run = describe(model, seed, replicates, 0, replicates);
  run.command_line = args.command_line;
  run.host = host_name();
  run.created_utc = utc_now();

  try {
    output::H5Writer writer(output, run, output::WriterOptions{args.compression});
    RunSummary summary(run, writer);
    install_interrupt_handlers();
    ProgressBar progress(replicates, !args.quiet);
    std::uint64_t done = 0;
    EnsembleOptions options;
    options.seed = seed;
    options.replicate_begin = 0;
    options.replicate_end = replicates;
    options.threads = threads;
    options.on_replicate_done = [&](std::uint64_t) { progress.update(++done); };
    options.stop = &stop_requested();
    const auto report = run_ensemble(model, options, summary);
    progress.finish();
    if (report.interrupted) {
      std::cerr << "tumen: interrupted after " << done << " of " << replicates
                << " replicates; the finished ones are in " << writer.partial_path().string()
                << '\n';
      return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
    }
    summary.finish();
    if (!args.quiet) {
      summary.print(std::cout);
      std::cout << "wrote " << output.string() << " (" << threads << " thread"
                << (threads == 1 ? "" : "s") << ")\n";
    }
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }
  return kSuccess;
}

}  // namespace tumen::cli
