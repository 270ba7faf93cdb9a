// H5Writer: what it writes is read back with H5Reader value by value, and how it stores it is
// checked with HDF5's own calls (chunks, filters, dimension scales, string types).
#include "tumen/output/h5_writer.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "detail/h5_handle.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/output_error.hpp"

namespace {

using tumen::ReplicateResult;
using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::OutputError;
using tumen::output::WriterOptions;
using tumen::output::testing::Counter;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
using tumen::output::testing::synthetic_value;
using tumen::output::testing::synthetic_wall_seconds;
namespace detail = tumen::output::detail;

struct CounterLayout {
  const char* path;
  Counter counter;
  std::vector<std::string> dims;
  const char* units;
};

const std::vector<CounterLayout>& counter_layouts() {
  static const std::vector<CounterLayout> layouts = {
      {"/events", Counter::events, {"replicate", "time", "event", "sex"}, "events"},
      {"/location_events",
       Counter::location_events,
       {"replicate", "time", "location", "event"},
       "events"},
      {"/arrivals", Counter::arrivals, {"replicate", "time", "destination", "sex"}, "people"},
      {"/arrivals_by_years_abroad",
       Counter::arrivals_by_years_abroad,
       {"replicate", "time", "destination", "years_abroad"},
       "people"},
      {"/stocks", Counter::stocks, {"replicate", "time", "state", "sex"}, "people"},
      {"/occupancy", Counter::occupancy, {"replicate", "time", "location"}, "people"},
      {"/route_flow", Counter::route_flow, {"replicate", "route"}, "events"},
  };
  return layouts;
}

std::map<std::string, std::size_t> dimension_sizes(const RunDescription& run) {
  return {{"replicate", run.replicate_count()},
          {"time", run.time_count()},
          {"location", run.locations.size()},
          {"destination", run.destinations.size()},
          {"event", run.events.size()},
          {"state", run.states.size()},
          {"sex", run.sexes.size()},
          {"route", run.routes.size()},
          {"years_abroad", static_cast<std::size_t>(run.years_abroad_max) + 1}};
}

// Writes the replicates in the order given (finishing order is the Ensemble's, not ours).
std::filesystem::path write_file(const std::filesystem::path& path, const RunDescription& run,
                                 const std::vector<std::uint64_t>& order,
                                 WriterOptions options = {}) {
  H5Writer writer(path, run, options);
  for (const std::uint64_t replicate : order) writer.write(synthetic_result(run, replicate));
  writer.finish();
  return path;
}

std::filesystem::path partial(std::filesystem::path path) {
  return path += ".partial";
}

// Raw HDF5 access for the storage checks.
struct RawFile {
  explicit RawFile(const std::filesystem::path& path)
      : file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
    REQUIRE(file.is_open());
  }
  [[nodiscard]] detail::Dataset dataset(const std::string& path) const {
    detail::Dataset opened(H5Dopen2(file.id(), path.c_str(), H5P_DEFAULT));
    REQUIRE(opened.is_open());
    return opened;
  }
  detail::File file;
};

void check_utf8_variable_string(hid_t type) {
  CHECK(H5Tget_class(type) == H5T_STRING);
  CHECK(H5Tis_variable_str(type) > 0);
  CHECK(H5Tget_cset(type) == H5T_CSET_UTF8);
}

}  // namespace

TEST_CASE("H5Writer creates a .partial file and renames it on finish", "[output][writer]") {
  const std::filesystem::path path = scratch_directory("writer_rename") / "run.h5";
  const RunDescription run = synthetic_run();
  {
    H5Writer writer(path, run);
    CHECK(writer.final_path() == path);
    CHECK(writer.partial_path() == partial(path));
    CHECK(std::filesystem::exists(partial(path)));
    CHECK_FALSE(std::filesystem::exists(path));
    for (std::uint64_t replicate = 4; replicate < 7; ++replicate) {
      writer.write(synthetic_result(run, replicate));
    }
    CHECK(std::filesystem::exists(partial(path)));
    CHECK_FALSE(std::filesystem::exists(path));
    writer.finish();
    CHECK(std::filesystem::exists(path));
    CHECK_FALSE(std::filesystem::exists(partial(path)));
  }
  CHECK(std::filesystem::exists(path));  // destroying a finished writer removes nothing
}

