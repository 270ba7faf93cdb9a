#include "tumen/run_description.hpp"

#include <charconv>

namespace tumen {

const char* to_string(Period period) {
  switch (period) {
    case Period::day:
      return "day";
    case Period::month:
      return "month";
    case Period::year:
      return "year";
  }
  return "?";
}

namespace {

std::optional<std::uint64_t> parse_replicate_number(std::string_view digits) {
  // from_chars accepts neither a sign nor spaces; only an all-digit text that fits is a number.
  std::uint64_t value = 0;
  const char* const end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ReplicateRange> parse_replicate_range(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto begin = parse_replicate_number(text.substr(0, colon));
  const auto end = parse_replicate_number(text.substr(colon + 1));
  if (!begin || !end || *begin >= *end) return std::nullopt;
  return ReplicateRange{*begin, *end};
}

std::string to_string(ReplicateRange range) {
  return std::to_string(range.begin) + ":" + std::to_string(range.end);
}

}  // namespace tumen
