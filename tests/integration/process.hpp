#pragma once
// Runs `tumen` as a child process that a test can signal, and watches the file it writes.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/command.hpp"

namespace tumen::testing {

class ChildProcess {
 public:
  // Starts `arguments` (the program first) in `folder`, with stdout and stderr in files there.
  ChildProcess(const std::vector<std::string>& arguments, const std::filesystem::path& folder,
               const std::string& log_name)
      : out_(folder / (log_name + ".out")), err_(folder / (log_name + ".err")) {
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir(folder.c_str()) != 0) _exit(126);
      const int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) {
        _exit(126);
      }
      std::vector<char*> argv;
      for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      (void)wait_for(std::chrono::seconds(60));
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] bool started() const { return pid_ > 0; }
  void signal(int number) const { kill(pid_, number); }

  // The exit code once the process has ended (128 + N when signal N ended it), or nothing while
  // it runs.
  std::optional<int> poll() {
    if (!status_ && pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return status_;
  }

  // Waits up to `timeout`, a generous bound rather than an expected duration.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!poll() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return poll();
  }

  [[nodiscard]] std::string out() const { return slurp(out_); }
  [[nodiscard]] std::string err() const { return slurp(err_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

// The replicates marked done in a .partial that a running tumen is writing. HDF5's lock keeps
// readers out of a file being written, so h5dump reads it with locking off, in a process of its
// own: a read that catches the file between two writes fails or sees less, never harms the test.
inline std::size_t replicates_done_while_running(const std::filesystem::path& partial) {
  std::error_code missing;
  if (!std::filesystem::exists(partial, missing)) return 0;
  const CommandResult dump = run_command(
      "HDF5_USE_FILE_LOCKING=FALSE h5dump -d /replicate_done -y -w 0 '" + partial.string() + "'",
      partial.parent_path());
  const std::size_t data = dump.out.find("DATA {");
  if (dump.exit_code != 0 || data == std::string::npos) return 0;
  const std::size_t end = dump.out.find('}', data);
  std::size_t done = 0;
  for (std::size_t index = data + 6; index < end && index < dump.out.size(); ++index) {
    done += dump.out[index] == '1' ? 1 : 0;
  }
  return done;
}

}  // namespace tumen::testing
