#include "interrupt.hpp"

#include <csignal>

namespace tumen::cli {

namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int signal) {
  g_signal.store(signal);
  g_stop.store(true);
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // A signal must not make a system call in the middle of writing the file fail with EINTR.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& stop_requested() {
  return g_stop;
}
int stop_signal() {
  return g_signal.load();
}

}  // namespace tumen::cli