TEST_CASE("H5Writer writes every attribute, coordinate and value", "[output][writer]") {
  const RunDescription run = synthetic_run();
  // Out of order on purpose: where a replicate lands depends on its number only.
  const std::filesystem::path path =
      write_file(scratch_directory("writer_values") / "run.h5", run, {6, 4, 5});
  const H5Reader file(path);

  SECTION("root attributes") {
    CHECK(file.string_attribute("format") == "tumen");
    CHECK(file.int64_attribute("format_version") == 1);
    CHECK(file.format_version() == 1);
    CHECK(file.string_attribute("tumen_version") == "0.1.0-test");
    CHECK(file.string_attribute("rng") == "philox4x64-10/1");
    CHECK(file.string_attribute("scenario_name") == "synthetic");
    CHECK(file.string_attribute("scenario_hash") == run.scenario_hash);
    CHECK(file.uint64_attribute("seed") == 18'446'744'073'709'551'557ULL);
    CHECK(file.uint64_attribute("replicate_total") == 10);
    CHECK(file.string_attribute("replicate_range") == "4:7");
    CHECK(file.string_attribute("start_date") == "2000-01-01");
    CHECK(file.string_attribute("end_date") == "2000-04-30");
    CHECK(file.string_attribute("period") == "month");
  }

  SECTION("coordinates") {
    const tumen::output::Int64Array replicates = file.int64_dataset("/replicate");
    CHECK(replicates.shape == std::vector<std::size_t>{3});
    CHECK(replicates.values == std::vector<std::int64_t>{4, 5, 6});
    const tumen::output::Int64Array times = file.int64_dataset("/time");
    CHECK(times.values == std::vector<std::int64_t>{0, 31, 60, 91});
    CHECK(file.string_attribute("/time", "units") == "days since 2000-01-01");
    CHECK(file.string_attribute("/time", "calendar") == "proleptic_gregorian");
    CHECK(file.strings("/location") == run.locations);
    CHECK(file.strings("/location_kind") == run.location_kinds);
    CHECK(file.strings("/location_country") == run.location_countries);
    CHECK(file.strings("/destination") == run.destinations);
    CHECK(file.strings("/event") == run.events);
    CHECK(file.strings("/state") == run.states);
    CHECK(file.strings("/sex") == std::vector<std::string>{"female", "male"});
    CHECK(file.strings("/route") == run.routes);
    std::vector<std::int64_t> years(21);
    for (std::size_t year = 0; year < years.size(); ++year) {
      years[year] = static_cast<std::int64_t>(year);
    }
    CHECK(file.int64_dataset("/years_abroad").values == years);
    CHECK(file.string_attribute("/years_abroad", "units") == "years");
  }

  SECTION("counter datasets, value by value") {
    const auto sizes = dimension_sizes(run);
    for (const CounterLayout& layout : counter_layouts()) {
      INFO(layout.path);
      const tumen::output::Int64Array array = file.int64_dataset(layout.path);
      std::vector<std::size_t> expected_shape;
      for (const std::string& dimension : layout.dims) {
        expected_shape.push_back(sizes.at(dimension));
      }
      REQUIRE(array.shape == expected_shape);
      const std::size_t slab = array.values.size() / expected_shape[0];
      std::size_t mismatches = 0;
      for (std::size_t index = 0; index < array.values.size(); ++index) {
        const std::uint64_t replicate = run.replicate_begin + index / slab;
        if (array.values[index] != synthetic_value(layout.counter, replicate, index % slab)) {
          ++mismatches;
        }
      }
      CHECK(mismatches == 0);
      CHECK(file.string_attribute(layout.path, "units") == layout.units);
      CHECK_FALSE(file.string_attribute(layout.path, "long_name").empty());
    }
    // One value at a known position, as a reader of the docs would find it:
    // /events[replicate 5, time 2, event "repatriated" (5), sex "male" (1)].
    CHECK(file.int64_dataset("/events").at({1, 2, 5, 1}) ==
          synthetic_value(Counter::events, 5, (2 * 10 + 5) * 2 + 1));
    CHECK(file.int64_replicate("/stocks", 2).values ==
          synthetic_result(run, 6).stocks);  // the slab reader agrees with the whole read
    CHECK(file.string_attribute("/occupancy", "coordinates") == "location_kind location_country");
  }

  SECTION("replicate_done and wall seconds") {
    CHECK(file.replicate_done() == std::vector<std::uint8_t>{1, 1, 1});
    CHECK(file.shape("/replicate_done") == std::vector<std::size_t>{3});
    CHECK(file.float64_dataset("/provenance/replicate_wall_seconds") ==
          std::vector<double>{synthetic_wall_seconds(4), synthetic_wall_seconds(5),
                              synthetic_wall_seconds(6)});
    CHECK(file.string_attribute("/provenance/replicate_wall_seconds", "units") == "s");
  }

  SECTION("/scenario") {
    CHECK(file.strings("/scenario/file") ==
          std::vector<std::string>{"synthetic.toml", "tables/places.csv"});
    CHECK(file.strings("/scenario/file_text") ==
          std::vector<std::string>{run.scenario_files[0].text, run.scenario_files[1].text});
    CHECK(file.strings("/scenario/set") == std::vector<std::string>{"patrol.intensity=2.0"});
    CHECK(file.strings("/scenario/parameter") ==
          std::vector<std::string>{"patrol.intensity", "broker.fee_usd"});
    CHECK(file.strings("/scenario/parameter_value") == std::vector<std::string>{"2.0", "8000"});
  }

  SECTION("/provenance") {
    CHECK(file.string_attribute("/provenance", "created_utc") == "2024-06-01T12:00:00Z");
    CHECK(file.string_attribute("/provenance", "host") == "test-host");
    CHECK(file.string_attribute("/provenance", "command_line") == run.command_line);
    CHECK(file.string_attribute("/provenance", "git_commit") == "0123456789ab");
    CHECK(file.string_attribute("/provenance", "compiler") == "GCC 12.2.0");
    CHECK(file.string_attribute("/provenance", "hdf5_version") == "1.10.8");
    const std::string finished = file.string_attribute("/provenance", "finished_utc");
    CHECK(finished.size() == 20);  // YYYY-MM-DDTHH:MM:SSZ
    CHECK(finished[10] == 'T');
    CHECK(finished.back() == 'Z');
  }
}

