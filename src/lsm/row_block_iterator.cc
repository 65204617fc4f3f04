// The row block iterator: seeks (point index, fingerprints or restart
// search), forward and backward steps, and key runs for batched scans.
#include <algorithm>
#include <cstring>
#include <memory>
#include <typeinfo>
#include <vector>

#include "lsm/key_prefix.h"
#include "lsm/row_block.h"
#include "util/errors.h"

namespace strata::row_block_internal {
namespace {

// What a scan entering a block prefetches from its start.
constexpr uint32_t kScanStartBytes = 1024;

class RowBlockIterator final : public InternalIterator {
 public:
  explicit RowBlockIterator(const RowBlock* b)
      : b_(b),
        end_(b->entries_end()),
        current_(end_),
        restart_index_(b->num_restarts()) {}

  // Moves to block b, unpositioned, keeping the key buffer.
  void Reset(const RowBlock* b) {
    b_ = b;
    end_ = b->entries_end();
    current_ = end_;
    next_ = 0;
    restart_index_ = b->num_restarts();
    key_.clear();
    value_ = {};
    expire_at_ = kNeverExpires;
    status_ = absl::OkStatus();
  }

  bool Valid() const override { return current_ < end_; }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  int64_t expire_at() const override { return expire_at_; }
  absl::Status status() const override { return status_; }

  void SeekToFirst() override {
    if (b_->num_restarts() == 0) return Invalidate();
    // A scan entering the block: start loading its first lines together
    // rather than one entry's at a time.
    for (uint32_t off = 0; off < std::min<uint32_t>(end_, kScanStartBytes);
         off += 64) {
      __builtin_prefetch(b_->base() + off);
    }
    SeekToRestart(0);
    ParseNextKey();
  }

  void SeekToLast() override {
    if (b_->num_restarts() == 0) return Invalidate();
    SeekToRestart(b_->num_restarts() - 1);
    while (ParseNextKey() && next_ < end_) {
    }
  }

  void Seek(std::string_view target) override {
    if (b_->num_restarts() == 0) return Invalidate();
    if (b_->has_point_index() && target.size() >= kInternalKeyTrailer &&
        SeekByPointIndex(target)) {
      return;
    }
    // Last restart whose key is < target; entries before it are too small.
    uint32_t left = 0, right = b_->num_restarts() - 1;
    std::string_view tuk = ExtractUserKey(target);
    if (b_->has_fingerprints()) {
      for (size_t off = 0; off < b_->fingerprint_size() && off < 2048;
           off += 64) {
        __builtin_prefetch(b_->fingerprint_bytes() + off);
      }
    }
    if (b_->has_fingerprints() && target.size() >= kInternalKeyTrailer &&
        tuk.starts_with(b_->prefix())) {
      if (!b_->SearchFingerprints(tuk, target, &left)) {
        return Corrupt(b_->restart(left));
      }
      if (b_->one_per_restart() && left > 0) {
        // Restart `left` holds one entry, known to be < target: the answer
        // starts the next restart (or lies past this block).
        if (left + 1 >= b_->num_restarts()) return Invalidate();
        SeekToRestart(left + 1);
        ParseNextKey();
        return;
      }
      SeekToRestart(left);
      while (ParseNextKey()) {
        if (CompareInternalKeys(key_, target) >= 0) return;
      }
      return;
    }
    // The restart array is read at every probe: fetch its lines at once.
    const char* restarts = b_->base() + b_->entries_end();
    for (uint32_t off = 0; off < 4 * b_->num_restarts() && off < 1024;
         off += 64) {
      __builtin_prefetch(restarts + off);
    }
    while (left < right) {
      uint32_t mid = left + (right - left + 1) / 2;
      // Blocks are mostly cold in the CPU cache and each probe stalls on
      // its entry: fetch both possible next probes while this one waits.
      if (right - left >= 3) {
        __builtin_prefetch(b_->base() + b_->restart(left + (mid - left) / 2));
        __builtin_prefetch(b_->base() +
                           b_->restart(mid + (right - mid + 1) / 2));
      }
      Entry e;
      if (!ParseEntry(b_->base(), b_->restart(mid), end_, b_->trailers(), &e) ||
          e.shared != 0) {
        return Corrupt(b_->restart(mid));
      }
      if (CompareRestartKey(e, target) < 0) {
        left = mid;
      } else {
        right = mid - 1;
      }
    }
    SeekToRestart(left);
    while (ParseNextKey()) {
      if (CompareInternalKeys(key_, target) >= 0) return;
    }
  }

