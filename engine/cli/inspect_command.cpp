// tumen inspect: describe an output file, as text or as JSON (--json). A bad file prints its
// error on stderr and nothing on stdout, so that a script reading the JSON fails cleanly.
//
// The file is read in a child process (tumen/output/isolated.hpp): HDF5 may crash, try to
// allocate without bound or hang on a damaged or hostile file, and none of that may take the
// command down with a trace. The child's output is printed only once it has finished.
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "tumen/output/inspect.hpp"
#include "tumen/output/isolated.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::cli {

int inspect_command(const std::string& path, bool json) {
  const output::IsolationLimits limits;  // 4 GiB of address space, 120 s
  const output::IsolatedResult result = output::run_isolated(
      [&](std::ostream& out, std::ostream& err) {
        try {
          output::inspect(path, out,
                          json ? output::InspectFormat::json : output::InspectFormat::text);
        } catch (const output::OutputError& e) {
          err << e.what() << '\n';
          return kInvalidInput;
        }
        return kSuccess;
      },
      limits);
  switch (result.end) {
    case output::IsolatedEnd::returned:
      std::cout << result.out;
      std::cerr << result.err;
      return result.exit_code;
    case output::IsolatedEnd::threw:
      // As an exception in the command itself: an internal failure, not the file's fault.
      std::cerr << "tumen: error: " << result.err << '\n';
      return kFailure;
    case output::IsolatedEnd::out_of_memory:
      std::cerr << path << ": error: reading this file ran " << result.describe(limits) << '\n';
      return kInvalidInput;
    case output::IsolatedEnd::crashed:
      std::cerr << path << ": error: the HDF5 library failed on this file ("
                << result.describe(limits) << "); it is damaged or not a tumen output file\n";
      return kInvalidInput;
    case output::IsolatedEnd::timed_out:
      std::cerr << path << ": error: reading this file " << result.describe(limits)
                << "; it is damaged or not a tumen output file\n";
      return kInvalidInput;
  }
  return kFailure;
}

}  // namespace tumen::cli
