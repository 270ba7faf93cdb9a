#pragma once
// Calendar dates as days since 1970-01-01 (proleptic Gregorian), and the simulation's day index
// (days since the scenario's start date). No date is hard-coded in model code: every date comes
// from a scenario.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tumen {

struct Date {
  std::int32_t days_since_epoch = 0;

  [[nodiscard]] static std::optional<Date> parse_iso(std::string_view text);
  [[nodiscard]] static Date from_ymd(int year, unsigned month, unsigned day);
  [[nodiscard]] std::string iso() const;
  [[nodiscard]] int year() const;
  [[nodiscard]] unsigned month() const;
  [[nodiscard]] unsigned day_of_month() const;

  friend auto operator<=>(const Date&, const Date&) = default;
};

// Days between two dates (b - a).
[[nodiscard]] inline std::int32_t days_between(Date a, Date b) {
  return b.days_since_epoch - a.days_since_epoch;
}

}  // namespace tumen
