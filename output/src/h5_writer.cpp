#include "tumen/output/h5_writer.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "detail/chunk_shape.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::output {

namespace {

using detail::ErrorContext;

// A per-replicate counter dataset. Its first axis is the replicate; the others are the row-major
// layout of the matching ReplicateResult member.
struct CounterDataset {
  const char* name;
  std::vector<std::string> dims;
  const char* units;
  const char* long_name;
  const std::vector<std::int64_t> ReplicateResult::*values;
};

const std::vector<CounterDataset>& counter_datasets() {
  static const std::vector<CounterDataset> datasets = {
      {"events",
       {"replicate", "time", "event", "sex"},
       "events",
       "events within each period",
       &ReplicateResult::events},
      {"location_events",
       {"replicate", "time", "location", "event"},
       "events",
       "events within each period, by place",
       &ReplicateResult::location_events},
      {"arrivals",
       {"replicate", "time", "destination", "sex"},
       "people",
       "arrivals within each period",
       &ReplicateResult::arrivals},
      {"arrivals_by_years_abroad",
       {"replicate", "time", "destination", "years_abroad"},
       "people",
       "arrivals within each period, by whole years since the first departure",
       &ReplicateResult::arrivals_by_years_abroad},
      {"stocks",
       {"replicate", "time", "state", "sex"},
       "people",
       "people in each state at the end of each period",
       &ReplicateResult::stocks},
      {"occupancy",
       {"replicate", "time", "location"},
       "people",
       "people present at the end of each period",
       &ReplicateResult::occupancy},
      {"route_flow",
       {"replicate", "route"},
       "events",
       "traversals of each route over the run",
       &ReplicateResult::route_flow},
  };
  return datasets;
}

using DimensionSizes = std::map<std::string, hsize_t, std::less<>>;

DimensionSizes dimension_sizes(const RunDescription& run) {
  return {
      {"replicate", run.replicate_count()},
      {"time", run.time_count()},
      {"location", run.locations.size()},
      {"destination", run.destinations.size()},
      {"event", run.events.size()},
      {"state", run.states.size()},
      {"sex", run.sexes.size()},
      {"route", run.routes.size()},
      {"years_abroad", static_cast<hsize_t>(run.years_abroad_max) + 1},
  };
}

// Catches an inconsistent description before a file exists, with a message that says which
// field is wrong; HDF5 would otherwise fail later with a shape error far from the cause.
void check_run_description(const ErrorContext& errors, const RunDescription& run) {
  if (run.replicate_begin > run.replicate_end || run.replicate_end > run.replicate_total) {
    errors.fail("replicate range " + std::to_string(run.replicate_begin) + ":" +
                std::to_string(run.replicate_end) + " does not lie within the run's " +
                std::to_string(run.replicate_total) + " replicates");
  }
  if (run.replicate_end > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    errors.fail("replicate numbers must fit in int64");
  }
  if (run.location_kinds.size() != run.locations.size() ||
      run.location_countries.size() != run.locations.size()) {
    errors.fail("there are " + std::to_string(run.locations.size()) + " locations but " +
                std::to_string(run.location_kinds.size()) + " location kinds and " +
                std::to_string(run.location_countries.size()) + " location countries");
  }
  if (run.years_abroad_max < 0) {
    errors.fail("years_abroad_max must be 0 or more, not " + std::to_string(run.years_abroad_max));
  }
  for (std::size_t period = 1; period < run.period_start_days.size(); ++period) {
    if (run.period_start_days[period] <= run.period_start_days[period - 1]) {
      errors.fail("period_start_days must increase, but period " + std::to_string(period) +
                  " starts on day " + std::to_string(run.period_start_days[period]) +
                  " and the one before on day " +
                  std::to_string(run.period_start_days[period - 1]));
    }
  }
  // Names label axes: xarray selects by them, so each must name one index only.
  const std::pair<const char*, const std::vector<std::string>*> labelled[] = {
      {"location", &run.locations}, {"destination", &run.destinations},
      {"event", &run.events},       {"state", &run.states},
      {"sex", &run.sexes},          {"route", &run.routes},
  };
  for (const auto& [dimension, names] : labelled) {
    std::set<std::string_view> seen;
    for (const std::string& name : *names) {
      if (!seen.insert(name).second) {
        errors.fail(std::string(dimension) + " name \"" + name + "\" appears more than once");
      }
    }
  }
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string hdf5_library_version() {
  unsigned major = 0;
  unsigned minor = 0;
  unsigned release = 0;
  (void)H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

hsize_t element_count(const std::vector<hsize_t>& dims, std::size_t first_axis) {
  hsize_t count = 1;
  for (std::size_t axis = first_axis; axis < dims.size(); ++axis) count *= dims[axis];
  return count;
}

// Creation properties of a per-replicate dataset: one replicate per chunk, then shuffle (groups
// the bytes of similar small integers), deflate, and Fletcher-32 last, so that the checksum
// covers the bytes as stored and a chunk torn by a kill is reported instead of read as data.
detail::PropertyList per_replicate_properties(const ErrorContext& errors, const std::string& path,
                                              const std::vector<hsize_t>& dims,
                                              std::size_t element_bytes, int compression_level,
                                              hid_t fill_type, const void* fill_value) {
  detail::PropertyList properties = detail::object_creation_properties(errors, H5P_DATASET_CREATE);
  const std::string what = "set the storage of " + path;
  errors.check(H5Pset_fill_value(properties.id(), fill_type, fill_value), what);
  const std::vector<hsize_t> chunk = detail::chunk_shape(dims, element_bytes);
  if (chunk.empty()) return properties;  // no elements: stored contiguous, see chunk_shape()

  errors.check(H5Pset_chunk(properties.id(), static_cast<int>(chunk.size()), chunk.data()), what);
  errors.check(H5Pset_shuffle(properties.id()), what);
  if (compression_level > 0) {
    errors.check(H5Pset_deflate(properties.id(), static_cast<unsigned>(compression_level)), what);
  }
  errors.check(H5Pset_fletcher32(properties.id()), what);
  return properties;
}

detail::Dataset create_per_replicate_dataset(const ErrorContext& errors, hid_t file,
                                             const std::string& path, hid_t file_type,
                                             const std::vector<hsize_t>& dims,
                                             const detail::PropertyList& properties) {
  const detail::Dataspace space = detail::simple_space(errors, dims);
  return detail::Dataset(errors.check(H5Dcreate2(file, path.c_str(), file_type, space.id(),
                                                 H5P_DEFAULT, properties.id(), H5P_DEFAULT),
                                      "create dataset " + path));
}

// Writes the slab at replicate index `index`: all of `dims` except the first axis. `replicate`
// names it in error messages ("replicate 17").
void write_replicate_slab(const ErrorContext& errors, const detail::Dataset& dataset,
                          const std::string& path, const std::vector<hsize_t>& dims, hsize_t index,
                          const std::string& replicate, hid_t memory_type, const void* values) {
  const hsize_t elements = element_count(dims, 1);
  if (elements == 0) return;  // HDF5 rejects an empty selection; there is nothing to store

  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = index;
  count[0] = 1;
  const std::string what = "write " + replicate + " to " + path;
  const detail::Dataspace file_space(errors.check(H5Dget_space(dataset.id()), what));
  errors.check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr,
                                   count.data(), nullptr),
               what);
  const detail::Dataspace memory_space = detail::simple_space(errors, {elements});
  errors.check(
      H5Dwrite(dataset.id(), memory_type, memory_space.id(), file_space.id(), H5P_DEFAULT, values),
      what);
}

void set_scale(const ErrorContext& errors, const detail::Dataset& coordinate,
               const std::string& path, const std::string& dimension) {
  errors.check(H5DSset_scale(coordinate.id(), dimension.c_str()),
               "make " + path + " the dimension scale of " + dimension);
}

void attach_scale(const ErrorContext& errors, const detail::Dataset& dataset,
                  const std::string& path, const detail::Dataset& scale,
                  const std::string& dimension, unsigned axis) {
  errors.check(
      H5DSattach_scale(dataset.id(), scale.id(), axis),
      "attach dimension " + dimension + " to axis " + std::to_string(axis) + " of " + path);
}

void describe(const ErrorContext& errors, hid_t object, const std::string& path,
              const std::string& long_name, const std::string& units = "") {
  detail::write_string_attribute(errors, object, path, "long_name", long_name);
  if (!units.empty()) detail::write_string_attribute(errors, object, path, "units", units);
}

}  // namespace

