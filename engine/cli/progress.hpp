#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#include <chrono>
#include <cstdint>

namespace tumen::cli {

class ProgressBar {
 public:
  ProgressBar(std::uint64_t total, bool enabled);
  void update(std::uint64_t done);
  void finish();

 private:
  std::uint64_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace tumen::cli
