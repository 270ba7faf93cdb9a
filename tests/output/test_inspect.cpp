// `tumen inspect`: the summary a user reads, checked line by line on the synthetic run.
#include "tumen/output/inspect.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <hdf5.h>

#include "detail/h5_handle.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"

namespace {

using tumen::output::H5Writer;
using tumen::output::inspect;
using tumen::output::OutputError;
using tumen::output::testing::Counter;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
using tumen::output::testing::synthetic_value;

// The total of `event` over the 4 periods and 2 sexes of `replicate` in the synthetic run.
std::int64_t event_total(std::uint64_t replicate, std::size_t event) {
  std::int64_t total = 0;
  for (std::size_t period = 0; period < 4; ++period) {
    for (std::size_t sex = 0; sex < 2; ++sex) {
      total += synthetic_value(Counter::events, replicate, (period * 10 + event) * 2 + sex);
    }
  }
  return total;
}

struct Table {
  std::map<std::string, std::vector<std::string>> rows;  // by first cell: the other cells
  std::set<std::size_t> line_lengths;
};

// The table that starts at the line beginning with `header` ("event "), up to the next empty
// line.
Table table_of(const std::string& text, const std::string& header) {
  Table table;
  std::istringstream lines(text);
  std::string line;
  bool inside = false;
  while (std::getline(lines, line)) {
    if (inside && line.empty()) break;
    inside = inside || line.rfind(header, 0) == 0;
    if (!inside) continue;
    std::istringstream cells(line);
    std::string name;
    cells >> name;
    std::vector<std::string> values;
    for (std::string cell; cells >> cell;) values.push_back(cell);
    table.rows[name] = values;
    table.line_lengths.insert(line.size());
  }
  return table;
}

Table event_table(const std::string& text) {
  return table_of(text, "event ");
}

std::string one_decimal(std::int64_t value) {
  return std::to_string(value) + ".0";
}

}  // namespace

