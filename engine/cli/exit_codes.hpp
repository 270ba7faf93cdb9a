#pragma once
// The exit codes of the command line contract (DESIGN.md).
namespace tumen::cli {

inline constexpr int kSuccess = 0;
inline constexpr int kInvalidInput = 1;  // a scenario, a value or an existing file the user can fix
inline constexpr int kUsage = 2;         // the command line itself
inline constexpr int kFailure = 3;       // I/O or internal failure
inline constexpr int kInterrupted = 130;  // SIGINT; SIGTERM gives 143

}  // namespace tumen::cli
