#pragma once
// What build of tumen this is: the engine version and the git commit it was built from. Both
// are compiled into one source file (build_info.cpp) only, so that a new commit recompiles that
// file and nothing else.

namespace tumen {

// The engine version, e.g. "0.1.0" (the project version in CMakeLists.txt).
[[nodiscard]] const char* tumen_version();

// The git commit of the source tree at configure time, or "unknown".
[[nodiscard]] const char* tumen_git_commit();

}  // namespace tumen
