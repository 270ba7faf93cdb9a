#include "tumen/set_override.hpp"

#include <charconv>
#include <cmath>
#include <vector>

namespace tumen {

namespace {

constexpr const char* kCommandLine = "<command line>";

}  // namespace

std::optional<double> parse_finite_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<SetOverride> parse_set_override(std::string_view text, Diagnostics& diagnostics) {
  const SourcePosition where{kCommandLine, 0, 0};
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    diagnostics.error(where, "--set expects KEY=VALUE, found '" + std::string(text) + "'");
    return std::nullopt;
  }
  const std::string key(text.substr(0, eq));
  const std::string raw(text.substr(eq + 1));
  SetOverride result;
  if (key == "run.seed" || key == "run.replicates") {
    // Parsed as an integer, not a double: seeds use all 64 bits.
    const bool replicates = key == "run.replicates";
    std::uint64_t v = 0;
    const auto* end = raw.data() + raw.size();
    const auto [ptr, ec] = std::from_chars(raw.data(), end, v);
    if (raw.empty() || ec != std::errc{} || ptr != end || (replicates && v == 0)) {
      diagnostics.error(where, "--set " + key + " expects a whole number" +
                                   (replicates ? " >= 1" : "") + ", found '" + raw + "'");
      return std::nullopt;
    }
    result.target = replicates ? SetTarget::replicates : SetTarget::seed;
    result.whole = v;
    return result;
  }
  const auto param = find_param(key);
  if (!param) {
    std::vector<std::string> names = {"run.seed", "run.replicates"};
    for (const auto& p : kParams) names.emplace_back(p.name);
    std::string message = "--set: unknown parameter '" + key + "'";
    if (auto hint = closest_match(key, names); !hint.empty())
      message += "; did you mean '" + hint + "'?";
    diagnostics.error(where, message);
    return std::nullopt;
  }
  const std::optional<double> v = raw == "true"    ? 1.0
                                  : raw == "false" ? 0.0
                                                   : parse_finite_number(raw);
  if (!v) {
    diagnostics.error(where, "--set " + key + " expects a number, found '" + raw + "'");
    return std::nullopt;
  }
  if (auto expected = check_domain(*param, *v); !expected.empty()) {
    diagnostics.error(where, "--set " + key + " must be " + expected + ", found '" + raw + "'");
    return std::nullopt;
  }
  result.param = *param;
  result.value = *v;
  return result;
}

}  // namespace tumen
