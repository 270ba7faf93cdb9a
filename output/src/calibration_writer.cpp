#include "tumen/output/calibration_writer.hpp"
#include "tumen/utc_time.hpp"

#include <hdf5.h>

#include <ctime>

#include "detail/calibration_layout.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/output/calibration_reader.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::output {

namespace {

using detail::ErrorContext;

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  std::filesystem::path result = path;
  result += suffix;
  return result;
}

// Replaces a string attribute that an interrupted finish() may have written already.
void set_string_attribute(const ErrorContext& errors, hid_t object, const std::string& path,
                          const std::string& name, const std::string& value) {
  if (errors.check(H5Aexists(object, name.c_str()), "look for attribute " + name) > 0) {
    errors.check(H5Adelete(object, name.c_str()), "replace attribute " + name);
  }
  detail::write_string_attribute(errors, object, path, name, value);
}

std::vector<std::string> differences(const CalibrationIdentity& file,
                                     const CalibrationIdentity& run) {
  std::vector<std::string> found;
  if (file.calibration_text != run.calibration_text) found.emplace_back("the calibration file");
  if (file.scenario_hash != run.scenario_hash) found.emplace_back("the base scenario");
  if (file.seed != run.seed) found.emplace_back("the seed");
  if (file.tumen_version != run.tumen_version) found.emplace_back("the tumen version");
  if (file.rng != run.rng) found.emplace_back("the RNG scheme");
  if (file.parameters != run.parameters || file.priors != run.priors ||
      file.particles != run.particles) {
    found.emplace_back("the parameters");
  }
  return found;
}

}  // namespace

struct CalibrationWriter::Impl {
  explicit Impl(std::filesystem::path final)
      : final_path(std::move(final)),
        partial_path(with_suffix(final_path, partial_suffix)),
        new_path(with_suffix(final_path, new_suffix)),
        errors(partial_path.string()) {}

  void flush(const std::string& why) {
    errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush " + why);
  }

  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  std::filesystem::path new_path;
  ErrorContext errors;
  detail::File file;
  std::optional<calibration::Generation> last;
};

CalibrationWriter::CalibrationWriter() = default;
CalibrationWriter::~CalibrationWriter() = default;
CalibrationWriter::CalibrationWriter(CalibrationWriter&&) noexcept = default;
CalibrationWriter& CalibrationWriter::operator=(CalibrationWriter&&) noexcept = default;

