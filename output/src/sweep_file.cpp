#include "tumen/output/sweep_file.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "detail/counter_layout.hpp"
#include "detail/file_access.hpp"
#include "detail/h5_create.hpp"
#include "detail/h5_error.hpp"
#include "detail/h5_handle.hpp"
#include "tumen/output/format.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/stored_run.hpp"
#include "tumen/utc_time.hpp"

namespace tumen::output {

namespace fs = std::filesystem;
using detail::ErrorContext;

namespace {

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return std::to_string(begin) + ":" + std::to_string(end);
}

// The name of point k's group, as tumen::sweep::point_group (the engine's) makes it.
std::string group_of(std::uint64_t point) {
  char name[40];
  std::snprintf(name, sizeof name, "/point/%04llu", static_cast<unsigned long long>(point));
  return name;
}

detail::File open_file(const ErrorContext& errors, const fs::path& path, unsigned flags) {
  std::error_code failure;
  if (!fs::is_regular_file(path, failure)) errors.fail("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    (void)detail::take_innermost_hdf5_message();
    errors.fail("not an HDF5 file");
  }
  const detail::PropertyList access = detail::file_access(errors);
  detail::File file(H5Fopen(path.c_str(), flags, access.id()));
  if (!file.is_open()) {
    const std::string reason = detail::take_innermost_hdf5_message();
    errors.fail("cannot open the file: " + reason +
                (reason.find("unable to lock file") != std::string::npos
                     ? " (another process, such as a running tumen, is writing it)"
                     : ""));
  }
  return file;
}

bool exists_in(const ErrorContext& errors, hid_t file, const std::string& path) {
  return errors.check(H5LTpath_valid(file, detail::relative_path(path).c_str(), true),
                      "look up " + path) > 0;
}

template <typename Number>
Number read_number_attribute(const ErrorContext& errors, hid_t object, const std::string& name) {
  const std::string what = "root attribute '" + name + "'";
  if (errors.check(H5Aexists(object, name.c_str()), "look up " + what) <= 0) {
    errors.fail("not a complete sweep file (it has no " + what + ")");
  }
  const detail::Attribute attribute(
      errors.check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open " + what));
  Number value{};
  errors.check(H5Aread(attribute.id(), detail::NumberType<Number>::memory(), &value),
               "read " + what);
  return value;
}

std::vector<double> read_float64(const ErrorContext& errors, hid_t file, const std::string& path,
                                 std::size_t count) {
  const detail::Dataset dataset(errors.check(
      H5Dopen2(file, detail::relative_path(path).c_str(), H5P_DEFAULT), "open " + path));
  const detail::Dataspace space(errors.check(H5Dget_space(dataset.id()), "read " + path));
  if (errors.check(H5Sget_simple_extent_npoints(space.id()), "read " + path) !=
      static_cast<hssize_t>(count)) {
    errors.fail(path + " does not hold one value per point");
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

void create_sweep_file(const fs::path& path, const SweepDescription& sweep) {
  detail::silence_hdf5_error_printing();
  const fs::path building = fs::path(path) += new_suffix;
  const ErrorContext errors(building.string());
  try {
    const detail::PropertyList access = detail::file_access(errors);
    detail::File file(errors.check(
        H5Fcreate(building.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()), "create the file"));
    {
      const detail::Group root(errors.check(H5Gopen2(file.id(), ".", H5P_DEFAULT), "open /"));
      const hid_t id = root.id();
      detail::write_string_attribute(errors, id, "/", "format", std::string(sweep_format_name));
      detail::write_number_attribute<std::int32_t>(errors, id, "/", "format_version",
                                                   sweep_format_version);
      detail::write_string_attribute(errors, id, "/", "tumen_version", sweep.tumen_version);
      detail::write_string_attribute(errors, id, "/", "rng", sweep.rng_scheme);
      detail::write_string_attribute(errors, id, "/", "sweep_hash", sweep.sweep_hash);
      detail::write_string_attribute(errors, id, "/", "scenario_name", sweep.scenario_name);
      detail::write_string_attribute(errors, id, "/", "scenario_hash", sweep.scenario_hash);
      detail::write_string_attribute(errors, id, "/", "design", sweep.design);
      detail::write_number_attribute<std::uint64_t>(errors, id, "/", "seed", sweep.seed);
      detail::write_number_attribute<std::uint64_t>(errors, id, "/", "replicates",
                                                    sweep.replicates);
      detail::write_number_attribute<std::uint64_t>(errors, id, "/", "point_total",
                                                    sweep.point_total());
      detail::write_string_attribute(errors, id, "/", "point_range",
                                     range_text(sweep.point_begin, sweep.point_end));
    }
    {
      const detail::Group group = detail::create_group(errors, file.id(), "/sweep");
      // The text only: the path the file was given by varies between identical sweeps, and is
      // in /provenance (sweep_file).
      detail::describe(errors, group.id(), "/sweep", "the sweep file's text");
      detail::write_string_attribute(errors, group.id(), "/sweep", "text", sweep.sweep_text);
    }
    {
      const detail::Group group = detail::create_group(errors, file.id(), "/points");
      detail::describe(errors, group.id(), "/points", "the parameter values of every point");
      std::vector<std::int64_t> numbers(sweep.point_total());
      for (std::size_t k = 0; k < numbers.size(); ++k) numbers[k] = static_cast<std::int64_t>(k);
      const detail::Dataset point =
          detail::write_number_dataset(errors, file.id(), "/points/point", numbers);
      detail::describe(errors, point.id(), "/points/point", "sweep point number");
      detail::set_scale(errors, point, "/points/point", "point");
      for (std::size_t p = 0; p < sweep.parameters.size(); ++p) {
        std::vector<double> values;
        for (const auto& values_of_point : sweep.points) values.push_back(values_of_point.at(p));
        const std::string column_path = "/points/" + sweep.parameters[p];
        const detail::Dataset column =
            detail::write_float64_array(errors, file.id(), column_path, {values.size()}, values);
        detail::describe(errors, column.id(), column_path, "value of " + sweep.parameters[p]);
        detail::attach_scale(errors, column, column_path, point, "point", 0);
      }
      const std::vector<std::uint8_t> not_done(sweep.point_total(), 0);
      const detail::Dataset done =
          detail::write_number_dataset(errors, file.id(), "/points/point_done", not_done);
      detail::describe(errors, done.id(), "/points/point_done",
                       "1 once the point's group is completely written, else 0");
      detail::attach_scale(errors, done, "/points/point_done", point, "point", 0);
      // The parameter order, which HDF5 does not keep for the datasets above.
      detail::write_string_attribute(errors, group.id(), "/points", "parameters", [&] {
        std::string names;
        for (const std::string& name : sweep.parameters) names += (names.empty() ? "" : " ") + name;
        return names;
      }());
    }
    {
      const detail::Group group = detail::create_group(errors, file.id(), "/provenance");
      const std::pair<std::string, std::string> fields[] = {
          {"created_utc", sweep.created_utc},   {"host", sweep.host},
          {"command_line", sweep.command_line}, {"git_commit", sweep.git_commit},
          {"compiler", sweep.compiler},         {"sweep_file", sweep.sweep_path}};
      for (const auto& [name, value] : fields) {
        detail::write_string_attribute(errors, group.id(), "/provenance", name, value);
      }
      for (const auto& [name, value] : sweep.provenance_notes) {
        detail::write_string_attribute(errors, group.id(), "/provenance", name, value);
      }
    }
    (void)detail::create_group(errors, file.id(), "/point");
    errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush the new file");
    errors.check(file.close(), "close the file");
  } catch (...) {
    std::error_code ignored;
    fs::remove(building, ignored);
    throw;
  }
  std::error_code failure;
  fs::rename(building, path, failure);
  if (failure) errors.fail("cannot rename to " + path.string() + ": " + failure.message());
}

SweepDescription read_sweep_description(const fs::path& path) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  const detail::File file = open_file(errors, path, H5F_ACC_RDONLY);
  const detail::Group root(errors.check(H5Gopen2(file.id(), ".", H5P_DEFAULT), "open /"));
  const std::string format = detail::read_string_attribute(errors, root.id(), "/", "format");
  if (format != sweep_format_name) {
    errors.fail("not a tumen sweep file (its root attribute \"format\" is \"" + format +
                "\", not \"" + std::string(sweep_format_name) + "\")");
  }
  if (read_number_attribute<std::int64_t>(errors, root.id(), "format_version") >
      sweep_format_version) {
    errors.fail("its sweep format_version is newer than this tumen understands");
  }
  SweepDescription sweep;
  const auto text = [&](const char* name) {
    return detail::read_string_attribute(errors, root.id(), "/", name);
  };
  sweep.tumen_version = text("tumen_version");
  sweep.rng_scheme = text("rng");
  sweep.sweep_hash = text("sweep_hash");
  sweep.scenario_name = text("scenario_name");
  sweep.scenario_hash = text("scenario_hash");
  sweep.design = text("design");
  sweep.seed = read_number_attribute<std::uint64_t>(errors, root.id(), "seed");
  sweep.replicates = read_number_attribute<std::uint64_t>(errors, root.id(), "replicates");
  const auto total = read_number_attribute<std::uint64_t>(errors, root.id(), "point_total");
  const std::string range = text("point_range");
  const auto colon = range.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(range);
    sweep.point_begin = std::stoull(range.substr(0, colon));
    sweep.point_end = std::stoull(range.substr(colon + 1));
  } catch (const std::exception&) {
    errors.fail("its point_range \"" + range + "\" is not A:B");
  }
  if (sweep.point_begin >= sweep.point_end || sweep.point_end > total || total > (1u << 31)) {
    errors.fail("its point_range " + range + " does not lie within its " + std::to_string(total) +
                " points");
  }
  {
    const detail::Group group(
        errors.check(H5Gopen2(file.id(), "sweep", H5P_DEFAULT), "open /sweep"));
    sweep.sweep_text = detail::read_string_attribute(errors, group.id(), "/sweep", "text");
  }
  const detail::Group points(
      errors.check(H5Gopen2(file.id(), "points", H5P_DEFAULT), "open /points"));
  const std::string names =
      detail::read_string_attribute(errors, points.id(), "/points", "parameters");
  for (std::size_t start = 0; start < names.size();) {
    const std::size_t end = std::min(names.find(' ', start), names.size());
    sweep.parameters.push_back(names.substr(start, end - start));
    start = end + 1;
  }
  sweep.points.assign(total, std::vector<double>(sweep.parameters.size()));
  for (std::size_t p = 0; p < sweep.parameters.size(); ++p) {
    const std::vector<double> column =
        read_float64(errors, file.id(), "/points/" + sweep.parameters[p], total);
    for (std::size_t k = 0; k < total; ++k) sweep.points[k][p] = column[k];
  }
  return sweep;
}

std::vector<std::string> sweep_differences(const SweepDescription& found,
                                           const SweepDescription& expected) {
  std::vector<std::string> differences;
  const auto compare = [&](const char* name, const std::string& in_file, const std::string& now) {
    if (in_file != now) differences.push_back(std::string(name) + " " + in_file + ", not " + now);
  };
  compare("tumen_version", found.tumen_version, expected.tumen_version);
  compare("rng", found.rng_scheme, expected.rng_scheme);
  compare("sweep_hash", found.sweep_hash, expected.sweep_hash);
  compare("seed", std::to_string(found.seed), std::to_string(expected.seed));
  compare("replicates", std::to_string(found.replicates), std::to_string(expected.replicates));
  compare("point_range", range_text(found.point_begin, found.point_end),
          range_text(expected.point_begin, expected.point_end));
  return differences;
}

std::vector<std::uint8_t> read_points_done(const fs::path& path) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  const detail::File file = open_file(errors, path, H5F_ACC_RDONLY);
  const detail::Dataset dataset(errors.check(H5Dopen2(file.id(), "points/point_done", H5P_DEFAULT),
                                             "open /points/point_done"));
  const detail::Dataspace space(
      errors.check(H5Dget_space(dataset.id()), "read /points/point_done"));
  const auto count = static_cast<std::size_t>(
      errors.check(H5Sget_simple_extent_npoints(space.id()), "read /points/point_done"));
  std::vector<std::uint8_t> done(count);
  if (count > 0) {
    errors.check(
        H5Dread(dataset.id(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()),
        "read /points/point_done");
  }
  return done;
}

void mark_point_done(const fs::path& path, std::uint64_t point) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  detail::File file = open_file(errors, path, H5F_ACC_RDWR);
  {
    const detail::Dataset dataset(errors.check(
        H5Dopen2(file.id(), "points/point_done", H5P_DEFAULT), "open /points/point_done"));
    const detail::Dataspace file_space(
        errors.check(H5Dget_space(dataset.id()), "select point " + std::to_string(point)));
    const hsize_t start = point;
    const hsize_t count = 1;
    errors.check(
        H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
        "select point " + std::to_string(point));
    const detail::Dataspace memory = detail::simple_space(errors, {1});
    const std::uint8_t done = 1;
    errors.check(
        H5Dwrite(dataset.id(), H5T_NATIVE_UINT8, memory.id(), file_space.id(), H5P_DEFAULT, &done),
        "mark point " + std::to_string(point) + " done");
  }
  errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush point_done");
  errors.check(file.close(), "close the file");
}

bool has_group(const fs::path& path, const std::string& group) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  const detail::File file = open_file(errors, path, H5F_ACC_RDONLY);
  return exists_in(errors, file.id(), group);
}

