// Each rule family alone, on hand-made inputs.
#include <catch2/catch.hpp>

#include <vector>

#include "tumen/rules/arrival.hpp"
#include "tumen/rules/broker.hpp"
#include "tumen/rules/crossing.hpp"
#include "tumen/rules/departure.hpp"
#include "tumen/rules/hiding.hpp"
#include "tumen/rules/repatriation.hpp"

using namespace tumen;

namespace {
rng::Draws draws(std::uint64_t entity = 1) {
  return rng::Draws({3, 0}, entity, 5, rng::Purpose::movement);
}
}  // namespace

TEST_CASE("Departure: mean and people", "[rules][departure]") {
  CHECK(rules::departure_mean(10.0, 0.25, 2.0) == 5.0);
  auto d = draws();
  CHECK(rules::departures(0.0, d) == 0);
  const std::vector<double> goals = {0.0, 1.0, 0.0};
  for (int i = 0; i < 50; ++i) {
    const auto p = rules::draw_person(1.0, 100.0, goals, d);
    CHECK(p.female);
    CHECK(p.goal == 1);
    CHECK(p.funds_usd >= 0.0F);
  }
  const auto s = rules::draw_sponsored_person(0.0, 5000.0, 2, d);
  CHECK_FALSE(s.female);
  CHECK(s.funds_usd == 5000.0F);
  CHECK(s.goal == 2);
}

TEST_CASE("Crossing: hops arrive or are caught inside the hop", "[rules][crossing]") {
  auto d = draws();
  for (int i = 0; i < 100; ++i) {
    const auto hop = rules::plan_hop(10, 5, 2, ConstantHazard{0.0}, 1000, d);
    CHECK_FALSE(hop.caught);
    CHECK((hop.end_day >= 13 && hop.end_day <= 17));
  }
  for (int i = 0; i < 100; ++i) {
    const auto hop = rules::plan_hop(10, 5, 0, ConstantHazard{1e9}, 1000, d);
    CHECK(hop.caught);
    CHECK(hop.end_day == 11);
  }
  // A hop that would end after the last day never ends within the run.
  const auto late = rules::plan_hop(998, 5, 0, ConstantHazard{0.0}, 1000, d);
  CHECK(late.end_day == kForever);
  CHECK(rules::hazard_factor(true, 0.6, false, 0.5) == Approx(0.4));
  CHECK(rules::hazard_factor(true, 0.6, true, 0.5) == Approx(0.2));
  CHECK(rules::hazard_factor(false, 0.6, false, 0.5) == 1.0);
}

TEST_CASE("Hiding: the cause follows the hazards", "[rules][hiding]") {
  auto d = draws();
  const CumulativeHazard one(ConstantHazard{0.01}, 100000), zero(ConstantHazard{0.0}, 100000);
  CHECK(rules::decides_to_hide(true, 1.0, 0.0, d));
  CHECK_FALSE(rules::decides_to_hide(false, 1.0, 0.0, d));
  for (int i = 0; i < 50; ++i) {
    const auto only_arrest = rules::plan_hiding(0, 99999, {&one, 1.0, &zero, 1.0}, d);
    CHECK(only_arrest.arrested);
    CHECK(only_arrest.day >= 1);
    const auto only_move = rules::plan_hiding(0, 99999, {&zero, 1.0, &one, 1.0}, d);
    CHECK_FALSE(only_move.arrested);
  }
  const auto never = rules::plan_hiding(0, 99999, {&zero, 1.0, &zero, 1.0}, d);
  CHECK(never.day == kForever);
  CHECK(rules::funds_after_hiding(100.0F, 2.5, 10) == 125.0F);
}

TEST_CASE("Brokers: capacity and priority order", "[rules][broker]") {
  std::vector<rules::BrokerRequest> requests = {{1, 50, 7}, {0, 30, 2}, {1, 10, 9},
                                                {1, 10, 3}, {0, 99, 1}, {1, 70, 4}};
  std::vector<std::int64_t> remaining = {1, 2};
  std::vector<char> granted;
  rules::grant_requests(requests, remaining, granted);
  // Hub 0: priority 30 (agent 2) wins its one place. Hub 1: priority 10 twice (agents 3, 9 by id).
  REQUIRE(requests.size() == 6);
  CHECK(requests[0].agent == 2);
  CHECK(granted[0] == 1);
  CHECK(granted[1] == 0);
  CHECK(requests[2].agent == 3);
  CHECK(requests[3].agent == 9);
  CHECK(granted[2] == 1);
  CHECK(granted[3] == 1);
  CHECK(granted[4] == 0);
  CHECK(granted[5] == 0);
  CHECK(remaining[0] == 0);
  CHECK(remaining[1] == 0);

  auto d = draws();
  CHECK_FALSE(rules::wants_broker(10.0F, 100.0, true, 1.0, d));
  CHECK(rules::wants_broker(100.0F, 100.0, true, 0.0, d));
  CHECK_FALSE(rules::wants_broker(100.0F, 100.0, false, 0.0, d));
  CHECK(rules::draw_contract(0.0, 1.0, d) == rules::Contract::honest);
  CHECK(rules::draw_contract(1.0, 1.0, d) == rules::Contract::trafficked);
  CHECK(rules::draw_contract(1.0, 0.0, d) == rules::Contract::reported);
}

TEST_CASE("Repatriation: detention, sentences and re-attempts", "[rules][repatriation]") {
  auto d = draws();
  const std::int32_t days = 100000;
  const CumulativeHazard closed(ConstantHazard{0.0}, days), open(ConstantHazard{0.5}, days);
  const Series mean_days(100.0);
  const CumulativeHazard mean(rules::MeanDaysHazard{mean_days}, days);
  CHECK(rules::plan_detention(0, 1000, closed, d) == kForever);
  CHECK(rules::plan_detention(0, 1000, open, d) >= 1);
  CHECK(rules::plan_punishment(0, 10000, 1.0, 0.0, mean, d).sentence == rules::Sentence::camp);
  CHECK(rules::plan_punishment(0, 10000, 1.0, 0.0, mean, d).end_day == kForever);
  const auto death = rules::plan_punishment(0, 99999, 0.0, 1.0, mean, d);
  CHECK(death.sentence == rules::Sentence::death);
  CHECK(death.end_day >= 1);
  CHECK(rules::plan_punishment(0, 99999, 0.0, 0.0, mean, d).sentence == rules::Sentence::release);
  CHECK(rules::plan_reattempt(0, 1000, 0.0, mean, d) == kForever);
  CHECK(rules::plan_reattempt(0, 99999, 1.0, mean, d) >= 1);
}

TEST_CASE("Arrival: whole years abroad and the family chain", "[rules][arrival]") {
  CHECK(rules::years_abroad(0, 0) == 0);
  CHECK(rules::years_abroad(0, 365) == 0);
  CHECK(rules::years_abroad(0, 366) == 1);
  CHECK(rules::years_abroad(100, 100 + 3653) == 10);
  CHECK(rules::years_abroad(0, 40 * 366) == kYearsAbroadMax);
  auto d = draws();
  CHECK(rules::plan_sponsorship(0, 1000, 0.0, 100.0, d) == kForever);
  CHECK(rules::plan_sponsorship(0, 100000, 1.0, 100.0, d) >= 1);
}
