#include "synthetic_run.hpp"

#include <string>

namespace tumen::output::testing {

RunDescription synthetic_run() {
  RunDescription run;
  run.tumen_version = "0.1.0-test";
  run.rng_scheme = "philox4x64-10/1";
  run.scenario_name = "synthetic";
  run.scenario_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  run.seed = 18'446'744'073'709'551'557ULL;  // beyond int64: the attribute must be uint64
  run.replicate_total = 10;
  run.replicate_begin = 4;
  run.replicate_end = 7;
  run.start_date = "2000-01-01";
  run.end_date = "2000-04-30";
  run.period = Period::month;

  run.period_start_days = {0, 31, 60, 91};
  run.locations = {"회령", "延吉", "Shenyang"};
  run.location_kinds = {"border_crossing", "transit", "transit"};
  run.location_countries = {"KP", "CN", "CN"};
  run.destinations = {"Seoul", "Bangkok"};
  run.events = {
      "departed",    "first_departure", "crossed_border", "caught_at_border", "arrested_in_transit",
      "repatriated", "released",        "broker_hired",   "arrived",          "died"};
  run.states = {"travelling", "hiding", "detained", "imprisoned", "back_home", "arrived", "dead"};
  run.sexes = {"female", "male"};
  run.routes = {"회령->延吉", "延吉->Shenyang"};
  run.years_abroad_max = 20;

  run.scenario_files = {
      {"synthetic.toml", "name = \"synthetic\"\nstart_date = 2000-01-01\n"},
      {"tables/places.csv", "name,kind,country\n회령,border_crossing,KP\n延吉,transit,CN\n"},
  };
  run.set_overrides = {"patrol.intensity=2.0"};
  run.effective_parameters = {{"patrol.intensity", "2.0"}, {"broker.fee_usd", "8000"}};

  run.command_line = "tumen run synthetic.toml --seed 18446744073709551557 -r 10";
  run.host = "test-host";
  run.git_commit = "0123456789ab";
  run.compiler = "GCC 12.2.0";
  run.created_utc = "2024-06-01T12:00:00Z";
  return run;
}

namespace {

std::vector<std::int64_t> filled(Counter counter, std::uint64_t replicate, std::size_t size) {
  std::vector<std::int64_t> values(size);
  for (std::size_t index = 0; index < size; ++index) {
    values[index] = synthetic_value(counter, replicate, index);
  }
  return values;
}

}  // namespace

ReplicateResult synthetic_result(const RunDescription& run, std::uint64_t replicate) {
  const std::size_t times = run.time_count();
  const std::size_t years = static_cast<std::size_t>(run.years_abroad_max) + 1;
  ReplicateResult result;
  result.replicate = replicate;
  result.wall_seconds = synthetic_wall_seconds(replicate);
  result.events = filled(Counter::events, replicate, times * run.events.size() * run.sexes.size());
  result.location_events =
      filled(Counter::location_events, replicate, times * run.locations.size() * run.events.size());
  result.arrivals =
      filled(Counter::arrivals, replicate, times * run.destinations.size() * run.sexes.size());
  result.arrivals_by_years_abroad =
      filled(Counter::arrivals_by_years_abroad, replicate, times * run.destinations.size() * years);
  result.stocks = filled(Counter::stocks, replicate, times * run.states.size() * run.sexes.size());
  result.occupancy = filled(Counter::occupancy, replicate, times * run.locations.size());
  result.route_flow = filled(Counter::route_flow, replicate, run.routes.size());
  return result;
}

std::filesystem::path scratch_directory(std::string_view test_name) {
  const std::filesystem::path directory =
      std::filesystem::path(TUMEN_BINARY_DIR) / "tests-tmp" / "output" / std::string(test_name);
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

}  // namespace tumen::output::testing