struct H5Writer::Impl {
  // One open per-replicate counter dataset, with its full shape.
  struct Counter {
    const CounterDataset* layout;
    std::string path;
    std::vector<hsize_t> dims;
    detail::Dataset dataset;
  };

  Impl(std::filesystem::path final, std::filesystem::path partial)
      : final_path(std::move(final)),
        partial_path(std::move(partial)),
        errors(partial_path.string()) {}

  void create_file();
  void write_root_attributes(const RunDescription& run);
  // Creates the coordinates and returns the dimension scales by dimension name.
  std::map<std::string, detail::Dataset, std::less<>> write_coordinates(const RunDescription& run);
  void create_counters(const RunDescription& run, int compression_level,
                       const std::map<std::string, detail::Dataset, std::less<>>& scales);
  void write_scenario(const RunDescription& run);
  void write_provenance(const RunDescription& run, int compression_level);
  void flush(const std::string& why) const {
    errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush " + why);
  }
  void close_all();

  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  ErrorContext errors;
  std::uint64_t replicate_begin = 0;
  std::uint64_t replicate_end = 0;
  std::vector<bool> written;  // by replicate index
  bool closed = false;

  // The file is declared before the objects in it, so that it is closed after them.
  detail::File file;
  detail::Group provenance;
  std::vector<Counter> counters;
  detail::Dataset replicate_wall_seconds;
  detail::Dataset replicate_done;
};

