// /summary, --outputs and summary-only files: what the writer computes across replicates is what
// numpy's mean and linear quantile give on the same values, and what a file leaves out is absent.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "detail/h5_handle.hpp"
#include "detail/quantile.hpp"
#include "file_checks.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"

namespace {

using tumen::ReplicateResult;
using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::OutputError;
using tumen::output::WriterOptions;
using tumen::output::detail::linear_quantile;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
namespace detail = tumen::output::detail;

const std::vector<double> kProbabilities = {0.05, 0.5, 0.95};

std::filesystem::path write_file(const std::filesystem::path& path, const RunDescription& run,
                                 const std::vector<std::uint64_t>& order,
                                 WriterOptions options = {}) {
  H5Writer writer(path, run, options);
  for (const std::uint64_t replicate : order) writer.write(synthetic_result(run, replicate));
  writer.finish();
  return path;
}

// A run of 12 replicates with spread-out values, so that the quantiles interpolate.
RunDescription twelve_replicates() {
  RunDescription run = synthetic_run();
  run.replicate_total = 20;
  run.replicate_begin = 3;
  run.replicate_end = 15;
  return run;
}

ReplicateResult scrambled_result(const RunDescription& run, std::uint64_t replicate) {
  ReplicateResult result = synthetic_result(run, replicate);
  // Values that rise and fall with the replicate, so that sorting matters.
  for (auto* values : {&result.events, &result.arrivals, &result.stocks, &result.occupancy}) {
    for (std::size_t index = 0; index < values->size(); ++index) {
      (*values)[index] = static_cast<std::int64_t>((replicate * 7919 + index * 104729) % 1000);
    }
  }
  return result;
}

// Statistics over replicates of one slab position, as numpy computes them.
struct Expected {
  std::vector<double> mean;
  std::vector<double> quantiles;  // [probability][cell]
};

Expected expected_statistics(const std::vector<std::vector<std::int64_t>>& slabs) {
  const std::size_t cells = slabs.front().size();
  Expected expected;
  expected.mean.resize(cells);
  expected.quantiles.resize(3 * cells);
  for (std::size_t cell = 0; cell < cells; ++cell) {
    std::vector<double> sample;
    std::int64_t sum = 0;
    for (const auto& slab : slabs) {
      sample.push_back(static_cast<double>(slab[cell]));
      sum += slab[cell];
    }
    expected.mean[cell] = static_cast<double>(sum) / static_cast<double>(slabs.size());
    for (std::size_t p = 0; p < 3; ++p) {
      expected.quantiles[p * cells + cell] = linear_quantile(sample, kProbabilities[p]);
    }
  }
  return expected;
}

std::vector<std::int64_t> totals_over_time_and_sex(const std::vector<std::int64_t>& slab,
                                                   std::size_t periods, std::size_t kinds) {
  std::vector<std::int64_t> totals(kinds, 0);
  for (std::size_t period = 0; period < periods; ++period) {
    for (std::size_t kind = 0; kind < kinds; ++kind) {
      totals[kind] += slab[(period * kinds + kind) * 2] + slab[(period * kinds + kind) * 2 + 1];
    }
  }
  return totals;
}

std::vector<double> summary_values(const H5Reader& file, const std::string& name) {
  return file.float64_dataset("/summary/" + name);
}

}  // namespace

TEST_CASE("H5Writer writes /summary: numpy's mean and linear quantiles across replicates",
          "[output][summary]") {
  const RunDescription run = twelve_replicates();
  const std::filesystem::path path = scratch_directory("summary_values") / "run.h5";
  {
    H5Writer writer(path, run);
    for (std::uint64_t replicate = 14; replicate + 1 > 3; --replicate) {
      writer.write(scrambled_result(run, replicate));  // in reverse: order must not matter
    }
    writer.finish();
  }
  const H5Reader file(path);
  REQUIRE(file.exists("/summary"));
  CHECK(file.uint64_attribute("/summary", "replicates") == 12);
  CHECK(file.float64_dataset("/summary/quantile") == kProbabilities);
  CHECK_THAT(file.string_attribute("/summary", "quantile_method"),
             Catch::Matchers::StartsWith("linear"));

  const std::map<std::string, std::vector<std::int64_t> ReplicateResult::*> members = {
      {"events", &ReplicateResult::events},
      {"arrivals", &ReplicateResult::arrivals},
      {"stocks", &ReplicateResult::stocks},
      {"occupancy", &ReplicateResult::occupancy}};
  for (const auto& [name, member] : members) {
    INFO(name);
    std::vector<std::vector<std::int64_t>> slabs;
    for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
      slabs.push_back(scrambled_result(run, replicate).*member);
    }
    const Expected expected = expected_statistics(slabs);
    std::vector<std::size_t> shape = file.shape("/" + name);
    shape.erase(shape.begin());
    CHECK(file.shape("/summary/" + name + "_mean") == shape);
    const std::vector<std::size_t> quantile_shape = file.shape("/summary/" + name + "_quantile");
    CHECK(quantile_shape.front() == 3);
    CHECK(std::vector<std::size_t>(quantile_shape.begin() + 1, quantile_shape.end()) == shape);
    CHECK(summary_values(file, name + "_mean") == expected.mean);
    CHECK(summary_values(file, name + "_quantile") == expected.quantiles);
    CHECK(file.string_attribute("/summary/" + name + "_mean", "units") ==
          file.string_attribute("/" + name, "units"));
  }

  // Totals over the run: events by event, arrivals by destination.
  std::vector<std::vector<std::int64_t>> event_totals;
  std::vector<std::vector<std::int64_t>> arrival_totals;
  for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
    const ReplicateResult result = scrambled_result(run, replicate);
    event_totals.push_back(totals_over_time_and_sex(result.events, 4, 10));
    arrival_totals.push_back(totals_over_time_and_sex(result.arrivals, 4, 2));
  }
  const Expected events = expected_statistics(event_totals);
  CHECK(summary_values(file, "event_totals_mean") == events.mean);
  CHECK(summary_values(file, "event_totals_quantile") == events.quantiles);
  const Expected arrivals = expected_statistics(arrival_totals);
  CHECK(summary_values(file, "arrival_totals_mean") == arrivals.mean);
  CHECK(summary_values(file, "arrival_totals_quantile") == arrivals.quantiles);
}

