#pragma once
// Runs a shell command for an end-to-end test and captures its exit code, stdout and stderr.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tumen::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `command` runs under /bin/sh in `folder`.
inline CommandResult run_command(const std::string& command, const std::filesystem::path& folder) {
  const auto out = folder / "stdout.txt";
  const auto err = folder / "stderr.txt";
  const std::string line = "cd '" + folder.string() + "' && " + command + " >'" + out.string() +
                           "' 2>'" + err.string() + "'";
  const int status = std::system(line.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

}  // namespace tumen::testing
