// tumen run: validate the scenario, check the output path, run the replicates (all of them, or
// the slice --replicate-range names), write HDF5; or, with --resume, continue the run an
// interruption left in OUT.h5.partial.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "ensemble_runner.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "output_path.hpp"
#include "progress.hpp"
#include "provenance_fields.hpp"
#include "run_summary.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/ensemble.hpp"
#include "tumen/limits.hpp"
#include "tumen/memory_budget.hpp"
#include "tumen/memory_estimate.hpp"
#include "tumen/model.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/output_selection.hpp"
#include "tumen/output/run_identity.hpp"
#include "tumen/scenario_loader.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// An OutputError's message starts with its file; say "FILE: error: ..." as the other errors do.
void print_file_error(const std::string& message, const fs::path& file) {
  const std::string prefix = file.string() + ": ";
  if (message.rfind(prefix, 0) == 0) {
    std::cerr << prefix << "error: " << message.substr(prefix.size()) << '\n';
  } else {
    std::cerr << "tumen: error: " << message << '\n';
  }
}

// Whether `file` is a readable tumen file written by `run` with these options.
bool written_by(const fs::path& file, const RunDescription& run,
                const output::WriterOptions& options) {
  try {
    return output::identity_differences(output::H5Reader(file), run, options).empty();
  } catch (const output::OutputError&) {
    return false;
  }
}

// --resume with a complete output already there: nothing to do if it is this run's.
int report_complete_output(const fs::path& output, const RunDescription& run,
                           const output::WriterOptions& options) {
  try {
    const output::H5Reader file(output);
    const auto differences = output::identity_differences(file, run, options);
    if (!differences.empty()) {
      std::string list;
      for (const auto& difference : differences) list += (list.empty() ? "" : "; ") + difference;
      std::cerr << output.string()
                << ": error: cannot resume: the complete file there was written by a different "
                   "run ("
                << list << "); choose another -o, or replace it with --force (without --resume)\n";
      return kInvalidInput;
    }
    std::cerr << "tumen: " << output.string() << " is already complete ("
              << file.shape("/replicate_done").at(0) << " replicates); nothing to do\n";
    std::error_code ec;
    if (fs::exists(partial_of(output), ec)) {
      std::cerr << "tumen: the leftover " << partial_of(output).string()
                << " is not needed; remove it\n";
    }
    return kSuccess;
  } catch (const output::OutputError& e) {
    print_file_error(std::string(e.what()) + " (cannot resume into it)", output);
    return kInvalidInput;
  }
}

void report_resume(const output::H5Writer& writer, std::uint64_t replicates) {
  const output::ResumeReport& report = writer.resume_report();
  std::cerr << "tumen: resuming " << writer.partial_path().string() << ": " << report.done << " of "
            << replicates << " replicates already done and intact; running the other "
            << replicates - report.done << '\n';
  if (!report.rerun.empty()) {
    std::cerr << "tumen: " << report.rerun.size() << " replicate"
              << (report.rerun.size() == 1 ? " was" : "s were")
              << " marked done but failed the checksum, and run again:";
    for (std::size_t index = 0; index < report.rerun.size() && index < 20; ++index) {
      std::cerr << ' ' << report.rerun[index];
    }
    std::cerr << (report.rerun.size() > 20 ? " ...\n" : "\n");
  }
}