  void SeekForPrev(std::string_view target) override {
    Seek(target);
    if (!status_.ok()) return;
    if (!Valid()) {
      SeekToLast();
    } else if (CompareInternalKeys(key_, target) > 0) {
      Prev();
    }
  }

  void Next() override { ParseNextKey(); }

  // The current entry and the ones after it in this block: keys rebuilt
  // into run_arena_ (the current key too, as MoveInKeyRun rewrites key_).
  // A malformed entry ends the run: Next() reports it. Decoding stops at
  // user_limit: a scan's last block is mostly past its range.
  bool CurrentKeyRun(KeyRun* run, size_t max,
                     std::string_view user_limit) override {
    run_at_.clear();
    run_.clear();
    run_at_.reserve(max);
    run_.reserve(max);
    // The arena's bytes past `used` are garbage, not cleared: it is only
    // resized (zero-filled) when a run needs more room than any before.
    size_t used = key_.size();
    const size_t want = std::max(max, size_t{1}) * (key_.size() + 8);
    if (run_arena_.size() < want) run_arena_.resize(want);
    std::memcpy(run_arena_.data(), key_.data(), key_.size());
    run_at_.push_back({current_, next_, 0, static_cast<uint32_t>(key_.size())});
    run_.push_back({{}, value_, expire_at_});
    AscendingLimit below(user_limit);
    // Past the limit already: so is every later key.
    if (!user_limit.empty() && !below.First(ExtractUserKey(key_))) {
      max = 1;
    }
    uint32_t off = next_;
    while (run_at_.size() < max && off < end_) {
      Entry e;
      const RunAt& prev = run_at_.back();
      if (!ParseEntry(b_->base(), off, end_, b_->trailers(), &e) ||
          !SharedFits(e, prev.key_size)) {
        break;
      }
      const uint32_t key_size = static_cast<uint32_t>(KeySize(e));
      if (used + key_size > run_arena_.size()) {
        run_arena_.resize(std::max(2 * run_arena_.size(), used + key_size));
      }
      // The shared bytes come from the previous key, just before.
      char* dst = run_arena_.data() + used;
      std::memcpy(dst, run_arena_.data() + prev.key_off, e.shared);
      std::memcpy(dst + e.shared, e.key_delta, e.unshared);
      if (e.packed) WriteTrailer(dst + e.shared + e.unshared, e);
      const std::string_view key(dst, key_size);
      if (key_size < kInternalKeyTrailer) break;
      // e.shared counts user-key bytes (packed) or internal-key bytes.
      if (!user_limit.empty() &&
          !below.Next(ExtractUserKey(key),
                      std::min<size_t>(e.shared,
                                       prev.key_size - kInternalKeyTrailer))) {
        break;
      }
      const uint32_t key_off = static_cast<uint32_t>(used);
      used += key_size;
      const Timestamp ts = ExtractTimestamp(key);
      run_at_.push_back({off, e.next, key_off, key_size});
      run_.push_back({{},
                      std::string_view(e.value, e.value_len),
                      e.has_expiry ? static_cast<int64_t>(
                                         static_cast<uint64_t>(ts) +
                                         static_cast<uint64_t>(e.expire_delta))
                                   : kNeverExpires});
      off = e.next;
      __builtin_prefetch(b_->base() + std::min(off + 256, end_));
    }
    // The arena is complete: its keys can be handed out.
    for (size_t i = 0; i < run_.size(); ++i) {
      run_[i].key = std::string_view(run_arena_.data() + run_at_[i].key_off,
                                     run_at_[i].key_size);
    }
    run->entries = run_.data();
    run->size = run_.size();
    return true;
  }

  void MoveInKeyRun(size_t i) override {
    const RunAt& at = run_at_[i];
    current_ = at.current;
    next_ = at.next;
    key_.assign(run_[i].key);
    value_ = run_[i].value;
    expire_at_ = run_[i].expire_at;
    while (restart_index_ + 1 < b_->num_restarts() &&
           b_->restart(restart_index_ + 1) <= current_) {
      restart_index_++;
    }
  }

