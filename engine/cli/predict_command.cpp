// tumen predict: the posterior predictive of a finished calibration (docs/calibration.md,
// "Posterior predictive"). Draws N parameter sets from the final generation by weight, runs the
// base scenario once with each at a yearly period, and writes a run file (format_version 1) whose
// replicate i used draw i, with /parameters and /predictive added; or, with --resume, continues
// the run an interruption left in OUT.h5.partial.
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "output_path.hpp"
#include "progress.hpp"
#include "provenance_fields.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/particle_evaluator.hpp"
#include "tumen/calibration/posterior_draws.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/date.hpp"
#include "tumen/model.hpp"
#include "tumen/output/calibration_reader.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/predictive_writer.hpp"
#include "tumen/output/run_identity.hpp"
#include "tumen/parameters.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

// "PATH: message" from the output library becomes "PATH: error: message".
void print_file_error(const std::string& message, const fs::path& file) {
  const std::string prefix = file.string() + ": ";
  if (message.rfind(prefix, 0) == 0) {
    std::cerr << prefix << "error: " << message.substr(prefix.size()) << '\n';
  } else {
    std::cerr << "tumen: error: " << message << '\n';
  }
}

// The CALIB.toml named on the `tumen calibrate` command line that the file records: the first
// argument after `calibrate` that is neither an option nor an option's value. Relative to the
// folder calibrate ran in, which is unknown: it is tried from the current folder, and the text
// it holds is checked against the file's before it is used.
std::string calibration_path_of(const std::string& command_line) {
  std::istringstream words(command_line);
  std::string word;
  bool after_command = false;
  bool skip_value = false;
  while (words >> word) {
    if (!after_command) {
      after_command = word == "calibrate";
      continue;
    }
    if (skip_value) {
      skip_value = false;
      continue;
    }
    if (word == "-o" || word == "--output" || word == "-t" || word == "--threads") {
      skip_value = true;
      continue;
    }
    if (word.starts_with("-")) continue;
    return word;
  }
  return "";
}

struct Posterior {
  output::CalibrationFile file;
  calibration::CalibrationSpec spec;
};

// Reads and checks the calibration file and finds its CALIB.toml and base scenario; prints the
// problem and returns nothing when they cannot be used.
std::optional<Posterior> read_posterior(const PredictArgs& args) {
  const fs::path path = args.calibration;
  std::error_code ec;
  const fs::path partial = fs::path(path) += output::partial_suffix;
  if (path.string().ends_with(output::partial_suffix)) {
    std::cerr << path.string()
              << ": error: this is the working file of an unfinished calibration; finish it with "
                 "`tumen calibrate CALIB.toml -o FILE --resume`, then predict from FILE\n";
    return std::nullopt;
  }
  if (!fs::exists(path, ec) && fs::exists(partial, ec)) {
    std::cerr << path.string() << ": error: the calibration is unfinished: only "
              << partial.string() << " exists; finish it with `tumen calibrate CALIB.toml -o "
              << path.string() << " --resume` first\n";
    return std::nullopt;
  }
  Posterior posterior;
  try {
    posterior.file = output::read_calibration_file(path);
  } catch (const output::OutputError& e) {
    print_file_error(e.what(), path);
    return std::nullopt;
  }
  const output::CalibrationFile& file = posterior.file;
  if (file.stop_reason.empty()) {
    std::cerr << path.string()
              << ": error: the calibration is unfinished (it has no stop_reason); finish it with "
                 "`tumen calibrate ... --resume` first\n";
    return std::nullopt;
  }
  if (file.generations.empty()) {
    std::cerr << path.string()
              << ": error: the calibration has no complete generation, so there is no posterior "
                 "to draw from (it stopped: "
              << file.stop_explanation << ")\n";
    return std::nullopt;
  }

  const std::string toml = args.calibration_toml.empty() ? calibration_path_of(file.command_line)
                                                         : args.calibration_toml;
  if (toml.empty()) {
    std::cerr << path.string()
              << ": error: the file does not say which CALIB.toml it was made from; name it with "
                 "--calibration CALIB.toml\n";
    return std::nullopt;
  }
  if (!fs::exists(toml, ec)) {
    std::cerr << toml << ": error: " << path.string() << " was made from this calibration file ("
              << (args.calibration_toml.empty() ? "on its command line" : "--calibration")
              << "), but it is not there"
              << (args.calibration_toml.empty()
                      ? " from the current folder; name it with --calibration CALIB.toml"
                      : "")
              << '\n';
    return std::nullopt;
  }
  Diagnostics diagnostics;
  auto spec = calibration::load_calibration(toml, diagnostics);
  diagnostics.print(std::cerr);
  if (!spec) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was run\n";
    return std::nullopt;
  }
  if (spec->text != file.identity.calibration_text) {
    std::cerr << toml << ": error: this is not the calibration file " << path.string()
              << " was made from (its text differs from the text recorded there); name the right "
                 "one with --calibration\n";
    return std::nullopt;
  }
  if (spec->scenario_hash != file.identity.scenario_hash) {
    std::cerr << spec->scenario_path.string()
              << ": error: the base scenario changed since the calibration (its hash is "
              << spec->scenario_hash << ", the calibration's " << file.identity.scenario_hash
              << "); the posterior belongs to the scenario as it was\n";
    return std::nullopt;
  }
  if (file.identity.tumen_version != tumen_version()) {
    std::cerr << "tumen: warning: " << path.string() << " was made by tumen "
              << file.identity.tumen_version << ", this is tumen " << tumen_version()
              << "; the model may differ from the one that was fitted\n";
  }
  posterior.spec = std::move(*spec);
  return posterior;
}

