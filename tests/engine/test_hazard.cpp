#include <catch2/catch.hpp>

#include "tumen/cumulative_hazard.hpp"
#include "tumen/hazard.hpp"

using namespace tumen;

TEST_CASE("A constant hazard spends the budget in budget/rate days", "[hazard]") {
  CHECK(spend_budget(1.0, 0, 1000, ConstantHazard{0.1}) == 10);
  CHECK(spend_budget(0.05, 0, 1000, ConstantHazard{0.1}) == 0);
  CHECK(spend_budget(0.05, 7, 1000, ConstantHazard{0.1}) == 7);
  CHECK(spend_budget(200.0, 0, 1000, ConstantHazard{0.1}) == kForever);
  CHECK(spend_budget(1.0, 0, 1000, ConstantHazard{0.0}) == kForever);
}

TEST_CASE("A piecewise hazard spends the budget across segments", "[hazard]") {
  Series s(0.1);
  s.apply(5, 5, 0.0);    // nothing happens from day 5
  s.apply(20, 20, 1.0);  // then fast
  // Days 0-4 spend 0.5 of the budget; days 5-19 nothing; at rate 1 the rest (0.2) is spent on
  // day 20.
  CHECK(spend_budget(0.7, 0, 1000, SeriesHazard{s}) == 20);
  CHECK(spend_budget(1.9, 0, 1000, SeriesHazard{s}) == 21);
  CHECK(spend_budget(0.45, 0, 1000, SeriesHazard{s}) == 4);
  CHECK(spend_budget(0.7, 0, 19, SeriesHazard{s}) == kForever);
}

TEST_CASE("A cumulative table spends budgets on the same days as the segment walk", "[hazard]") {
  Series s(0.1);
  s.apply(5, 5, 0.0);
  s.apply(20, 20, 1.0);
  s.apply(30, 60, 0.2);  // a ramp: a new segment every day
  const CumulativeHazard table(SeriesHazard{s}, 200);
  CHECK(table.over(0, 4) == Approx(0.5));
  CHECK(table.rate(25) == 1.0);
  // Budgets that fall exactly on a day's end are ties that rounding may break either way.
  for (const double budget : {0.05, 0.45, 0.7, 1.9, 5.03, 11.97, 39.83, 1e9}) {
    for (const std::int32_t first : {0, 3, 21, 45}) {
      INFO("budget " << budget << " from day " << first);
      CHECK(spend_budget(budget, first, 199, table) ==
            spend_budget(budget, first, 199, SeriesHazard{s}));
    }
  }
  const CumulativeHazard zero(ConstantHazard{0.0}, 10);
  CHECK(spend_budget(0.0, 0, 9, zero) == kForever);
  // Competing hazards add up.
  const CumulativeHazard a(ConstantHazard{0.1}, 100), b(ConstantHazard{0.3}, 100);
  CHECK(spend_budget(0.95, 0, 99, HazardMix{&a, 1.0, &b, 0.5}) == 3);
  CHECK(spend_budget(0.95, 0, 99, HazardMix{&a, 2.0}) == 4);
}
