#include "tumen/output/h5_writer.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "detail/chunk_encoder.hpp"
#include "detail/chunk_shape.hpp"
#include "detail/coordinates.hpp"
#include "detail/counter_layout.hpp"
#include "detail/file_access.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "detail/replicate_packet.hpp"
#include "detail/summary_group.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/run_identity.hpp"
#include "tumen/utc_time.hpp"

namespace tumen::output {

namespace {

using detail::CounterDataset;
using detail::ErrorContext;

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

void check_options(const ErrorContext& errors, WriterOptions& options) {
  if (options.compression_level < 0 || options.compression_level > 9) {
    errors.fail("compression level must be 0 to 9, not " +
                std::to_string(options.compression_level));
  }
  if (options.compression_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
    errors.fail("this HDF5 library has no gzip (deflate) filter; use compression level 0");
  }
  try {
    options.outputs = normalise_outputs(options.outputs);
  } catch (const std::invalid_argument& bad) {
    errors.fail(std::string("outputs: ") + bad.what());
  }
  if (options.summary_only &&
      std::none_of(options.outputs.begin(), options.outputs.end(),
                   [](const std::string& name) { return is_summarised(name); })) {
    errors.fail(
        "a summary-only run needs at least one of events, arrivals, stocks and occupancy among "
        "its outputs");
  }
  if (options.summary_only && options.before_rename) {
    errors.fail("a summary-only run has no before_rename step");
  }
  options.summary_memory_bytes = std::max<std::size_t>(options.summary_memory_bytes, 1);
  if (!options.group.empty() && (options.group.front() != '/' || options.group == "/")) {
    errors.fail("group \"" + options.group + "\" must be an absolute path below the root");
  }
  if (!options.group.empty() && options.summary_only) {
    errors.fail("a summary-only run cannot be written into a group");
  }
}

// The counters the working file holds: the selected ones, and of those only the summarised ones
// in a summary-only run (the others would be thrown away unread).
std::vector<const CounterDataset*> stored_counters(const WriterOptions& options) {
  std::vector<const CounterDataset*> stored;
  for (const CounterDataset& layout : detail::counter_datasets()) {
    const bool selected = std::find(options.outputs.begin(), options.outputs.end(), layout.name) !=
                          options.outputs.end();
    if (selected && (!options.summary_only || is_summarised(layout.name))) {
      stored.push_back(&layout);
    }
  }
  return stored;
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

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (std::size_t axis = 0; axis < dims.size(); ++axis) {
    text += (axis == 0 ? "" : ", ") + std::to_string(dims[axis]);
  }
  return text + "]";
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

// Access properties of a per-replicate dataset: no chunk cache. Each chunk is written once and
// read once per pass of the summary, never again soon after, so a cache would only hold up to
// 1 MiB per dataset of chunks that are done with, and make memory grow with the first
// replicates of a run.
detail::PropertyList per_replicate_access(const ErrorContext& errors, const std::string& path) {
  detail::PropertyList access(
      errors.check(H5Pcreate(H5P_DATASET_ACCESS), "create the access properties of " + path));
  errors.check(H5Pset_chunk_cache(access.id(), 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
               "turn off the chunk cache of " + path);
  return access;
}

detail::Dataset create_per_replicate_dataset(const ErrorContext& errors, hid_t file,
                                             const std::string& path, hid_t file_type,
                                             const std::vector<hsize_t>& dims,
                                             const detail::PropertyList& properties) {
  const detail::Dataspace space = detail::simple_space(errors, dims);
  const detail::PropertyList access = per_replicate_access(errors, path);
  return detail::Dataset(
      errors.check(H5Dcreate2(file, detail::relative_path(path).c_str(), file_type, space.id(),
                              H5P_DEFAULT, properties.id(), access.id()),
                   "create dataset " + path));
}

// Selects replicates [index, index + count) of a per-replicate dataset: every axis but the first
// whole.
detail::Dataspace select_replicates(const ErrorContext& errors, hid_t dataset,
                                    const std::vector<hsize_t>& dims, hsize_t index, hsize_t count,
                                    const std::string& what) {
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> size = dims;
  start[0] = index;
  size[0] = count;
  detail::Dataspace file_space(errors.check(H5Dget_space(dataset), what));
  errors.check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr,
                                   size.data(), nullptr),
               what);
  return file_space;
}

// The memory space of `count` replicates, shaped as in the file: HDF5 copies a selection into a
// buffer of the same shape by whole rows, but one of another shape element by element, which made
// writing several times slower.
detail::Dataspace slab_space(const ErrorContext& errors, std::vector<hsize_t> dims, hsize_t count) {
  dims[0] = count;
  return detail::simple_space(errors, dims);
}

// Writes `count` replicates from replicate index `index`: every axis of `dims` but the first.
// `replicate` names them in error messages ("replicate 17").
void write_replicate_slab(const ErrorContext& errors, const detail::Dataset& dataset,
                          const std::string& path, const std::vector<hsize_t>& dims, hsize_t index,
                          const std::string& replicate, hid_t memory_type, const void* values,
                          hsize_t count = 1) {
  const hsize_t elements = element_count(dims, 1) * count;
  if (elements == 0) return;  // HDF5 rejects an empty selection; there is nothing to store
  const std::string what = "write " + replicate + " to " + path;
  const detail::Dataspace file_space =
      select_replicates(errors, dataset.id(), dims, index, count, what);
  const detail::Dataspace memory_space = slab_space(errors, dims, count);
  errors.check(
      H5Dwrite(dataset.id(), memory_type, memory_space.id(), file_space.id(), H5P_DEFAULT, values),
      what);
}

// Reads replicate index `index` of a per-replicate dataset into `buffer`. False when HDF5 cannot,
// which for a chunk torn by a kill is its Fletcher-32 checksum failing.
bool read_replicate_slab(const ErrorContext& errors, const detail::Dataset& dataset,
                         const std::vector<hsize_t>& dims, hsize_t index, hid_t memory_type,
                         void* buffer) {
  const hsize_t elements = element_count(dims, 1);
  if (elements == 0) return true;
  const detail::Dataspace file_space =
      select_replicates(errors, dataset.id(), dims, index, 1, "select a replicate");
  const detail::Dataspace memory_space = slab_space(errors, dims, 1);
  const bool read = H5Dread(dataset.id(), memory_type, memory_space.id(), file_space.id(),
                            H5P_DEFAULT, buffer) >= 0;
  if (!read) (void)detail::take_innermost_hdf5_message();  // clears the stack
  return read;
}

// Whether another process holds HDF5's lock (flock) on an existing file: replacing the file
// under it would silently drop everything it writes from then on.
bool locked_by_another_process(const std::filesystem::path& path) {
  const int descriptor = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return false;
  const bool locked = flock(descriptor, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(descriptor);  // also releases our probe's lock
  return locked;
}

detail::File create_file(const ErrorContext& errors, const std::filesystem::path& path) {
  const detail::PropertyList access = detail::file_access(errors);
  // Default creation properties and library version bounds: files with H5F_LIBVER_LATEST or SWMR
  // cannot be reopened after a kill with HDF5 1.10 (DESIGN.md, Storage rules).
  return detail::File(errors.check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()),
                                   "create the file"));
}

bool object_exists(const ErrorContext& errors, hid_t file, const std::string& path) {
  return errors.check(H5LTpath_valid(file, detail::relative_path(path).c_str(), true),
                      "look up " + path) > 0;
}

void replace_string_attribute(const ErrorContext& errors, hid_t object, const std::string& path,
                              const std::string& name, const std::string& value) {
  if (errors.check(H5Aexists(object, name.c_str()), "look up attribute " + name) > 0) {
    errors.check(H5Adelete(object, name.c_str()), "delete attribute " + name + " of " + path);
  }
  detail::write_string_attribute(errors, object, path, name, value);
}

// A per-replicate counter dataset open in a file, with its full shape.
struct Counter {
  const CounterDataset* layout;
  std::string path;
  std::vector<hsize_t> dims;
  detail::Dataset dataset;
  detail::ChunkPipeline pipeline;  // how its chunks are stored: prepare() encodes them alike
};

// The chunks prepare() encoded, counter by counter in layout order, for the writer that made them.
struct PreparedReplicate {
  const void* writer = nullptr;
  std::vector<std::vector<detail::EncodedChunk>> counters;
};

// The objects of a file that change while replicates arrive.
struct Layout {
  detail::Group provenance;
  std::vector<Counter> counters;
  std::vector<hsize_t> replicate_dims;
  detail::Dataset replicate_wall_seconds;
  detail::Dataset replicate_done;
};

using Attributes = std::vector<std::pair<std::string, std::string>>;

Attributes provenance_of(const RunDescription& run) {
  return {{"created_utc", run.created_utc},   {"host", run.host},
          {"command_line", run.command_line}, {"git_commit", run.git_commit},
          {"compiler", run.compiler},         {"hdf5_version", hdf5_library_version()}};
}

void write_root_attributes(const ErrorContext& errors, hid_t file, const RunDescription& run,
                           const WriterOptions& options) {
  const detail::Group root(errors.check(H5Gopen2(file, ".", H5P_DEFAULT), "open /"));
  const hid_t id = root.id();
  const std::string path = "/";
  detail::write_string_attribute(errors, id, path, "format", std::string(format_name));
  detail::write_number_attribute<std::int32_t>(errors, id, path, "format_version", format_version);
  detail::write_string_attribute(errors, id, path, "tumen_version", run.tumen_version);
  detail::write_string_attribute(errors, id, path, "rng", run.rng_scheme);
  if (run.sweep_point) {
    detail::write_number_attribute<std::uint64_t>(errors, id, path, "sweep_point",
                                                  *run.sweep_point);
  }
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
  detail::write_string_attribute(errors, id, path, "outputs", join_outputs(options.outputs));
  detail::write_number_attribute<std::uint8_t>(errors, id, path, "summary_only",
                                               options.summary_only ? 1 : 0);
}

void write_scenario(const ErrorContext& errors, hid_t id, const RunDescription& run) {
  const detail::Group scenario = detail::create_group(errors, id, "/scenario");
  detail::describe(errors, scenario.id(), "/scenario", "the resolved scenario");

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
  detail::describe(errors, file_paths.id(), "/scenario/file",
                   "scenario file (TOML or CSV), in load order");
  detail::set_scale(errors, file_paths, "/scenario/file", "file");
  const detail::Dataset file_texts =
      detail::write_string_dataset(errors, id, "/scenario/file_text", texts);
  detail::describe(errors, file_texts.id(), "/scenario/file_text", "the exact text of the file");
  detail::attach_scale(errors, file_texts, "/scenario/file_text", file_paths, "file", 0);

  const detail::Dataset set_overrides =
      detail::write_string_dataset(errors, id, "/scenario/set", run.set_overrides);
  detail::describe(errors, set_overrides.id(), "/scenario/set",
                   "--set KEY=VALUE arguments, in order");
  detail::set_scale(errors, set_overrides, "/scenario/set", "set");

  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const auto& [name, value] : run.effective_parameters) {
    names.push_back(name);
    values.push_back(value);
  }
  const detail::Dataset parameter_names =
      detail::write_string_dataset(errors, id, "/scenario/parameter", names);
  detail::describe(errors, parameter_names.id(), "/scenario/parameter", "effective parameter");
  detail::set_scale(errors, parameter_names, "/scenario/parameter", "parameter");
  const detail::Dataset parameter_values =
      detail::write_string_dataset(errors, id, "/scenario/parameter_value", values);
  detail::describe(errors, parameter_values.id(), "/scenario/parameter_value",
                   "value of the effective parameter, as text");
  detail::attach_scale(errors, parameter_values, "/scenario/parameter_value", parameter_names,
                       "parameter", 0);
}

