#pragma once
// A Scenario made ready to run: its timeline compiled into series, its network and route plans,
// and the output periods. Built once per run and shared read-only by every replicate and thread.
#include <cstdint>
#include <memory>
#include <vector>

#include "tumen/build_info.hpp"  // tumen_version(), which every user of a Model reports
#include "tumen/cumulative_hazard.hpp"
#include "tumen/network.hpp"
#include "tumen/run_description.hpp"
#include "tumen/scenario.hpp"
#include "tumen/timeline.hpp"

namespace tumen {

class Model {
 public:
  Model(Scenario scenario, Period period);
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  [[nodiscard]] const Scenario& scenario() const { return *scenario_; }
  [[nodiscard]] const Timeline& timeline() const { return *timeline_; }
  [[nodiscard]] const Network& network() const { return *network_; }
  [[nodiscard]] std::int32_t day_count() const { return scenario_->day_count(); }

  [[nodiscard]] Period period() const { return period_; }
  [[nodiscard]] const std::vector<std::int32_t>& period_start_days() const {
    return period_starts_;
  }
  [[nodiscard]] std::size_t period_count() const { return period_starts_.size(); }
  [[nodiscard]] std::uint32_t period_of(std::int32_t day) const {
    return period_of_day_[static_cast<std::size_t>(day)];
  }
  [[nodiscard]] bool is_period_end(std::int32_t day) const {
    return day + 1 == day_count() || period_of_day_[static_cast<std::size_t>(day) + 1] !=
                                         period_of_day_[static_cast<std::size_t>(day)];
  }
  [[nodiscard]] bool is_month_start(std::int32_t day) const {
    return month_start_[static_cast<std::size_t>(day)] != 0;
  }

  // Origins and their departure shares, in place order.
  [[nodiscard]] const std::vector<std::uint32_t>& origins() const { return origins_; }
  [[nodiscard]] const std::vector<double>& origin_shares() const { return origin_shares_; }
  [[nodiscard]] const std::vector<double>& goal_weights() const { return goal_weights_; }
  // Index of a destination place among network().destinations(), or -1.
  [[nodiscard]] std::int32_t goal_of_place(std::uint32_t place) const {
    return goal_of_place_[place];
  }
  [[nodiscard]] bool is_home(std::uint32_t place) const { return home_[place] != 0; }

  // Waiting hazards as running sums over the run, shared by every replicate.
  [[nodiscard]] const CumulativeHazard& move_on_hazard() const { return move_on_; }
  [[nodiscard]] const CumulativeHazard& return_hazard() const { return return_; }
  [[nodiscard]] const CumulativeHazard& release_hazard() const {
    return release_;
  }  // 1 / punishment.days_mean
  [[nodiscard]] const CumulativeHazard& reattempt_hazard() const {
    return reattempt_;
  }  // 1 / reattempt.delay_days_mean
  // The arrest hazard of people hiding at `place` is table * factor: places whose sweep
  // multiplier never changes share the global table.
  [[nodiscard]] std::pair<const CumulativeHazard*, double> arrest_hazard(
      std::uint32_t place) const {
    return arrest_at_[place];
  }

  // Whole-population mode (population.size > 0): everyone at risk of leaving is an agent from
  // the start. Each origin holds round(size * share) people, and each of them leaves with the
  // per-person hazard rate_per_day * share * push / people, so that expected departures match
  // the ordinary mode. The cumulative hazard H[d] (the sum of the daily hazards before day d)
  // turns one Exp(1) budget per person into a departure day by binary search.
  [[nodiscard]] bool whole_population() const { return !population_.empty(); }
  [[nodiscard]] std::uint64_t population(std::size_t origin_index) const {
    return population_[origin_index];
  }
  [[nodiscard]] const std::vector<double>& cumulative_departure_hazard(
      std::size_t origin_index) const {
    return cumulative_hazard_[origin_index];
  }

  // The memory of the hazard tables above, shared by every replicate (MemoryEstimate).
  [[nodiscard]] std::uint64_t table_bytes() const;

 private:
  std::unique_ptr<const Scenario> scenario_;
  std::unique_ptr<const Timeline> timeline_;
  std::unique_ptr<const Network> network_;
  Period period_;
  std::vector<std::int32_t> period_starts_;
  std::vector<std::uint32_t> period_of_day_;
  std::vector<char> month_start_;
  std::vector<std::uint32_t> origins_;
  std::vector<double> origin_shares_;
  std::vector<double> goal_weights_;
  std::vector<std::int32_t> goal_of_place_;
  std::vector<char> home_;
  CumulativeHazard move_on_, return_, release_, reattempt_, arrest_;
  std::vector<std::unique_ptr<CumulativeHazard>> place_arrest_;  // places with changing sweeps
  std::vector<std::pair<const CumulativeHazard*, double>> arrest_at_;  // [place]
  std::vector<std::uint64_t> population_;                              // [origin]
  std::vector<std::vector<double>> cumulative_hazard_;  // [origin][day 0 .. day_count]
};

// The run's description for sinks: coordinates and provenance. `replicate_begin/end`, the seed,
// the command line and the period are the caller's.
[[nodiscard]] RunDescription describe(const Model& model, std::uint64_t seed,
                                      std::uint64_t replicate_total, std::uint64_t replicate_begin,
                                      std::uint64_t replicate_end);

}  // namespace tumen
