#pragma once
// `tumen inspect` on arbitrary bytes given as an HDF5 file, in this process: the H5Reader and
// inspect's own reading and arithmetic, as text and as JSON. HDF5 may refuse the file; that must
// arrive as an OutputError naming the file, with nothing printed. A `merge` target reads its
// inputs the same way (several files: split_input_files).
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>

#include "input_files.hpp"
#include "invariants.hpp"
#include "tumen/output/inspect.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::fuzz {

inline InputOutcome inspect_input(std::string_view input, const std::filesystem::path& folder) {
  write_input_files(folder, {{"input.h5", input}});
  const std::filesystem::path file = folder / "input.h5";
  bool accepted[2] = {false, false};
  int index = 0;
  for (const auto format : {output::InspectFormat::text, output::InspectFormat::json}) {
    std::ostringstream out;
    try {
      output::inspect(file, out, format);
      expect(!out.str().empty(), "inspect accepted a file and printed nothing");
      accepted[index] = true;
    } catch (const output::OutputError& e) {
      const std::string message = e.what();
      expect(message.starts_with(file.string() + ": "),
             "an inspect error that does not start with the file: " + message);
      expect(out.str().empty(), "inspect printed something before its error: " + message);
    }
    ++index;
  }
  expect(accepted[0] == accepted[1], "inspect and inspect --json disagree about a file");
  return accepted[0] ? InputOutcome::accepted : InputOutcome::rejected;
}

}  // namespace tumen::fuzz
