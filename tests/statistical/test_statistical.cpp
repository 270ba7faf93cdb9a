// Each rule family against its analytic expectation. Every tolerance is stated and is at least
// five standard errors wide, so a correct engine fails with probability well below 1e-6.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "support/scratch_dir.hpp"
#include "tumen/cumulative_hazard.hpp"
#include "tumen/model.hpp"
#include "tumen/rules/crossing.hpp"
#include "tumen/rules/departure.hpp"
#include "tumen/rules/hiding.hpp"
#include "tumen/rules/route_choice.hpp"
#include "tumen/scenario_loader.hpp"
#include "tumen/simulation.hpp"

using namespace tumen;
using tumen::testing::ScratchDir;

namespace {

std::unique_ptr<Model> load_model(const std::string& relative, Period period,
                                  std::vector<std::string> set = {}) {
  Diagnostics diagnostics;
  auto s = load_scenario(testing::source_path(relative), LoadOptions{std::move(set)}, diagnostics);
  REQUIRE(s);
  return std::make_unique<Model>(std::move(*s), period);
}

ReplicateResult run(const Model& model, std::uint64_t seed, std::uint64_t replicate) {
  Simulation simulation(model, seed, replicate);
  REQUIRE(simulation.run());
  return simulation.take_result();
}

std::int64_t event_total(const ReplicateResult& r, Event e) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    if ((i / kSexCount) % kEventCount == static_cast<std::size_t>(e)) sum += r.events[i];
  }
  return sum;
}

double binomial_tolerance(double p, double n) {
  return 5.0 * std::sqrt(p * (1 - p) / n);
}

}  // namespace

TEST_CASE("Crossing: the caught share of a d-day route is 1-(1-p)^d", "[statistical][crossing]") {
  // The rule alone: many hops on a constant hazard -log(1-p).
  const double p = 0.02;
  const int days = 10;
  const double expected = 1.0 - std::pow(1.0 - p, days);
  const int n = 200000;
  int caught = 0;
  for (int i = 0; i < n; ++i) {
    rng::Draws d({1, 0}, static_cast<std::uint64_t>(i), 0, rng::Purpose::movement);
    caught +=
        rules::plan_hop(0, days, 0, ConstantHazard{-std::log1p(-p)}, 100000, d).caught ? 1 : 0;
  }
  CHECK(std::abs(caught / double(n) - expected) < binomial_tolerance(expected, n));

  // The whole simulation on the two-place scenario: the caught share of departures.
  const auto model = load_model("scenarios/tests/two_place.toml", Period::year);
  std::int64_t departed = 0, caught_sim = 0;
  for (std::uint64_t r = 0; r < 4; ++r) {
    const auto result = run(*model, 11, r);
    departed += event_total(result, Event::departed);
    caught_sim += event_total(result, Event::caught_at_border);
  }
  // Departures in the last ten days may still be on the road at the end: at most 10 days of 20.
  const double share = double(caught_sim) / double(departed);
  INFO("departed " << departed << ", caught " << caught_sim);
  CHECK(std::abs(share - expected) < binomial_tolerance(expected, static_cast<double>(departed)) +
                                         200.0 / static_cast<double>(departed));
}

TEST_CASE("Departure: daily counts have the Poisson mean and variance",
          "[statistical][departure]") {
  const auto model = load_model("scenarios/tests/two_place.toml", Period::day);
  const auto result = run(*model, 3, 0);
  const std::size_t days = model->period_count();
  std::vector<double> counts(days, 0.0);
  for (std::size_t t = 0; t < days; ++t) {
    for (std::size_t s = 0; s < kSexCount; ++s) {
      counts[t] += static_cast<double>(
          result.events[(t * kEventCount + static_cast<std::size_t>(Event::first_departure)) *
                            kSexCount +
                        s]);
    }
  }
  const double lambda = 20.0;
  const double mean = std::accumulate(counts.begin(), counts.end(), 0.0) / double(days);
  double var = 0.0;
  for (const double c : counts) var += (c - mean) * (c - mean);
  var /= double(days - 1);
  // SE of the mean: sqrt(lambda / 365) = 0.234; SE of the variance: about lambda*sqrt(2/364)
  // = 1.48.
  CHECK(std::abs(mean - lambda) < 5 * std::sqrt(lambda / double(days)));
  CHECK(std::abs(var - lambda) < 5 * lambda * std::sqrt(2.0 / double(days - 1)));
}