void H5Writer::Impl::create_file() {
  const detail::PropertyList access(errors.check(H5Pcreate(H5P_FILE_ACCESS), "create file access"));
  // Lock the file against a second writer, but carry on where the file system has no locks
  // (common on cluster file systems), instead of failing every run there.
  errors.check(H5Pset_file_locking(access.id(), true, true), "set file locking");
  // Default creation properties and library version bounds: files with H5F_LIBVER_LATEST or SWMR
  // cannot be reopened after a kill with HDF5 1.10 (DESIGN.md, Storage rules).
  file = detail::File(errors.check(
      H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()), "create the file"));
}

void H5Writer::Impl::write_root_attributes(const RunDescription& run) {
  const detail::Group root(errors.check(H5Gopen2(file.id(), "/", H5P_DEFAULT), "open /"));
  const hid_t id = root.id();
  const std::string path = "/";
  detail::write_string_attribute(errors, id, path, "format", std::string(format_name));
  detail::write_number_attribute<std::int32_t>(errors, id, path, "format_version", format_version);
  detail::write_string_attribute(errors, id, path, "tumen_version", run.tumen_version);
  detail::write_string_attribute(errors, id, path, "rng", run.rng_scheme);
  detail::write_string_attribute(errors, id, path, "scenario_name", run.scenario_name);
  detail::write_string_attribute(errors, id, path, "scenario_hash", run.scenario_hash);
  detail::write_number_attribute<std::uint64_t>(errors, id, path, "seed", run.seed);
  detail::write_number_attribute<std::uint64_t>(errors, id, path, "replicate_total",
                                                run.replicate_total);
  detail::write_string_attribute(
      errors, id, path, "replicate_range",
      std::to_string(run.replicate_begin) + ":" + std::to_string(run.replicate_end));
  detail::write_string_attribute(errors, id, path, "start_date", run.start_date);
  detail::write_string_attribute(errors, id, path, "end_date", run.end_date);
  detail::write_string_attribute(errors, id, path, "period", to_string(run.period));
}

