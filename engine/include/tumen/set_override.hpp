#pragma once
// One `--set KEY=VALUE` of the command line, parsed and checked on its own, before the loader
// applies it over the scenario files: a separate step so that it can be tested and fuzzed alone
// (docs/reliability.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tumen/diagnostics.hpp"
#include "tumen/parameters.hpp"

namespace tumen {

enum class SetTarget : std::uint8_t { seed, replicates, parameter };

struct SetOverride {
  SetTarget target = SetTarget::parameter;
  Param param = Param::count_;  // the parameter, for SetTarget::parameter
  double value = 0.0;           // its value, inside the parameter's domain
  std::uint64_t whole = 0;      // run.seed (any uint64) or run.replicates (>= 1)
};

// Parses "dotted.name=value". run.seed and run.replicates take a whole number (all 64 bits of a
// seed); a parameter takes a finite number, true or false, inside its domain. On failure, reports
// one error at "<command line>" and returns nothing.
[[nodiscard]] std::optional<SetOverride> parse_set_override(std::string_view text,
                                                            Diagnostics& diagnostics);

// A finite decimal number as written in CSV fields and --set values ("2.5", "+1e-3"); nothing for
// anything else, including "nan", "inf" and trailing characters.
[[nodiscard]] std::optional<double> parse_finite_number(std::string_view text);

}  // namespace tumen