// Writes everything a file holds before its first replicate: root attributes, coordinates, the
// (empty) per-replicate datasets of `counters`, replicate_done, /scenario and /provenance.
Layout create_layout(const ErrorContext& errors, hid_t file, const RunDescription& run,
                     const WriterOptions& options,
                     const std::vector<const CounterDataset*>& counters,
                     const Attributes& provenance) {
  write_root_attributes(errors, file, run, options);
  const detail::Scales scales =
      detail::write_coordinates(errors, file, "", run,
                                {"replicate", "time", "location", "destination", "event", "state",
                                 "sex", "route", "years_abroad"});

  Layout layout;
  const std::int64_t no_count = 0;
  for (const CounterDataset* counter_layout : counters) {
    Counter counter{counter_layout,
                    std::string("/") + counter_layout->name,
                    detail::counter_shape(*counter_layout, run),
                    {},
                    {}};
    const detail::PropertyList properties =
        per_replicate_properties(errors, counter.path, counter.dims, sizeof(std::int64_t),
                                 options.compression_level, H5T_NATIVE_INT64, &no_count);
    counter.dataset = create_per_replicate_dataset(errors, file, counter.path, H5T_STD_I64LE,
                                                   counter.dims, properties);
    counter.pipeline = detail::read_chunk_pipeline(counter.dataset.id());
    detail::describe(errors, counter.dataset.id(), counter.path, counter_layout->long_name,
                     counter_layout->units);
    const std::vector<std::string>& dims = counter_layout->dims;
    for (unsigned axis = 0; axis < dims.size(); ++axis) {
      detail::attach_scale(errors, counter.dataset, counter.path, scales.find(dims[axis])->second,
                           dims[axis], axis);
    }
    if (std::find(dims.begin(), dims.end(), "location") != dims.end()) {
      detail::write_string_attribute(errors, counter.dataset.id(), counter.path, "coordinates",
                                     "location_kind location_country");
    }
    layout.counters.push_back(std::move(counter));
  }

  layout.replicate_dims = {run.replicate_count()};
  const std::uint8_t not_done = 0;
  const detail::PropertyList done_properties = per_replicate_properties(
      errors, "/replicate_done", layout.replicate_dims, sizeof(std::uint8_t),
      options.compression_level, H5T_NATIVE_UINT8, &not_done);
  layout.replicate_done = create_per_replicate_dataset(
      errors, file, "/replicate_done", H5T_STD_U8LE, layout.replicate_dims, done_properties);
  detail::describe(errors, layout.replicate_done.id(), "/replicate_done",
                   "1 once the replicate is completely written, else 0");
  detail::attach_scale(errors, layout.replicate_done, "/replicate_done",
                       scales.find("replicate")->second, "replicate", 0);

  write_scenario(errors, file, run);

  layout.provenance = detail::create_group(errors, file, "/provenance");
  const hid_t id = layout.provenance.id();
  for (const auto& [name, value] : provenance) {
    detail::write_string_attribute(errors, id, "/provenance", name, value);
  }
  const std::string wall_path = "/provenance/replicate_wall_seconds";
  // NaN until written: a replicate that never ran has no wall time, and 0 would look like one.
  const double unknown = std::numeric_limits<double>::quiet_NaN();
  const detail::PropertyList wall_properties =
      per_replicate_properties(errors, wall_path, layout.replicate_dims, sizeof(double),
                               options.compression_level, H5T_NATIVE_DOUBLE, &unknown);
  layout.replicate_wall_seconds = create_per_replicate_dataset(
      errors, file, wall_path, H5T_IEEE_F64LE, layout.replicate_dims, wall_properties);
  // "s", not "seconds": xarray would decode "seconds" into timedelta64.
  detail::describe(errors, layout.replicate_wall_seconds.id(), wall_path,
                   "wall-clock time to simulate the replicate", "s");
  // The provenance has its own replicate scale: attached to the root /replicate, this dataset
  // would appear in /replicate's REFERENCE_LIST, and `h5diff --exclude-path /provenance` would
  // follow that reference into the wall times, which differ between identical runs.
  const detail::Scales own_scale =
      detail::write_coordinates(errors, file, "/provenance", run, {"replicate"});
  detail::attach_scale(errors, layout.replicate_wall_seconds, wall_path,
                       own_scale.find("replicate")->second, "replicate", 0);
  return layout;
}

}  // namespace