std::map<std::string, detail::Dataset, std::less<>> H5Writer::Impl::write_coordinates(
    const RunDescription& run) {
  const hid_t id = file.id();
  std::map<std::string, detail::Dataset, std::less<>> scales;

  std::vector<std::int64_t> replicates;
  for (std::uint64_t replicate = run.replicate_begin; replicate < run.replicate_end; ++replicate) {
    replicates.push_back(static_cast<std::int64_t>(replicate));
  }
  scales["replicate"] = detail::write_number_dataset(errors, id, "/replicate", replicates);
  describe(errors, scales["replicate"].id(), "/replicate", "replicate number");

  scales["time"] = detail::write_number_dataset(errors, id, "/time", run.period_start_days);
  describe(errors, scales["time"].id(), "/time", "start of the period",
           "days since " + run.start_date);
  // CF: the calendar is proleptic Gregorian, ISO 8601's; xarray decodes /time to datetime64.
  detail::write_string_attribute(errors, scales["time"].id(), "/time", "calendar",
                                 "proleptic_gregorian");

  const std::pair<const char*, const std::vector<std::string>*> labels[] = {
      {"location", &run.locations}, {"destination", &run.destinations},
      {"event", &run.events},       {"state", &run.states},
      {"sex", &run.sexes},          {"route", &run.routes},
  };
  const std::map<std::string, std::string, std::less<>> long_names = {
      {"location", "place"}, {"destination", "destination place"},
      {"event", "event"},    {"state", "state of a person"},
      {"sex", "sex"},        {"route", "route between two places (FROM->TO)"},
  };
  for (const auto& [dimension, names] : labels) {
    const std::string path = std::string("/") + dimension;
    scales[dimension] = detail::write_string_dataset(errors, id, path, *names);
    describe(errors, scales[dimension].id(), path, long_names.find(dimension)->second);
  }

  std::vector<std::int32_t> years_abroad;
  for (int years = 0; years <= run.years_abroad_max; ++years) years_abroad.push_back(years);
  scales["years_abroad"] = detail::write_number_dataset(errors, id, "/years_abroad", years_abroad);
  describe(errors, scales["years_abroad"].id(), "/years_abroad",
           "whole years since the first departure (the last value means that many or more)",
           "years");

  for (const auto& [dimension, scale] : scales)
    set_scale(errors, scale, "/" + dimension, dimension);

  // Properties of each location, labelled by it; the location datasets name them in their CF
  // "coordinates" attribute, so that xarray carries them along as coordinates.
  const std::pair<const char*, const std::vector<std::string>*> location_properties[] = {
      {"location_kind", &run.location_kinds}, {"location_country", &run.location_countries}};
  for (const auto& [name, values] : location_properties) {
    const std::string path = std::string("/") + name;
    const detail::Dataset property = detail::write_string_dataset(errors, id, path, *values);
    describe(errors, property.id(), path,
             std::string(name) == "location_kind" ? "kind of place" : "country of the place");
    attach_scale(errors, property, path, scales["location"], "location", 0);
  }
  return scales;
}

