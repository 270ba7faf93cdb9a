// libFuzzer target: the CSV reader (csv_input.hpp).
#include <cstdint>

#include "csv_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tumen::Diagnostics diagnostics;
  (void)tumen::fuzz::parse_csv_input(input, diagnostics);
  return 0;
}