struct H5Writer::Impl {
  Impl(std::filesystem::path final, const RunDescription& description, WriterOptions writer_options)
      : final_path(std::move(final)),
        partial_path(writer_options.group.empty()
                         ? std::filesystem::path(final_path) += partial_suffix
                         : final_path),
        new_path(std::filesystem::path(final_path) += new_suffix),
        errors(partial_path.string()),
        run(description),
        options(std::move(writer_options)) {}

  void flush(const std::string& why) const {
    errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush " + why);
  }
  // Where the file's layout lives: the file's root, or the group of WriterOptions::group.
  [[nodiscard]] hid_t loc() const { return group.is_open() ? group.id() : file.id(); }
  [[nodiscard]] bool in_group() const { return !options.group.empty(); }

  void close_all() {
    closed = true;
    stop_counting();  // it points into the layout
    layout = Layout{};
    (void)group.close();
    // Closing the file writes the last metadata, so its failure is a failure of the run.
    errors.check(file.close(), "close the file");
  }

  [[noreturn]] void refuse_resume(const std::string& why) const {
    throw ResumeError(partial_path.string() + ": cannot resume: " + why);
  }
  void open_for_resume();
  void open_group_for_writing();
  void open_layout();
  void verify_replicates();
  std::vector<detail::SummaryInput> summary_inputs() const;
  void finish_in_place();
  void finish_summary_only();
  void start_counting();
  void count(const ReplicateResult& result);
  void stop_counting() { std::vector<Tally>().swap(tallies); }

  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  std::filesystem::path new_path;
  ErrorContext errors;
  RunDescription run;
  WriterOptions options;
  std::vector<bool> written;  // by replicate index
  bool closed = false;
  ResumeReport resume_report;
  // /summary's statistics, counted as each replicate is written, for each summarised dataset
  // (detail/cell_histograms.hpp). Empty once a replicate could not be counted (a resumed file's
  // earlier replicates, an MPI packet without raw values, counts beyond summary_memory_bytes):
  // finish() then reads the data back.
  struct Tally {
    const Counter* counter;
    detail::CellHistograms cells;
    std::optional<detail::CellHistograms> totals;  // events and arrivals: each replicate's totals
  };
  std::vector<Tally> tallies;

