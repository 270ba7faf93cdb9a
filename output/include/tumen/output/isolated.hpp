#pragma once
// Runs a piece of work in a forked child process with an address-space limit and a timeout, and
// brings back what it wrote. `tumen inspect` (and `merge`) read untrusted files through the HDF5
// library, which on a damaged or hostile file may crash, try to allocate about 100 GB, or loop:
// the child takes the blow, and the parent turns it into a clear error (docs/reliability.md).
//
// The work runs in the child only, on a copy of the parent's memory; nothing it changes comes
// back except the text it writes and its return value. Fork from a process without other threads
// (as `tumen inspect` is): the child of a multithreaded process may deadlock on a lock that
// another thread held at the fork.
#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace tumen::output {

struct IsolationLimits {
  // RLIMIT_AS of the child. Not applied under AddressSanitizer (see address_space_limit_applies).
  std::uint64_t address_space_bytes = std::uint64_t{4} << 30;
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

enum class IsolatedEnd {
  returned,       // the work returned: exit_code, out and err hold its results
  threw,          // the work threw an exception other than std::bad_alloc: err holds its what()
  out_of_memory,  // the work threw std::bad_alloc (it reached the address-space limit)
  crashed,        // the child died of a signal, or ended without reporting a result
  timed_out,      // the child ran past the timeout and was killed
};

struct IsolatedResult {
  IsolatedEnd end = IsolatedEnd::crashed;
  int exit_code = 0;    // returned: the work's return value
  std::string out;      // returned: what the work wrote to its `out` stream
  std::string err;      // returned: its `err` stream; threw: the exception's message
  int signal = 0;       // crashed: the signal that ended the child, 0 if it exited
  int exit_status = 0;  // crashed without a signal: the child's exit status

  // What went wrong, for a message ("signal 11, Segmentation fault", "timed out after 120 s");
  // empty for `returned`.
  [[nodiscard]] std::string describe(const IsolationLimits& limits) const;
};

// The work writes its normal output to `out`, its messages to `err`, and returns an exit code.
using IsolatedWork = std::function<int(std::ostream& out, std::ostream& err)>;

// Runs `work` in a child process under `limits` and waits for it. Throws std::system_error when
// the child cannot be started (no pipe or fork).
[[nodiscard]] IsolatedResult run_isolated(const IsolatedWork& work, const IsolationLimits& limits);

// False in builds with AddressSanitizer, which reserves terabytes of address space for its shadow
// memory and so cannot run under RLIMIT_AS: there the timeout and the crash containment still
// hold, but memory is bounded only by the machine.
[[nodiscard]] bool address_space_limit_applies();

}  // namespace tumen::output