CalibrationWriter::CalibrationWriter(std::filesystem::path final_path,
                                     const CalibrationIdentity& identity,
                                     const CalibrationProvenance& provenance) {
  detail::silence_hdf5_error_printing();
  impl_ = std::make_unique<Impl>(std::move(final_path));
  Impl& w = *impl_;
  const ErrorContext new_errors(w.new_path.string());
  try {
    w.file = detail::File(new_errors.check(
        H5Fcreate(w.new_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create the file"));
    const hid_t root = w.file.id();
    detail::write_string_attribute(new_errors, root, "/", "format",
                                   std::string(calibration_format_name));
    detail::write_number_attribute<std::int64_t>(new_errors, root, "/", "format_version",
                                                 calibration_format_version);
    detail::write_string_attribute(new_errors, root, "/", "tumen_version", identity.tumen_version);
    detail::write_string_attribute(new_errors, root, "/", "rng", identity.rng);
    detail::write_number_attribute<std::uint64_t>(new_errors, root, "/", "seed", identity.seed);
    detail::write_string_attribute(new_errors, root, "/", "scenario_name", identity.scenario_name);
    detail::write_string_attribute(new_errors, root, "/", "scenario_hash", identity.scenario_hash);
    detail::write_string_attribute(new_errors, root, "/", "calibration", identity.calibration_text);
    detail::write_number_attribute<std::uint64_t>(new_errors, root, "/", "particles",
                                                  identity.particles);
    {
      const auto parameter =
          detail::write_string_dataset(new_errors, root, "/parameter", identity.parameters);
      detail::describe(new_errors, parameter.id(), "/parameter",
                       "calibrated parameters (dotted names, as for --set)");
      const auto prior = detail::write_string_dataset(new_errors, root, "/prior", identity.priors);
      detail::describe(new_errors, prior.id(), "/prior", "the prior of each parameter");
      (void)detail::create_group(new_errors, root, detail::kGenerationGroup);
      const auto group = detail::create_group(new_errors, root, "/provenance");
      detail::write_string_attribute(new_errors, group.id(), "/provenance", "command_line",
                                     provenance.command_line);
      detail::write_string_attribute(new_errors, group.id(), "/provenance", "host",
                                     provenance.host);
      detail::write_string_attribute(new_errors, group.id(), "/provenance", "created_utc",
                                     provenance.created_utc);
      detail::write_number_attribute<std::int64_t>(new_errors, group.id(), "/provenance", "threads",
                                                   provenance.threads);
    }
    new_errors.check(H5Fflush(root, H5F_SCOPE_LOCAL), "flush the new file");
    // Only a complete structure becomes the .partial that --resume continues.
    std::error_code failure;
    std::filesystem::rename(w.new_path, w.partial_path, failure);
    if (failure) {
      new_errors.fail("cannot rename to " + w.partial_path.string() + ": " + failure.message());
    }
  } catch (...) {
    w.file.reset();
    std::error_code ignored;
    std::filesystem::remove(w.new_path, ignored);
    throw;
  }
}

CalibrationWriter CalibrationWriter::resume(std::filesystem::path final_path,
                                            const CalibrationIdentity& identity,
                                            const CalibrationProvenance& provenance) {
  detail::silence_hdf5_error_printing();
  CalibrationWriter writer;
  writer.impl_ = std::make_unique<Impl>(std::move(final_path));
  Impl& w = *writer.impl_;
  const std::string shown = w.partial_path.string();
  CalibrationFile existing;
  try {
    existing = read_calibration_file(w.partial_path);
  } catch (const OutputError& e) {
    const std::string prefix = shown + ": ";
    const std::string message = e.what();
    throw ResumeError(shown + ": cannot resume: " +
                      (message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message));
  }
  if (const auto found = differences(existing.identity, identity); !found.empty()) {
    std::string list;
    for (const std::string& item : found) list += (list.empty() ? "" : ", ") + item;
    throw ResumeError(shown + ": cannot resume: it was written by a different calibration (" +
                      list + " differ); start afresh with --force");
  }
  w.file = detail::File(w.errors.check(H5Fopen(w.partial_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                                       "open the file to resume it"));
  // A generation cut short by the interruption is dropped; it is computed again.
  const std::string torn = detail::generation_path(existing.generations.size());
  if (w.errors.check(H5Lexists(w.file.id(), torn.c_str(), H5P_DEFAULT), "look for " + torn) > 0) {
    w.errors.check(H5Ldelete(w.file.id(), torn.c_str(), H5P_DEFAULT), "remove " + torn);
  }
  const detail::Group group(
      w.errors.check(H5Gopen2(w.file.id(), "/provenance", H5P_DEFAULT), "open /provenance"));
  set_string_attribute(w.errors, group.id(), "/provenance", "resumed_utc", provenance.created_utc);
  w.flush("the resumed file");
  if (!existing.generations.empty()) w.last = std::move(existing.generations.back());
  return writer;
}

const std::optional<calibration::Generation>& CalibrationWriter::last_generation() const {
  return impl_->last;
}

const std::filesystem::path& CalibrationWriter::partial_path() const {
  return impl_->partial_path;
}

void CalibrationWriter::write_generation(const calibration::Generation& generation) {
  Impl& w = *impl_;
  const ErrorContext& errors = w.errors;
  const hid_t root = w.file.id();
  const std::string path = detail::generation_path(generation.index);
  const calibration::Population& population = generation.population;
  {
    const detail::Group group = detail::create_group(errors, root, path);
    const auto particles = detail::write_float64_array(errors, root, path + "/particles",
                                                       {population.size(), population.dimensions},
                                                       population.particles);
    detail::describe(errors, particles.id(), path + "/particles",
                     "accepted parameter values [particle, parameter]");
    const auto weights = detail::write_float64_array(errors, root, path + "/weights",
                                                     {population.size()}, population.weights);
    detail::describe(errors, weights.id(), path + "/weights", "normalised importance weights");
    const auto distances = detail::write_float64_array(errors, root, path + "/distances",
                                                       {population.size()}, population.distances);
    detail::describe(errors, distances.id(), path + "/distances",
                     "distance of each particle's simulation to the observed data");
    detail::write_number_attribute(errors, group.id(), path, "tolerance", generation.tolerance);
    detail::write_number_attribute(errors, group.id(), path, "acceptance_rate",
                                   generation.acceptance_rate);
    detail::write_number_attribute(errors, group.id(), path, "ess", generation.ess);
    detail::write_number_attribute<std::uint64_t>(errors, group.id(), path, "attempts",
                                                  generation.attempts);
    const detail::Group provenance(
        errors.check(H5Gopen2(root, "/provenance", H5P_DEFAULT), "open /provenance"));
    const std::string seconds = "generation_" + path.substr(path.rfind('/') + 1) + "_seconds";
    if (errors.check(H5Aexists(provenance.id(), seconds.c_str()), "look for " + seconds) > 0) {
      errors.check(H5Adelete(provenance.id(), seconds.c_str()), "replace " + seconds);
    }
    detail::write_number_attribute(errors, provenance.id(), "/provenance", seconds,
                                   generation.seconds);
  }
  // Data, flush, flag, flush: a generation is `complete` only once its data is on disk.
  w.flush("generation " + std::to_string(generation.index));
  {
    const detail::Group group(
        errors.check(H5Gopen2(root, path.c_str(), H5P_DEFAULT), "open " + path));
    detail::write_number_attribute<std::uint8_t>(errors, group.id(), path, "complete", 1);
  }
  w.flush("generation " + std::to_string(generation.index));
  w.last = generation;
}

void CalibrationWriter::finish(const std::string& stop_reason, const std::string& explanation) {
  Impl& w = *impl_;
  const ErrorContext& errors = w.errors;
  const hid_t root = w.file.id();
  set_string_attribute(errors, root, "/", "stop_reason", stop_reason);
  set_string_attribute(errors, root, "/", "stop_explanation", explanation);
  {
    const detail::Group provenance(
        errors.check(H5Gopen2(root, "/provenance", H5P_DEFAULT), "open /provenance"));
    set_string_attribute(errors, provenance.id(), "/provenance", "finished_utc", utc_now());
  }
  w.flush("the finished file");
  errors.check(w.file.close(), "close the file");
  std::error_code failure;
  std::filesystem::rename(w.partial_path, w.final_path, failure);
  if (failure) errors.fail("cannot rename to " + w.final_path.string() + ": " + failure.message());
}

}  // namespace tumen::output
