#include <catch2/catch.hpp>

#include "tumen/timeline.hpp"

using tumen::kForever;
using tumen::Series;

TEST_CASE("A series without changes is constant", "[timeline]") {
  const Series s(2.5);
  CHECK(s.at(-100) == 2.5);
  CHECK(s.at(10000) == 2.5);
  CHECK(s.constant_until(0) == kForever);
  CHECK(s.is_constant());
}

TEST_CASE("A step changes the value from its day on", "[timeline]") {
  Series s(1.0);
  s.apply(10, 10, 3.0);
  CHECK(s.at(9) == 1.0);
  CHECK(s.at(10) == 3.0);
  CHECK(s.at(500) == 3.0);
  CHECK(s.constant_until(0) == 10);
  CHECK(s.constant_until(9) == 10);
  CHECK(s.constant_until(10) == kForever);
}

TEST_CASE("A ramp is a daily staircase from the value before it", "[timeline]") {
  Series s(1.0);
  s.apply(10, 20, 3.0);
  CHECK(s.at(10) == 1.0);
  CHECK(s.at(15) == Approx(2.0));
  CHECK(s.at(20) == 3.0);
  CHECK(s.at(21) == 3.0);
  CHECK(s.constant_until(12) == 13);
  CHECK(s.constant_until(20) == kForever);
  CHECK(s.constant_until(5) == 10);
}

TEST_CASE("A later change wins from its start, even inside a ramp", "[timeline]") {
  Series s(0.0);
  s.apply(0, 100, 100.0);
  s.apply(50, 50, 7.0);
  CHECK(s.at(49) == Approx(49.0));
  CHECK(s.at(50) == 7.0);
  CHECK(s.at(100) == 7.0);
  // A ramp starting inside an earlier ramp starts from the value reached there.
  Series r(0.0);
  r.apply(0, 100, 100.0);
  r.apply(50, 60, 0.0);
  CHECK(r.at(50) == Approx(49.0));
  CHECK(r.at(55) == Approx(24.5));
  CHECK(r.at(60) == 0.0);
  CHECK(r.at(99) == 0.0);
}