void H5Writer::Impl::create_counters(
    const RunDescription& run, int compression_level,
    const std::map<std::string, detail::Dataset, std::less<>>& scales) {
  const DimensionSizes sizes = dimension_sizes(run);
  const std::int64_t no_count = 0;
  for (const CounterDataset& layout : counter_datasets()) {
    Counter counter{&layout, std::string("/") + layout.name, {}, {}};
    for (const std::string& dimension : layout.dims) {
      counter.dims.push_back(sizes.find(dimension)->second);
    }
    const detail::PropertyList properties =
        per_replicate_properties(errors, counter.path, counter.dims, sizeof(std::int64_t),
                                 compression_level, H5T_NATIVE_INT64, &no_count);
    counter.dataset = create_per_replicate_dataset(errors, file.id(), counter.path, H5T_STD_I64LE,
                                                   counter.dims, properties);
    describe(errors, counter.dataset.id(), counter.path, layout.long_name, layout.units);
    for (unsigned axis = 0; axis < layout.dims.size(); ++axis) {
      const std::string& dimension = layout.dims[axis];
      attach_scale(errors, counter.dataset, counter.path, scales.find(dimension)->second, dimension,
                   axis);
    }
    if (std::find(layout.dims.begin(), layout.dims.end(), "location") != layout.dims.end()) {
      detail::write_string_attribute(errors, counter.dataset.id(), counter.path, "coordinates",
                                     "location_kind location_country");
    }
    counters.push_back(std::move(counter));
  }

  const std::vector<hsize_t> replicate_dims = {run.replicate_count()};
  const std::uint8_t not_done = 0;
  const detail::PropertyList properties =
      per_replicate_properties(errors, "/replicate_done", replicate_dims, sizeof(std::uint8_t),
                               compression_level, H5T_NATIVE_UINT8, &not_done);
  replicate_done = create_per_replicate_dataset(errors, file.id(), "/replicate_done", H5T_STD_U8LE,
                                                replicate_dims, properties);
  describe(errors, replicate_done.id(), "/replicate_done",
           "1 once the replicate is completely written, else 0");
  attach_scale(errors, replicate_done, "/replicate_done", scales.find("replicate")->second,
               "replicate", 0);
}

void H5Writer::Impl::write_scenario(const RunDescription& run) {
  const hid_t id = file.id();
  const detail::Group scenario = detail::create_group(errors, id, "/scenario");
  describe(errors, scenario.id(), "/scenario", "the resolved scenario");

  // Each list is a dimension scale of its own group, with its companion labelled by it, so that
  // xarray.open_dataset(path, group="scenario") reads the group as a labelled dataset.
  std::vector<std::string> paths;
  std::vector<std::string> texts;
  for (const ScenarioFile& scenario_file : run.scenario_files) {
    paths.push_back(scenario_file.path);
    texts.push_back(scenario_file.text);
  }
  const detail::Dataset file_paths =
      detail::write_string_dataset(errors, id, "/scenario/file", paths);
  describe(errors, file_paths.id(), "/scenario/file", "scenario file (TOML or CSV), in load order");
  set_scale(errors, file_paths, "/scenario/file", "file");
  const detail::Dataset file_texts =
      detail::write_string_dataset(errors, id, "/scenario/file_text", texts);
  describe(errors, file_texts.id(), "/scenario/file_text", "the exact text of the file");
  attach_scale(errors, file_texts, "/scenario/file_text", file_paths, "file", 0);

  const detail::Dataset set_overrides =
      detail::write_string_dataset(errors, id, "/scenario/set", run.set_overrides);
  describe(errors, set_overrides.id(), "/scenario/set", "--set KEY=VALUE arguments, in order");
  set_scale(errors, set_overrides, "/scenario/set", "set");

  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const auto& [name, value] : run.effective_parameters) {
    names.push_back(name);
    values.push_back(value);
  }
  const detail::Dataset parameter_names =
      detail::write_string_dataset(errors, id, "/scenario/parameter", names);
  describe(errors, parameter_names.id(), "/scenario/parameter", "effective parameter");
  set_scale(errors, parameter_names, "/scenario/parameter", "parameter");
  const detail::Dataset parameter_values =
      detail::write_string_dataset(errors, id, "/scenario/parameter_value", values);
  describe(errors, parameter_values.id(), "/scenario/parameter_value",
           "value of the effective parameter, as text");
  attach_scale(errors, parameter_values, "/scenario/parameter_value", parameter_names, "parameter",
               0);
}