// The observed series on the run's years: NaN where a year is not observed.
void add_observed(const calibration::CalibrationSpec& spec, output::PredictiveInputs& inputs) {
  const double missing = std::numeric_limits<double>::quiet_NaN();
  inputs.observed_total.assign(inputs.years.size(), missing);
  inputs.observed_female_share.assign(inputs.years.size(), missing);
  for (std::size_t t = 0; t < inputs.years.size(); ++t) {
    for (const calibration::ObservedYear& observed : spec.observed) {
      if (observed.year != inputs.years[t]) continue;
      if (observed.total) inputs.observed_total[t] = *observed.total;
      if (observed.female_share) inputs.observed_female_share[t] = *observed.female_share;
    }
  }
}

// The last year's medians and 90% intervals, from the finished file's /predictive.
void print_summary(const fs::path& output, const output::PredictiveInputs& inputs,
                   const std::string& variant_name, int threads) {
  const output::H5Reader file(output);
  const std::size_t last = inputs.years.size() - 1;
  const std::string on = variant_name.empty() ? "" : " on the variant " + variant_name;
  std::printf("posterior predictive of %zu draws%s, %d (median and 90%% interval):\n",
              inputs.particles.size(), on.c_str(), inputs.years[last]);
  std::printf("  %-38s %12s %12s %12s\n", "quantity", "median", "5%", "95%");
  for (const char* name :
       {"departures", "first_departures", "border_crossings", "caught_at_border",
        "arrests_in_china", "arrests_in_third_countries", "repatriated", "hiding_at_year_end",
        "detained_at_year_end", "arrivals_observed_destinations", "arrivals_elsewhere", "deaths"}) {
    const auto values = file.float64_dataset(std::string("/predictive/") + name);
    const std::size_t row = last * output::predictive_quantile_levels.size();
    std::printf("  %-38s %12.1f %12.1f %12.1f\n", name, values[row + 2], values[row],
                values[row + 4]);
  }
  std::printf("wrote %s (%d thread%s)\n", output.string().c_str(), threads,
              threads == 1 ? "" : "s");
  std::fflush(stdout);
}

// Whether the variant can take every fitted parameter: it must load with draw 0's values as
// --set overrides, and no timeline entry of it may replace a fitted parameter everywhere from the
// first day on, which would leave the drawn values unused. Prints the problem and returns false.
bool check_variant_takes_parameters(const fs::path& variant, const Scenario& loaded,
                                    const calibration::CalibrationSpec& spec,
                                    const std::vector<std::string>& first_draw) {
  Diagnostics problems;
  if (!load_scenario(variant, LoadOptions{first_draw}, problems)) {
    std::cerr << variant.string()
              << ": error: the variant does not take the calibration's fitted parameters:";
    for (const std::string& set : first_draw) std::cerr << " --set " << set;
    std::cerr << '\n';
    problems.print(std::cerr);
    return false;
  }
  for (const calibration::CalibratedParameter& parameter : spec.parameters) {
    const auto param = find_param(parameter.name);
    for (const TimelineChange& change : loaded.timeline) {
      if (!param || change.param != *param || change.scope != ChangeScope::all) continue;
      if (change.to.days_since_epoch > loaded.start.days_since_epoch) continue;
      std::cerr << format(Diagnostic{Severity::error, change.where,
                                     "this timeline entry sets the fitted parameter '" +
                                         parameter.name +
                                         "' everywhere from the scenario's first day, so the "
                                         "posterior's draws of it would never be in force; a "
                                         "variant must leave every fitted parameter settable"})
                << '\n';
      return false;
    }
  }
  return true;
}

}  // namespace