TEST_CASE("H5Writer stores per-replicate datasets in filtered one-replicate chunks",
          "[output][writer][storage]") {
  const RunDescription run = synthetic_run();
  const int level = GENERATE(4, 0, 9);
  INFO("compression level " << level);
  const std::filesystem::path path =
      write_file(scratch_directory("writer_storage_" + std::to_string(level)) / "run.h5", run,
                 {4, 5, 6}, WriterOptions{level});
  const RawFile raw(path);
  const auto sizes = dimension_sizes(run);

  std::vector<std::pair<std::string, std::vector<hsize_t>>> chunked = {
      {"/replicate_done", {1}}, {"/provenance/replicate_wall_seconds", {1}}};
  for (const CounterLayout& layout : counter_layouts()) {
    std::vector<hsize_t> chunk = {1};  // one replicate; the small slabs stay whole
    for (std::size_t axis = 1; axis < layout.dims.size(); ++axis) {
      chunk.push_back(sizes.at(layout.dims[axis]));
    }
    chunked.emplace_back(layout.path, chunk);
  }

  for (const auto& [dataset_path, expected_chunk] : chunked) {
    INFO(dataset_path);
    const detail::Dataset dataset = raw.dataset(dataset_path);
    const detail::PropertyList creation(H5Dget_create_plist(dataset.id()));
    REQUIRE(H5Pget_layout(creation.id()) == H5D_CHUNKED);
    std::vector<hsize_t> chunk(expected_chunk.size());
    REQUIRE(H5Pget_chunk(creation.id(), static_cast<int>(chunk.size()), chunk.data()) ==
            static_cast<int>(chunk.size()));
    CHECK(chunk == expected_chunk);

    std::vector<H5Z_filter_t> filters;
    std::optional<unsigned> deflate_level;
    for (int index = 0; index < H5Pget_nfilters(creation.id()); ++index) {
      unsigned flags = 0;
      std::size_t value_count = 1;
      unsigned values[1] = {0};
      unsigned configuration = 0;
      const H5Z_filter_t filter =
          H5Pget_filter2(creation.id(), static_cast<unsigned>(index), &flags, &value_count, values,
                         0, nullptr, &configuration);
      filters.push_back(filter);
      if (filter == H5Z_FILTER_DEFLATE) deflate_level = values[0];
    }
    // Fletcher-32 last: the checksum covers the bytes as stored.
    if (level == 0) {
      CHECK(filters == std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_FLETCHER32});
    } else {
      CHECK(filters == std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE,
                                                 H5Z_FILTER_FLETCHER32});
      CHECK(deflate_level == static_cast<unsigned>(level));
    }
  }
}

