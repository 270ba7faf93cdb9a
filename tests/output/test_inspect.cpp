// `tumen inspect`: the summary a user reads, checked line by line on the synthetic run.
#include "tumen/output/inspect.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

// The table that starts at the line beginning with "event ", up to the end of the text.
Table event_table(const std::string& text) {
  Table table;
  std::istringstream lines(text);
  std::string line;
  bool inside = false;
  while (std::getline(lines, line)) {
    inside = inside || line.rfind("event ", 0) == 0;
    if (!inside || line.empty()) continue;
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
