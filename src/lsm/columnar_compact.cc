// The compact form of a columnar block, for the cache of seeks that read a
// few entries (a reverse seek to a series' last point): the payload stays
// encoded (validated once, when it was read) and a small directory holds
// each run's user key and its last entry. A cached compact block costs
// about its encoded size instead of ~32 bytes per entry decoded, so the
// blocks such reads touch stay cached, and a seek that lands on the end of
// a run (SeekToLast, SeekForPrev past a key's last entry) reads no column
// at all, nor does the one step back a reverse read takes to close a
// version group (the directory keeps the key before each run's last too).
// Any other move decodes the payload into the iterator's own, reused
// arrays: key columns first, values only when asked for.
// Byte format: schema/columnar-block.md. Never reads outside the payload.
#include <typeinfo>
#include <utility>
#include <vector>

#include "lsm/block.h"
#include "lsm/columnar_columns.h"
#include "lsm/columnar_iterator.h"
#include "lsm/dbformat.h"
#include "strata/types.h"

namespace strata {
namespace {

// The last entry of a run, copied out at load time, and the key of the
// entry before it (when the run has one).
struct RunTail {
  int64_t ts;
  uint64_t packed;
  int64_t expire;
  uint64_t word;        // the value, when values are 8-byte words
  size_t value_offset;  // else its slice of the payload
  size_t value_size;
  int64_t prev_ts;
  uint64_t prev_packed;
};

class CompactColumnarBlock final : public Block {
 public:
  CompactColumnarBlock(std::string payload, uint32_t count,
                       std::string_view where)
      : payload_(std::move(payload)), count_(count), where_(where) {}

  // Decodes everything once into `scratch` (checking it all, as the
  // decoded form does) and keeps the directory.
  absl::Status Init(ColumnarColumns* scratch) {
    absl::Status s = DecodeColumnarPayload(payload_, count_, where_, scratch);
    if (!s.ok()) return s;
    const ColumnarColumns& c = *scratch;
    key_data_ = c.key_data;
    key_offsets_ = c.key_offsets;
    run_starts_ = c.run_starts;
    words_ = !c.words.empty();
    tails_.reserve(c.runs());
    for (size_t r = 0; r < c.runs(); r++) {
      const uint32_t i = c.run_starts[r + 1] - 1;
      RunTail t{c.ts[i], c.packed[i], c.expire[i], 0, 0, 0, 0, 0};
      if (i > c.run_starts[r]) {
        t.prev_ts = c.ts[i - 1];
        t.prev_packed = c.packed[i - 1];
      }
      if (words_) {
        t.word = c.words[i];
      } else {
        t.value_offset =
            c.value_data.data() - payload_.data() + c.value_offsets[i];
        t.value_size = c.value_offsets[i + 1] - c.value_offsets[i];
      }
      tails_.push_back(t);
    }
    return absl::OkStatus();
  }

  size_t MemoryUsage() const override {
    return sizeof(*this) + payload_.capacity() + where_.capacity() +
           key_data_.capacity() + key_offsets_.capacity() * sizeof(size_t) +
           run_starts_.capacity() * sizeof(uint32_t) +
           tails_.capacity() * sizeof(RunTail);
  }
  std::unique_ptr<InternalIterator> NewIterator() const override;
  bool Rebind(InternalIterator* it) const override;
  bool IsCompact() const override { return true; }

  size_t runs() const { return tails_.size(); }
  std::string_view user_key(size_t r) const {
    return std::string_view(key_data_.data() + key_offsets_[r],
                            key_offsets_[r + 1] - key_offsets_[r]);
  }
  uint32_t run_end(size_t r) const { return run_starts_[r + 1]; }
  uint32_t run_size(size_t r) const {
    return run_starts_[r + 1] - run_starts_[r];
  }
  const RunTail& tail(size_t r) const { return tails_[r]; }
  std::string_view tail_value(size_t r) const {
    const RunTail& t = tails_[r];
    if (words_) {
      return std::string_view(reinterpret_cast<const char*>(&t.word), 8);
    }
    return std::string_view(payload_).substr(t.value_offset, t.value_size);
  }
  uint32_t count() const { return count_; }
  const std::string& payload() const { return payload_; }
  const std::string& where() const { return where_; }

