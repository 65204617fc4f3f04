#include "util/arena.h"

#include <cstdint>

namespace strata {

char* Arena::AllocateFallback(size_t bytes) {
  if (bytes > kBlockSize / 4) return NewBlock(bytes);  // keep waste small
  ptr_ = NewBlock(kBlockSize);
  remaining_ = kBlockSize;
  char* r = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return r;
}

char* Arena::AllocateAligned(size_t bytes) {
  constexpr size_t kAlign = 8;
  size_t mod = reinterpret_cast<uintptr_t>(ptr_) & (kAlign - 1);
  size_t slop = mod == 0 ? 0 : kAlign - mod;
  if (bytes + slop <= remaining_) {
    char* r = ptr_ + slop;
    ptr_ += bytes + slop;
    remaining_ -= bytes + slop;
    return r;
  }
  return AllocateFallback(bytes);  // new blocks are malloc-aligned
}

char* Arena::NewBlock(size_t bytes) {
  blocks_.push_back(std::make_unique<char[]>(bytes));
  usage_.fetch_add(bytes + sizeof(char*), std::memory_order_relaxed);
  return blocks_.back().get();
}

}  // namespace strata
