// A single-writer, lock-free-read skiplist over arena-allocated nodes (in
// the manner of LevelDB's): the writer links a fully built node with
// release stores, readers follow links with acquire loads, so a reader sees
// every node linked before it started and never a half-built one. Nodes are
// never removed; the arena frees them all at once.
//
// Node layout: the next pointers sit *below* the node's address, so the
// payload is at a fixed offset whatever the height:
//
//   [next[h-1]] ... [next[1]] [next[0]] [payload ...]
//                             ^ SkipNode*
//
// The list also keeps, for the writer only, the last node of every level,
// so a node that sorts after everything (an in-order append) is linked
// without a search.
#ifndef STRATA_LSM_SKIPLIST_H_
#define STRATA_LSM_SKIPLIST_H_

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>

#include "util/arena.h"
#include "util/random.h"

namespace strata {

class SkipNode {
 public:
  SkipNode() = delete;

  SkipNode* Next(int level) const {
    return Slot(level)->load(std::memory_order_acquire);
  }
  void SetNext(int level, SkipNode* x) {
    Slot(level)->store(x, std::memory_order_release);
  }
  SkipNode* NoBarrierNext(int level) const {
    return Slot(level)->load(std::memory_order_relaxed);
  }
  void NoBarrierSetNext(int level, SkipNode* x) {
    Slot(level)->store(x, std::memory_order_relaxed);
  }

  char* payload() { return reinterpret_cast<char*>(this) + kSlotSize; }
  const char* payload() const {
    return reinterpret_cast<const char*>(this) + kSlotSize;
  }

  // Allocates a node of the given height with payload_bytes of payload
  // (8-byte aligned) and null links. Writer only.
  static SkipNode* New(Arena* arena, int height, size_t payload_bytes) {
    char* mem = arena->AllocateAligned(kSlotSize * height + payload_bytes);
    for (int i = 0; i < height; ++i) {
      new (mem + kSlotSize * i) std::atomic<SkipNode*>(nullptr);
    }
    return reinterpret_cast<SkipNode*>(mem + kSlotSize * (height - 1));
  }

 private:
  using Link = std::atomic<SkipNode*>;
  static constexpr size_t kSlotSize = sizeof(Link);
  static_assert(kSlotSize == 8, "node layout assumes 8-byte links");

  Link* Slot(int level) const {
    return reinterpret_cast<Link*>(
        const_cast<char*>(reinterpret_cast<const char*>(this)) -
        kSlotSize * level);
  }
};

// Traits must provide:
//   using Key = ...;                       // what nodes are searched by
//   static constexpr int kMaxHeight;
//   static int Compare(const SkipNode* n, const Key& k);  // <0, 0, >0
//   static Key KeyOf(const SkipNode* n);
// Keys should be distinct: an equal key is linked before its equals, and
// LastLess then steps over all of them.
template <typename Traits>
class SkipList {
 public:
  using Key = typename Traits::Key;
  static constexpr int kMaxHeight = Traits::kMaxHeight;

  explicit SkipList(Arena* arena) : head_(SkipNode::New(arena, kMaxHeight, 0)) {
    for (int i = 0; i < kMaxHeight; ++i) tail_[i] = finger_[i] = head_;
  }
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // Height for a new node: 1 + geometric(1/4), capped.
  static int RandomHeight(Random* rnd) {
    uint64_t r = rnd->Next();
    int h = 1;
    while (h < kMaxHeight && (r & 3) == 0) {
      ++h;
      r >>= 2;
    }
    return h;
  }

  // --- Writer only. x was made by SkipNode::New(height) and its payload is
  // complete; it becomes visible to readers here.

  // The last node, or nullptr if the list is empty.
  SkipNode* WriterLast() const {
    return tail_[0] == head_ ? nullptr : tail_[0];
  }

  // Links x after every node. REQUIRES: x sorts after WriterLast().
  void Append(SkipNode* x, int height) {
    RaiseHeight(height);
    for (int i = 0; i < height; ++i) {
      // x's links are already null; publishing is the release store.
      tail_[i]->SetNext(i, x);
      tail_[i] = x;
    }
    for (int i = 0; i < kMaxHeight; ++i) finger_[i] = tail_[i];
    last_ = x;
  }

  // Links x at its place in key order. A key after the previous one
  // inserted (keys arriving sorted, e.g. a sorted batch) is searched from
  // where that one went rather than from the head: the nodes passed are
  // few and still in the CPU cache.
  void Insert(SkipNode* x, int height) {
    SkipNode* prev[kMaxHeight];
    Search(Traits::KeyOf(x), prev);
    InsertAt(x, height, prev);
  }