int predict_command(const PredictArgs& args) {
  install_interrupt_handlers();
  const auto posterior = read_posterior(args);
  if (!posterior) return kInvalidInput;
  const calibration::CalibrationSpec& spec = posterior->spec;
  const calibration::Generation& final_generation = posterior->file.generations.back();
  const calibration::Population& population = final_generation.population;
  const std::uint64_t seed = args.seed.value_or(posterior->file.identity.seed);
  const std::uint64_t draws = args.replicates;

  const fs::path output = args.output;
  if (!check_output_folder(output)) return kInvalidInput;
  if (!args.resume && !check_no_earlier_output(output, args.force, true)) return kInvalidInput;
  const int threads = args.threads > 0 ? args.threads : available_cpus();

  // The scenario that runs, without any draw's values: the coordinates and /scenario of the
  // file. The calibrated base, or with --scenario a policy variant of it.
  const bool variant = !args.variant_scenario.empty();
  const fs::path scenario_path = variant ? fs::path(args.variant_scenario) : spec.scenario_path;
  Diagnostics diagnostics;
  auto base = load_scenario(scenario_path, LoadOptions{}, diagnostics);
  if (!base) {
    diagnostics.print(std::cerr);
    return kInvalidInput;
  }
  const calibration::ParticleEvaluator evaluator(spec);
  if (variant) {
    const auto first =
        population.particle(calibration::draw_posterior_particle(population.weights, seed, 0));
    if (!check_variant_takes_parameters(scenario_path, *base, spec, evaluator.overrides(first))) {
      return kInvalidInput;
    }
  }
  const std::string variant_hash = variant ? base->hash : std::string();
  std::vector<std::string> base_files;
  for (const ScenarioFile& file : base->files) base_files.push_back(file.text);
  const Model base_model(std::move(*base), Period::year);
  RunDescription run = describe(base_model, seed, draws, 0, draws);
  run.scenario_hash = calibration::posterior_hash(posterior->file.identity.scenario_hash,
                                                  posterior->file.identity.calibration_text,
                                                  final_generation.index, population);
  if (variant)
    run.scenario_hash = calibration::variant_posterior_hash(run.scenario_hash, variant_hash);
  run.command_line = args.command_line;
  run.host = host_name();
  run.created_utc = utc_now();

  // The draws: particle i of the final generation, by weight, from replicate i's own key.
  output::PredictiveInputs inputs;
  const std::size_t dimensions = population.dimensions;
  for (const auto& parameter : spec.parameters) inputs.parameters.push_back(parameter.name);
  inputs.particles.resize(draws);
  inputs.values.resize(draws * dimensions);
  for (std::uint64_t i = 0; i < draws; ++i) {
    const std::size_t particle = calibration::draw_posterior_particle(population.weights, seed, i);
    inputs.particles[i] = particle;
    const auto values = population.particle(particle);
    std::copy(values.begin(), values.end(),
              inputs.values.begin() + static_cast<long>(i * dimensions));
  }
  inputs.posterior_generation = final_generation.index;
  inputs.calibration_scenario_hash = posterior->file.identity.scenario_hash;
  inputs.variant_scenario_hash = variant_hash;
  inputs.observed_destinations = spec.destinations;
  const Scenario& scenario = base_model.scenario();
  for (const std::int32_t start : base_model.period_start_days()) {
    inputs.years.push_back(Date{scenario.start.days_since_epoch + start}.year());
  }
  add_observed(spec, inputs);

  output::WriterOptions writer_options;
  writer_options.before_rename = [&inputs](const fs::path& partial) {
    output::add_predictive(partial, inputs);
  };

  std::optional<output::H5Writer> writer;
  try {
    std::error_code ec;
    const bool partial_exists = fs::exists(partial_of(output), ec);
    if (args.resume && fs::exists(output, ec) && !partial_exists) {
      const output::H5Reader file(output);
      const auto differences = output::identity_differences(file, run, writer_options);
      if (!differences.empty()) {
        std::string list;
        for (const auto& difference : differences) list += (list.empty() ? "" : "; ") + difference;
        std::cerr << output.string()
                  << ": error: cannot resume: the complete file there was written by a different "
                     "run ("
                  << list << "); choose another -o, or replace it with --force\n";
        return kInvalidInput;
      }
      std::cerr << "tumen: " << output.string() << " is already complete; nothing to do\n";
      return kSuccess;
    }
    if (args.resume && partial_exists) {
      writer.emplace(output::H5Writer::resume(output, run, writer_options));
      std::cerr << "tumen: resuming " << writer->partial_path().string() << ": "
                << writer->replicates_written() << " of " << draws
                << " replicates already done and intact\n";
    } else {
      if (args.resume) {
        std::cerr << "tumen: there is no " << partial_of(output).string()
                  << " to resume; starting afresh\n";
      }
      writer.emplace(output, run, writer_options);
    }
  } catch (const output::ResumeError& e) {
    print_file_error(e.what(), partial_of(output));
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }

  std::vector<std::uint64_t> todo;
  for (std::uint64_t i = 0; i < draws; ++i) {
    if (!writer->has_replicate(i)) todo.push_back(i);
  }
  std::mutex writer_mutex;
  std::atomic<bool> interrupted{false};
  std::uint64_t done = writer->replicates_written();
  ProgressBar progress(draws, !args.quiet);
  progress.update(done);
  const std::atomic<bool>* stop = &stop_requested();

  // One draw: its values as --set overrides of the scenario, one replicate on its own key.
  auto run_draw = [&](std::uint64_t i) {
    if (stop->load(std::memory_order_relaxed)) {
      interrupted = true;
      return;
    }
    const auto started = std::chrono::steady_clock::now();
    const std::vector<std::string> sets = evaluator.overrides(
        std::span<const double>(inputs.values).subspan(i * dimensions, dimensions));
    Diagnostics problems;
    auto drawn = load_scenario(scenario_path, LoadOptions{sets}, problems);
    if (!drawn) {
      std::ostringstream text;
      text << (variant ? "the variant scenario" : "the base scenario") << " refuses draw " << i
           << ":";
      for (const std::string& set : sets) text << ' ' << set;
      text << '\n';
      for (const Diagnostic& d : problems.all()) {
        if (d.severity == Severity::error) text << format(d) << '\n';
      }
      throw calibration::ParticleError(text.str());
    }
    std::vector<std::string> files;
    for (const ScenarioFile& file : drawn->files) files.push_back(file.text);
    if (files != base_files) {
      throw calibration::ParticleError(scenario_path.string() +
                                       ": error: the scenario's files changed during the run");
    }
    const Model model(std::move(*drawn), Period::year);
    Simulation simulation(model, calibration::predictive_key(seed, i));
    if (!simulation.run(stop)) {
      interrupted = true;
      return;
    }
    ReplicateResult result = simulation.take_result();
    result.replicate = i;
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    writer->prepare(result);
    const std::lock_guard lock(writer_mutex);
    writer->write(result);
    progress.update(++done);
  };

  try {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t k) { run_draw(todo[k]); });
    });
    progress.finish();
    if (interrupted) {
      std::cerr << "tumen: interrupted after " << done << " of " << draws
                << " replicates; the finished ones are in " << writer->partial_path().string()
                << " (continue with --resume)\n";
      return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
    }
    writer->finish();
  } catch (const calibration::ParticleError& e) {
    progress.finish();
    std::cerr << e.what() << (std::string(e.what()).ends_with('\n') ? "" : "\n");
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    progress.finish();
    std::cerr << "tumen: error: " << e.what() << "\ntumen: the finished replicates are kept in "
              << partial_of(output).string() << "; continue with --resume\n";
    return kFailure;
  }
  if (!args.quiet) print_summary(output, inputs, variant ? scenario.name : "", threads);
  return kSuccess;
}

}  // namespace tumen::cli
