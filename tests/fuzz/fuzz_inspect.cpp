// libFuzzer target: `tumen inspect` on arbitrary bytes as an HDF5 file (inspect_input.hpp). Run
// it with ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 (scripts/fuzz does): HDF5
// 1.10.8 leaks on its error paths and may ask malloc for about 100 GB on a mutated file.
#include <cstdint>

#include "inspect_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)tumen::fuzz::inspect_input(input, tumen::fuzz::process_scratch_folder("inspect") / "files");
  return 0;
}
