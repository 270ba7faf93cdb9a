// libFuzzer target: the --set parser, and the loader applying what it accepts (set_input.hpp).
#include <cstdint>

#include "set_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tumen::Diagnostics diagnostics;
  (void)tumen::fuzz::parse_set_input(input, tumen::fuzz::process_scratch_folder("set") / "files",
                                     diagnostics);
  return 0;
}
