#include <catch2/catch.hpp>

#include "tumen/date.hpp"

using tumen::Date;

TEST_CASE("Dates parse, print and count days", "[date]") {
  const auto d = Date::parse_iso("2009-02-28");
  REQUIRE(d);
  CHECK(d->iso() == "2009-02-28");
  CHECK(d->year() == 2009);
  CHECK(d->month() == 2);
  CHECK(d->day_of_month() == 28);
  CHECK(Date::parse_iso("1970-01-01")->days_since_epoch == 0);
  CHECK(tumen::days_between(*Date::parse_iso("1995-01-01"), *Date::parse_iso("2025-12-31")) ==
        11322);
  CHECK(tumen::days_between(*Date::parse_iso("2024-02-28"), *Date::parse_iso("2024-03-01")) == 2);
}

TEST_CASE("Bad dates are refused", "[date]") {
  CHECK_FALSE(Date::parse_iso("2009-02-29"));
  CHECK_FALSE(Date::parse_iso("2009-13-01"));
  CHECK_FALSE(Date::parse_iso("2009-1-01"));
  CHECK_FALSE(Date::parse_iso("20090101"));
  CHECK_FALSE(Date::parse_iso("2009-01-0x"));
  CHECK_FALSE(Date::parse_iso(""));
}
