#pragma once
// The one exception type of the output library. Its message always starts with the file it is
// about, so that a failure in the middle of a batch of runs says which output went wrong.
#include <stdexcept>

namespace tumen::output {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tumen::output