TEST_CASE("H5Writer keeps HDF5's default file format", "[output][writer][storage]") {
  const std::filesystem::path path =
      write_file(scratch_directory("writer_format") / "run.h5", synthetic_run(), {4, 5, 6});
  const RawFile raw(path);
  // Superblock version 0 is what the earliest-format default writes; H5F_LIBVER_LATEST would
  // write version 2 or 3 (DESIGN.md: such files cannot be reopened after a kill).
  H5F_info2_t info{};
  REQUIRE(H5Fget_info2(raw.file.id(), &info) >= 0);
  CHECK(info.super.version == 0);
  const detail::PropertyList access(H5Fget_access_plist(raw.file.id()));
  H5F_libver_t low = H5F_LIBVER_LATEST;
  H5F_libver_t high = H5F_LIBVER_LATEST;
  REQUIRE(H5Pget_libver_bounds(access.id(), &low, &high) >= 0);
  CHECK(low == H5F_LIBVER_EARLIEST);
}

TEST_CASE("H5Writer attaches a dimension scale to every axis of every root dataset",
          "[output][writer][storage]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path =
      write_file(scratch_directory("writer_scales") / "run.h5", run, {4, 5, 6});
  const RawFile raw(path);

  std::map<std::string, detail::Dataset> scales;
  for (const char* dimension : {"replicate", "time", "location", "destination", "event", "state",
                                "sex", "route", "years_abroad"}) {
    INFO(dimension);
    scales[dimension] = raw.dataset(std::string("/") + dimension);
    CHECK(H5DSis_scale(scales[dimension].id()) > 0);
    char name[64] = {};
    REQUIRE(H5DSget_scale_name(scales[dimension].id(), name, sizeof name) > 0);
    CHECK(std::string(name) == dimension);
  }

  std::vector<std::pair<std::string, std::vector<std::string>>> labelled = {
      {"/replicate_done", {"replicate"}},
      {"/location_kind", {"location"}},
      {"/location_country", {"location"}}};
  for (const CounterLayout& layout : counter_layouts())
    labelled.emplace_back(layout.path, layout.dims);

  // The wall times carry the provenance group's own replicate scale, never the root one: the root
  // scale's REFERENCE_LIST would make `h5diff --exclude-path /provenance` compare them.
  {
    const detail::Dataset wall = raw.dataset("/provenance/replicate_wall_seconds");
    const detail::Dataset own = raw.dataset("/provenance/replicate");
    CHECK(H5DSis_attached(wall.id(), own.id(), 0) > 0);
    CHECK(H5DSis_attached(wall.id(), scales.at("replicate").id(), 0) == 0);
  }
  for (const auto& [dataset_path, dims] : labelled) {
    const detail::Dataset dataset = raw.dataset(dataset_path);
    for (unsigned axis = 0; axis < dims.size(); ++axis) {
      INFO(dataset_path << " axis " << axis << " (" << dims[axis] << ")");
      CHECK(H5DSis_attached(dataset.id(), scales.at(dims[axis]).id(), axis) > 0);
      CHECK(H5DSget_num_scales(dataset.id(), axis) == 1);
    }
  }

  // Every root-level dataset is a coordinate or has all its axes labelled (DESIGN.md).
  std::vector<std::string> root_datasets;
  H5Literate(
      raw.file.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t group, const char* name, const H5L_info_t*, void* names) -> herr_t {
        H5O_info_t info{};
        if (H5Oget_info_by_name(group, name, &info, H5P_DEFAULT) >= 0 &&
            info.type == H5O_TYPE_DATASET) {
          static_cast<std::vector<std::string>*>(names)->push_back(std::string("/") + name);
        }
        return 0;
      },
      &root_datasets);
  CHECK(root_datasets.size() == 9 + 2 + 7 + 1);  // coordinates, location properties, counters, done
  for (const std::string& dataset_path : root_datasets) {
    INFO(dataset_path);
    const detail::Dataset dataset = raw.dataset(dataset_path);
    if (H5DSis_scale(dataset.id()) > 0) continue;
    const detail::Dataspace space(H5Dget_space(dataset.id()));
    const int rank = H5Sget_simple_extent_ndims(space.id());
    for (int axis = 0; axis < rank; ++axis) {
      CHECK(H5DSget_num_scales(dataset.id(), static_cast<unsigned>(axis)) == 1);
    }
  }
}

