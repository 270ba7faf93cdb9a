#pragma once
// The immutable, validated description of a scenario: places, routes, parameter values, the
// timeline of dated changes and the run defaults. It is built only by load_scenario(), which
// refuses invalid input, so every Scenario in the program is valid.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tumen/date.hpp"
#include "tumen/diagnostics.hpp"
#include "tumen/parameters.hpp"
#include "tumen/run_description.hpp"

namespace tumen {

enum class PlaceKind : std::uint8_t { origin, border, transit, third_country, destination };
inline constexpr std::array<const char*, 5> kPlaceKindNames = {"origin", "border", "transit",
                                                               "third_country", "destination"};

struct Place {
  std::string name;
  PlaceKind kind = PlaceKind::transit;
  std::string country;               // ISO 3166 alpha-2, e.g. KP, CN, LA, TH, KR
  double departure_weight = 0.0;     // origins: share of departures (normalised over origins)
  double goal_weight = 0.0;          // destinations: share of people aiming for it
  double pass_on_probability = 0.0;  // third countries: chance an arrested person is passed on
  std::int32_t pass_on_to = -1;      // the destination they are passed on to
  std::int32_t sends_back_to = -1;   // where the others are sent back to (-1: deported home)
  std::array<double, kParamCount> base{};  // place-scoped parameter values before the timeline
  SourcePosition where;
};

enum class BrokerUse : std::uint8_t { optional, required };

struct Route {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::int32_t travel_days = 1;
  std::int32_t travel_spread_days = 0;  // travel takes travel_days +- spread, uniformly
  double cost_usd = 0.0;
  double detection_per_day = 0.0;  // daily probability of detection at patrol intensity 1
  BrokerUse broker = BrokerUse::optional;
  std::array<double, kParamCount> base{};  // route-scoped parameter values before the timeline
  SourcePosition where;
};

enum class ChangeScope : std::uint8_t { all, place, kind, country, route };

// A dated change of one parameter: a step at `from` (from == to) or a linear ramp from the value
// in force the day before `from` to `value` on `to`.
struct TimelineChange {
  Param param = Param::departure_rate_per_day;
  ChangeScope scope = ChangeScope::all;
  std::vector<std::uint32_t> targets;  // place or route indices the change applies to
  Date from;
  Date to;
  double value = 0.0;
  SourcePosition where;
};

// Everyone detained in `country` on `date` is returned to North Korea with probability `share`.
struct MassReturn {
  Date date;
  std::string country;
  double share = 1.0;
  SourcePosition where;
};

struct RunDefaults {
  std::uint64_t replicates = 1;
  std::uint64_t seed = 1;
  Period period = Period::month;
};

struct Scenario {
  std::string name;
  std::string description;
  Date start;
  Date end;  // inclusive
  std::string home_country = "KP";
  std::vector<Place> places;
  std::vector<Route> routes;
  std::array<double, kParamCount> values{};  // global values; defaults of place/route ones
  std::vector<TimelineChange> timeline;
  std::vector<MassReturn> mass_returns;
  RunDefaults run;

  std::vector<ScenarioFile> files;         // every file read, in load order
  std::vector<std::string> set_overrides;  // --set arguments applied
  std::string hash;                        // SHA-256 of the resolved scenario, lowercase hex

  [[nodiscard]] std::int32_t day_count() const { return days_between(start, end) + 1; }
  [[nodiscard]] double value(Param p) const { return values[static_cast<std::size_t>(p)]; }
  [[nodiscard]] std::string route_name(std::size_t r) const {
    return places[routes[r].from].name + "->" + places[routes[r].to].name;
  }
};

}  // namespace tumen