TEST_CASE("Brokers: a hub with capacity C grants exactly C a month when demand exceeds it",
          "[statistical][broker]") {
  const auto model = load_model("scenarios/tests/broker_hub.toml", Period::month);
  const auto& places = model->scenario().places;
  const std::size_t hub = static_cast<std::size_t>(
      std::find_if(places.begin(), places.end(), [](const Place& p) { return p.name == "Hub"; }) -
      places.begin());
  for (std::uint64_t r = 0; r < 2; ++r) {
    const auto result = run(*model, 5, r);
    for (std::size_t t = 0; t < model->period_count(); ++t) {
      const auto hired = result.location_events[(t * places.size() + hub) * kEventCount +
                                                static_cast<std::size_t>(Event::broker_hired)];
      const auto refused = result.location_events[(t * places.size() + hub) * kEventCount +
                                                  static_cast<std::size_t>(Event::broker_refused)];
      INFO("month " << t);
      CHECK(hired == 25);
      CHECK(refused > 0);
    }
  }
}

TEST_CASE("Waiting: a hazard that changes at a timeline date gives piecewise waiting times",
          "[statistical][hiding]") {
  // Hazard 0.01 per day until day 50, then 0.05. Survival: exp(-0.01 t) for t <= 50,
  // exp(-0.5 - 0.05 (t - 50)) after.
  Series hazard(0.01);
  hazard.apply(50, 50, 0.05);
  // Both ways of spending a budget: walking the series' segments (travel) and bisecting its
  // running sum (hiding, detention, punishment).
  const CumulativeHazard table(SeriesHazard{hazard}, 1000);
  const int n = 200000;
  std::vector<int> ended_before(4, 0);
  const int checkpoints[] = {20, 50, 70, 100};
  for (int i = 0; i < n; ++i) {
    rng::Draws d({9, 0}, static_cast<std::uint64_t>(i), 0, rng::Purpose::movement);
    const double budget = dist::exponential(d);
    const auto end = spend_budget(budget, 0, 100000, SeriesHazard{hazard});
    const auto by_table = spend_budget(budget, 0, 999, table);
    REQUIRE((by_table == end || (end > 999 && by_table == kForever)));
    for (int c = 0; c < 4; ++c)
      ended_before[static_cast<std::size_t>(c)] += end < checkpoints[c] ? 1 : 0;
  }
  for (int c = 0; c < 4; ++c) {
    const double t = checkpoints[c];
    const double survival = t <= 50 ? std::exp(-0.01 * t) : std::exp(-0.5 - 0.05 * (t - 50));
    const double expected = 1.0 - survival;
    INFO("t = " << t);
    CHECK(std::abs(ended_before[static_cast<std::size_t>(c)] / double(n) - expected) <
          binomial_tolerance(expected, n));
  }
}

