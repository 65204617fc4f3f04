// Bump allocator for memtables: many small allocations freed all at once.
// Allocation is single-threaded; MemoryUsage() may be read concurrently.
#ifndef STRATA_UTIL_ARENA_H_
#define STRATA_UTIL_ARENA_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace strata {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  char* Allocate(size_t bytes) {
    if (bytes <= remaining_) {
      char* r = ptr_;
      ptr_ += bytes;
      remaining_ -= bytes;
      return r;
    }
    return AllocateFallback(bytes);
  }
  // Aligned to alignof(std::max_align_t)-compatible 8 bytes.
  char* AllocateAligned(size_t bytes);

  size_t MemoryUsage() const {
    return usage_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr size_t kBlockSize = 64 << 10;
  char* AllocateFallback(size_t bytes);
  char* NewBlock(size_t bytes);

  char* ptr_ = nullptr;
  size_t remaining_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::atomic<size_t> usage_{0};
};

}  // namespace strata

#endif  // STRATA_UTIL_ARENA_H_