void delete_group(const fs::path& path, const std::string& group) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(path.string());
  detail::File file = open_file(errors, path, H5F_ACC_RDWR);
  errors.check(H5Ldelete(file.id(), detail::relative_path(group).c_str(), H5P_DEFAULT),
               "delete " + group);
  errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush the file");
  errors.check(file.close(), "close the file");
}

void finish_sweep_file(const fs::path& partial, const fs::path& final_path) {
  detail::silence_hdf5_error_printing();
  const ErrorContext errors(partial.string());
  {
    detail::File file = open_file(errors, partial, H5F_ACC_RDWR);
    {
      const detail::Group provenance(
          errors.check(H5Gopen2(file.id(), "provenance", H5P_DEFAULT), "open /provenance"));
      if (errors.check(H5Aexists(provenance.id(), "finished_utc"), "look up finished_utc") > 0) {
        errors.check(H5Adelete(provenance.id(), "finished_utc"), "delete finished_utc");
      }
      detail::write_string_attribute(errors, provenance.id(), "/provenance", "finished_utc",
                                     utc_now());
    }
    errors.check(H5Fflush(file.id(), H5F_SCOPE_LOCAL), "flush the finished file");
    errors.check(file.close(), "close the file");
  }
  std::error_code failure;
  fs::rename(partial, final_path, failure);
  if (failure) errors.fail("cannot rename to " + final_path.string() + ": " + failure.message());
}