void H5Writer::Impl::write_provenance(const RunDescription& run, int compression_level) {
  provenance = detail::create_group(errors, file.id(), "/provenance");
  const hid_t id = provenance.id();
  const std::string path = "/provenance";
  detail::write_string_attribute(errors, id, path, "created_utc", run.created_utc);
  detail::write_string_attribute(errors, id, path, "host", run.host);
  detail::write_string_attribute(errors, id, path, "command_line", run.command_line);
  detail::write_string_attribute(errors, id, path, "git_commit", run.git_commit);
  detail::write_string_attribute(errors, id, path, "compiler", run.compiler);
  detail::write_string_attribute(errors, id, path, "hdf5_version", hdf5_library_version());

  const std::string wall_path = "/provenance/replicate_wall_seconds";
  const std::vector<hsize_t> dims = {run.replicate_count()};
  // NaN until written: a replicate that never ran has no wall time, and 0 would look like one.
  const double unknown = std::numeric_limits<double>::quiet_NaN();
  const detail::PropertyList properties = per_replicate_properties(
      errors, wall_path, dims, sizeof(double), compression_level, H5T_NATIVE_DOUBLE, &unknown);
  replicate_wall_seconds =
      create_per_replicate_dataset(errors, file.id(), wall_path, H5T_IEEE_F64LE, dims, properties);
  // "s", not "seconds": xarray would decode "seconds" into timedelta64.
  describe(errors, replicate_wall_seconds.id(), wall_path,
           "wall-clock time to simulate the replicate", "s");
  // The provenance has its own replicate scale: attached to the root /replicate, this dataset
  // would appear in /replicate's REFERENCE_LIST, and `h5diff --exclude-path /provenance` would
  // follow that reference into the wall times, which differ between identical runs.
  std::vector<std::int64_t> replicates;
  for (auto r = run.replicate_begin; r < run.replicate_end; ++r) replicates.push_back(static_cast<std::int64_t>(r));
  const detail::Dataset own_scale =
      detail::write_number_dataset(errors, id, "/provenance/replicate", replicates);
  describe(errors, own_scale.id(), "/provenance/replicate", "replicate number");
  set_scale(errors, own_scale, "/provenance/replicate", "replicate");
  attach_scale(errors, replicate_wall_seconds, wall_path, own_scale, "replicate", 0);
}

void H5Writer::Impl::close_all() {
  closed = true;
  replicate_done.reset();
  replicate_wall_seconds.reset();
  counters.clear();
  provenance.reset();
  // Closing the file writes the last metadata, so its failure is a failure of the run.
  errors.check(file.close(), "close the file");
}

H5Writer::H5Writer(std::filesystem::path final_path, const RunDescription& run,
                   WriterOptions options) {
  detail::silence_hdf5_error_printing();
  std::filesystem::path partial_path = final_path;
  partial_path += partial_suffix;
  impl_ = std::make_unique<Impl>(std::move(final_path), std::move(partial_path));
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;

  if (options.compression_level < 0 || options.compression_level > 9) {
    errors.fail("compression level must be 0 to 9, not " +
                std::to_string(options.compression_level));
  }
  if (options.compression_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
    errors.fail("this HDF5 library has no gzip (deflate) filter; use compression level 0");
  }
  check_run_description(errors, run);
  writer.replicate_begin = run.replicate_begin;
  writer.replicate_end = run.replicate_end;
  writer.written.assign(run.replicate_count(), false);

  writer.create_file();
  try {
    writer.write_root_attributes(run);
    const auto scales = writer.write_coordinates(run);
    writer.create_counters(run, options.compression_level, scales);
    writer.write_scenario(run);
    writer.write_provenance(run, options.compression_level);
    // A run killed before its first replicate still leaves a readable file.
    writer.flush("the new file");
  } catch (...) {
    // A file without its coordinates cannot hold a replicate or be resumed: remove it rather
    // than leave a .partial that looks like an interrupted run.
    const std::filesystem::path created = writer.partial_path;
    impl_.reset();
    std::error_code ignored;
    std::filesystem::remove(created, ignored);
    throw;
  }
}

H5Writer::~H5Writer() {
  if (impl_) detail::silence_hdf5_error_printing();
}

