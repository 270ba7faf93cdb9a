// libFuzzer target: the scenario loader, with includes and CSV tables (scenario_input.hpp).
#include <cstdint>

#include "scenario_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tumen::Diagnostics diagnostics;
  (void)tumen::fuzz::load_scenario_input(
      input, tumen::fuzz::process_scratch_folder("scenario") / "files", diagnostics);
  return 0;
}
