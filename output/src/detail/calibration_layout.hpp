#pragma once
// The object names of a calibration file, shared by its writer and reader.
#include <cstdint>
#include <cstdio>
#include <string>

namespace tumen::output::detail {

inline constexpr const char* kGenerationGroup = "/generation";

// "/generation/0007": four digits at least, so that the names sort in order up to 9999.
inline std::string generation_path(std::uint64_t index) {
  char name[48];
  std::snprintf(name, sizeof name, "/generation/%04llu", static_cast<unsigned long long>(index));
  return name;
}

}  // namespace tumen::output::detail