 private:
  const std::string payload_;
  const uint32_t count_;
  const std::string where_;  // for errors of a later decode
  std::string key_data_;
  std::vector<size_t> key_offsets_;
  std::vector<uint32_t> run_starts_;
  std::vector<RunTail> tails_;
  bool words_ = false;
};

// Three states: invalid; at a run's last entry or the one before it, known
// from the directory (nothing decoded; the latter has no value without a
// decode); or decoded (key columns, maybe values) and delegating to a
// ColumnarIterator over its own arrays.
class CompactColumnarIterator final : public InternalIterator {
 public:
  explicit CompactColumnarIterator(const CompactColumnarBlock& b)
      : b_(&b), inner_(cols_) {}

  void Reset(const CompactColumnarBlock& b) {
    b_ = &b;
    state_ = kInvalid;
    keys_decoded_ = values_decoded_ = false;
    status_ = absl::OkStatus();
  }

  bool Valid() const override { return state_ != kInvalid; }
  void SeekToFirst() override {
    if (!DecodeKeys()) return;
    inner_.SeekToFirst();
    Settle();
  }
  void SeekToLast() override {
    status_ = absl::OkStatus();
    if (b_->runs() == 0) {
      state_ = kInvalid;
      return;
    }
    AtTail(b_->runs() - 1, 0);
  }
  void Seek(std::string_view target) override {
    if (!DecodeKeys()) return;
    inner_.Seek(target);
    Settle();
  }
  void SeekForPrev(std::string_view target) override {
    status_ = absl::OkStatus();
    const ColumnarTarget want(target);
    const size_t lo = FirstRunAtOrAfter(*b_, want.user);
    if (lo < b_->runs() && b_->user_key(lo) == want.user) {
      // The run's last entry is <= target iff it is not after it.
      const RunTail& t = b_->tail(lo);
      if (want.Before(t.ts, t.packed, /*or_equal=*/true)) {
        return AtTail(lo, 0);
      }
      // The answer is inside run lo, or the end of the run before it.
      if (!DecodeKeys()) return;
      inner_.SeekForPrev(target);
      Settle();
      return;
    }
    if (lo == 0) {
      state_ = kInvalid;
      return;
    }
    AtTail(lo - 1, 0);
  }
  void Next() override {
    if (!ToDecoded()) return;
    inner_.Next();
    Settle();
  }
  void Prev() override {
    if (state_ == kTail && tail_depth_ == 0) {
      if (b_->run_size(tail_run_) >= 2) return AtTail(tail_run_, 1);
      if (tail_run_ > 0) return AtTail(tail_run_ - 1, 0);
      state_ = kInvalid;
      return;
    }
    if (!ToDecoded()) return;
    inner_.Prev();
    Settle();
  }

  std::string_view key() const override {
    return state_ == kTail ? std::string_view(key_) : inner_.key();
  }
  std::string_view value() const override {
    if (state_ == kTail && tail_depth_ == 0) return b_->tail_value(tail_run_);
    if (!ToDecoded() || !DecodeValues()) return {};
    return inner_.value();
  }
  int64_t expire_at() const override {
    if (state_ == kTail && tail_depth_ == 0) return b_->tail(tail_run_).expire;
    if (!ToDecoded() || !DecodeValues()) return kNeverExpires;
    return inner_.expire_at();
  }
  absl::Status status() const override { return status_; }

  bool CurrentRun(EntryRun* run) override {
    if (!ToDecoded() || !DecodeValues()) return false;
    return inner_.CurrentRun(run);
  }
  void MoveInRun(size_t i) override { inner_.MoveInRun(i); }

