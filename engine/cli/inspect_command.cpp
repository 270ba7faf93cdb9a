// tumen inspect: describe an output file, as text or as JSON (--json). A bad file prints its
// error on stderr and nothing on stdout, so that a script reading the JSON fails cleanly.
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "tumen/output/inspect.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::cli {

int inspect_command(const std::string& path, bool json) {
  try {
    output::inspect(path, std::cout,
                    json ? output::InspectFormat::json : output::InspectFormat::text);
  } catch (const output::OutputError& e) {
    std::cerr << e.what() << '\n';
    return kInvalidInput;
  }
  return kSuccess;
}

}  // namespace tumen::cli
