#include "tumen/output/run_identity.hpp"

#include <stdexcept>

namespace tumen::output {

std::vector<std::string> identity_differences(const H5Reader& file, const RunDescription& run,
                                              const WriterOptions& options) {
  std::vector<std::string> differences;
  const auto compare = [&](const char* name, const std::string& in_file,
                           const std::string& in_run) {
    if (in_file != in_run) {
      differences.push_back(std::string(name) + ": the file has " + in_file + ", this run " +
                            in_run);
    }
  };
  const auto text = [&](const char* name) {
    return file.has_attribute("/", name) ? file.string_attribute(name) : std::string("none");
  };
  const auto number = [&](const char* name) {
    return file.has_attribute("/", name) ? std::to_string(file.uint64_attribute(name))
                                         : std::string("none");
  };

  compare("tumen_version", text("tumen_version"), run.tumen_version);
  compare("rng", text("rng"), run.rng_scheme);
  compare("scenario_hash", text("scenario_hash"), run.scenario_hash);
  compare("seed", number("seed"), std::to_string(run.seed));
  compare("replicate_total", number("replicate_total"), std::to_string(run.replicate_total));
  compare("replicate_range", text("replicate_range"),
          std::to_string(run.replicate_begin) + ":" + std::to_string(run.replicate_end));
  compare("period", text("period"), to_string(run.period));

  // Files from before --outputs and --summary-only hold every output and no summary-only flag.
  std::string requested;
  try {
    requested = join_outputs(normalise_outputs(options.outputs));
  } catch (const std::invalid_argument& bad) {
    requested = options.outputs.empty() ? "none" : bad.what();
  }
  compare("outputs",
          file.has_attribute("/", "outputs") ? file.string_attribute("outputs")
                                             : join_outputs(all_outputs()),
          requested);
  compare("summary_only",
          file.has_attribute("/", "summary_only")
              ? std::to_string(file.int64_attribute("summary_only"))
              : std::string("0"),
          options.summary_only ? "1" : "0");
  return differences;
}

}  // namespace tumen::output