H5Writer::H5Writer(H5Writer&&) noexcept = default;
H5Writer& H5Writer::operator=(H5Writer&&) noexcept = default;

const std::filesystem::path& H5Writer::final_path() const {
  return impl_->final_path;
}
const std::filesystem::path& H5Writer::partial_path() const {
  return impl_->partial_path;
}

void H5Writer::write(const ReplicateResult& result) {
  detail::silence_hdf5_error_printing();
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;
  const std::string replicate = "replicate " + std::to_string(result.replicate);

  if (writer.closed) errors.fail("cannot write " + replicate + ": the file is already finished");
  if (result.replicate < writer.replicate_begin || result.replicate >= writer.replicate_end) {
    errors.fail(replicate + " is outside this file's range " +
                std::to_string(writer.replicate_begin) + ":" +
                std::to_string(writer.replicate_end));
  }
  const hsize_t index = result.replicate - writer.replicate_begin;
  if (writer.written[index]) errors.fail(replicate + " was already written");

  // Check every array before writing any, so that a bad result leaves the file untouched.
  for (const Impl::Counter& counter : writer.counters) {
    const std::vector<std::int64_t>& values = result.*(counter.layout->values);
    const hsize_t expected = element_count(counter.dims, 1);
    if (values.size() != expected) {
      std::string shape;
      for (std::size_t axis = 1; axis < counter.dims.size(); ++axis) {
        if (!shape.empty()) shape += " x ";
        shape += counter.layout->dims[axis] + " " + std::to_string(counter.dims[axis]);
      }
      errors.fail(replicate + ": " + counter.layout->name + " has " +
                  std::to_string(values.size()) + " values, expected " + std::to_string(expected) +
                  " (" + shape + ")");
    }
  }

  for (const Impl::Counter& counter : writer.counters) {
    write_replicate_slab(errors, counter.dataset, counter.path, counter.dims, index, replicate,
                         H5T_NATIVE_INT64, (result.*(counter.layout->values)).data());
  }
  const std::vector<hsize_t> replicate_dims = {writer.written.size()};
  write_replicate_slab(errors, writer.replicate_wall_seconds, "/provenance/replicate_wall_seconds",
                       replicate_dims, index, replicate, H5T_NATIVE_DOUBLE, &result.wall_seconds);
  // The order that survives a kill (DESIGN.md, Storage rules): the flag is set only once the
  // data it vouches for is in the file.
  writer.flush("the data of " + replicate);
  const std::uint8_t done = 1;
  write_replicate_slab(errors, writer.replicate_done, "/replicate_done", replicate_dims, index,
                       replicate, H5T_NATIVE_UINT8, &done);
  writer.flush("replicate_done of " + replicate);
  writer.written[index] = true;
}

void H5Writer::finish() {
  detail::silence_hdf5_error_printing();
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;
  if (writer.closed) errors.fail("finish() was called twice");

  std::vector<std::uint64_t> missing;
  for (std::size_t index = 0; index < writer.written.size(); ++index) {
    if (!writer.written[index]) missing.push_back(writer.replicate_begin + index);
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t shown = 0; shown < missing.size() && shown < 10; ++shown) {
      list += (shown == 0 ? "" : ", ") + std::to_string(missing[shown]);
    }
    if (missing.size() > 10) list += ", ...";
    errors.fail("cannot finish: " + std::to_string(missing.size()) + " of " +
                std::to_string(writer.written.size()) +
                " replicates were never written (replicates " + list + ")");
  }

  detail::write_string_attribute(errors, writer.provenance.id(), "/provenance", "finished_utc",
                                 utc_now());
  writer.flush("the finished file");
  writer.close_all();

  std::error_code failure;
  std::filesystem::rename(writer.partial_path, writer.final_path, failure);
  if (failure) {
    errors.fail("cannot rename to " + writer.final_path.string() + ": " + failure.message());
  }
}

}  // namespace tumen::output
