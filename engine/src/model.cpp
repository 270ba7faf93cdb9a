#include "tumen/model.hpp"

#include <cmath>
#include <cstdio>

#include "tumen/hazard.hpp"
#include "tumen/rng.hpp"
#include "tumen/rules/repatriation.hpp"
#include "tumen/vocabulary.hpp"

namespace tumen {

Model::Model(Scenario scenario, Period period)
    : scenario_(std::make_unique<const Scenario>(std::move(scenario))),
      timeline_(std::make_unique<const Timeline>(*scenario_)),
      network_(std::make_unique<const Network>(*scenario_, *timeline_)),
      period_(period) {
  const std::int32_t days = day_count();
  period_of_day_.resize(static_cast<std::size_t>(days));
  month_start_.resize(static_cast<std::size_t>(days));
  int last_key = -1;
  for (std::int32_t d = 0; d < days; ++d) {
    const Date date{scenario_->start.days_since_epoch + d};
    month_start_[static_cast<std::size_t>(d)] = date.day_of_month() == 1 ? 1 : 0;
    const int key = period == Period::day     ? d
                    : period == Period::month ? date.year() * 12 + static_cast<int>(date.month())
                                              : date.year();
    if (key != last_key) {
      period_starts_.push_back(d);
      last_key = key;
    }
    period_of_day_[static_cast<std::size_t>(d)] =
        static_cast<std::uint32_t>(period_starts_.size() - 1);
  }

  const auto& places = scenario_->places;
  double total = 0.0;
  for (std::uint32_t i = 0; i < places.size(); ++i) {
    if (places[i].kind == PlaceKind::origin) {
      origins_.push_back(i);
      total += places[i].departure_weight;
    }
  }
  for (const auto o : origins_) origin_shares_.push_back(places[o].departure_weight / total);
  goal_of_place_.assign(places.size(), -1);
  for (std::size_t g = 0; g < network_->destinations().size(); ++g) {
    const auto place = network_->destinations()[g];
    goal_of_place_[place] = static_cast<std::int32_t>(g);
    goal_weights_.push_back(places[place].goal_weight);
  }
  for (const auto& p : places) home_.push_back(p.country == scenario_->home_country ? 1 : 0);

  const Timeline& t = *timeline_;
  move_on_ = CumulativeHazard(SeriesHazard{t.global(Param::hiding_move_on_hazard_per_day)}, days);
  return_ =
      CumulativeHazard(SeriesHazard{t.global(Param::repatriation_return_hazard_per_day)}, days);
  release_ = CumulativeHazard(rules::MeanDaysHazard{t.global(Param::punishment_days_mean)}, days);
  reattempt_ =
      CumulativeHazard(rules::MeanDaysHazard{t.global(Param::reattempt_delay_days_mean)}, days);
  arrest_ = CumulativeHazard(SeriesHazard{t.global(Param::hiding_arrest_hazard_per_day)}, days);
  for (std::uint32_t p = 0; p < places.size(); ++p) {
    const Series& sweep = t.place(Param::police_sweep_multiplier, p);
    if (sweep.is_constant()) {
      arrest_at_.emplace_back(&arrest_, sweep.at(0));
      continue;
    }
    struct ArrestAtPlace {
      const Series& arrest;
      const Series& sweep;
      [[nodiscard]] double rate(std::int32_t d) const { return arrest.at(d) * sweep.at(d); }
    };
    place_arrest_.push_back(std::make_unique<CumulativeHazard>(
        ArrestAtPlace{t.global(Param::hiding_arrest_hazard_per_day), sweep}, days));
    arrest_at_.emplace_back(place_arrest_.back().get(), 1.0);
  }

  const double size = scenario_->value(Param::population_size);
  if (size > 0.0) {
    const Series& rate = timeline_->global(Param::departure_rate_per_day);
    for (std::size_t i = 0; i < origins_.size(); ++i) {
      const double people = std::round(size * origin_shares_[i]);
      population_.push_back(static_cast<std::uint64_t>(people));
      const Series& push = timeline_->place(Param::departure_push, origins_[i]);
      std::vector<double> cumulative(static_cast<std::size_t>(days) + 1, 0.0);
      for (std::int32_t d = 0; d < days; ++d) {
        const double per_person =
            people > 0.0 ? rate.at(d) * origin_shares_[i] * push.at(d) / people : 0.0;
        cumulative[static_cast<std::size_t>(d) + 1] =
            cumulative[static_cast<std::size_t>(d)] + per_person;
      }
      cumulative_hazard_.push_back(std::move(cumulative));
    }
  }
}

std::uint64_t Model::table_bytes() const {
  std::uint64_t bytes = 0;
  for (const CumulativeHazard* table : {&move_on_, &return_, &release_, &reattempt_, &arrest_}) {
    bytes += table->bytes();
  }
  for (const auto& table : place_arrest_) bytes += table->bytes();
  for (const auto& table : cumulative_hazard_) bytes += table.capacity() * sizeof(double);
  return bytes;
}

RunDescription describe(const Model& model, std::uint64_t seed, std::uint64_t replicate_total,
                        std::uint64_t replicate_begin, std::uint64_t replicate_end) {
  const Scenario& s = model.scenario();
  RunDescription run;
  run.tumen_version = tumen_version();
  run.rng_scheme = rng::kRngScheme;
  run.scenario_name = s.name;
  run.scenario_hash = s.hash;
  run.seed = seed;
  run.replicate_total = replicate_total;
  run.replicate_begin = replicate_begin;
  run.replicate_end = replicate_end;
  run.start_date = s.start.iso();
  run.end_date = s.end.iso();
  run.period = model.period();
  run.period_start_days = model.period_start_days();
  for (const auto& p : s.places) {
    run.locations.push_back(p.name);
    run.location_kinds.push_back(kPlaceKindNames[static_cast<std::size_t>(p.kind)]);
    run.location_countries.push_back(p.country);
  }
  for (const auto d : model.network().destinations()) run.destinations.push_back(s.places[d].name);
  run.events.assign(kEventNames.begin(), kEventNames.end());
  run.states.assign(kStateNames.begin(), kStateNames.end());
  run.sexes.assign(kSexNames.begin(), kSexNames.end());
  for (std::size_t r = 0; r < s.routes.size(); ++r) run.routes.push_back(s.route_name(r));
  run.years_abroad_max = kYearsAbroadMax;
  run.scenario_files = s.files;
  run.set_overrides = s.set_overrides;
  for (std::size_t i = 0; i < kParamCount; ++i) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", s.values[i]);
    run.effective_parameters.emplace_back(std::string(kParams[i].name), buffer);
  }
  run.git_commit = tumen_git_commit();
  run.compiler = "g++ " __VERSION__;
  return run;
}

}  // namespace tumen