  // The node whose key equals key, or nullptr with prev filled for
  // InsertAt (the same finger search as Insert). Moves the finger.
  SkipNode* FindForInsert(const Key& key, SkipNode** prev) {
    Search(key, prev);
    SkipNode* n = prev[0]->NoBarrierNext(0);
    if (n != nullptr && Traits::Compare(n, key) == 0) {
      // prev[i] is the last node of level i before key: a valid finger.
      const int h = max_height_.load(std::memory_order_relaxed);
      for (int i = 0; i < kMaxHeight; ++i) finger_[i] = i < h ? prev[i] : head_;
      last_ = prev[0] == head_ ? nullptr : prev[0];
      return n;
    }
    return nullptr;
  }

  // Links x where FindForInsert (with no writes since) said it goes.
  void InsertAt(SkipNode* x, int height, SkipNode** prev) {
    int old_height = RaiseHeight(height);
    for (int i = old_height; i < height; ++i) prev[i] = head_;
    for (int i = 0; i < height; ++i) {
      SkipNode* next = prev[i]->NoBarrierNext(i);
      x->NoBarrierSetNext(i, next);
      prev[i]->SetNext(i, x);
      if (next == nullptr) tail_[i] = x;
    }
    const int levels = std::max(old_height, height);
    for (int i = 0; i < kMaxHeight; ++i) {
      finger_[i] = i < height ? x : i < levels ? prev[i] : head_;
    }
    last_ = x;
  }

  // --- Readers, any thread, concurrently with the writer.

  SkipNode* First() const { return head_->Next(0); }

  SkipNode* Last() const {
    SkipNode* p = head_;
    for (int level = max_height_.load(std::memory_order_relaxed) - 1;
         level >= 0; --level) {
      for (SkipNode* n = p->Next(level); n != nullptr; n = p->Next(level)) {
        p = n;
      }
    }
    return p == head_ ? nullptr : p;
  }

  // First node >= k, or nullptr.
  SkipNode* LowerBound(const Key& k) const {
    SkipNode* p = head_;
    SkipNode* n = nullptr;
    for (int level = max_height_.load(std::memory_order_relaxed) - 1;
         level >= 0; --level) {
      for (n = p->Next(level); n != nullptr && Traits::Compare(n, k) < 0;
           n = p->Next(level)) {
        p = n;
      }
    }
    return n;
  }

  // Last node < k, or nullptr.
  SkipNode* LastLess(const Key& k) const { return LastBefore(k, 0); }
  // Last node <= k, or nullptr.
  SkipNode* LastLessOrEqual(const Key& k) const { return LastBefore(k, 1); }

 private:
  // Last node whose Compare with k is < bound (0: less, 1: less or equal).
  SkipNode* LastBefore(const Key& k, int bound) const {
    SkipNode* p = head_;
    for (int level = max_height_.load(std::memory_order_relaxed) - 1;
         level >= 0; --level) {
      for (SkipNode* n = p->Next(level);
           n != nullptr && Traits::Compare(n, k) < bound; n = p->Next(level)) {
        p = n;
      }
    }
    return p == head_ ? nullptr : p;
  }

  // Writer only: prev[level] = the last node of each level (up to the
  // current height) whose key is < key.
  void Search(const Key& key, SkipNode** prev) const {
    const bool after_last = last_ != nullptr && Traits::Compare(last_, key) < 0;
    SkipNode* p = head_;
    bool moved = false;
    for (int level = max_height_.load(std::memory_order_relaxed) - 1;
         level >= 0; --level) {
      // finger_[level] is the last node of the level <= last_ < key, and
      // no earlier than finger_[level + 1]; once the walk has passed a
      // node after last_, it is ahead of every lower finger.
      if (after_last && !moved) p = finger_[level];
      for (SkipNode* n = p->NoBarrierNext(level);
           n != nullptr && Traits::Compare(n, key) < 0;
           n = p->NoBarrierNext(level)) {
        p = n;
        moved = true;
      }
      prev[level] = p;
    }
  }

  // Returns the height before. Readers that see the new height early find
  // null links in head_ there, which is harmless.
  int RaiseHeight(int height) {
    int old = max_height_.load(std::memory_order_relaxed);
    if (height > old) max_height_.store(height, std::memory_order_relaxed);
    return old;
  }

  SkipNode* const head_;
  std::atomic<int> max_height_{1};
  SkipNode* tail_[kMaxHeight];  // writer only: last node at each level
  // Writer only: the node linked last, and at each level the last node
  // whose key is <= its key (head_ where there is none).
  SkipNode* last_ = nullptr;
  SkipNode* finger_[kMaxHeight];
};

}  // namespace strata

#endif  // STRATA_LSM_SKIPLIST_H_
