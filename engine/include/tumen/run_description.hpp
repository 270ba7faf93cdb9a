#pragma once
// What a run produces, described once before the first replicate finishes: every coordinate
// of the output and everything needed to reproduce it. The output library turns this into the
// root attributes, the coordinates, /scenario and /provenance; it never needs to know a rule.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tumen {

enum class Period : std::uint8_t { day, month, year };

[[nodiscard]] const char* to_string(Period period);

// Replicates [begin, end) of a run: a slice run by one process (`--replicate-range A:B`).
struct ReplicateRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// "A:B" as written in `--replicate-range` and the root attribute `replicate_range`: two decimal
// numbers with A < B, nothing else (no sign, no spaces). nullopt for anything else, so that a
// typo is never read as some other range.
[[nodiscard]] std::optional<ReplicateRange> parse_replicate_range(std::string_view text);

// The "A:B" form of a range.
[[nodiscard]] std::string to_string(ReplicateRange range);

struct ScenarioFile {
  std::string path;  // as the user named it, relative to the scenario's folder where possible
  std::string text;  // the exact bytes that were read
};

struct RunDescription {
  // Root attributes (identical for identical inputs).
  std::string tumen_version;
  std::string rng_scheme;  // e.g. "philox4x64-10/1"
  std::string scenario_name;
  std::string scenario_hash;  // lowercase hex SHA-256 of the resolved scenario
  std::uint64_t seed = 0;
  std::uint64_t replicate_total = 0;
  std::uint64_t replicate_begin = 0;  // this file holds replicates [begin, end)
  std::uint64_t replicate_end = 0;
  std::string start_date;  // ISO 8601
  std::string end_date;
  Period period = Period::month;
  // Sweep point k, for a run that is one point of `tumen sweep`: its RNG streams carry the point
  // field k + 1 (docs/rng.md). Written as the root attribute `sweep_point`; absent for a plain run.
  std::optional<std::uint64_t> sweep_point;

  // Coordinates.
  std::vector<std::int32_t> period_start_days;  // /time: days since start_date
  std::vector<std::string> locations;
  std::vector<std::string> location_kinds;
  std::vector<std::string> location_countries;
  std::vector<std::string> destinations;
  std::vector<std::string> events;
  std::vector<std::string> states;
  std::vector<std::string> sexes;
  std::vector<std::string> routes;  // "FROM->TO"
  int years_abroad_max = 20;        // the last bin holds this many years or more

  // /scenario: the resolved scenario.
  std::vector<ScenarioFile> scenario_files;  // the TOML files and CSV tables, in load order
  std::vector<std::string> set_overrides;    // the --set KEY=VALUE arguments, in order
  std::vector<std::pair<std::string, std::string>> effective_parameters;  // name, value

  // /provenance: things that vary between otherwise identical runs.
  std::string command_line;
  std::string host;
  std::string git_commit;
  std::string compiler;
  std::string created_utc;  // ISO 8601, set when the run starts

  [[nodiscard]] std::size_t time_count() const { return period_start_days.size(); }
  [[nodiscard]] std::size_t replicate_count() const { return replicate_end - replicate_begin; }
};

}  // namespace tumen