TEST_CASE("/summary labels every axis with scales of its own", "[output][summary][storage]") {
  const RunDescription run = synthetic_run();
  const std::filesystem::path path =
      write_file(scratch_directory("summary_scales") / "run.h5", run, {4, 5, 6});
  const detail::File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  REQUIRE(file.is_open());
  const auto open = [&](const std::string& name) {
    detail::Dataset dataset(H5Dopen2(file.id(), name.c_str(), H5P_DEFAULT));
    REQUIRE(dataset.is_open());
    return dataset;
  };
  const std::map<std::string, std::vector<std::string>> labelled = {
      {"events_mean", {"time", "event", "sex"}},
      {"events_quantile", {"quantile", "time", "event", "sex"}},
      {"arrivals_quantile", {"quantile", "time", "destination", "sex"}},
      {"stocks_mean", {"time", "state", "sex"}},
      {"occupancy_quantile", {"quantile", "time", "location"}},
      {"event_totals_quantile", {"quantile", "event"}},
      {"arrival_totals_mean", {"destination"}}};
  for (const auto& [name, dims] : labelled) {
    const detail::Dataset dataset = open("/summary/" + name);
    for (unsigned axis = 0; axis < dims.size(); ++axis) {
      INFO(name << " axis " << axis << " (" << dims[axis] << ")");
      const detail::Dataset own = open("/summary/" + dims[axis]);
      CHECK(H5DSis_scale(own.id()) > 0);
      CHECK(H5DSis_attached(dataset.id(), own.id(), axis) > 0);
      CHECK(H5DSget_num_scales(dataset.id(), axis) == 1);
      // Never the root's scale: /summary stands alone, like /provenance.
      if (dims[axis] != "quantile") {
        const detail::Dataset root = open("/" + dims[axis]);
        CHECK(H5DSis_attached(dataset.id(), root.id(), axis) == 0);
      }
    }
  }
  const H5Reader reader(path);
  CHECK(reader.string_attribute("/summary/time", "units") == "days since 2000-01-01");
  CHECK(reader.int64_dataset("/summary/time").values == reader.int64_dataset("/time").values);
  CHECK(reader.strings("/summary/location_kind") == run.location_kinds);
  CHECK(reader.string_attribute("/summary/occupancy_mean", "coordinates") ==
        "location_kind location_country");
}

TEST_CASE("/summary is the same however little memory it may use", "[output][summary]") {
  const RunDescription run = twelve_replicates();
  const std::filesystem::path folder = scratch_directory("summary_memory");
  std::vector<std::filesystem::path> paths;
  for (const std::size_t memory : {std::size_t{4} << 20, std::size_t{12 * 8 * 7}, std::size_t{1}}) {
    WriterOptions options;
    options.summary_memory_bytes = memory;
    const auto path = folder / ("run_" + std::to_string(memory) + ".h5");
    H5Writer writer(path, run, options);
    for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
      writer.write(scrambled_result(run, replicate));
    }
    writer.finish();
    paths.push_back(path);
  }
  for (std::size_t index = 1; index < paths.size(); ++index) {
    std::string report;
    INFO(paths[index]);
    CHECK(tumen::testing::h5diff_without_provenance(paths[0], paths[index], &report) == 0);
    INFO(report);
  }
}

TEST_CASE("/summary of a file without replicates holds NaN", "[output][summary]") {
  RunDescription run = synthetic_run();
  run.replicate_begin = 10;
  run.replicate_end = 10;
  const std::filesystem::path path =
      write_file(scratch_directory("summary_empty") / "run.h5", run, {});
  const H5Reader file(path);
  CHECK(file.uint64_attribute("/summary", "replicates") == 0);
  const std::vector<double> mean = file.float64_dataset("/summary/events_mean");
  REQUIRE(mean.size() == 4 * 10 * 2);
  CHECK(std::isnan(mean.front()));
  CHECK(std::isnan(file.float64_dataset("/summary/event_totals_quantile").back()));
}

