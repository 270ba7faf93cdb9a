// tumen inspect: describe an output file.
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "tumen/output/inspect.hpp"
#include "tumen/output/output_error.hpp"

namespace tumen::cli {

int inspect_command(const std::string& path) {
  try {
    output::inspect(path, std::cout);
  } catch (const output::OutputError& e) {
    std::cerr << e.what() << '\n';
    return kInvalidInput;
  }
  return kSuccess;
}

}  // namespace tumen::cli
