// tumen calibrate: fit a scenario's parameters to observed yearly arrivals by ABC-SMC
// (docs/calibration.md) and write every generation to an HDF5 calibration file; or, with
// --resume, continue the calibration an interruption left in OUT.h5.partial.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>

#include "calibrate_spread.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "provenance_fields.hpp"
#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/calibration_spec.hpp"
#include "tumen/calibration/particle_evaluator.hpp"
#include "tumen/calibration/posterior_summary.hpp"
#include "tumen/cpu_budget.hpp"
#include "tumen/model.hpp"
#include "tumen/output/calibration_reader.hpp"
#include "tumen/output/calibration_writer.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/rng.hpp"

namespace tumen::cli {

namespace fs = std::filesystem;

namespace {

fs::path with_suffix(const fs::path& path, std::string_view suffix) {
  fs::path result = path;
  result += suffix;
  return result;
}

// The output folder must exist and be writable, and the output must not be a folder.
bool check_output_path(const fs::path& path) {
  std::error_code ec;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string problem;
  if (!fs::is_directory(folder, ec)) {
    problem = "the output folder '" + folder.string() + "' does not exist";
  } else if (access(folder.c_str(), W_OK) != 0) {
    problem = "the output folder '" + folder.string() + "' is not writable";
  } else if (fs::is_directory(path, ec)) {
    problem = "the output path is a directory";
  }
  if (!problem.empty()) std::cerr << path.string() << ": error: " << problem << '\n';
  return problem.empty();
}

output::CalibrationIdentity identity_of(const calibration::CalibrationSpec& spec) {
  output::CalibrationIdentity identity;
  identity.tumen_version = tumen_version();
  identity.rng = rng::kRngScheme;
  identity.seed = spec.seed;
  identity.scenario_name = spec.scenario_name;
  identity.scenario_hash = spec.scenario_hash;
  identity.calibration_text = spec.text;
  identity.particles = spec.particles;
  for (const auto& parameter : spec.parameters) {
    identity.parameters.push_back(parameter.name);
    identity.priors.push_back(parameter.prior.describe());
  }
  return identity;
}

void print_generation(const calibration::Generation& g, std::uint64_t particles) {
  char line[256];
  std::snprintf(line, sizeof line,
                "tumen: generation %llu: tolerance %.6g, acceptance %.3f (%llu of %llu "
                "attempts), ESS %.1f, %.1f s\n",
                static_cast<unsigned long long>(g.index), g.tolerance, g.acceptance_rate,
                static_cast<unsigned long long>(particles),
                static_cast<unsigned long long>(g.attempts), g.ess, g.seconds);
  std::cerr << line;
}

void print_posterior(const calibration::CalibrationSpec& spec, const calibration::Generation& g,
                     const fs::path& output) {
  std::printf("posterior after generation %llu (tolerance %.6g, ESS %.1f):\n",
              static_cast<unsigned long long>(g.index), g.tolerance, g.ess);
  std::printf("  %-36s %14s %14s %14s\n", "parameter", "mean", "5%", "95%");
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    std::printf("  %-36s %14.6g %14.6g %14.6g\n", spec.parameters[k].name.c_str(),
                calibration::weighted_mean(g.population, k),
                calibration::weighted_quantile(g.population, k, 0.05),
                calibration::weighted_quantile(g.population, k, 0.95));
  }
  std::printf("wrote %s\n", output.string().c_str());
  std::fflush(stdout);
}

}  // namespace

int calibrate_command(const CalibrateArgs& args) {
  return calibrate_command(args, {});
}