TEST_CASE("H5Writer stores every string as variable-length UTF-8", "[output][writer][storage]") {
  const std::filesystem::path path =
      write_file(scratch_directory("writer_strings") / "run.h5", synthetic_run(), {4, 5, 6});
  const RawFile raw(path);
  for (const char* dataset_path :
       {"/location", "/location_kind", "/location_country", "/destination", "/event", "/state",
        "/sex", "/route", "/scenario/file", "/scenario/file_text", "/scenario/set",
        "/scenario/parameter", "/scenario/parameter_value"}) {
    INFO(dataset_path);
    const detail::Dataset dataset = raw.dataset(dataset_path);
    const detail::Datatype type(H5Dget_type(dataset.id()));
    check_utf8_variable_string(type.id());
  }
  for (const auto& [object, name] :
       std::vector<std::pair<std::string, std::string>>{{"/", "format"},
                                                        {"/", "scenario_hash"},
                                                        {"/", "period"},
                                                        {"/time", "units"},
                                                        {"/events", "long_name"},
                                                        {"/provenance", "command_line"},
                                                        {"/provenance", "finished_utc"}}) {
    INFO(object << " attribute " << name);
    const detail::Attribute attribute(
        H5Aopen_by_name(raw.file.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
    REQUIRE(attribute.is_open());
    const detail::Datatype type(H5Aget_type(attribute.id()));
    check_utf8_variable_string(type.id());
    const detail::Dataspace space(H5Aget_space(attribute.id()));
    CHECK(H5Sget_simple_extent_type(space.id()) == H5S_SCALAR);
  }
}

TEST_CASE("H5Writer splits a replicate slab over 4 MiB along time", "[output][writer][storage]") {
  RunDescription run = synthetic_run();
  run.replicate_begin = 0;
  run.replicate_end = 1;
  // 600 periods x 100 locations x 10 events x 8 bytes = 4.8 MB for one replicate.
  run.period_start_days.clear();
  for (std::int32_t month = 0; month < 600; ++month) run.period_start_days.push_back(month * 31);
  run.locations.clear();
  run.location_kinds.assign(100, "transit");
  run.location_countries.assign(100, "CN");
  for (int place = 0; place < 100; ++place)
    run.locations.push_back("place " + std::to_string(place));

  const std::filesystem::path path =
      write_file(scratch_directory("writer_big_slab") / "run.h5", run, {0});
  const RawFile raw(path);
  const detail::Dataset dataset = raw.dataset("/location_events");
  const detail::PropertyList creation(H5Dget_create_plist(dataset.id()));
  std::vector<hsize_t> chunk(4);
  REQUIRE(H5Pget_chunk(creation.id(), 4, chunk.data()) == 4);
  CHECK(chunk == std::vector<hsize_t>{1, (4u << 20) / (100 * 10 * 8), 100, 10});

  const H5Reader file(path);
  const tumen::output::Int64Array slab = file.int64_replicate("/location_events", 0);
  CHECK(slab.values == synthetic_result(run, 0).location_events);
}

TEST_CASE("H5Writer handles empty dimensions", "[output][writer]") {
  RunDescription run = synthetic_run();
  run.routes.clear();
  run.set_overrides.clear();
  run.effective_parameters.clear();
  const std::filesystem::path path =
      write_file(scratch_directory("writer_no_routes") / "run.h5", run, {4, 5, 6});

  const H5Reader file(path);
  CHECK(file.shape("/route") == std::vector<std::size_t>{0});
  CHECK(file.shape("/route_flow") == std::vector<std::size_t>{3, 0});
  CHECK(file.int64_dataset("/route_flow").values.empty());
  CHECK(file.strings("/scenario/set").empty());
  CHECK(file.strings("/scenario/parameter").empty());
  CHECK(file.replicate_done() == std::vector<std::uint8_t>{1, 1, 1});
  CHECK(file.int64_dataset("/events").values.size() == 3 * 4 * 10 * 2);

  // A dataset without elements cannot be chunked (HDF5 wants 1 <= chunk <= dimension).
  const RawFile raw(path);
  const detail::Dataset route_flow = raw.dataset("/route_flow");
  const detail::PropertyList creation(H5Dget_create_plist(route_flow.id()));
  CHECK(H5Pget_layout(creation.id()) == H5D_CONTIGUOUS);
}

TEST_CASE("H5Writer handles a file of zero replicates", "[output][writer]") {
  RunDescription run = synthetic_run();
  run.replicate_begin = 10;
  run.replicate_end = 10;
  const std::filesystem::path path =
      write_file(scratch_directory("writer_no_replicates") / "run.h5", run, {});
  const H5Reader file(path);
  CHECK(file.replicate_done().empty());
  CHECK(file.shape("/events") == std::vector<std::size_t>{0, 4, 10, 2});
  CHECK(file.string_attribute("replicate_range") == "10:10");
}

TEST_CASE("H5Writer rejects a bad replicate before writing any of it", "[output][writer]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_bad_result") / "run.h5";
  {
    H5Writer writer(path, run);

    SECTION("an array of the wrong size") {
      ReplicateResult result = synthetic_result(run, 5);
      result.stocks.pop_back();
      CHECK_THROWS_MATCHES(
          writer.write(result), OutputError,
          Catch::Matchers::Message(partial(path).string() +
                                   ": replicate 5: stocks has 55 values, expected 56 (time 4 x "
                                   "state 7 x sex 2)"));
    }
    SECTION("a route_flow of the wrong size") {
      ReplicateResult result = synthetic_result(run, 5);
      result.route_flow.push_back(1);
      CHECK_THROWS_AS(writer.write(result), OutputError);
    }
    SECTION("a replicate outside the file's range") {
      CHECK_THROWS_WITH(writer.write(synthetic_result(run, 7)),
                        Catch::Matchers::EndsWith("replicate 7 is outside this file's range 4:7"));
      CHECK_THROWS_WITH(writer.write(synthetic_result(run, 3)),
                        Catch::Matchers::Contains("outside this file's range"));
    }
    SECTION("a replicate written twice") {
      writer.write(synthetic_result(run, 4));
      CHECK_THROWS_WITH(writer.write(synthetic_result(run, 4)),
                        Catch::Matchers::EndsWith("replicate 4 was already written"));
    }
  }
  // Nothing of replicate 5 reached the file; the writer died without finish().
  const H5Reader file(partial(path));
  CHECK(file.replicate_done()[1] == 0);
  CHECK(file.int64_replicate("/events", 1).values ==
        std::vector<std::int64_t>(4 * 10 * 2, 0));  // the fill value
}

TEST_CASE("H5Writer refuses to finish an incomplete file", "[output][writer]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_incomplete") / "run.h5";
  H5Writer writer(path, run);
  writer.write(synthetic_result(run, 5));
  CHECK_THROWS_WITH(writer.finish(),
                    Catch::Matchers::Contains("2 of 3 replicates were never written") &&
                        Catch::Matchers::Contains("(replicates 4, 6)"));
  CHECK(std::filesystem::exists(partial(path)));
  CHECK_FALSE(std::filesystem::exists(path));

  writer.write(synthetic_result(run, 4));
  writer.write(synthetic_result(run, 6));
  writer.finish();
  CHECK(std::filesystem::exists(path));
  CHECK_THROWS_WITH(writer.finish(), Catch::Matchers::EndsWith("finish() was called twice"));
  CHECK_THROWS_WITH(writer.write(synthetic_result(run, 4)),
                    Catch::Matchers::Contains("the file is already finished"));
}

