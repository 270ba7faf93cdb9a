#pragma once
// Every HDF5 call goes through ErrorContext::check, which turns a negative return into an
// OutputError naming the file, the operation and HDF5's own reason. HDF5's habit of printing its
// whole error stack to stderr is switched off: the user gets one clear message instead of forty
// lines of library internals, and the message still carries the innermost (most specific) cause.
#include <string>
#include <string_view>

namespace tumen::output::detail {

// The thread-safe HDF5 build keeps the error stack and its printing switch per thread, so every
// public entry point of the library calls this (it does the work once per thread).
void silence_hdf5_error_printing();

// HDF5 keeps memory it frees in free lists of its own, by default up to about 21 MiB, most of it
// in lists of blocks of each size: chunks compress to sizes that all differ, so a run that writes
// many chunks would grow by that much. Limited to 1 MiB per kind (64 KiB per list), once per
// process, by every public entry point of the writer.
void limit_hdf5_free_lists();

// The description of the innermost entry of the calling thread's HDF5 error stack ("" when the
// stack is empty); the stack is cleared so that a later failure does not report a stale cause.
std::string take_innermost_hdf5_message();

class ErrorContext {
 public:
  explicit ErrorContext(std::string file) : file_(std::move(file)) {}

  [[nodiscard]] const std::string& file() const { return file_; }

  // Throws OutputError "FILE: MESSAGE".
  [[noreturn]] void fail(std::string_view message) const;

  // Throws OutputError "FILE: cannot OPERATION: HDF5 REASON".
  [[noreturn]] void fail_hdf5(std::string_view operation) const;

  // HDF5 reports failure as a negative hid_t, herr_t or htri_t.
  template <typename Result>
  Result check(Result result, std::string_view operation) const {
    if (result < 0) fail_hdf5(operation);
    return result;
  }

 private:
  std::string file_;
};

}  // namespace tumen::output::detail