TEST_CASE("inspect summarises a finished file", "[output][inspect]") {
  const tumen::RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("inspect_finished") / "run.h5";
  {
    H5Writer writer(path, run);
    for (std::uint64_t replicate = 4; replicate < 7; ++replicate) {
      writer.write(synthetic_result(run, replicate));
    }
    writer.finish();
  }
  std::ostringstream out;
  inspect(path, out);
  const std::string text = out.str();
  INFO(text);

  CHECK_THAT(text, Catch::Matchers::Contains("scenario       synthetic\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("scenario_hash  " + run.scenario_hash + "\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("seed           18446744073709551557\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("replicates     3 of 3 done (range 4:7 of 10)\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("period         month, 2000-01-01 to 2000-04-30\n"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "dimensions     replicate=3 time=4 location=3 destination=2 event=10 "
                       "state=7 sex=2 route=2 years_abroad=21\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("finished       20"));

  // Replicate totals grow by 8 x 1,000,000 per replicate, so over replicates 4, 5, 6 the mean is
  // replicate 5's total, and numpy's linear 5% and 95% quantiles lie 0.1 x 8e6 inside the ends.
  const Table table = event_table(text);
  CHECK(table.rows.size() == 11);  // the header and one row per event
  CHECK(table.rows.at("event") == std::vector<std::string>{"mean", "p5", "p95"});
  for (std::size_t event = 0; event < run.events.size(); ++event) {
    INFO(run.events[event]);
    CHECK(table.rows.at(run.events[event]) ==
          std::vector<std::string>{one_decimal(event_total(5, event)),
                                   one_decimal(event_total(4, event) + 800'000),
                                   one_decimal(event_total(6, event) - 800'000)});
  }
  CHECK(table.line_lengths.size() == 1);  // aligned columns
}

TEST_CASE("inspect says which replicates of an interrupted run are done", "[output][inspect]") {
  const tumen::RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("inspect_partial") / "run.h5";
  {
    H5Writer writer(path, run);
    writer.write(synthetic_result(run, 5));
  }
  std::ostringstream out;
  inspect(std::filesystem::path(path) += ".partial", out);
  const std::string text = out.str();
  INFO(text);
  CHECK_THAT(text, Catch::Matchers::Contains("replicates     1 of 3 done (range 4:7 of 10)\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("finished       no (interrupted or still running)\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("across 1 completed replicate:\n"));
  // With one replicate, the mean and both quantiles are that replicate's total.
  const std::string total = one_decimal(event_total(5, 0));
  CHECK(event_table(text).rows.at("departed") == std::vector<std::string>{total, total, total});
}

namespace {

using tumen::output::InspectFormat;
using tumen::output::WriterOptions;

std::filesystem::path write_run(const std::filesystem::path& path, const tumen::RunDescription& run,
                                const WriterOptions& options = {}) {
  H5Writer writer(path, run, options);
  for (std::uint64_t replicate = run.replicate_begin; replicate < run.replicate_end; ++replicate) {
    writer.write(synthetic_result(run, replicate));
  }
  writer.finish();
  return path;
}

std::string inspected(const std::filesystem::path& path,
                      InspectFormat format = InspectFormat::text) {
  std::ostringstream out;
  inspect(path, out, format);
  return out.str();
}

// The total of destination `destination`'s arrivals over the synthetic run's 4 periods and 2 sexes.
std::int64_t arrival_total(std::uint64_t replicate, std::size_t destination) {
  std::int64_t total = 0;
  for (std::size_t period = 0; period < 4; ++period) {
    for (std::size_t sex = 0; sex < 2; ++sex) {
      total += synthetic_value(Counter::arrivals, replicate, (period * 2 + destination) * 2 + sex);
    }
  }
  return total;
}

}  // namespace

TEST_CASE("inspect lists outputs, the summary and arrivals by destination", "[output][inspect]") {
  const tumen::RunDescription run = synthetic_run();
  const std::string text =
      inspected(write_run(scratch_directory("inspect_outputs") / "run.h5", run));
  INFO(text);
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "outputs        events location_events arrivals arrivals_by_years_abroad "
                       "stocks occupancy route_flow\n"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "summary        mean and 5%, 50%, 95% quantiles of events, arrivals, "
                       "stocks, occupancy\n"));
  const Table arrivals = table_of(text, "destination ");
  REQUIRE(arrivals.rows.size() == 3);
  // The arrivals table is introduced as the events table is.
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "Arrivals over the whole run, summed over time and sex, across 3 completed "
                       "replicates:\n"));
  CHECK(arrivals.rows.at("Bangkok") ==
        std::vector<std::string>{one_decimal(arrival_total(5, 1)),
                                 one_decimal(arrival_total(4, 1) + 800'000),
                                 one_decimal(arrival_total(6, 1) - 800'000)});
}

TEST_CASE("inspect reads a summary-only file's totals from /summary",
          "[output][inspect][summary-only]") {
  const tumen::RunDescription run = synthetic_run();
  WriterOptions options;
  options.summary_only = true;
  const std::filesystem::path folder = scratch_directory("inspect_summary_only");
  const std::string compact = inspected(write_run(folder / "compact.h5", run, options));
  const std::string full = inspected(write_run(folder / "full.h5", run));
  INFO(compact);
  CHECK_THAT(compact, Catch::Matchers::Contains("(summary only: no per-replicate data)\n"));
  CHECK_THAT(compact, Catch::Matchers::Contains("replicates     3 of 3 done"));
  CHECK(event_table(compact).rows == event_table(full).rows);
  CHECK(table_of(compact, "destination ").rows == table_of(full, "destination ").rows);
}

TEST_CASE("inspect copes with a file without events or arrivals", "[output][inspect][outputs]") {
  const tumen::RunDescription run = synthetic_run();
  WriterOptions options;
  options.outputs = {"occupancy", "route_flow"};
  const std::filesystem::path path = scratch_directory("inspect_no_events") / "run.h5";
  const std::string text = inspected(write_run(path, run, options));
  INFO(text);
  CHECK_THAT(text, Catch::Matchers::Contains("outputs        occupancy route_flow\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("quantiles of occupancy\n"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "No totals to show: the file has neither /events nor /arrivals.\n"));
  const std::string json = inspected(path, InspectFormat::json);
  CHECK_THAT(json, Catch::Matchers::Contains("\"event_totals\": []"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"totals_from\": null"));
}

TEST_CASE("inspect --json holds the same as the text", "[output][inspect][json]") {
  tumen::RunDescription run = synthetic_run();
  run.scenario_name = "quote \" backslash \\ tab \t bell \x07 회령";
  const std::filesystem::path path = scratch_directory("inspect_json") / "run.h5";
  {
    H5Writer writer(path, run);
    writer.write(synthetic_result(run, 5));
  }
  const std::filesystem::path partial = std::filesystem::path(path) += ".partial";
  const std::string json = inspected(partial, InspectFormat::json);
  INFO(json);
  CHECK_THAT(json, Catch::Matchers::StartsWith("{\n"));
  CHECK_THAT(json, Catch::Matchers::EndsWith("\n}\n"));
  CHECK_THAT(json, Catch::Matchers::Contains(
                       "\"scenario\": \"quote \\\" backslash \\\\ tab \\t bell \\u0007 회령\",\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"seed\": 18446744073709551557,\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"format_version\": 1,\n"));
  CHECK_THAT(json, Catch::Matchers::Contains(
                       "\"replicates\": {\"done\": 1, \"in_file\": 3, \"range\": \"4:7\", "
                       "\"total\": 10},\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"finished\": null,\n"));
  CHECK_THAT(json, Catch::Matchers::Contains(
                       "\"dimensions\": {\"replicate\": 3, \"time\": 4, \"location\": 3, "
                       "\"destination\": 2, \"event\": 10, \"state\": 7, \"sex\": 2, \"route\": 2, "
                       "\"years_abroad\": 21},\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"summary_only\": false,\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"summary\": [],\n"));
  CHECK_THAT(json, Catch::Matchers::Contains("\"totals_from\": \"replicates\",\n"));
  // One replicate: its totals are the mean and both quantiles, with every digit.
  const std::string total = std::to_string(event_total(5, 0));
  CHECK_THAT(json, Catch::Matchers::Contains("{\"event\": \"departed\", \"mean\": " + total +
                                             ", \"p5\": " + total + ", \"p95\": " + total + "}"));
  CHECK_THAT(json, Catch::Matchers::Contains("{\"destination\": \"Seoul\", \"mean\": "));
}

TEST_CASE("inspect fails before printing anything", "[output][inspect][bad-input]") {
  const std::filesystem::path folder = scratch_directory("inspect_bad");
  std::ofstream(folder / "junk.h5") << "not HDF5";
  for (const InspectFormat format : {InspectFormat::text, InspectFormat::json}) {
    std::ostringstream out;
    CHECK_THROWS_AS(inspect(folder / "junk.h5", out, format), OutputError);
    CHECK_THROWS_WITH(inspect(folder / "absent.h5", out, format),
                      Catch::Matchers::EndsWith("absent.h5: no such file"));
    CHECK(out.str().empty());
  }
}

namespace {

// Replaces dataset `name` of an existing file by one of `dims` (none: a scalar) holding `values`.
void replace_dataset(const std::filesystem::path& path, const char* name,
                     const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  namespace detail = tumen::output::detail;
  const detail::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  REQUIRE(file.is_open());
  REQUIRE(H5Ldelete(file.id(), name, H5P_DEFAULT) >= 0);
  const detail::Dataspace space(
      dims.empty() ? H5Screate(H5S_SCALAR)
                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  const detail::Dataset dataset(H5Dcreate2(file.id(), name, H5T_IEEE_F64LE, space.id(), H5P_DEFAULT,
                                           H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(dataset.is_open());
  REQUIRE(H5Dwrite(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >=
          0);
}

void expect_refused(const std::filesystem::path& path, const std::string& message) {
  for (const InspectFormat format : {InspectFormat::text, InspectFormat::json}) {
    std::ostringstream out;
    CHECK_THROWS_MATCHES(inspect(path, out, format), OutputError,
                         Catch::Matchers::Message(path.string() + ": " + message));
    CHECK(out.str().empty());
  }
}

}  // namespace

TEST_CASE("inspect refuses damaged coordinates and totals with an OutputError",
          "[output][inspect][bad-input]") {
  const tumen::RunDescription run = synthetic_run();
  const std::filesystem::path folder = scratch_directory("inspect_damaged");

  SECTION("a coordinate that is a scalar") {
    const auto path = write_run(folder / "scalar.h5", run);
    replace_dataset(path, "/years_abroad", {}, {20.0});
    expect_refused(path, "the coordinate /years_abroad is not one-dimensional");
  }
  SECTION("summary totals shorter than their labels") {
    const auto path = write_run(folder / "short.h5", run);
    replace_dataset(path, "/summary/event_totals_quantile", {2}, {1.0, 2.0});
    expect_refused(path,
                   "/summary/event_totals_mean and _quantile hold 10 and 2 values, too few for 10 "
                   "labels");
  }
  SECTION("counts whose total does not fit in 64 bits") {
    const auto partial = scratch_directory("inspect_overflow") / "run.h5";
    {
      H5Writer writer(partial, run);
      writer.write(synthetic_result(run, 5));
    }
    const std::filesystem::path path = std::filesystem::path(partial) += ".partial";
    {
      namespace detail = tumen::output::detail;
      const detail::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
      REQUIRE(file.is_open());
      const detail::Dataset events(H5Dopen2(file.id(), "/events", H5P_DEFAULT));
      const detail::Dataspace space(H5Dget_space(events.id()));
      std::vector<hsize_t> dims(4);
      REQUIRE(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr) == 4);
      // Replicate 5 is index 1 of the range 4:7; every count of it becomes 2^62.
      const std::vector<hsize_t> start = {1, 0, 0, 0};
      dims[0] = 1;
      REQUIRE(H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, start.data(), nullptr, dims.data(),
                                  nullptr) >= 0);
      const detail::Dataspace memory(H5Screate_simple(4, dims.data(), nullptr));
      const std::vector<std::int64_t> huge(dims[1] * dims[2] * dims[3], std::int64_t{1} << 62);
      REQUIRE(H5Dwrite(events.id(), H5T_NATIVE_INT64, memory.id(), space.id(), H5P_DEFAULT,
                       huge.data()) >= 0);
    }
    expect_refused(path, "/events holds counts too large to add up");
  }
}