  // The file is declared before the objects in it, so that it is closed after them.
  detail::File file;
  detail::Group group;  // open only when writing into WriterOptions::group
  Layout layout;
};

void H5Writer::Impl::open_for_resume() {
  std::error_code failure;
  if (!std::filesystem::exists(partial_path, failure)) refuse_resume("there is no such file");
  try {
    const H5Reader reader(partial_path, options.group);
    const std::vector<std::string> differences = identity_differences(reader, run, options);
    if (!differences.empty()) {
      std::string list;
      for (const std::string& difference : differences)
        list += (list.empty() ? "" : "; ") + difference;
      refuse_resume("it was written by a different run (" + list +
                    "); rerun with that run's inputs, or start afresh with --force");
    }
  } catch (const ResumeError&) {
    throw;
  } catch (const OutputError& unreadable) {
    // The reader's message starts with the path, which ours already has.
    std::string reason = unreadable.what();
    const std::string prefix = partial_path.string() + ": ";
    if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
    // A file that a running tumen holds is not to be started afresh: wait for it, or stop it.
    const bool in_use = reason.find("another process") != std::string::npos;
    refuse_resume(reason + (in_use ? "" : "; start afresh with --force"));
  }

  const detail::PropertyList access = detail::file_access(errors);
  file = detail::File(H5Fopen(partial_path.c_str(), H5F_ACC_RDWR, access.id()));
  if (!file.is_open()) {
    const std::string reason = detail::take_innermost_hdf5_message();
    refuse_resume("cannot open it for writing: " + reason +
                  (reason.find("unable to lock file") != std::string::npos
                       ? " (another process, such as a running tumen, is writing it)"
                       : ""));
  }
  if (in_group()) {
    if (!object_exists(errors, file.id(), options.group)) {
      refuse_resume("it has no group " + options.group);
    }
    group = detail::Group(errors.check(H5Gopen2(file.id(), options.group.c_str(), H5P_DEFAULT),
                                       "open " + options.group));
  }
  open_layout();

  // A run killed while finishing may have left a /summary or an end time: both are rewritten.
  if (object_exists(errors, loc(), "/summary")) {
    errors.check(H5Ldelete(loc(), "summary", H5P_DEFAULT), "delete the old /summary");
  }
  if (errors.check(H5Aexists(layout.provenance.id(), "finished_utc"), "look up finished_utc") > 0) {
    errors.check(H5Adelete(layout.provenance.id(), "finished_utc"), "delete the old finished_utc");
  }
  verify_replicates();

  // Who continued the run, and when: one line per resume.
  std::string resumed;
  if (errors.check(H5Aexists(layout.provenance.id(), "resumed"), "look up resumed") > 0) {
    resumed =
        detail::read_string_attribute(errors, layout.provenance.id(), "/provenance", "resumed") +
        "\n";
  }
  resumed += utc_now() + " on " + run.host + ": " + run.command_line;
  replace_string_attribute(errors, layout.provenance.id(), "/provenance", "resumed", resumed);
  flush("the resumed file");
}

