#pragma once
// Every named model parameter: its dotted name, scope, domain, unit and default. A scenario sets
// them in TOML sections ([departure] rate_per_day = ...), in CSV columns for place and route
// scoped ones (patrol.intensity -> column patrol_intensity), on the command line with --set, and
// changes them over time in its [[timeline]]. docs/model.md lists them with their sources.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tumen {

enum class ParamScope : std::uint8_t { global, place, route };

enum class ParamDomain : std::uint8_t {
  probability,  // [0, 1]
  nonnegative,  // [0, inf)
  positive,     // (0, inf)
  flag,         // 0 or 1
};

struct ParamSpec {
  std::string_view name;
  ParamScope scope;
  ParamDomain domain;
  double default_value;
  std::string_view unit;
  std::string_view meaning;
};

// Order matches kParams below.
enum class Param : std::uint8_t {
  departure_rate_per_day,
  departure_female_share,
  departure_funds_usd_mean,
  family_sponsor_probability,
  family_delay_days_mean,
  family_remittance_usd,
  reattempt_probability,
  reattempt_delay_days_mean,
  crossing_bribe_usd,
  crossing_bribe_factor,
  crossing_lethal_share,
  hiding_probability_female,
  hiding_probability_male,
  hiding_arrest_hazard_per_day,
  hiding_move_on_hazard_per_day,
  hiding_savings_usd_per_day,
  hiding_trafficked_move_on_factor,
  route_time_weight,
  route_risk_weight,
  route_cost_weight_per_kusd,
  route_choice_temperature,
  broker_fee_usd,
  broker_hire_probability,
  broker_protection,
  broker_betrayal_probability,
  broker_trafficking_share,
  repatriation_return_hazard_per_day,
  punishment_days_mean,
  punishment_camp_probability,
  punishment_death_probability,
  population_size,
  // place scope
  departure_push,
  patrol_intensity,
  police_sweep_multiplier,
  broker_capacity_per_month,
  // route scope
  route_open,
  route_detection_multiplier,
  count_
};

inline constexpr std::size_t kParamCount = static_cast<std::size_t>(Param::count_);

