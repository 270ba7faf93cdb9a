#pragma once
// tbb::parallel_for with its happens-before edges made visible to ThreadSanitizer.
//
// oneTBB promises that what the caller did before parallel_for happens before every body, that
// a task's range and body copy are complete before a thief runs it, and that every body happens
// before parallel_for returns. Debian's libtbb.so.12 keeps those promises with atomics inside
// the library, which is not built with ThreadSanitizer, so the sanitizer sees none of these
// edges. Without them every run of the parallel tests reports hundreds of false races with a
// tumen frame on top (the caller fills the agent arrays, a body on another thread reads them),
// which no suppression of TBB frames can reach. So the edges are told to ThreadSanitizer with
// its annotation calls, at the three places where they happen:
// - fork: the caller releases before the loop, and every body acquires before it starts;
// - spawn: a body copy releases its own address when TBB copies it into a task (after the
//   task's range), and acquires that address before it runs;
// - join: every body releases when it ends, and the caller acquires after the loop.
// Nothing orders two bodies against each other, so a race between bodies is still reported
// (the tsan_canary_tbb test shows it). What is left is TBB's own bookkeeping in its headers,
// which tests/tsan/suppressions.txt suppresses by its top frame. Outside a ThreadSanitizer build
// the annotations are empty and this is plain tbb::parallel_for. docs/reliability.md.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace tumen::detail {

#if defined(__SANITIZE_THREAD__)
inline void tsan_release(const void* address) {
  __tsan_release(const_cast<void*>(address));
}
inline void tsan_acquire(const void* address) {
  __tsan_acquire(const_cast<void*>(address));
}
#else
inline void tsan_release(const void*) {}
inline void tsan_acquire(const void*) {}
#endif

// Where the fork and join edges meet: two addresses on the caller's stack for the whole loop.
// ThreadSanitizer keeps one synchronisation object per 8 bytes, hence the alignment; were the two
// to share one, a body that ended would be ordered before every body that starts after it.
struct ForkJoinAddresses {
  alignas(8) char fork = 0;
  alignas(8) char join = 0;
};

// The body that TBB copies into its tasks: the caller's body, bracketed by the edges above.
template <typename Body>
class AnnotatedBody {
 public:
  AnnotatedBody(const Body& body, const ForkJoinAddresses& edges) : body_(&body), edges_(&edges) {}

  // TBB copies the body into each task it creates when it splits one, maybe a task stolen from
  // another thread, and into memory that a finished task may have held. So the copy acquires
  // its own address (the previous holder's last release) and the original's (its spawn) before
  // touching either, then releases its own address for the spawn of its task (whose range TBB
  // has built just before).
  AnnotatedBody(const AnnotatedBody& other)
      : body_(published(this, other).body_), edges_(other.edges_) {
    tsan_release(this);
  }
  AnnotatedBody& operator=(const AnnotatedBody&) = delete;

  template <typename Range>
  void operator()(const Range& piece) const {
    // Acquire by address before reading any member: the members are what the spawn published.
    tsan_acquire(this);
    tsan_acquire(&edges_->fork);
    (*body_)(piece);
    tsan_release(&edges_->join);
    tsan_release(this);  // for a later task that TBB builds in this memory
  }

 private:
  static const AnnotatedBody& published(const AnnotatedBody* self, const AnnotatedBody& other) {
    tsan_acquire(self);
    tsan_acquire(&other);
    return other;
  }

  const Body* body_;  // declared first: initialised after published() in the copy
  const ForkJoinAddresses* edges_;
};

// tbb::parallel_for(range, body): body(piece) over pieces of `range`, in parallel.
template <typename Range, typename Body>
void parallel_for(const Range& range, const Body& body) {
  const ForkJoinAddresses edges;
  tsan_release(&edges.fork);
  tbb::parallel_for(range, AnnotatedBody<Body>(body, edges));
  tsan_acquire(&edges.join);
}

// tbb::parallel_for(first, last, body): body(i) for every i in [first, last), in parallel. TBB
// runs this form as the range form over blocked_range<Index>(first, last), as here. The call is
// qualified: unqualified, argument-dependent lookup would find tbb::parallel_for, whose C++20
// constraints make it the better match, and the edges would be lost.
template <typename Index, typename Body>
void parallel_for(Index first, Index last, const Body& body) {
  const auto each = [&body](const tbb::blocked_range<Index>& piece) {
    for (Index i = piece.begin(); i != piece.end(); ++i) body(i);
  };
  tumen::detail::parallel_for(tbb::blocked_range<Index>(first, last), each);
}

}  // namespace tumen::detail
