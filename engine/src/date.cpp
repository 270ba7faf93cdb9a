#include "tumen/date.hpp"

#include <chrono>
#include <cstdio>

namespace tumen {

namespace chr = std::chrono;

namespace {
chr::year_month_day to_ymd(Date d) {
  return chr::year_month_day{chr::sys_days{chr::days{d.days_since_epoch}}};
}
}  // namespace

std::optional<Date> Date::parse_iso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = 0; i < lengths[p]; ++i) {
      const char c = text[starts[p] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const chr::year_month_day ymd{chr::year{parts[0]}, chr::month{static_cast<unsigned>(parts[1])},
                                chr::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return from_ymd(parts[0], static_cast<unsigned>(parts[1]), static_cast<unsigned>(parts[2]));
}

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  const chr::sys_days days{chr::year_month_day{chr::year{year}, chr::month{month}, chr::day{day}}};
  return Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
}

std::string Date::iso() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year(), month(), day_of_month());
  return buffer;
}

int Date::year() const {
  return static_cast<int>(to_ymd(*this).year());
}
unsigned Date::month() const {
  return static_cast<unsigned>(to_ymd(*this).month());
}
unsigned Date::day_of_month() const {
  return static_cast<unsigned>(to_ymd(*this).day());
}

}  // namespace tumen