using G = ParamScope;
using D = ParamDomain;
inline constexpr std::array<ParamSpec, kParamCount> kParams = {{
    {"departure.rate_per_day", G::global, D::nonnegative, 1.0, "people/day",
     "expected first departures per day, all origins together"},
    {"departure.female_share", G::global, D::probability, 0.5, "1",
     "share of women among departures"},
    {"departure.funds_usd_mean", G::global, D::nonnegative, 300.0, "USD",
     "mean own funds at departure (exponentially distributed)"},
    {"family.sponsor_probability", G::global, D::probability, 0.0, "1",
     "chance that an arrival later sponsors a relative's departure"},
    {"family.delay_days_mean", G::global, D::positive, 730.0, "days",
     "mean delay from an arrival to the sponsored departure"},
    {"family.remittance_usd", G::global, D::nonnegative, 10000.0, "USD",
     "money a sponsored relative leaves with"},
    {"reattempt.probability", G::global, D::probability, 0.2, "1",
     "chance that a released person tries again"},
    {"reattempt.delay_days_mean", G::global, D::positive, 365.0, "days",
     "mean delay from release to the next attempt"},
    {"crossing.bribe_usd", G::global, D::nonnegative, 100.0, "USD",
     "bribe paid to border guards by those who can afford it"},
    {"crossing.bribe_factor", G::global, D::probability, 0.5, "1",
     "multiplier of the crossing detection hazard for those who bribe"},
    {"crossing.lethal_share", G::global, D::probability, 0.0, "1",
     "share of people caught on the North Korean side who are killed"},
    {"hiding.probability_female", G::global, D::probability, 0.6, "1",
     "chance that a woman reaching a transit place hides there"},
    {"hiding.probability_male", G::global, D::probability, 0.3, "1",
     "chance that a man reaching a transit place hides there"},
    {"hiding.arrest_hazard_per_day", G::global, D::nonnegative, 0.0007, "1/day",
     "daily arrest hazard of people hiding (times police.sweep_multiplier)"},
    {"hiding.move_on_hazard_per_day", G::global, D::nonnegative, 0.0015, "1/day",
     "daily hazard of leaving a hiding place to travel on"},
    {"hiding.savings_usd_per_day", G::global, D::nonnegative, 2.0, "USD/day",
     "what a person in hiding saves per day"},
    {"hiding.trafficked_move_on_factor", G::global, D::nonnegative, 0.3, "1",
     "multiplier of the move-on hazard for people trafficked by a broker"},
    {"route.time_weight", G::global, D::nonnegative, 1.0, "1/day", "disutility of a travel day"},
    {"route.risk_weight", G::global, D::nonnegative, 100.0, "1",
     "disutility of a certain detection on a route"},
    {"route.cost_weight_per_kusd", G::global, D::nonnegative, 1.0, "1/kUSD",
     "disutility of 1,000 USD of route cost"},
    {"route.choice_temperature", G::global, D::positive, 5.0, "1",
     "spread of the logit route choice of people without a broker"},
    {"broker.fee_usd", G::global, D::nonnegative, 5000.0, "USD", "fee for a brokered journey"},
    {"broker.hire_probability", G::global, D::probability, 0.5, "1",
     "chance that someone who can afford a broker at a hub asks for one"},
    {"broker.protection", G::global, D::probability, 0.5, "1",
     "fraction by which a broker lowers the detection hazard"},
    {"broker.betrayal_probability", G::global, D::probability, 0.02, "1",
     "chance that a broker contract ends in betrayal"},
    {"broker.trafficking_share", G::global, D::probability, 0.5, "1",
     "share of betrayals that are trafficking rather than handing over to police"},
    {"repatriation.return_hazard_per_day", G::global, D::nonnegative, 1.0 / 30.0, "1/day",
     "daily hazard that a detained person is returned to North Korea"},
    {"punishment.days_mean", G::global, D::positive, 365.0, "days",
     "mean punishment of people caught or returned"},
    {"punishment.camp_probability", G::global, D::probability, 0.02, "1",
     "chance that a punished person goes to a political prison camp (never released)"},
    {"punishment.death_probability", G::global, D::probability, 0.01, "1",
     "chance that a punished person dies in custody"},
    {"population.size", G::global, D::nonnegative, 0.0, "people",
     "whole-population mode: everyone at risk of leaving is an agent from the start (0: off)"},
    {"departure.push", G::place, D::nonnegative, 1.0, "1",
     "multiplier of an origin's departure rate (famine, closure)"},
    {"patrol.intensity", G::place, D::nonnegative, 1.0, "1",
     "multiplier of the detection hazard on routes touching the place"},
    {"police.sweep_multiplier", G::place, D::nonnegative, 1.0, "1",
     "multiplier of the arrest hazard of people hiding at the place (crackdowns)"},
    {"broker.capacity_per_month", G::place, D::nonnegative, 0.0, "people/month",
     "broker contracts a hub can grant each calendar month"},
    {"route.open", G::route, D::flag, 1.0, "1", "whether a route can be used"},
    {"route.detection_multiplier", G::route, D::nonnegative, 1.0, "1",
     "multiplier of a route's detection hazard"},
}};

[[nodiscard]] constexpr const ParamSpec& spec(Param p) {
  return kParams[static_cast<std::size_t>(p)];
}
[[nodiscard]] std::optional<Param> find_param(std::string_view dotted_name);
// The CSV column that gives a place or route scoped parameter per row: dots become underscores.
[[nodiscard]] std::string csv_column(Param p);
// Empty when `value` is allowed; otherwise what was expected.
[[nodiscard]] std::string check_domain(Param p, double value);

}  // namespace tumen
