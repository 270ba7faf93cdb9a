#include "tumen/parameters.hpp"

#include <algorithm>
#include <cmath>

namespace tumen {

std::optional<Param> find_param(std::string_view dotted_name) {
  for (std::size_t i = 0; i < kParamCount; ++i) {
    if (kParams[i].name == dotted_name) return static_cast<Param>(i);
  }
  return std::nullopt;
}

std::string csv_column(Param p) {
  std::string name{spec(p).name};
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

std::string check_domain(Param p, double value) {
  if (!std::isfinite(value)) return "a finite number";
  switch (spec(p).domain) {
    case ParamDomain::probability:
      return value >= 0.0 && value <= 1.0 ? "" : "a probability in [0, 1]";
    case ParamDomain::nonnegative:
      return value >= 0.0 ? "" : "a number >= 0";
    case ParamDomain::positive:
      return value > 0.0 ? "" : "a number > 0";
    case ParamDomain::flag:
      return value == 0.0 || value == 1.0 ? "" : "0 or 1 (or false/true)";
  }
  return "";
}

}  // namespace tumen