// Group mode: the container file exists (its owner made it); the group is created in it, with
// any missing parents. A kill before the flush leaves a group that resume() refuses, and the
// owner then deletes and writes anew.
void H5Writer::Impl::open_group_for_writing() {
  if (locked_by_another_process(final_path)) {
    errors.fail("another process, such as a running tumen, is writing this file");
  }
  const detail::PropertyList access = detail::file_access(errors);
  file = detail::File(H5Fopen(final_path.c_str(), H5F_ACC_RDWR, access.id()));
  if (!file.is_open()) {
    errors.fail("cannot open the file for writing: " + detail::take_innermost_hdf5_message());
  }
  if (object_exists(errors, file.id(), options.group)) {
    errors.fail("it already has a group " + options.group);
  }
  const detail::PropertyList link_creation(
      errors.check(H5Pcreate(H5P_LINK_CREATE), "create link properties"));
  errors.check(H5Pset_create_intermediate_group(link_creation.id(), 1), "create link properties");
  const detail::PropertyList creation =
      detail::object_creation_properties(errors, H5P_GROUP_CREATE);
  group = detail::Group(errors.check(
      H5Gcreate2(file.id(), options.group.c_str(), link_creation.id(), creation.id(), H5P_DEFAULT),
      "create group " + options.group));
  Attributes provenance = provenance_of(run);
  provenance.insert(provenance.end(), options.provenance_notes.begin(),
                    options.provenance_notes.end());
  layout = create_layout(errors, group.id(), run, options, stored_counters(options), provenance);
  start_counting();
  flush("the new group " + options.group);
}

void H5Writer::Impl::open_layout() {
  const auto open = [&](const std::string& path, const std::vector<hsize_t>& expected) {
    if (!object_exists(errors, loc(), path)) {
      refuse_resume("it has no " + path + "; start afresh with --force");
    }
    detail::Dataset dataset(errors.check(H5Dopen2(loc(), detail::relative_path(path).c_str(),
                                                  per_replicate_access(errors, path).id()),
                                         "open " + path));
    const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path));
    std::vector<hsize_t> dims(
        static_cast<std::size_t>(errors.check(H5Sget_simple_extent_ndims(space.id()), path)));
    errors.check(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), "read " + path);
    if (dims != expected) {
      refuse_resume(path + " has the shape " + shape_text(dims) + ", not " + shape_text(expected) +
                    "; start afresh with --force");
    }
    return dataset;
  };
  for (const CounterDataset* counter_layout : stored_counters(options)) {
    Counter counter{counter_layout,
                    std::string("/") + counter_layout->name,
                    detail::counter_shape(*counter_layout, run),
                    {},
                    {}};
    counter.dataset = open(counter.path, counter.dims);
    counter.pipeline = detail::read_chunk_pipeline(counter.dataset.id());
    layout.counters.push_back(std::move(counter));
  }
  layout.replicate_dims = {run.replicate_count()};
  layout.replicate_done = open("/replicate_done", layout.replicate_dims);
  layout.replicate_wall_seconds = open("/provenance/replicate_wall_seconds", layout.replicate_dims);
  layout.provenance =
      detail::Group(errors.check(H5Gopen2(loc(), "provenance", H5P_DEFAULT), "open /provenance"));
}

