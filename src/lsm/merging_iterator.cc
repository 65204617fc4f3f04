// A binary heap of children ordered by current key: a min-heap while moving
// forward, a max-heap while moving backward. Switching direction re-seeks
// every child around the current key, as in LevelDB.
//
// Each heap slot caches its child's key (valid until that child moves, and
// only the merge moves it), so comparisons and key() make no virtual call.
// Scans mostly take several entries in a row from one child (time-window
// files hold disjoint stretches of a key's entries), so a step first checks
// the moved child against the next-best child alone and skips the sift
// when it is still ahead.
#include "lsm/merging_iterator.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "lsm/dbformat.h"

namespace strata {
namespace {

// CompareInternalKeys with one memcmp where it can: keys whose user keys
// have one length order bytewise over their whole length.
inline int CompareKeys(std::string_view a, std::string_view b) {
  if (a.size() == b.size() && a.size() >= kInternalKeyTrailer) {
    return std::memcmp(a.data(), b.data(), a.size());
  }
  return CompareInternalKeys(a, b);
}

class MergingIterator final : public InternalIterator {
 public:
  explicit MergingIterator(
      std::vector<std::unique_ptr<InternalIterator>> children)
      : children_(std::move(children)) {
    heap_.reserve(children_.size());
  }

  bool Valid() const override { return !heap_.empty(); }

  void SeekToFirst() override {
    for (auto& c : children_) c->SeekToFirst();
    Rebuild(kForward);
  }
  void SeekToLast() override {
    for (auto& c : children_) c->SeekToLast();
    Rebuild(kReverse);
  }
  void Seek(std::string_view target) override {
    // Moving forward past the current key (sorted point lookups), a child
    // already at or after target is where a seek would put it: everything
    // before its position is <= key() < target. Exhausted children stay so.
    const bool ahead = direction_ == kForward && !heap_.empty() &&
                       CompareKeys(target, heap_[0].key) > 0;
    for (auto& c : children_) {
      if (ahead && (c->Valid() ? CompareKeys(c->key(), target) >= 0
                               : c->status().ok())) {
        continue;
      }
      c->Seek(target);
    }
    Rebuild(kForward);
  }
  void SeekForPrev(std::string_view target) override {
    for (auto& c : children_) c->SeekForPrev(target);
    Rebuild(kReverse);
  }

  void Next() override {
    if (direction_ != kForward) {
      // Put every other child at the first entry after key().
      InternalIterator* const cur = heap_[0].it;
      std::string key(heap_[0].key);
      for (auto& c : children_) {
        if (c.get() == cur) continue;
        c->Seek(key);
        if (c->Valid() && CompareKeys(c->key(), key) == 0) c->Next();
      }
      cur->Next();
      Rebuild(kForward);
      return;
    }
    heap_[0].it->Next();
    FixTop();
  }

  void Prev() override {
    if (direction_ != kReverse) {
      InternalIterator* const cur = heap_[0].it;
      std::string key(heap_[0].key);
      for (auto& c : children_) {
        if (c.get() == cur) continue;
        c->SeekForPrev(key);
        if (c->Valid() && CompareKeys(c->key(), key) == 0) c->Prev();
      }
      cur->Prev();
      Rebuild(kReverse);
      return;
    }
    heap_[0].it->Prev();
    FixTop();
  }

  std::string_view key() const override { return heap_[0].key; }
  std::string_view value() const override { return heap_[0].it->value(); }
  int64_t expire_at() const override { return heap_[0].it->expire_at(); }

  // Moving forward, the current child's run up to the next key any other
  // child holds: the heap's second smallest is one of the top's two
  // children, so clamping before both keeps the merged order. Moving
  // within that run leaves the top below every other child.
  bool CurrentRun(EntryRun* run) override {
    if (direction_ != kForward || !heap_[0].it->CurrentRun(run)) return false;
    for (size_t i = 1; i <= 2 && i < heap_.size(); i++) {
      if (!ClampRunBefore(run, heap_[i].key)) return false;
    }
    return true;
  }
  void MoveInRun(size_t i) override {
    heap_[0].it->MoveInRun(i);
    heap_[0].key = heap_[0].it->key();
  }

