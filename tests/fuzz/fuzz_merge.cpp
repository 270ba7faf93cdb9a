// libFuzzer target: `tumen merge` on arbitrary bytes given as a part file, in this process:
// open_part (the root attributes, coordinates, /scenario and every replicate_done flag), the
// checks of plan_merge, and, for a part that passes them, write_merge streaming it into a new
// file. A refusal must arrive as MergeRefused or OutputError, never a crash. Run it like the
// inspect target (scripts/fuzz: detect_leaks=0, allocator_may_return_null=1, fork mode): the HDF5
// library's own faults are contained by the child process of `tumen merge`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "input_files.hpp"
#include "invariants.hpp"
#include "tumen/output/merge.hpp"
#include "tumen/output/output_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::filesystem::path folder = tumen::fuzz::process_scratch_folder("merge") / "files";
  tumen::fuzz::write_input_files(folder, {{"part.h5", input}});
  const std::filesystem::path part = folder / "part.h5";
  const std::filesystem::path merged = folder / "merged.h5";
  std::error_code ignored;
  std::filesystem::remove(merged, ignored);
  try {
    const tumen::output::MergePlan plan = tumen::output::plan_merge({part});
    tumen::output::write_merge(plan, merged);
    tumen::fuzz::expect(std::filesystem::exists(merged), "a merge that returned left no file");
  } catch (const tumen::output::OutputError& e) {
    // MergeRefused is an OutputError too. Nothing half-written stays behind.
    tumen::fuzz::expect(!std::filesystem::exists(merged),
                        std::string("a refused merge left its output: ") + e.what());
  }
  return 0;
}
