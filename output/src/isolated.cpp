#include "tumen/output/isolated.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <sstream>
#include <system_error>
#include <thread>

// AddressSanitizer: GCC defines __SANITIZE_ADDRESS__, clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define TUMEN_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TUMEN_ADDRESS_SANITIZER 1
#endif
#endif

namespace tumen::output {

namespace {

// What the child sends back over the pipe, in this order: one tag byte, the exit code (int32),
// then the out and err texts, each as a uint64 length and the bytes. Only a complete message
// counts: a child that dies half-way has crashed, whatever it wrote.
enum Tag : unsigned char { kReturned = 1, kThrew = 2, kOutOfMemory = 3 };

void append_bytes(std::string& message, const void* data, std::size_t size) {
  message.append(static_cast<const char*>(data), size);
}

void append_text(std::string& message, const std::string& text) {
  const std::uint64_t size = text.size();
  append_bytes(message, &size, sizeof size);
  message += text;
}

// Writes everything, or gives up quietly: a parent that has gone cannot be told anyway.
void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void run_child(const IsolatedWork& work, const IsolationLimits& limits, int fd) {
  if (address_space_limit_applies()) {
    const rlimit limit{limits.address_space_bytes, limits.address_space_bytes};
    if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(125);
  }
  std::ostringstream out;
  std::ostringstream err;
  unsigned char tag = kReturned;
  int exit_code = 0;
  try {
    exit_code = work(out, err);
  } catch (const std::bad_alloc&) {
    tag = kOutOfMemory;
  } catch (const std::exception& e) {
    tag = kThrew;
    err.str(e.what());
  } catch (...) {
    tag = kThrew;
    err.str("unknown exception");
  }
  try {
    std::string message;
    append_bytes(message, &tag, 1);
    const std::int32_t code = exit_code;
    append_bytes(message, &code, sizeof code);
    append_text(message, out.str());
    append_text(message, err.str());
    write_all(fd, message);
  } catch (...) {
    // No memory left even for the message: the parent sees an incomplete one.
  }
  // _exit, not exit: the parent's atexit handlers and unflushed stdio buffers, copied by fork,
  // belong to the parent.
  _exit(0);
}

// Reads a length-prefixed text at `offset`; false when the message is cut short.
bool take_text(const std::string& message, std::size_t& offset, std::string& text) {
  std::uint64_t size = 0;
  if (message.size() - offset < sizeof size) return false;
  std::memcpy(&size, message.data() + offset, sizeof size);
  offset += sizeof size;
  if (message.size() - offset < size) return false;
  text = message.substr(offset, static_cast<std::size_t>(size));
  offset += static_cast<std::size_t>(size);
  return true;
}

bool decode(const std::string& message, IsolatedResult& result) {
  std::int32_t code = 0;
  if (message.size() < 1 + sizeof code) return false;
  const auto tag = static_cast<unsigned char>(message[0]);
  std::memcpy(&code, message.data() + 1, sizeof code);
  std::size_t offset = 1 + sizeof code;
  if (!take_text(message, offset, result.out) || !take_text(message, offset, result.err) ||
      offset != message.size()) {
    return false;
  }
  result.exit_code = code;
  switch (tag) {
    case kReturned:
      result.end = IsolatedEnd::returned;
      return true;
    case kThrew:
      result.end = IsolatedEnd::threw;
      return true;
    case kOutOfMemory:
      result.end = IsolatedEnd::out_of_memory;
      return true;
    default:
      return false;
  }
}

class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  [[nodiscard]] int read_end() const { return fds_[0]; }
  [[nodiscard]] int write_end() const { return fds_[1]; }
  void close_read() { close_end(0); }
  void close_write() { close_end(1); }

 private:
  void close_end(int end) {
    if (fds_[end] >= 0) ::close(fds_[end]);
    fds_[end] = -1;
  }
  int fds_[2] = {-1, -1};
};

}  // namespace

bool address_space_limit_applies() {
#ifdef TUMEN_ADDRESS_SANITIZER
  return false;
#else
  return true;
#endif
}

IsolatedResult run_isolated(const IsolatedWork& work, const IsolationLimits& limits) {
  using Clock = std::chrono::steady_clock;
  Pipe pipe;
  const pid_t child = ::fork();
  if (child < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (child == 0) {
    pipe.close_read();
    run_child(work, limits, pipe.write_end());
  }
  pipe.close_write();

  const Clock::time_point deadline = Clock::now() + limits.timeout;
  auto milliseconds_left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  };
  IsolatedResult result;
  std::string message;
  bool timed_out = false;
  char buffer[1 << 16];
  for (;;) {
    const auto left = milliseconds_left();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd readable{pipe.read_end(), POLLIN, 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = ::read(pipe.read_end(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has ended or is ending
    message.append(buffer, static_cast<std::size_t>(n));
  }

  // The child closes the pipe only by ending, so it is gone or about to be; one that lingers past
  // the deadline is killed all the same.
  int status = 0;
  for (;;) {
    if (!timed_out && milliseconds_left() <= 0) timed_out = true;
    if (timed_out) ::kill(child, SIGKILL);  // before waiting for it, which is then prompt
    const pid_t waited = ::waitpid(child, &status, timed_out ? 0 : WNOHANG);
    if (waited == child) break;
    if (waited < 0 && errno != EINTR) {
      status = 0;
      break;
    }
    if (!timed_out) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (timed_out) {
    result.end = IsolatedEnd::timed_out;
    return result;
  }
  if (WIFSIGNALED(status)) {
    result.end = IsolatedEnd::crashed;
    result.signal = WTERMSIG(status);
    return result;
  }
  const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  if (exit_status != 0 || !decode(message, result)) {
    result = IsolatedResult{};
    result.end = IsolatedEnd::crashed;
    result.exit_status = exit_status;
  }
  return result;
}

std::string IsolatedResult::describe(const IsolationLimits& limits) const {
  switch (end) {
    case IsolatedEnd::returned:
      return "";
    case IsolatedEnd::threw:
      return err;
    case IsolatedEnd::out_of_memory:
      if (!address_space_limit_applies()) return "out of memory";
      return "out of memory: it needs more than the " +
             std::to_string(limits.address_space_bytes >> 20) + " MiB allowed";
    case IsolatedEnd::crashed:
      if (signal != 0) {
        const char* name = ::strsignal(signal);
        return "signal " + std::to_string(signal) + (name ? std::string(", ") + name : "");
      }
      return "exit status " + std::to_string(exit_status) + " without a result";
    case IsolatedEnd::timed_out: {
      const auto milliseconds = limits.timeout.count();
      return "timed out after " + (milliseconds % 1000 == 0
                                       ? std::to_string(milliseconds / 1000) + " s"
                                       : std::to_string(milliseconds) + " ms");
    }
  }
  return "";
}

}  // namespace tumen::output
