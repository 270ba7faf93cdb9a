#pragma once
// The exception types of the output library. A message always starts with the file it is about,
// so that a failure in the middle of a batch of runs says which output went wrong.
#include <stdexcept>

namespace tumen::output {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An existing output that cannot be continued by this run: a .partial written by another run (a
// different seed, scenario, replicate count, ...), or one too damaged to open. The user can fix
// it (rerun with the original inputs, or start afresh with --force), unlike an I/O failure.
class ResumeError : public OutputError {
 public:
  using OutputError::OutputError;
};

}  // namespace tumen::output
