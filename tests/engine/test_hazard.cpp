#include <catch2/catch.hpp>

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
