#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace tumen::cli {

ProgressBar::ProgressBar(std::uint64_t total, bool enabled)
    : total_(total),
      enabled_(enabled && isatty(STDERR_FILENO)),
      started_(std::chrono::steady_clock::now()) {
  update(0);
}

void ProgressBar::update(std::uint64_t done) {
  if (!enabled_ || total_ == 0) return;
  constexpr int kWidth = 32;
  const double fraction = static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(stderr, "\r[%s] %llu/%llu replicates  %.0f s", bar,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
               elapsed);
  if (done > 0 && done < total_) {
    std::fprintf(stderr, ", about %.0f s left ", elapsed / fraction - elapsed);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_) std::fprintf(stderr, "\n");
}

}  // namespace tumen::cli