TEST_CASE("Hiding: the arrest share is the arrest hazard's share of the total",
          "[statistical][hiding]") {
  const std::int32_t horizon = 1000000;
  const CumulativeHazard arrest(ConstantHazard{0.002}, horizon),
      move_on(ConstantHazard{0.004}, horizon);
  const HazardMix hazards{&arrest, 1.5, &move_on, 1.0};
  const double expected = 0.003 / 0.007;
  const int n = 100000;
  int arrested = 0;
  double days = 0;
  for (int i = 0; i < n; ++i) {
    rng::Draws d({4, 0}, static_cast<std::uint64_t>(i), 0, rng::Purpose::movement);
    const auto end = rules::plan_hiding(0, horizon - 1, hazards, d);
    arrested += end.arrested ? 1 : 0;
    days += end.day;
  }
  CHECK(std::abs(arrested / double(n) - expected) < binomial_tolerance(expected, n));
  // Mean of the whole-day end: floor of an exponential with rate 0.007, plus the first day.
  const double rate = 0.007;
  const double mean_end = 1.0 + std::exp(-rate) / (1.0 - std::exp(-rate));
  CHECK(std::abs(days / n - mean_end) < 5.0 * (1.0 / rate) / std::sqrt(double(n)));
}

TEST_CASE("Route choice: logit shares follow the cost differences", "[statistical][route-choice]") {
  // Two parallel routes A->X->B and A->Y->B with different travel times.
  ScratchDir dir("stat-route");
  dir.write("p.csv",
            "name,kind,country,departure_weight,goal_weight\nA,origin,KP,1,\nX,transit,CN,,\nY,"
            "transit,CN,,\nB,destination,KR,,1\n");
  dir.write("r.csv", "from,to,travel_days\nA,X,2\nA,Y,5\nX,B,1\nY,B,1\n");
  const auto path =
      dir.write("s.toml",
                "[scenario]\nname = \"fork\"\nstart_date = 2000-01-01\nend_date = 2000-12-31\n"
                "places = \"p.csv\"\nroutes = \"r.csv\"\n[route]\nchoice_temperature = 2.0\n"
                "risk_weight = 0\ncost_weight_per_kusd = 0\n");
  Diagnostics diagnostics;
  auto s = load_scenario(path, {}, diagnostics);
  REQUIRE(s);
  const Model model(std::move(*s), Period::year);
  const auto& plan = model.network().plan_for(0);
  const int n = 100000;
  int via_x = 0;
  for (int i = 0; i < n; ++i) {
    rng::Draws d({1, 0}, static_cast<std::uint64_t>(i), 0, rng::Purpose::movement);
    const auto r = rules::choose_route(model.network(), plan, 4, 0, 0, View::unaided, 2.0, d);
    REQUIRE(r);
    via_x += *r == 0 ? 1 : 0;
  }
  // Total costs 3 and 6 days: P(X) = 1 / (1 + exp(-3/2)).
  const double expected = 1.0 / (1.0 + std::exp(-1.5));
  CHECK(std::abs(via_x / double(n) - expected) < binomial_tolerance(expected, n));
  rng::Draws d({1, 0}, 0, 0, rng::Purpose::movement);
  CHECK(*rules::choose_route(model.network(), plan, 4, 0, 0, View::brokered, 2.0, d) == 0);
}

TEST_CASE("Whole-population mode: departures deplete the people at home",
          "[statistical][departure]") {
  const auto model = load_model("scenarios/tests/population_small.toml", Period::year);
  REQUIRE(model->whole_population());
  const double people = 100000.0;
  const double expected = people * -std::expm1(-20.0 / people * 365.0);
  double departed = 0.0;
  const int replicates = 4;
  for (int r = 0; r < replicates; ++r) {
    Simulation simulation(*model, 17, static_cast<std::uint64_t>(r));
    CHECK(simulation.agents().size() == 100000);  // everyone exists from the start
    REQUIRE(simulation.run());
    const auto result = simulation.take_result();
    departed += static_cast<double>(event_total(result, Event::first_departure));
    // Everyone is in exactly one state, the people still at home included.
    std::int64_t in_stocks = 0;
    for (std::size_t i = 0; i < kStateCount * kSexCount; ++i) in_stocks += result.stocks[i];
    CHECK(in_stocks == static_cast<std::int64_t>(simulation.agents().size()));
  }
  const double p = expected / people;
  const double n = people * replicates;
  CHECK(std::abs(departed / n - p) < binomial_tolerance(p, n));
}