  // The same clamp for runs of many keys: entries from the current child
  // below both of the root's children's keys (entry 0 is, by the heap).
  bool CurrentKeyRun(KeyRun* run, size_t max,
                     std::string_view user_limit) override {
    if (direction_ != kForward ||
        !heap_[0].it->CurrentKeyRun(run, max, user_limit)) {
      return false;
    }
    for (size_t i = 1; i <= 2 && i < heap_.size(); i++) {
      const std::string_view bound = heap_[i].key;
      run->size = static_cast<size_t>(
          std::partition_point(run->entries + 1, run->entries + run->size,
                               [&](const KeyRunEntry& e) {
                                 return CompareKeys(e.key, bound) < 0;
                               }) -
          run->entries);
    }
    return true;
  }
  void MoveInKeyRun(size_t i) override {
    heap_[0].it->MoveInKeyRun(i);
    heap_[0].key = heap_[0].it->key();
  }

  absl::Status status() const override {
    for (const auto& c : children_) {
      absl::Status s = c->status();
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  enum Direction { kForward, kReverse };

  struct Slot {
    InternalIterator* it;
    std::string_view key;  // it->key(), cached
  };

  // True if a should be above b in the heap.
  bool Before(const Slot& a, const Slot& b) const {
    const int c = CompareKeys(a.key, b.key);
    return direction_ == kForward ? c < 0 : c > 0;
  }

  // A child that failed may have skipped entries, so nothing merged after
  // it can be trusted: an error ends the whole iteration.
  bool Failed() {
    for (auto& c : children_) {
      if (!c->Valid() && !c->status().ok()) {
        heap_.clear();
        return true;
      }
    }
    return false;
  }

  void Rebuild(Direction d) {
    direction_ = d;
    heap_.clear();
    if (Failed()) return;
    for (auto& c : children_) {
      if (c->Valid()) heap_.push_back(Slot{c.get(), c->key()});
    }
    auto cmp = [this](const Slot& a, const Slot& b) { return Before(b, a); };
    std::make_heap(heap_.begin(), heap_.end(), cmp);
    FindRunnerUp();
  }

  // The slot (1 or 2) holding the heap's second entry: the one the top
  // must stay ahead of.
  void FindRunnerUp() {
    runner_up_ = heap_.size() > 2 && Before(heap_[2], heap_[1]) ? 2 : 1;
  }

  // The top child moved; restore the heap property by sifting it down (or
  // removing it when exhausted).
  void FixTop() {
    Slot& top = heap_[0];
    if (top.it->Valid()) {
      top.key = top.it->key();
      // Still ahead of every other child: the heap stands as it is.
      if (heap_.size() == 1 || Before(top, heap_[runner_up_])) return;
    } else {
      if (!top.it->status().ok()) {
        heap_.clear();
        return;
      }
      top = heap_.back();
      heap_.pop_back();
      if (heap_.empty()) return;
    }
    const size_t n = heap_.size();
    size_t i = 0;
    const Slot item = heap_[0];
    while (true) {
      size_t l = 2 * i + 1;
      if (l >= n) break;
      size_t best = l;
      if (l + 1 < n && Before(heap_[l + 1], heap_[l])) best = l + 1;
      if (!Before(heap_[best], item)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = item;
    FindRunnerUp();
  }

  std::vector<std::unique_ptr<InternalIterator>> children_;
  std::vector<Slot> heap_;  // heap_[0] is the current child
  size_t runner_up_ = 1;
  Direction direction_ = kForward;
};

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<MergingIterator>(std::move(children));
}

}  // namespace strata
