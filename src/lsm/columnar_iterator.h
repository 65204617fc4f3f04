// The iterator over a decoded columnar block (ColumnarColumns): indexes the
// arrays, binary-searches runs and (ts, seq) within a run, and assembles
// each internal key in its own buffer. Used by the decoded block
// (columnar_block.cc) and, once it has decoded, the compact block's
// iterator (columnar_compact.cc). Never reads outside the arrays.
#ifndef STRATA_LSM_COLUMNAR_ITERATOR_H_
#define STRATA_LSM_COLUMNAR_ITERATOR_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "lsm/columnar_columns.h"
#include "lsm/dbformat.h"
#include "lsm/internal_iterator.h"

namespace strata {

// A seek target as columnar entries order: by user key, then ts
// ascending, then packed (seq << 8 | kind) descending. A target without a
// trailer is a bare user key, before every entry of that key.
struct ColumnarTarget {
  explicit ColumnarTarget(std::string_view target) : user(target) {
    if (target.size() >= kInternalKeyTrailer) {
      user = ExtractUserKey(target);
      ts = ExtractTimestamp(target);
      packed = ExtractPackedSeqKind(target);
    }
  }
  // For an entry of the target's user key: whether it sorts before the
  // target (or, with or_equal, is not after it).
  bool Before(Timestamp entry_ts, uint64_t entry_packed, bool or_equal) const {
    return entry_ts < ts ||
           (entry_ts == ts &&
            (or_equal ? entry_packed >= packed : entry_packed > packed));
  }

  std::string_view user;
  Timestamp ts = kMinTimestamp;
  uint64_t packed = ~uint64_t{0};  // sorts before every real entry
};

// The first run of `runs` (anything with runs() and user_key(r)) whose
// user key >= user; runs.runs() if none.
template <class Runs>
size_t FirstRunAtOrAfter(const Runs& runs, std::string_view user) {
  size_t lo = 0, hi = runs.runs();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (runs.user_key(mid) < user) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

class ColumnarIterator final : public InternalIterator {
 public:
  explicit ColumnarIterator(const ColumnarColumns& c) : c_(&c), idx_(c.count) {}

  // Points at another block's columns, unpositioned; keeps key_'s buffer.
  void Reset(const ColumnarColumns& c) {
    c_ = &c;
    idx_ = c.count;
    run_ = 0;
    key_run_ = ~size_t{0};
  }

  bool Valid() const override { return idx_ < c_->count; }
  void SeekToFirst() override { MoveTo(0, 0); }
  void SeekToLast() override {
    if (c_->count == 0) return Invalidate();
    MoveTo(c_->count - 1, c_->runs() - 1);
  }
  void Seek(std::string_view target) override {
    uint32_t pos = Bound(target, /*upper=*/false);
    if (pos == c_->count) return Invalidate();
    MoveTo(pos, RunOf(pos));
  }
  void SeekForPrev(std::string_view target) override {
    uint32_t pos = Bound(target, /*upper=*/true);
    if (pos == 0) return Invalidate();
    MoveTo(pos - 1, RunOf(pos - 1));
  }
  void Next() override {
    uint32_t next = idx_ + 1;
    if (next >= c_->count) return Invalidate();
    MoveTo(next, next == c_->run_starts[run_ + 1] ? run_ + 1 : run_);
  }
  void Prev() override {
    if (idx_ == 0) return Invalidate();
    uint32_t prev = idx_ - 1;
    MoveTo(prev, prev < c_->run_starts[run_] ? run_ - 1 : run_);
  }

  std::string_view key() const override { return key_; }
  std::string_view value() const override { return c_->value(idx_); }
  int64_t expire_at() const override { return c_->expire[idx_]; }
  absl::Status status() const override { return absl::OkStatus(); }

  // The rest of the current run: the arrays are already decoded, so a scan
  // can read them directly instead of assembling one key per entry.
  bool CurrentRun(EntryRun* run) override {
    run->user_key = c_->user_key(run_);
    run->ts = c_->ts.data();
    run->packed = c_->packed.data();
    run->expire = c_->expire.data();
    if (!c_->words.empty()) {
      run->words = c_->words.data();
      run->value_data = nullptr;
      run->value_offsets = nullptr;
    } else {
      run->words = nullptr;
      run->value_data = c_->value_data.data();
      run->value_offsets = c_->value_offsets.data();
    }
    run->begin = idx_;
    run->end = c_->run_starts[run_ + 1];
    return true;
  }
  void MoveInRun(size_t i) override { MoveTo(static_cast<uint32_t>(i), run_); }

  // Positions at entry i, which is in run r (REQUIRES i < count).
  void PositionAt(uint32_t i, size_t r) { MoveTo(i, r); }
  // Current entry and run (REQUIRES Valid()).
  uint32_t index() const { return idx_; }
  size_t run() const { return run_; }
  void Invalidate() { idx_ = c_->count; }

 private:
  // Positions at entry i of run r, rewriting only the 16-byte trailer when
  // the run (and so the user key) is unchanged.
  void MoveTo(uint32_t i, size_t r) {
    if (i >= c_->count) return Invalidate();
    idx_ = i;
    run_ = r;
    if (r != key_run_) {
      std::string_view uk = c_->user_key(r);
      key_.assign(uk.data(), uk.size());
      key_.resize(uk.size() + kInternalKeyTrailer);
      key_run_ = r;
    }
    char* trailer = key_.data() + key_.size() - kInternalKeyTrailer;
    EncodeOrderedInt64(trailer, c_->ts[i]);
    EncodeBigEndian64(trailer + 8, ~c_->packed[i]);
  }

  size_t RunOf(uint32_t i) const {
    auto it = std::upper_bound(c_->run_starts.begin(), c_->run_starts.end(), i);
    return (it - c_->run_starts.begin()) - 1;
  }

  // The first entry >= target (upper = false) or > target (upper = true);
  // count if none.
  uint32_t Bound(std::string_view target, bool upper) const {
    const ColumnarTarget t(target);
    const size_t lo = FirstRunAtOrAfter(*c_, t.user);
    if (lo == c_->runs()) return c_->count;
    if (c_->user_key(lo) != t.user) return c_->run_starts[lo];
    uint32_t a = c_->run_starts[lo], b = c_->run_starts[lo + 1];
    while (a < b) {
      uint32_t mid = a + (b - a) / 2;
      if (t.Before(c_->ts[mid], c_->packed[mid], upper)) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return a;
  }

  const ColumnarColumns* c_;
  uint32_t idx_;
  size_t run_ = 0;
  size_t key_run_ = ~size_t{0};  // the run whose user key is in key_
  std::string key_;
};

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_ITERATOR_H_
