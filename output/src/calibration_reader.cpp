#include "tumen/output/calibration_reader.hpp"

#include <hdf5.h>

#include <algorithm>

#include "detail/calibration_layout.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::output {

namespace {

using detail::ErrorContext;

bool link_exists(const ErrorContext& errors, hid_t file, const std::string& path) {
  return errors.check(H5Lexists(file, path.c_str(), H5P_DEFAULT), "look for " + path) > 0;
}

template <typename Number>
Number number_attribute(const ErrorContext& errors, hid_t object, const std::string& object_path,
                        const std::string& name) {
  const std::string what = "attribute '" + name + "' of " + object_path;
  const detail::Attribute attribute(
      errors.check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open " + what));
  Number value{};
  errors.check(H5Aread(attribute.id(), detail::NumberType<Number>::memory(), &value),
               "read " + what);
  return value;
}

std::vector<std::string> string_dataset(const ErrorContext& errors, hid_t file,
                                        const std::string& path) {
  const detail::Dataset dataset(
      errors.check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path));
  const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path));
  const auto count = static_cast<std::size_t>(
      errors.check(H5Sget_simple_extent_npoints(space.id()), "read the size of " + path));
  const detail::Datatype type = detail::utf8_string_type(errors);
  std::vector<char*> texts(count, nullptr);
  if (count > 0) {
    errors.check(H5Dread(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()),
                 "read " + path);
  }
  std::vector<std::string> values;
  for (char* text : texts) values.emplace_back(text != nullptr ? text : "");
  if (count > 0) (void)H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, texts.data());
  return values;
}

std::vector<double> float64_dataset(const ErrorContext& errors, hid_t file, const std::string& path,
                                    std::size_t expected) {
  const detail::Dataset dataset(
      errors.check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path));
  const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path));
  const auto count = static_cast<std::size_t>(
      errors.check(H5Sget_simple_extent_npoints(space.id()), "read the size of " + path));
  if (count != expected) {
    errors.fail(path + " holds " + std::to_string(count) + " values, expected " +
                std::to_string(expected));
  }
  std::vector<double> values(count);
  if (count > 0) {
    errors.check(
        H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "read " + path);
  }
  return values;
}

}  // namespace

CalibrationFile read_calibration_file(const std::filesystem::path& path) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) errors.fail("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    (void)detail::take_innermost_hdf5_message();
    errors.fail("not an HDF5 file");
  }
  const detail::File file(
      errors.check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the file"));
  const hid_t root = file.id();
  CalibrationFile result;
  const auto names = detail::attribute_names(errors, root, "/");
  auto has = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (!has("format") ||
      detail::read_string_attribute(errors, root, "/", "format") != calibration_format_name) {
    errors.fail("not a tumen calibration file (no format attribute \"tumen-calibration\")");
  }
  const auto version = number_attribute<std::int64_t>(errors, root, "/", "format_version");
  if (version > calibration_format_version) {
    errors.fail("format_version " + std::to_string(version) +
                " is newer than this tumen understands (" +
                std::to_string(calibration_format_version) + ")");
  }
  CalibrationIdentity& identity = result.identity;
  identity.tumen_version = detail::read_string_attribute(errors, root, "/", "tumen_version");
  identity.rng = detail::read_string_attribute(errors, root, "/", "rng");
  identity.seed = number_attribute<std::uint64_t>(errors, root, "/", "seed");
  identity.scenario_name = detail::read_string_attribute(errors, root, "/", "scenario_name");
  identity.scenario_hash = detail::read_string_attribute(errors, root, "/", "scenario_hash");
  identity.calibration_text = detail::read_string_attribute(errors, root, "/", "calibration");
  identity.particles = number_attribute<std::uint64_t>(errors, root, "/", "particles");
  identity.parameters = string_dataset(errors, root, "/parameter");
  identity.priors = string_dataset(errors, root, "/prior");
  if (has("stop_reason")) {
    result.stop_reason = detail::read_string_attribute(errors, root, "/", "stop_reason");
    result.stop_explanation = detail::read_string_attribute(errors, root, "/", "stop_explanation");
  }

  if (link_exists(errors, root, "/provenance")) {
    const detail::Group provenance(
        errors.check(H5Gopen2(root, "/provenance", H5P_DEFAULT), "open /provenance"));
    result.command_line =
        detail::read_string_attribute(errors, provenance.id(), "/provenance", "command_line");
  }

  const std::size_t dimensions = identity.parameters.size();
  const std::size_t n = identity.particles;
  if (!link_exists(errors, root, detail::kGenerationGroup)) return result;
  for (std::uint64_t index = 0;; ++index) {
    const std::string group_path = detail::generation_path(index);
    if (!link_exists(errors, root, group_path)) break;
    const detail::Group group(
        errors.check(H5Gopen2(root, group_path.c_str(), H5P_DEFAULT), "open " + group_path));
    // Only a generation whose `complete` flag was written after its data (and a flush) counts.
    if (errors.check(H5Aexists(group.id(), "complete"), "read " + group_path) <= 0) break;
    calibration::Generation generation;
    generation.index = index;
    generation.tolerance = number_attribute<double>(errors, group.id(), group_path, "tolerance");
    generation.acceptance_rate =
        number_attribute<double>(errors, group.id(), group_path, "acceptance_rate");
    generation.ess = number_attribute<double>(errors, group.id(), group_path, "ess");
    generation.attempts =
        number_attribute<std::uint64_t>(errors, group.id(), group_path, "attempts");
    calibration::Population& population = generation.population;
    population.dimensions = dimensions;
    population.particles = float64_dataset(errors, root, group_path + "/particles", n * dimensions);
    population.weights = float64_dataset(errors, root, group_path + "/weights", n);
    population.distances = float64_dataset(errors, root, group_path + "/distances", n);
    result.generations.push_back(std::move(generation));
  }
  return result;
}

}  // namespace tumen::output