int calibrate_command(const CalibrateArgs& args, const BatchEvaluatorFactory& spread) {
  install_interrupt_handlers();
  Diagnostics diagnostics;
  const auto spec = calibration::load_calibration(args.calibration, diagnostics);
  diagnostics.print(std::cerr);
  if (!spec) {
    std::cerr << "tumen: " << diagnostics.error_count() << " error"
              << (diagnostics.error_count() == 1 ? "" : "s") << "; nothing was run\n";
    return kInvalidInput;
  }
  const fs::path output = args.output.empty()
                              ? fs::path(fs::path(args.calibration).stem().string() + ".h5")
                              : fs::path(args.output);
  if (!check_output_path(output)) return kInvalidInput;
  const fs::path partial = with_suffix(output, output::partial_suffix);
  std::error_code ec;
  const bool partial_exists = fs::exists(partial, ec);
  const output::CalibrationIdentity identity = identity_of(*spec);
  if (!args.resume && !args.force) {
    if (fs::exists(output, ec)) {
      std::cerr << output.string()
                << ": error: the output file exists; use --force to overwrite it\n";
      return kInvalidInput;
    }
    if (partial_exists) {
      std::cerr << partial.string()
                << ": error: a partial output of an earlier calibration exists; use --resume to "
                   "continue it or --force to start afresh\n";
      return kInvalidInput;
    }
  }
  if (args.resume && !partial_exists && fs::exists(output, ec)) {
    try {
      const output::CalibrationFile done = output::read_calibration_file(output);
      if (done.identity.calibration_text != identity.calibration_text ||
          done.identity.scenario_hash != identity.scenario_hash ||
          done.identity.tumen_version != identity.tumen_version) {
        std::cerr << output.string()
                  << ": error: cannot resume: the complete file there was written by a different "
                     "calibration; choose another -o, or replace it with --force\n";
        return kInvalidInput;
      }
      std::cerr << "tumen: " << output.string() << " is already complete ("
                << done.generations.size() << " generations); nothing to do\n";
      return kSuccess;
    } catch (const output::OutputError& e) {
      std::cerr << "tumen: error: " << e.what() << " (cannot resume into it)\n";
      return kInvalidInput;
    }
  }

  const int threads = args.threads > 0 ? args.threads : available_cpus();
  output::CalibrationProvenance provenance;
  provenance.command_line = args.command_line;
  provenance.host = host_name();
  provenance.created_utc = utc_now();
  provenance.threads = threads;

  std::optional<output::CalibrationWriter> writer;
  try {
    if (args.resume && partial_exists) {
      writer.emplace(output::CalibrationWriter::resume(output, identity, provenance));
      const auto& last = writer->last_generation();
      std::cerr << "tumen: resuming " << partial.string() << ": " << (last ? last->index + 1 : 0)
                << " complete generation" << (last && last->index == 0 ? "" : "s") << " kept\n";
    } else {
      if (args.resume) {
        std::cerr << "tumen: there is no " << partial.string() << " to resume; starting afresh\n";
      }
      writer.emplace(output, identity, provenance);
    }
  } catch (const output::ResumeError& e) {
    std::cerr << e.what() << '\n';
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return kFailure;
  }

  calibration::AbcSmcSettings settings;
  settings.particles = spec->particles;
  settings.seed = spec->seed;
  settings.quantile = spec->quantile;
  settings.initial_tolerance = spec->initial_tolerance;
  settings.stop = spec->stop;
  settings.threads = threads;
  std::vector<calibration::Prior> priors;
  for (const auto& parameter : spec->parameters) priors.push_back(parameter.prior);

  try {
    const calibration::ParticleEvaluator evaluator(*spec);
    const auto distance = [&](std::span<const double> particle, std::uint64_t generation,
                              std::uint64_t attempt) {
      return evaluator.distance(particle, generation, attempt);
    };
    calibration::BatchEvaluator evaluate =
        calibration::local_batch_evaluator(distance, threads, &stop_requested());
    if (spread) evaluate = spread(*spec, settings, std::move(evaluate));
    std::optional<calibration::Generation> last = writer->last_generation();
    const auto outcome = calibration::run_abc_smc(
        priors, settings, evaluate, writer->last_generation(),
        [&](const calibration::Generation& generation) {
          writer->write_generation(generation);
          if (!args.quiet) print_generation(generation, spec->particles);
          last = generation;
        },
        &stop_requested());
    if (outcome.interrupted) {
      std::cerr << "tumen: interrupted after " << outcome.generations
                << " complete generations; they are in " << partial.string()
                << " (continue with --resume)\n";
      return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
    }
    if (!last) {
      // Not even the prior's generation was accepted: nothing to report as a posterior.
      writer->finish(calibration::name_of(outcome.reason), outcome.explanation);
      std::cerr << "tumen: error: the calibration stopped without a complete generation: "
                << outcome.explanation << "; raise [calibration] initial_tolerance or lower "
                << "[stop] min_acceptance_rate\n";
      return kInvalidInput;
    }
    writer->finish(calibration::name_of(outcome.reason), outcome.explanation);
    if (!args.quiet) {
      std::cerr << "tumen: stopped: " << outcome.explanation << '\n';
      print_posterior(*spec, *last, output);
    }
  } catch (const calibration::ParticleError& e) {
    std::cerr << e.what() << (std::string(e.what()).ends_with('\n') ? "" : "\n")
              << "tumen: the complete generations are kept in " << partial.string() << '\n';
    return kInvalidInput;
  } catch (const output::OutputError& e) {
    std::cerr << "tumen: error: " << e.what() << '\n'
              << "tumen: the complete generations are kept in " << partial.string()
              << "; continue with --resume\n";
    return kFailure;
  }
  return kSuccess;
}

}  // namespace tumen::cli
