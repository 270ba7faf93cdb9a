#pragma once
// What every fuzz target checks beyond "no crash": the promises of the error contract. A broken
// promise throws, which libFuzzer reports as a crash with the input that caused it, and which the
// regression test reports as a failure.
#include <stdexcept>
#include <string>
#include <string_view>

#include "tumen/diagnostics.hpp"

namespace tumen::fuzz {

// How the code under test treated an input.
enum class InputOutcome {
  skipped,   // the harness declined it (e.g. it names a file outside the scratch folder)
  rejected,  // refused with at least one error message
  accepted,  // read without errors
};

class BrokenPromise : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

inline void expect(bool promise, const std::string& what) {
  if (!promise) throw BrokenPromise("fuzz: broken promise: " + what);
}

// Every diagnostic reads PATH[:LINE:COL]: error|warning: MESSAGE, with a real path and a
// message; positions are 1-based when present. `path_prefix` is what every path starts with.
inline void check_diagnostics(const Diagnostics& diagnostics, std::string_view path_prefix) {
  std::size_t errors = 0;
  for (const Diagnostic& d : diagnostics.all()) {
    const std::string text = format(d);
    expect(!d.where.path.empty(), "a diagnostic without a path: " + text);
    expect(d.where.path.starts_with(path_prefix), "a diagnostic about another file: " + text);
    expect(d.where.line >= 0 && d.where.column >= 0, "a negative position: " + text);
    expect(d.where.line > 0 || d.where.column == 0, "a column without a line: " + text);
    expect(!d.message.empty(), "an empty message: " + text);
    expect(text.starts_with(d.where.path), "a message that does not start with its path: " + text);
    const bool error = d.severity == Severity::error;
    errors += error ? 1 : 0;
    expect(text.find(error ? ": error: " : ": warning: ") != std::string::npos,
           "no severity in: " + text);
  }
  expect(errors == diagnostics.error_count(), "the error count disagrees with the errors");
}

}  // namespace tumen::fuzz
