#pragma once
// SIGINT and SIGTERM (what Slurm sends before a time limit) ask the run to stop at the end of the
// current day; the output is then left as a valid .partial file.
#include <atomic>

namespace tumen::cli {

void install_interrupt_handlers();
[[nodiscard]] const std::atomic<bool>& stop_requested();
// The signal that asked to stop, or 0.
[[nodiscard]] int stop_signal();

}  // namespace tumen::cli