TEST_CASE("A writer destroyed without finish() leaves a readable .partial", "[output][writer]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_abandoned") / "run.h5";
  {
    H5Writer writer(path, run);
    writer.write(synthetic_result(run, 6));
  }
  CHECK_FALSE(std::filesystem::exists(path));
  const H5Reader file(partial(path));
  CHECK(file.replicate_done() == std::vector<std::uint8_t>{0, 0, 1});
  CHECK(file.int64_replicate("/events", 2).values == synthetic_result(run, 6).events);
  CHECK_FALSE(file.has_attribute("/provenance", "finished_utc"));
  const std::vector<double> wall = file.float64_dataset("/provenance/replicate_wall_seconds");
  CHECK(std::isnan(wall[0]));
  CHECK(std::isnan(wall[1]));
  CHECK(wall[2] == synthetic_wall_seconds(6));
}

TEST_CASE("H5Writer replaces a .partial left by an earlier run", "[output][writer]") {
  const std::filesystem::path path = scratch_directory("writer_stale_partial") / "run.h5";
  std::filesystem::create_directories(path.parent_path());
  { std::ofstream(partial(path)) << "left over from a killed run"; }
  write_file(path, synthetic_run(), {4, 5, 6});
  CHECK(H5Reader(path).replicate_done() == std::vector<std::uint8_t>{1, 1, 1});
}