  void Prev() override {
    uint32_t original = current_;

    while (b_->restart(restart_index_) >= original) {
      if (restart_index_ == 0) return Invalidate();
      restart_index_--;
    }
    SeekToRestart(restart_index_);
    // Walk forward to the entry just before `original`.
    while (ParseNextKey() && next_ < original) {
    }
  }

 private:
  // Seek through the point index: true if done (positioned, or past the
  // block, or corrupt), false if the block holds no entry of the target's
  // user key (then the caller searches: the answer is another key's).
  bool SeekByPointIndex(std::string_view target) {
    const std::string_view tuk = ExtractUserKey(target);
    const uint64_t h = RowBlock::PointHash(target);
    for (uint32_t i = b_->Bucket(h), probes = 0; probes <= b_->bucket_mask();
         ++i, ++probes) {
      const Bucket32 b = b_->bucket(i);
      if (b == kEmptyBucket) return false;
      if (BucketTag(b) != HashTag(h)) continue;
      // The run holding the first entry of this bucket's key: walk to the
      // first entry whose user key is >= tuk.
      SeekToRestart(b_->RestartAt(BucketRunOffset(b)));
      int c = -1;
      while (ParseNextKey()) {
        c = ExtractUserKey(key_).compare(tuk);
        if (c >= 0) break;
      }
      if (!status_.ok() || !Valid()) return true;  // nothing >= target
      if (c > 0) continue;  // another key with the same tag
      while (CompareInternalKeys(key_, target) < 0) {
        if (!ParseNextKey()) return true;
      }
      return true;
    }
    return false;
  }

  void Invalidate() {
    current_ = end_;
    restart_index_ = b_->num_restarts();
  }

  void Corrupt(uint32_t off) {
    status_ = CorruptionError("row block", off, "malformed entry");
    Invalidate();
  }

  void SeekToRestart(uint32_t index) {
    key_.clear();
    restart_index_ = index;
    next_ = b_->restart(index);
  }

  bool ParseNextKey() {
    current_ = next_;
    if (current_ >= end_) {
      Invalidate();
      return false;
    }
    Entry e;
    if (!ParseEntry(b_->base(), current_, end_, b_->trailers(), &e) ||
        !SharedFits(e, key_.size())) {
      Corrupt(current_);
      return false;
    }
    AppendKey(&key_, e);
    if (key_.size() < kInternalKeyTrailer) {
      Corrupt(current_);
      return false;
    }
    value_ = std::string_view(e.value, e.value_len);
    expire_at_ = e.has_expiry
                     ? static_cast<int64_t>(
                           static_cast<uint64_t>(ExtractTimestamp(key_)) +
                           static_cast<uint64_t>(e.expire_delta))
                     : kNeverExpires;
    next_ = e.next;
    // Scans read on: start loading the entries a few lines ahead (large
    // values put every entry on lines of its own).
    __builtin_prefetch(b_->base() + std::min(next_ + 256, end_));
    while (restart_index_ + 1 < b_->num_restarts() &&
           b_->restart(restart_index_ + 1) <= current_) {
      restart_index_++;
    }
    return true;
  }

  const RowBlock* b_;
  uint32_t end_;
  uint32_t current_;  // offset of the current entry; end_ when invalid
  uint32_t next_ = 0;
  uint32_t restart_index_;
  std::string key_;
  std::string_view value_;
  int64_t expire_at_ = kNeverExpires;
  absl::Status status_;
  // The last CurrentKeyRun: where each entry lies and its key in
  // run_arena_, and the arrays handed out.
  struct RunAt {
    uint32_t current, next;
    uint32_t key_off, key_size;
  };
  std::string run_arena_;
  std::vector<RunAt> run_at_;
  std::vector<KeyRunEntry> run_;
};

}  // namespace

std::unique_ptr<InternalIterator> RowBlock::NewIterator() const {
  return std::make_unique<RowBlockIterator>(this);
}

bool RowBlock::Rebind(InternalIterator* it) const {
  if (it == nullptr || typeid(*it) != typeid(RowBlockIterator)) return false;
  static_cast<RowBlockIterator*>(it)->Reset(this);
  return true;
}

}  // namespace strata::row_block_internal
