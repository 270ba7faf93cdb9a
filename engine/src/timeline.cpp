#include "tumen/timeline.hpp"

#include <algorithm>

namespace tumen {

std::size_t Series::piece_at(std::int32_t day) const {
  // The last piece whose begin <= day; the first piece begins at the lowest int32.
  const auto it = std::upper_bound(pieces_.begin(), pieces_.end(), day,
                                   [](std::int32_t d, const Piece& p) { return d < p.begin; });
  return static_cast<std::size_t>(it - pieces_.begin()) - 1;
}

double Series::value(const Piece& piece, std::int32_t day) {
  if (piece.ramp_to == piece.ramp_from || day >= piece.ramp_to) return piece.to_value;
  if (day <= piece.ramp_from) return piece.from_value;
  // A ramp is a daily staircase: linear in whole days from ramp_from to ramp_to.
  const double fraction = static_cast<double>(day - piece.ramp_from) /
                          static_cast<double>(piece.ramp_to - piece.ramp_from);
  return piece.from_value + (piece.to_value - piece.from_value) * fraction;
}

void Series::apply(std::int32_t from_day, std::int32_t to_day, double target) {
  const double start_value = at(from_day - 1);
  // A later-starting change wins from its start: drop whatever began on or after it.
  while (pieces_.size() > 1 && pieces_.back().begin >= from_day) pieces_.pop_back();
  if (to_day > from_day) {
    pieces_.push_back({from_day, from_day, to_day, start_value, target});
  } else {
    pieces_.push_back({from_day, from_day, from_day, target, target});
  }
}

double Series::at(std::int32_t day) const {
  return value(pieces_[piece_at(day)], day);
}

std::int32_t Series::constant_until(std::int32_t day) const {
  const std::size_t i = piece_at(day);
  const Piece& p = pieces_[i];
  if (p.ramp_to > p.ramp_from && day < p.ramp_to) return day + 1;
  return i + 1 < pieces_.size() ? pieces_[i + 1].begin : kForever;
}

Timeline::Timeline(const Scenario& scenario) {
  global_.reserve(kParamCount);
  scoped_.resize(kParamCount);
  for (std::size_t i = 0; i < kParamCount; ++i) {
    global_.emplace_back(scenario.values[i]);
    if (kParams[i].scope == ParamScope::place) {
      for (const auto& place : scenario.places) scoped_[i].emplace_back(place.base[i]);
    } else if (kParams[i].scope == ParamScope::route) {
      for (const auto& route : scenario.routes) scoped_[i].emplace_back(route.base[i]);
    }
  }
  // scenario.timeline is sorted by start date (stable), so later entries in the file win ties.
  for (const auto& change : scenario.timeline) {
    const std::int32_t from = days_between(scenario.start, change.from);
    const std::int32_t to = days_between(scenario.start, change.to);
    const auto p = static_cast<std::size_t>(change.param);
    if (kParams[p].scope == ParamScope::global) {
      global_[p].apply(from, to, change.value);
    } else {
      for (const auto target : change.targets) scoped_[p][target].apply(from, to, change.value);
    }
    for (std::int32_t d = std::max(from, 0); d <= to + 1 && d < scenario.day_count(); ++d) {
      change_days_.push_back(d);
    }
  }
  std::sort(change_days_.begin(), change_days_.end());
  change_days_.erase(std::unique(change_days_.begin(), change_days_.end()), change_days_.end());
  for (std::size_t i = 0; i < scenario.mass_returns.size(); ++i) {
    const auto day = days_between(scenario.start, scenario.mass_returns[i].date);
    if (day >= 0 && day < scenario.day_count()) mass_returns_.emplace_back(day, i);
  }
  std::stable_sort(mass_returns_.begin(), mass_returns_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::int32_t Timeline::next_change_after(std::int32_t day) const {
  const auto it = std::upper_bound(change_days_.begin(), change_days_.end(), day);
  return it == change_days_.end() ? kForever : *it;
}

}  // namespace tumen