TEST_CASE("H5Writer rejects an inconsistent run description before creating a file",
          "[output][writer]") {
  const std::filesystem::path path = scratch_directory("writer_bad_run") / "run.h5";
  RunDescription run = synthetic_run();
  std::string expected;
  WriterOptions options;

  SECTION("location kinds and locations disagree") {
    run.location_kinds.pop_back();
    expected = "there are 3 locations but 2 location kinds and 3 location countries";
  }
  SECTION("the replicate range is outside the run") {
    run.replicate_end = 11;
    expected = "replicate range 4:11 does not lie within the run's 10 replicates";
  }
  SECTION("a name labels two indices") {
    run.events[3] = "departed";
    expected = "event name \"departed\" appears more than once";
  }
  SECTION("periods go backwards") {
    run.period_start_days[2] = 20;
    expected =
        "period_start_days must increase, but period 2 starts on day 20 and the one "
        "before on day 31";
  }
  SECTION("a compression level beyond gzip's") {
    options.compression_level = 10;
    expected = "compression level must be 0 to 9, not 10";
  }
  CHECK_THROWS_MATCHES(H5Writer(path, run, options), OutputError,
                       Catch::Matchers::Message(partial(path).string() + ": " + expected));
  CHECK_FALSE(std::filesystem::exists(partial(path)));
}

TEST_CASE("H5Writer reports an HDF5 failure with the file and HDF5's reason", "[output][writer]") {
  const std::filesystem::path path =
      scratch_directory("writer_no_folder") / "missing" / "folder" / "run.h5";
  CHECK_THROWS_WITH(
      H5Writer(path, synthetic_run()),
      Catch::Matchers::StartsWith(partial(path).string() + ": cannot create the file: ") &&
          Catch::Matchers::Contains("No such file or directory"));
}

TEST_CASE("A run killed after a replicate leaves that replicate readable and marked done",
          "[output][writer][kill]") {
  // The child process writes two replicates and dies without closing anything, as under
  // SIGKILL; what it flushed must be readable by the parent.
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("writer_killed") / "run.h5";
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      H5Writer writer(path, run);
      writer.write(synthetic_result(run, 6));
      writer.write(synthetic_result(run, 4));
      raise(SIGKILL);
    } catch (...) {
    }
    _exit(1);  // only reached if writing failed
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  const H5Reader file(partial(path));
  CHECK(file.replicate_done() == std::vector<std::uint8_t>{1, 0, 1});
  CHECK(file.int64_replicate("/events", 0).values == synthetic_result(run, 4).events);
  CHECK(file.int64_replicate("/route_flow", 2).values == synthetic_result(run, 6).route_flow);
  CHECK(file.int64_replicate("/location_events", 2).values ==
        synthetic_result(run, 6).location_events);
  CHECK_FALSE(file.has_attribute("/provenance", "finished_utc"));
}