 private:
  enum State { kInvalid, kTail, kDecoded };

  // Positions at the last entry of run r (depth 0) or the one before it
  // (depth 1, REQUIRES the run has two), from the directory alone.
  void AtTail(size_t r, int depth) {
    const RunTail& t = b_->tail(r);
    std::string_view uk = b_->user_key(r);
    key_.assign(uk.data(), uk.size());
    key_.resize(uk.size() + kInternalKeyTrailer);
    char* trailer = key_.data() + uk.size();
    EncodeOrderedInt64(trailer, depth == 0 ? t.ts : t.prev_ts);
    EncodeBigEndian64(trailer + 8, ~(depth == 0 ? t.packed : t.prev_packed));
    tail_run_ = r;
    tail_depth_ = depth;
    state_ = kTail;
  }

  // Decodes the key columns of the block into cols_ (once per block). The
  // payload was checked when it was read, so failing here means memory
  // damage or a bug; it still ends the iteration with the error.
  bool DecodeKeys() const {
    status_ = absl::OkStatus();
    if (!keys_decoded_) {
      absl::Status s = DecodeColumnarKeyColumns(b_->payload(), b_->count(),
                                                b_->where(), &cols_);
      if (!s.ok()) return Fail(s);
      keys_decoded_ = true;
      values_decoded_ = false;
      inner_.Reset(cols_);
    }
    return true;
  }
  bool DecodeValues() const {
    if (values_decoded_) return true;
    absl::Status s =
        DecodeColumnarValueColumns(b_->payload(), b_->where(), &cols_);
    if (!s.ok()) return Fail(s);
    values_decoded_ = true;
    return true;
  }
  bool Fail(absl::Status s) const {
    status_ = std::move(s);
    state_ = kInvalid;
    return false;
  }

  // From a tail position, the same entry in the decoded arrays.
  bool ToDecoded() const {
    if (state_ == kDecoded) return true;
    const size_t r = tail_run_;
    if (!DecodeKeys()) return false;
    inner_.PositionAt(b_->run_end(r) - 1 - tail_depth_, r);
    state_ = kDecoded;
    return true;
  }
  void Settle() { state_ = inner_.Valid() ? kDecoded : kInvalid; }

  const CompactColumnarBlock* b_;
  // Decoding is lazy, so the const accessors fill these on first use.
  mutable ColumnarColumns cols_;
  mutable ColumnarIterator inner_;
  mutable State state_ = kInvalid;
  mutable absl::Status status_;
  mutable bool keys_decoded_ = false;
  mutable bool values_decoded_ = false;
  size_t tail_run_ = 0;
  int tail_depth_ = 0;  // 0: the run's last entry; 1: the one before
  std::string key_;     // the internal key of a tail position
};

std::unique_ptr<InternalIterator> CompactColumnarBlock::NewIterator() const {
  return std::make_unique<CompactColumnarIterator>(*this);
}

bool CompactColumnarBlock::Rebind(InternalIterator* it) const {
  if (it == nullptr || typeid(*it) != typeid(CompactColumnarIterator)) {
    return false;
  }
  static_cast<CompactColumnarIterator*>(it)->Reset(*this);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Block>> DecodeCompactColumnarBlock(
    std::string payload, uint32_t count, std::string_view where) {
  // The full decode only checks the payload and fills the directory; its
  // arrays are reused by the next load on this thread instead of being
  // allocated (and zeroed) per block.
  thread_local ColumnarColumns scratch;
  auto block =
      std::make_unique<CompactColumnarBlock>(std::move(payload), count, where);
  absl::Status s = block->Init(&scratch);
  if (scratch.MemoryUsage() > (size_t{4} << 20)) scratch = ColumnarColumns();
  if (!s.ok()) return s;
  return std::unique_ptr<Block>(std::move(block));
}

}  // namespace strata