// Refuses, before any simulation work or output file, a run that would not fit in memory or
// whose output would exceed limits::kOutputBytes (docs/reliability.md).
bool check_resources(const Model& model, const RunArgs& args, std::uint64_t replicates, int threads,
                     const output::WriterOptions& writer_options) {
  const std::string& scenario = args.scenario;
  const MemoryEstimate memory = estimate_memory(model, replicates, threads);
  const std::uint64_t needed = memory.total_bytes() + writer_options.summary_memory_bytes;
  const std::uint64_t allowed =
      args.max_memory.empty() ? available_memory_bytes() : *parse_memory_size(args.max_memory);
  if (needed > allowed) {
    std::cerr << scenario << ": error: this run needs about " << format_bytes(needed)
              << " of memory, more than the " << format_bytes(allowed) << " "
              << (args.max_memory.empty() ? "this process may use" : "--max-memory allows") << ": "
              << memory.explain()
              << ". Use fewer threads (-t), fewer agents (population.size), a coarser --period, "
                 "or more memory\n";
    return false;
  }
  const double output_bytes =
      static_cast<double>(memory.counter_bytes_per_replicate) * static_cast<double>(replicates);
  if (output_bytes > static_cast<double>(limits::kOutputBytes)) {
    std::cerr << scenario << ": error: " << replicates << " replicates of "
              << format_bytes(memory.counter_bytes_per_replicate)
              << " of counters each would make an output of "
              << format_bytes(static_cast<std::uint64_t>(std::min(output_bytes, 0x1p63)))
              << " before compression, more than the " << format_bytes(limits::kOutputBytes)
              << " allowed; use fewer replicates, --outputs, a coarser --period, or "
                 "--replicate-range slices\n";
    return false;
  }
  return true;
}

// A write that failed during the run. A full disk or quota is the common cause on a cluster;
// say so plainly, and that what was written is kept for --resume (the data, flush, flag, flush
// order leaves every replicate marked done intact).
void report_write_failure(const std::string& message, const output::H5Writer& writer) {
  const bool full = message.find("No space left on device") != std::string::npos ||
                    message.find("Disk quota exceeded") != std::string::npos;
  const std::string first_line = message.substr(0, message.find('\n'));
  if (!full) {
    std::cerr << "tumen: error: " << first_line << '\n';
  } else {
    std::cerr << writer.partial_path().string() << ": error: the disk is full ("
              << (message.find("quota") != std::string::npos ? "quota exceeded"
                                                             : "no space left on device")
              << ")\n";
  }
  std::cerr << "tumen: the replicates written before the failure are kept in "
            << writer.partial_path().string() << "; free some space, then continue with --resume\n";
  if (full) std::cerr << "tumen: the HDF5 library said: " << first_line << '\n';
}

Period parse_period(const std::string& text, Period fallback) {
  if (text == "day") return Period::day;
  if (text == "month") return Period::month;
  if (text == "year") return Period::year;
  return fallback;
}

}  // namespace

int run_command(const RunArgs& args) {
  return run_command(args,
                     [](const Model& model, const RunDescription&, const EnsembleOptions& options,
                        RunSummary& sink) { return run_ensemble(model, options, sink); });
}

