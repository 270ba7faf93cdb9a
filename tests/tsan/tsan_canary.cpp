// A deliberate data race: two threads add to one plain int with no synchronisation. The tsan
// preset's test passes only if ThreadSanitizer reports it, which shows that the sanitizer is
// built in, started and not blinded by the suppressions (docs/reliability.md).
#include <cstdio>
#include <thread>

#if !defined(__SANITIZE_THREAD__)
#error "tsan_canary must be built with -fsanitize=thread (TUMEN_TSAN=ON)"
#endif

namespace {

// Neither atomic nor guarded by a lock: the race.
int racy_counter = 0;

void add_many() {
  for (int i = 0; i < 1000; ++i) racy_counter = racy_counter + 1;
}

}  // namespace

int main() {
  std::thread first(add_many);
  std::thread second(add_many);
  first.join();
  second.join();
  // Printed so that the sum is used; reached only if ThreadSanitizer did not halt the program.
  std::printf("racy_counter = %d: no data race was reported\n", racy_counter);
  return 0;
}