bool is_sweep_file(const fs::path& path) {
  try {
    (void)read_sweep_description(path);
    return true;
  } catch (const OutputError&) {
    return false;
  }
}

void join_sweep_parts(const std::vector<fs::path>& parts, const fs::path& output,
                      const SweepDescription& joiner) {
  if (parts.empty()) throw SweepJoinRefused(output.string() + ": no parts to join");
  // Check every part before writing anything.
  std::vector<SweepDescription> slices;
  for (const fs::path& part : parts) {
    SweepDescription slice;
    try {
      slice = read_sweep_description(part);
    } catch (const OutputError& unreadable) {
      throw SweepJoinRefused(unreadable.what());
    }
    const std::string name = part.filename().string();
    if (name.size() > partial_suffix.size() &&
        name.compare(name.size() - partial_suffix.size(), partial_suffix.size(), partial_suffix) ==
            0) {
      throw SweepJoinRefused(part.string() + ": a .partial sweep is unfinished; resume it first");
    }
    std::vector<std::uint8_t> done;
    try {
      done = read_points_done(part);
    } catch (const OutputError& unreadable) {
      throw SweepJoinRefused(unreadable.what());
    }
    for (std::uint64_t k = slice.point_begin; k < slice.point_end; ++k) {
      if (k >= done.size() || done[k] != 1) {
        throw SweepJoinRefused(part.string() + ": point " + std::to_string(k) +
                               " of its range is not done");
      }
    }
    if (!slices.empty()) {
      SweepDescription expected = slices.front();
      expected.point_begin = slice.point_begin;
      expected.point_end = slice.point_end;
      const std::vector<std::string> differences = sweep_differences(slice, expected);
      if (!differences.empty() || slice.points != slices.front().points ||
          slice.parameters != slices.front().parameters) {
        std::string list;
        for (const std::string& d : differences) list += (list.empty() ? "" : "; ") + d;
        throw SweepJoinRefused(part.string() + ": a slice of another sweep than " +
                               parts.front().string() + " (" +
                               (list.empty() ? std::string("its points differ") : list) + ")");
      }
    }
    slices.push_back(std::move(slice));
  }
  std::vector<std::size_t> order(slices.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return slices[a].point_begin < slices[b].point_begin;
  });
  std::uint64_t next = 0;
  for (const std::size_t i : order) {
    if (slices[i].point_begin > next) {
      throw SweepJoinRefused(parts[i].string() + ": points " +
                             range_text(next, slices[i].point_begin) + " are in no part");
    }
    if (slices[i].point_begin < next) {
      throw SweepJoinRefused(
          parts[i].string() + ": points " +
          range_text(slices[i].point_begin, std::min(next, slices[i].point_end)) +
          " are also in another part");
    }
    next = slices[i].point_end;
  }
  const std::uint64_t total = slices.front().point_total();
  if (next != total) {
    throw SweepJoinRefused(parts[order.back()].string() + ": points " + range_text(next, total) +
                           " are in no part");
  }

  SweepDescription whole = slices.front();
  whole.point_begin = 0;
  whole.point_end = total;
  whole.command_line = joiner.command_line;
  whole.host = joiner.host;
  whole.git_commit = joiner.git_commit;
  whole.compiler = joiner.compiler;
  whole.created_utc = joiner.created_utc;
  std::string merged_from;
  for (const std::size_t i : order) {
    merged_from += (merged_from.empty() ? "" : "\n") + parts[i].string() + " (points " +
                   range_text(slices[i].point_begin, slices[i].point_end) + ")";
  }
  whole.provenance_notes = {{"merged_from", merged_from}};

  const fs::path partial = fs::path(output) += partial_suffix;
  try {
    create_sweep_file(partial, whole);
    ReplicateResult result;
    for (const std::size_t i : order) {
      for (std::uint64_t k = slices[i].point_begin; k < slices[i].point_end; ++k) {
        const std::string group = group_of(k);
        const H5Reader reader(parts[i], group);
        RunDescription run = read_run_description(reader);
        run.sweep_point = k;
        WriterOptions options = read_writer_options(reader);
        options.group = group;
        H5Writer writer(partial, run, options);
        const std::vector<double> wall =
            reader.float64_dataset("/provenance/replicate_wall_seconds");
        for (std::uint64_t r = run.replicate_begin; r < run.replicate_end; ++r) {
          const std::size_t index = r - run.replicate_begin;
          result.replicate = r;
          result.wall_seconds = index < wall.size() ? wall[index] : 0.0;
          for (const detail::CounterDataset& counter : detail::counter_datasets()) {
            const std::string path = std::string("/") + counter.name;
            auto& values =
                result.*(const_cast<std::vector<std::int64_t> ReplicateResult::*>(counter.values));
            values = reader.exists(path) ? reader.int64_replicate(path, index).values
                                         : std::vector<std::int64_t>{};
          }
          writer.write(result);
        }
        writer.finish();
        mark_point_done(partial, k);
      }
    }
    finish_sweep_file(partial, output);
  } catch (...) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw;
  }
}

}  // namespace tumen::output