int run_command(const RunArgs& args, const EnsembleRunner& runner) {
  const Clock::time_point started = Clock::now();
  // Before anything is written: a stop requested during the set-up still leaves a valid file.
  install_interrupt_handlers();

  output::WriterOptions writer_options;
  writer_options.compression_level = args.compression;
  writer_options.outputs =
      args.outputs.empty() ? output::all_outputs() : output::parse_outputs(args.outputs);
  writer_options.summary_only = args.summary_only;
  if (args.summary_only && std::none_of(writer_options.outputs.begin(),
                                        writer_options.outputs.end(), output::is_summarised)) {
    std::cerr << "tumen: error: --summary-only keeps the summary of events, arrivals, stocks and "
                 "occupancy, but --outputs selects none of them\n";
    return kUsage;
  }

  // The form of a slice is checked before the scenario is read; its end, against the run's size.
  std::optional<ReplicateRange> slice;
  if (!args.replicate_range.empty()) {
    slice = parse_replicate_range(args.replicate_range);
    if (!slice) {
      std::cerr << "<command line>: error: --replicate-range expects A:B, whole numbers with "
                   "A < B (replicates A to B-1), not '"
                << args.replicate_range << "'\n";
      return kUsage;
    }
  }

  Diagnostics diagnostics;
  auto scenario = load_scenario(args.scenario, LoadOptions{args.set}, diagnostics);
  diagnostics.print(std::cerr);
  if (!scenario) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was run\n";
    return kInvalidInput;
  }
  const std::uint64_t replicate_total = args.replicates.value_or(scenario->run.replicates);
  const ReplicateRange range = slice.value_or(ReplicateRange{0, replicate_total});
  if (range.end > replicate_total) {
    std::cerr << "<command line>: error: --replicate-range " << to_string(range)
              << " goes beyond the run's " << replicate_total << " replicates (numbered 0 to "
              << replicate_total - 1 << ", "
              << (args.replicates ? "from -r" : "from the scenario's run.replicates; set -r")
              << ")\n";
    return kUsage;
  }
  const std::uint64_t replicates = range.end - range.begin;
  const std::uint64_t seed = args.seed.value_or(scenario->run.seed);
  const Period period = parse_period(args.period, scenario->run.period);
  const fs::path output =
      args.output.empty() ? fs::path(scenario->name + ".h5") : fs::path(args.output);
  if (!check_output_folder(output)) return kInvalidInput;
  if (!args.resume && !check_no_earlier_output(output, args.force, true)) return kInvalidInput;
  const int threads = args.threads > 0 ? args.threads : available_cpus();

  const Model model(std::move(*scenario), period);
  if (!check_resources(model, args, replicates, threads, writer_options)) {
    return kInvalidInput;
  }
  RunDescription run = describe(model, seed, replicate_total, range.begin, range.end);
  run.command_line = args.command_line;
  run.host = host_name();
  run.created_utc = utc_now();

  std::optional<output::H5Writer> writer;
  double opening_seconds = 0.0;
  try {
    std::error_code ec;
    const Clock::time_point opening = Clock::now();
    // A complete file of this very run needs nothing more. A .partial is resumed even when an
    // earlier, different complete file sits at the output path: a --force run that failed (a
    // full disk, say) left both, and the earlier file stays until the resumed run replaces it.
    const bool partial_exists = fs::exists(partial_of(output), ec);
    if (args.resume && fs::exists(output, ec) &&
        (!partial_exists || written_by(output, run, writer_options))) {
      return report_complete_output(output, run, writer_options);
    }
    if (args.resume && partial_exists) {
      writer.emplace(output::H5Writer::resume(output, run, writer_options));
      report_resume(*writer, replicates);
    } else {
      if (args.resume) {
        std::cerr << "tumen: there is no " << partial_of(output).string()
                  << " to resume; starting afresh\n";
      }
      writer.emplace(output, run, writer_options);
    }
    opening_seconds = seconds_since(opening);
  } catch (const output::ResumeError& e) {
    print_file_error(e.what(), partial_of(output));
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }

  try {
    RunSummary summary(*writer);
    summary.add_writing_seconds(opening_seconds);
    ProgressBar progress(replicates, !args.quiet);
    std::uint64_t done = writer->replicates_written();
    progress.update(done);
    EnsembleOptions options;
    options.seed = seed;
    options.replicate_begin = range.begin;
    options.replicate_end = range.end;
    options.threads = threads;
    options.skip = [&](std::uint64_t replicate) { return writer->has_replicate(replicate); };
    options.on_replicate_done = [&](std::uint64_t) { progress.update(++done); };
    options.stop = &stop_requested();
    const auto report = runner(model, run, options, summary);
    progress.finish();
    if (report.interrupted) {
      std::cerr << "tumen: interrupted after " << done << " of " << replicates
                << " replicates; the finished ones are in " << writer->partial_path().string()
                << " (continue with --resume)\n";
      return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
    }
    summary.finish();
    if (!args.quiet) {
      summary.print(std::cout);
      const double wall = seconds_since(started);
      char footer[200];
      std::snprintf(footer, sizeof footer,
                    "wrote %s (%d thread%s); writing: %.1f%% of wall time (%.2f s of %.2f s)\n",
                    output.string().c_str(), threads, threads == 1 ? "" : "s",
                    wall > 0 ? 100.0 * summary.writing_seconds() / wall : 0.0,
                    summary.writing_seconds(), wall);
      std::cout << footer;
    }
  } catch (const output::OutputError& e) {
    report_write_failure(e.what(), *writer);
    return kFailure;
  }
  return kSuccess;
}

}  // namespace tumen::cli
