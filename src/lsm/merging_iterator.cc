// A binary heap of children ordered by current key: a min-heap while moving
// forward, a max-heap while moving backward. Switching direction re-seeks
// every child around the current key, as in LevelDB.
#include "lsm/merging_iterator.h"

#include <algorithm>
#include <string>

#include "lsm/dbformat.h"

namespace strata {
namespace {

class MergingIterator final : public InternalIterator {
 public:
  explicit MergingIterator(
      std::vector<std::unique_ptr<InternalIterator>> children)
      : children_(std::move(children)) {}

  bool Valid() const override { return current_ != nullptr; }

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
    const bool ahead = direction_ == kForward && current_ != nullptr &&
                       CompareInternalKeys(target, current_->key()) > 0;
    for (auto& c : children_) {
      if (ahead && (c->Valid() ? CompareInternalKeys(c->key(), target) >= 0
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
      std::string key(current_->key());
      for (auto& c : children_) {
        if (c.get() == current_) continue;
        c->Seek(key);
        if (c->Valid() && CompareInternalKeys(c->key(), key) == 0) c->Next();
      }
      current_->Next();
      Rebuild(kForward);
      return;
    }
    current_->Next();
    FixTop();
  }

  void Prev() override {
    if (direction_ != kReverse) {
      std::string key(current_->key());
      for (auto& c : children_) {
        if (c.get() == current_) continue;
        c->SeekForPrev(key);
        if (c->Valid() && CompareInternalKeys(c->key(), key) == 0) c->Prev();
      }
      current_->Prev();
      Rebuild(kReverse);
      return;
    }
    current_->Prev();
    FixTop();
  }

  std::string_view key() const override { return current_->key(); }
  std::string_view value() const override { return current_->value(); }
  int64_t expire_at() const override { return current_->expire_at(); }

  // Moving forward, the current child's run up to the next key any other
  // child holds: the heap's second smallest is one of the top's two
  // children, so clamping before both keeps the merged order. Moving
  // within that run leaves the top below every other child.
  bool CurrentRun(EntryRun* run) override {
    if (direction_ != kForward || !current_->CurrentRun(run)) return false;
    for (size_t i = 1; i <= 2 && i < heap_.size(); i++) {
      if (!ClampRunBefore(run, heap_[i]->key())) return false;
    }
    return true;
  }
  void MoveInRun(size_t i) override { current_->MoveInRun(i); }

  absl::Status status() const override {
    for (const auto& c : children_) {
      absl::Status s = c->status();
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  enum Direction { kForward, kReverse };

  // True if a should be above b in the heap.
  bool Before(InternalIterator* a, InternalIterator* b) const {
    int c = CompareInternalKeys(a->key(), b->key());
    return direction_ == kForward ? c < 0 : c > 0;
  }

  // A child that failed may have skipped entries, so nothing merged after
  // it can be trusted: an error ends the whole iteration.
  bool Failed() {
    for (auto& c : children_) {
      if (!c->Valid() && !c->status().ok()) {
        heap_.clear();
        current_ = nullptr;
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
      if (c->Valid()) heap_.push_back(c.get());
    }
    auto cmp = [this](InternalIterator* a, InternalIterator* b) {
      return Before(b, a);
    };
    std::make_heap(heap_.begin(), heap_.end(), cmp);
    current_ = heap_.empty() ? nullptr : heap_.front();
  }

  // The top child moved; restore the heap property by sifting it down (or
  // removing it when exhausted).
  void FixTop() {
    if (!heap_.front()->Valid()) {
      if (!heap_.front()->status().ok()) {
        heap_.clear();
        current_ = nullptr;
        return;
      }
      heap_.front() = heap_.back();
      heap_.pop_back();
      if (heap_.empty()) {
        current_ = nullptr;
        return;
      }
    }
    size_t n = heap_.size();
    size_t i = 0;
    InternalIterator* item = heap_[0];
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
    current_ = heap_.front();
  }

  std::vector<std::unique_ptr<InternalIterator>> children_;
  std::vector<InternalIterator*> heap_;
  InternalIterator* current_ = nullptr;
  Direction direction_ = kForward;
};

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children) {
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<MergingIterator>(std::move(children));
}

}  // namespace strata