TEST_CASE("--outputs leaves the other datasets out of the file and out of /summary",
          "[output][summary][outputs]") {
  const RunDescription run = synthetic_run();
  WriterOptions options;
  options.outputs = {"route_flow", "stocks"};  // any order
  const std::filesystem::path path =
      write_file(scratch_directory("outputs_subset") / "run.h5", run, {4, 5, 6}, options);
  const H5Reader file(path);
  CHECK(file.string_attribute("outputs") == "stocks,route_flow");
  CHECK(file.int64_attribute("summary_only") == 0);
  for (const char* absent :
       {"/events", "/location_events", "/arrivals", "/arrivals_by_years_abroad", "/occupancy",
        "/summary/events_mean", "/summary/event_totals_mean", "/summary/arrival_totals_mean",
        "/summary/occupancy_mean"}) {
    INFO(absent);
    CHECK_FALSE(file.exists(absent));
  }
  CHECK(file.int64_dataset("/stocks").values.size() == 3 * 4 * 7 * 2);
  CHECK(file.int64_replicate("/route_flow", 2).values == synthetic_result(run, 6).route_flow);
  CHECK(file.exists("/summary/stocks_quantile"));
  CHECK(file.replicate_done() == std::vector<std::uint8_t>{1, 1, 1});
  // Every coordinate stays, so that the file reads the same way whatever it holds.
  CHECK(file.strings("/event") == run.events);
}

TEST_CASE("H5Writer rejects outputs it does not know", "[output][outputs][bad-input]") {
  const std::filesystem::path path = scratch_directory("outputs_bad") / "run.h5";
  WriterOptions options;
  SECTION("an unknown name") {
    options.outputs = {"events", "summary"};
    CHECK_THROWS_WITH(H5Writer(path, synthetic_run(), options),
                      Catch::Matchers::Contains("outputs: unknown dataset 'summary'"));
  }
  SECTION("summary-only without a summarised dataset") {
    options.outputs = {"route_flow"};
    options.summary_only = true;
    CHECK_THROWS_WITH(H5Writer(path, synthetic_run(), options),
                      Catch::Matchers::Contains("needs at least one of events, arrivals"));
  }
  std::filesystem::path partial = path;
  CHECK_FALSE(std::filesystem::exists(partial += ".partial"));
}

TEST_CASE("A summary-only file has /summary and replicate_done but no per-replicate counts",
          "[output][summary][summary-only]") {
  const RunDescription run = twelve_replicates();
  const std::filesystem::path folder = scratch_directory("summary_only");
  const std::filesystem::path full = folder / "full.h5";
  const std::filesystem::path compact = folder / "compact.h5";
  {
    H5Writer writer(full, run);
    for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
      writer.write(scrambled_result(run, replicate));
    }
    writer.finish();
  }
  WriterOptions options;
  options.summary_only = true;
  {
    H5Writer writer(compact, run, options);
    for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
      writer.write(scrambled_result(run, replicate));
    }
    // Until finish() the per-replicate data of the summarised datasets lives in the .partial.
    {
      const H5Reader working(writer.partial_path());
      CHECK(working.exists("/events"));
      CHECK(working.exists("/occupancy"));
      CHECK_FALSE(working.exists("/location_events"));
      CHECK_FALSE(working.exists("/route_flow"));
    }
    writer.finish();
  }
  std::filesystem::path leftover = compact;
  CHECK_FALSE(std::filesystem::exists(leftover += ".partial"));
  leftover = compact;
  CHECK_FALSE(std::filesystem::exists(leftover += ".new"));

  const H5Reader file(compact);
  CHECK(file.int64_attribute("summary_only") == 1);
  for (const char* absent : {"/events", "/location_events", "/arrivals",
                             "/arrivals_by_years_abroad", "/stocks", "/occupancy", "/route_flow"}) {
    INFO(absent);
    CHECK_FALSE(file.exists(absent));
  }
  CHECK(file.replicate_done() == std::vector<std::uint8_t>(12, 1));
  std::vector<double> wall;
  for (std::uint64_t replicate = 3; replicate < 15; ++replicate) {
    wall.push_back(tumen::output::testing::synthetic_wall_seconds(replicate));
  }
  CHECK(file.float64_dataset("/provenance/replicate_wall_seconds") == wall);
  CHECK(file.string_attribute("/provenance", "host") == "test-host");
  CHECK(file.has_attribute("/provenance", "finished_utc"));

  // The same /summary as the full file, value for value.
  const H5Reader reference(full);
  for (const char* name : {"events_mean", "events_quantile", "arrivals_quantile", "stocks_mean",
                           "occupancy_quantile", "event_totals_quantile", "arrival_totals_mean"}) {
    INFO(name);
    CHECK(file.float64_dataset(std::string("/summary/") + name) ==
          reference.float64_dataset(std::string("/summary/") + name));
  }
  CHECK(file.strings("/scenario/file_text") == reference.strings("/scenario/file_text"));
}