void H5Writer::Impl::verify_replicates() {
  const std::size_t replicates = written.size();
  std::vector<std::uint8_t> flags(replicates, 0);
  if (replicates > 0 && H5Dread(layout.replicate_done.id(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL,
                                H5P_DEFAULT, flags.data()) < 0) {
    // A torn flag chunk: read the flags one by one, and count an unreadable one as not done.
    (void)detail::take_innermost_hdf5_message();
    for (std::size_t index = 0; index < replicates; ++index) {
      if (!read_replicate_slab(errors, layout.replicate_done, layout.replicate_dims, index,
                               H5T_NATIVE_UINT8, &flags[index])) {
        flags[index] = 2;  // rewritten as 0 below
      }
    }
  }

  std::size_t largest = 1;
  for (const Counter& counter : layout.counters) {
    largest = std::max<std::size_t>(largest, element_count(counter.dims, 1));
  }
  std::vector<std::int64_t> slab(largest);
  double wall_seconds = 0.0;
  for (std::size_t index = 0; index < replicates; ++index) {
    if (flags[index] == 0) continue;
    bool intact = flags[index] == 1 &&
                  read_replicate_slab(errors, layout.replicate_wall_seconds, layout.replicate_dims,
                                      index, H5T_NATIVE_DOUBLE, &wall_seconds);
    for (const Counter& counter : layout.counters) {
      if (!intact) break;
      intact = read_replicate_slab(errors, counter.dataset, counter.dims, index, H5T_NATIVE_INT64,
                                   slab.data());
    }
    const std::uint64_t replicate = run.replicate_begin + index;
    if (intact) {
      written[index] = true;
      ++resume_report.done;
      continue;
    }
    if (flags[index] == 1) resume_report.rerun.push_back(replicate);
    // Not done after all: say so in the file at once, so that a reader of the .partial (or the
    // next resume, should this one be killed too) does not trust it.
    const std::uint8_t not_done = 0;
    write_replicate_slab(errors, layout.replicate_done, "/replicate_done", layout.replicate_dims,
                         index, "replicate " + std::to_string(replicate), H5T_NATIVE_UINT8,
                         &not_done);
  }
}

std::vector<detail::SummaryInput> H5Writer::Impl::summary_inputs() const {
  std::vector<detail::SummaryInput> inputs;
  for (const Counter& counter : layout.counters) {
    if (is_summarised(counter.layout->name)) {
      inputs.push_back({counter.layout, counter.dataset.id(), counter.dims});
    }
  }
  // The counts serve only when they hold every replicate of the file.
  const bool counted = !tallies.empty() && tallies.size() == inputs.size() &&
                       std::all_of(tallies.begin(), tallies.end(), [&](const Tally& tally) {
                         return tally.cells.replicate_count() == run.replicate_count();
                       });
  for (std::size_t i = 0; counted && i < inputs.size(); ++i) {
    inputs[i].counted = &tallies[i].cells;
    if (tallies[i].totals) inputs[i].counted_totals = &*tallies[i].totals;
  }
  return inputs;
}

void H5Writer::Impl::start_counting() {
  stop_counting();
  for (const Counter& counter : layout.counters) {
    if (!is_summarised(counter.layout->name)) continue;
    Tally tally{
        &counter,
        detail::CellHistograms(element_count(counter.dims, 1), options.summary_memory_bytes),
        std::nullopt};
    if (detail::has_run_totals(*counter.layout)) {
      tally.totals.emplace(static_cast<std::size_t>(counter.dims[2]), options.summary_memory_bytes);
    }
    tallies.push_back(std::move(tally));
  }
}

void H5Writer::Impl::count(const ReplicateResult& result) {
  std::size_t bytes = 0;
  std::vector<std::int64_t> totals;
  for (Tally& tally : tallies) {
    const std::vector<std::int64_t>& values = result.*(tally.counter->layout->values);
    // A packet from another MPI rank carries encoded chunks only.
    if (values.size() != element_count(tally.counter->dims, 1) || !tally.cells.add(values.data())) {
      stop_counting();
      return;
    }
    bytes += tally.cells.bytes();
    if (tally.totals) {
      const auto& dims = tally.counter->dims;
      totals.resize(static_cast<std::size_t>(dims[2]));
      detail::run_totals(values.data(), static_cast<std::size_t>(dims[1]),
                         static_cast<std::size_t>(dims[2]), static_cast<std::size_t>(dims[3]),
                         totals.data());
      if (!tally.totals->add(totals.data())) {
        stop_counting();
        return;
      }
      bytes += tally.totals->bytes();
    }
  }
  if (bytes > options.summary_memory_bytes) stop_counting();
}

void H5Writer::Impl::finish_in_place() {
  if (object_exists(errors, loc(), "/summary")) {
    errors.check(H5Ldelete(loc(), "summary", H5P_DEFAULT), "delete the old /summary");
  }
  detail::write_summary_group(errors, loc(), run, summary_inputs(), options.summary_memory_bytes);
  replace_string_attribute(errors, layout.provenance.id(), "/provenance", "finished_utc",
                           utc_now());
  flush("the finished file");
  close_all();
  if (in_group()) return;  // the container's owner decides when the file is complete
  if (options.before_rename) options.before_rename(partial_path);

  std::error_code failure;
  std::filesystem::rename(partial_path, final_path, failure);
  if (failure) {
    errors.fail("cannot rename to " + final_path.string() + ": " + failure.message());
  }
}

void H5Writer::Impl::finish_summary_only() {
  // The final file is built anew beside the working file, without the per-replicate counters,
  // and replaces it once complete.
  const ErrorContext final_errors(new_path.string());
  try {
    Attributes provenance;
    for (const std::string& name :
         detail::attribute_names(errors, layout.provenance.id(), "/provenance")) {
      if (name == "finished_utc") continue;
      provenance.emplace_back(
          name, detail::read_string_attribute(errors, layout.provenance.id(), "/provenance", name));
    }
    detail::File final_file = create_file(final_errors, new_path);
    {
      Layout final_layout =
          create_layout(final_errors, final_file.id(), run, options, {}, provenance);
      // Every replicate is done; their wall times are copied a block at a time. HDF5 keeps some
      // memory for each chunk a call touches, and a chunk holds one replicate: blocks are small.
      constexpr hsize_t block = 256;
      const hsize_t replicates = written.size();
      std::vector<double> wall(static_cast<std::size_t>(std::min(block, replicates)));
      const std::vector<std::uint8_t> done(wall.size(), 1);
      for (hsize_t first = 0; first < replicates; first += block) {
        const hsize_t count = std::min(block, replicates - first);
        const std::string what = "copy the wall times";
        const detail::Dataspace source = select_replicates(
            errors, layout.replicate_wall_seconds.id(), layout.replicate_dims, first, count, what);
        const detail::Dataspace memory = detail::simple_space(errors, {count});
        errors.check(H5Dread(layout.replicate_wall_seconds.id(), H5T_NATIVE_DOUBLE, memory.id(),
                             source.id(), H5P_DEFAULT, wall.data()),
                     what);
        write_replicate_slab(final_errors, final_layout.replicate_wall_seconds,
                             "/provenance/replicate_wall_seconds", final_layout.replicate_dims,
                             first, "replicates", H5T_NATIVE_DOUBLE, wall.data(), count);
        write_replicate_slab(final_errors, final_layout.replicate_done, "/replicate_done",
                             final_layout.replicate_dims, first, "replicates", H5T_NATIVE_UINT8,
                             done.data(), count);
      }
      detail::write_summary_group(errors, final_file.id(), run, summary_inputs(),
                                  options.summary_memory_bytes);
      detail::write_string_attribute(final_errors, final_layout.provenance.id(), "/provenance",
                                     "finished_utc", utc_now());
    }
    final_errors.check(H5Fflush(final_file.id(), H5F_SCOPE_LOCAL), "flush the finished file");
    final_errors.check(final_file.close(), "close the file");
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(new_path, ignored);
    throw;
  }
  close_all();

  std::error_code failure;
  std::filesystem::rename(new_path, final_path, failure);
  if (failure) {
    final_errors.fail("cannot rename to " + final_path.string() + ": " + failure.message());
  }
  // The working file has served its purpose. Should removing it fail, the complete final file
  // still wins: --resume reports it as complete.
  std::filesystem::remove(partial_path, failure);
}

H5Writer::H5Writer(std::filesystem::path final_path, const RunDescription& run,
                   WriterOptions options) {
  detail::silence_hdf5_error_printing();
  detail::limit_hdf5_free_lists();
  impl_ = std::make_unique<Impl>(std::move(final_path), run, std::move(options));
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;
  check_options(errors, writer.options);
  check_run_description(errors, run);
  writer.written.assign(run.replicate_count(), false);
  if (writer.in_group()) {
    writer.open_group_for_writing();
    return;
  }
  std::error_code failure;
  if (std::filesystem::exists(writer.partial_path, failure) &&
      locked_by_another_process(writer.partial_path)) {
    errors.fail("another process, such as a running tumen, is writing this file");
  }

  writer.file = create_file(errors, writer.new_path);
  try {
    Attributes provenance = provenance_of(run);
    provenance.insert(provenance.end(), writer.options.provenance_notes.begin(),
                      writer.options.provenance_notes.end());
    writer.layout = create_layout(errors, writer.file.id(), run, writer.options,
                                  stored_counters(writer.options), provenance);
    writer.start_counting();
    // A run killed before its first replicate still leaves a readable file.
    writer.flush("the new file");
    // Only a complete structure becomes the .partial that --resume continues.
    std::filesystem::rename(writer.new_path, writer.partial_path, failure);
    if (failure) {
      errors.fail("cannot rename " + writer.new_path.string() +
                  " to the .partial file: " + failure.message());
    }
  } catch (...) {
    // A file without its coordinates cannot hold a replicate or be resumed: remove it.
    const std::filesystem::path created = writer.new_path;
    impl_.reset();
    std::error_code ignored;
    std::filesystem::remove(created, ignored);
    throw;
  }
}

H5Writer H5Writer::resume(std::filesystem::path final_path, const RunDescription& run,
                          WriterOptions options) {
  detail::silence_hdf5_error_printing();
  detail::limit_hdf5_free_lists();
  H5Writer writer;
  writer.impl_ = std::make_unique<Impl>(std::move(final_path), run, std::move(options));
  Impl& impl = *writer.impl_;
  check_options(impl.errors, impl.options);
  check_run_description(impl.errors, run);
  impl.written.assign(run.replicate_count(), false);
  impl.open_for_resume();
  return writer;
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

bool H5Writer::has_replicate(std::uint64_t replicate) const {
  const Impl& writer = *impl_;
  return replicate >= writer.run.replicate_begin && replicate < writer.run.replicate_end &&
         writer.written[replicate - writer.run.replicate_begin];
}

std::uint64_t H5Writer::replicates_written() const {
  return static_cast<std::uint64_t>(std::count(impl_->written.begin(), impl_->written.end(), true));
}

const ResumeReport& H5Writer::resume_report() const {
  return impl_->resume_report;
}

void H5Writer::prepare(ReplicateResult& result) const {
  const Impl& writer = *impl_;
  // Reads only what is fixed once the file is open (never `closed`, which finish() sets), so that
  // workers may call it while the writer stores other replicates.
  if (result.replicate < writer.run.replicate_begin ||
      result.replicate >= writer.run.replicate_end) {
    return;
  }
  const hsize_t index = result.replicate - writer.run.replicate_begin;
  auto prepared = std::make_shared<PreparedReplicate>();
  prepared->writer = this;
  for (const Counter& counter : writer.layout.counters) {
    const std::vector<std::int64_t>& values = result.*(counter.layout->values);
    if (!counter.pipeline.encodable || values.size() != element_count(counter.dims, 1)) {
      prepared->counters.emplace_back();  // write() takes the ordinary way
    } else {
      prepared->counters.push_back(
          detail::encode_replicate(values, counter.dims, counter.pipeline, index));
    }
  }
  result.prepared = std::move(prepared);
}

void H5Writer::write(const ReplicateResult& result) {
  detail::silence_hdf5_error_printing();
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;
  const std::string replicate = "replicate " + std::to_string(result.replicate);

  if (writer.closed) errors.fail("cannot write " + replicate + ": the file is already finished");
  if (result.replicate < writer.run.replicate_begin ||
      result.replicate >= writer.run.replicate_end) {
    errors.fail(replicate + " is outside this file's range " +
                std::to_string(writer.run.replicate_begin) + ":" +
                std::to_string(writer.run.replicate_end));
  }
  const hsize_t index = result.replicate - writer.run.replicate_begin;
  if (writer.written[index]) errors.fail(replicate + " was already written");

  // Check every array before writing any, so that a bad result leaves the file untouched.
  const auto* prepared = static_cast<const PreparedReplicate*>(result.prepared.get());
  if (prepared && prepared->writer != this) prepared = nullptr;
  for (std::size_t i = 0; i < writer.layout.counters.size(); ++i) {
    const Counter& counter = writer.layout.counters[i];
    // Encoded chunks have the right size: prepare() and write_packed() checked it.
    if (prepared && !prepared->counters[i].empty()) continue;
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

  for (std::size_t i = 0; i < writer.layout.counters.size(); ++i) {
    const Counter& counter = writer.layout.counters[i];
    if (prepared && !prepared->counters[i].empty()) {
      for (const detail::EncodedChunk& chunk : prepared->counters[i]) {
        errors.check(H5Dwrite_chunk(counter.dataset.id(), H5P_DEFAULT, 0, chunk.offset.data(),
                                    chunk.bytes.size(), chunk.bytes.data()),
                     "write " + replicate + " to " + counter.path);
      }
    } else {
      write_replicate_slab(errors, counter.dataset, counter.path, counter.dims, index, replicate,
                           H5T_NATIVE_INT64, (result.*(counter.layout->values)).data());
    }
  }
  write_replicate_slab(errors, writer.layout.replicate_wall_seconds,
                       "/provenance/replicate_wall_seconds", writer.layout.replicate_dims, index,
                       replicate, H5T_NATIVE_DOUBLE, &result.wall_seconds);
  // The order that survives a kill (DESIGN.md, Storage rules): the flag is set only once the
  // data it vouches for is in the file.
  writer.flush("the data of " + replicate);
  const std::uint8_t done = 1;
  write_replicate_slab(errors, writer.layout.replicate_done, "/replicate_done",
                       writer.layout.replicate_dims, index, replicate, H5T_NATIVE_UINT8, &done);
  writer.flush("replicate_done of " + replicate);
  writer.written[index] = true;
  if (!writer.tallies.empty()) {
    // The replicate is written and marked done: counting it must not turn that into a failure.
    // Without memory for the counts, finish() reads the data back instead.
    try {
      writer.count(result);
    } catch (const std::bad_alloc&) {
      writer.stop_counting();
    }
  }
}

std::vector<unsigned char> H5Writer::encoding_plan() const {
  const Impl& writer = *impl_;
  detail::PacketPlan plan;
  plan.replicate_begin = writer.run.replicate_begin;
  plan.replicate_end = writer.run.replicate_end;
  for (const Counter& counter : writer.layout.counters) {
    plan.counters.push_back(detail::PacketPlan::Counter{
        static_cast<std::size_t>(counter.layout - detail::counter_datasets().data()), counter.dims,
        counter.pipeline});
  }
  return detail::serialize_plan(plan);
}

std::uint64_t H5Writer::write_packed(std::span<const unsigned char> packet) {
  const Impl& writer = *impl_;
  if (writer.closed) writer.errors.fail("cannot write a packet: the file is already finished");
  detail::PacketPlan plan;
  plan.replicate_begin = writer.run.replicate_begin;
  plan.replicate_end = writer.run.replicate_end;
  for (const Counter& counter : writer.layout.counters) {
    plan.counters.push_back(detail::PacketPlan::Counter{0, counter.dims, counter.pipeline});
  }
  detail::UnpackedReplicate unpacked;
  try {
    unpacked = detail::unpack_replicate(plan, packet);
  } catch (const OutputError& e) {
    writer.errors.fail(e.what());
  }
  ReplicateResult result;
  result.replicate = unpacked.replicate;
  result.wall_seconds = unpacked.wall_seconds;
  auto prepared = std::make_shared<PreparedReplicate>();
  prepared->writer = this;
  prepared->counters = std::move(unpacked.chunks);
  for (std::size_t i = 0; i < writer.layout.counters.size(); ++i) {
    result.*(const_cast<std::vector<std::int64_t> ReplicateResult::*>(
                writer.layout.counters[i].layout->values)) = std::move(unpacked.raw[i]);
  }
  result.prepared = std::move(prepared);
  write(result);
  return result.replicate;
}

void H5Writer::finish() {
  detail::silence_hdf5_error_printing();
  Impl& writer = *impl_;
  const ErrorContext& errors = writer.errors;
  if (writer.closed) errors.fail("finish() was called twice");

  std::vector<std::uint64_t> missing;
  for (std::size_t index = 0; index < writer.written.size(); ++index) {
    if (!writer.written[index]) missing.push_back(writer.run.replicate_begin + index);
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
  if (writer.options.summary_only) {
    writer.finish_summary_only();
  } else {
    writer.finish_in_place();
  }
}

}  // namespace tumen::output
