#include "tumen/run_description.hpp"

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

}  // namespace tumen
