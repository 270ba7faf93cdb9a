#pragma once
// An allocator for the arrays that grow with the number of agents: agent fields, due lists and
// work lists. Arrays of 2 MiB or more are placed on 2 MiB boundaries and Linux is asked for
// transparent huge pages (madvise(MADV_HUGEPAGE)), so that a gigabyte of agents is touched
// through a few hundred page faults rather than a quarter of a million, and walked with few TLB
// misses. On the virtual machines of docs/performance.md, first touching 650 MB took 2.3 s with
// 4 KiB pages and 0.06 s with huge pages. Smaller arrays come from operator new as usual.
#include <cstddef>
#include <new>
#include <vector>

namespace tumen {

namespace detail {
[[nodiscard]] void* allocate_large(std::size_t bytes);
void deallocate_large(void* p, std::size_t bytes) noexcept;
}  // namespace detail

template <class T>
struct LargeArrayAllocator {
  using value_type = T;
  LargeArrayAllocator() = default;
  template <class U>
  explicit LargeArrayAllocator(const LargeArrayAllocator<U>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::allocate_large(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::deallocate_large(p, n * sizeof(T)); }

  friend bool operator==(const LargeArrayAllocator&, const LargeArrayAllocator&) { return true; }
};

template <class T>
using LargeVector = std::vector<T, LargeArrayAllocator<T>>;

}  // namespace tumen
