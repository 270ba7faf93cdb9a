// A deliberate data race between two bodies of one parallel_for: the tsan preset's test passes
// only if ThreadSanitizer reports it. It shows that the suppressions for oneTBB and the fork and
// join edges that engine/src/parallel_for.hpp tells ThreadSanitizer about leave a race between
// bodies in view (docs/reliability.md). The plain tsan_canary shows that the sanitizer works at
// all.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "parallel_for.hpp"

#if !defined(__SANITIZE_THREAD__)
#error "tsan_canary_tbb must be built with -fsanitize=thread (TUMEN_TSAN=ON)"
#endif

namespace {

// Neither atomic nor guarded by a lock: the race.
int racy_total = 0;

std::atomic<int> bodies_started{0};

}  // namespace

int main() {
  tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
  tbb::task_arena arena(2);
  bool both_ran = true;
  arena.execute([&] {
    tumen::detail::parallel_for(
        tbb::blocked_range<int>(0, 2, 1), [&](const tbb::blocked_range<int>& piece) {
          // Each body waits until the other has started, so that the two run at the same time on
          // two threads; the bound keeps a one-thread arena from hanging the test.
          bodies_started.fetch_add(1);
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
          while (bodies_started.load() < 2 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
          }
          if (bodies_started.load() < 2) both_ran = false;
          for (int i = piece.begin(); i != piece.end(); ++i) racy_total = racy_total + i + 1;
        });
  });
  if (!both_ran) {
    std::printf("tsan_canary_tbb: the two bodies did not run at the same time\n");
    return 1;
  }
  std::printf("racy_total = %d: no data race was reported\n", racy_total);
  return 0;
}
