// Batched point reads inside one SST (see table_multiget.h). Targets whose
// block is skipped (time, expiry) or whose versions run past the end of
// their block take the general path: a table iterator, which knows how to
// step over blocks.
#include "lsm/table_multiget.h"

#include <algorithm>
#include <memory>

namespace strata {
namespace {

// Pipeline depth: target i is sought while target i + kAhead's run and
// target i + 2 * kAhead's block structure are on their way into the CPU
// cache. Enough misses in flight to hide most of their latency.
constexpr size_t kAhead = 4;
constexpr size_t kRing = 2 * kAhead + 1;

class Reader {
 public:
  Reader(const Table& table, const TableReadOptions& options,
         TablePointEmit emit)
      : table_(table), index_(table.index()), options_(options), emit_(emit) {}

  absl::Status Run(std::span<const TablePointTarget> targets) {
    const size_t n = targets.size();
    // Stage 1 runs 2 * kAhead targets ahead of stage 3, stage 2 kAhead.
    for (size_t i = 0; i < n + 2 * kAhead; ++i) {
      if (i < n) {
        absl::Status s = Locate(i, targets[i]);
        if (!s.ok()) return s;
      }
      if (i >= kAhead && i - kAhead < n) {
        const Slot& slot = ring_[(i - kAhead) % kRing];
        if (slot.block != nullptr) {
          slot.block->PrefetchSeek(targets[i - kAhead].seek_key);
        }
      }
      if (i >= 2 * kAhead && i - 2 * kAhead < n) {
        const size_t k = i - 2 * kAhead;
        Slot& slot = ring_[k % kRing];
        absl::Status s;
        if (slot.block_no < index_.size()) {  // else past the table
          s = slot.block == nullptr
                  ? Slow(targets[k])
                  : InBlock(*slot.block, slot.block_no, targets[k]);
        }
        slot.block.reset();
        if (!s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Slot {
    size_t block_no = 0;
    std::shared_ptr<const Block> block;  // null: past the table or skipped
  };

  // Stage 1: finds target i's block, fetches it and starts loading its
  // search structure.
  absl::Status Locate(size_t i, const TablePointTarget& t) {
    Slot& slot = ring_[i % kRing];
    slot.block_no = FirstBlockEndingAtOrAfter(t.seek_key);
    from_ = slot.block_no;
    slot.block.reset();
    if (slot.block_no >= index_.size() ||
        SkipReason(index_[slot.block_no], options_) != BlockSkip::kNone) {
      return absl::OkStatus();
    }
    const Slot& prev = ring_[(i + kRing - 1) % kRing];
    if (i > 0 && prev.block_no == slot.block_no && prev.block != nullptr) {
      slot.block = prev.block;
      return absl::OkStatus();
    }
    auto block = table_.ReadDataBlock(slot.block_no, options_.fill_cache);
    if (!block.ok()) return block.status();
    slot.block = std::move(*block);
    slot.block->PrefetchIndex(t.seek_key);
    return absl::OkStatus();
  }

  // The first block at or after from_ whose last key >= target.
  size_t FirstBlockEndingAtOrAfter(std::string_view target) const {
    auto ends_before = [&](const IndexEntry& e) {
      return CompareInternalKeys(e.last_key, target) < 0;
    };
    size_t lo = from_, hi = index_.size();
    // Gallop from the previous target's block: the next one is near.
    for (size_t step = 1; lo < hi; step *= 2) {
      size_t probe = std::min(lo + step - 1, hi - 1);
      if (!ends_before(index_[probe])) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
    auto it = std::partition_point(index_.begin() + static_cast<ptrdiff_t>(lo),
                                   index_.begin() + static_cast<ptrdiff_t>(hi),
                                   ends_before);
    return static_cast<size_t>(it - index_.begin());
  }

  // Emits the target's entries from its block; the general path if they
  // may continue in the next block.
  absl::Status InBlock(const Block& block, size_t block_no,
                       const TablePointTarget& t) {
    if (it_ == nullptr || !block.Rebind(it_.get())) it_ = block.NewIterator();
    size_t emitted = 0;
    bool ended = false;
    absl::Status s = EmitFrom(it_.get(), t, 0, &emitted, &ended);
    if (!s.ok() || ended || emitted == 0 || block_no + 1 >= index_.size()) {
      return s;
    }
    // Ran off the block still matching: if the next block starts with the
    // same record, let the table iterator continue there.
    std::string_view next = index_[block_no + 1].first_key;
    if (ExtractUserKey(next) != ExtractUserKey(t.seek_key) ||
        ExtractTimestamp(next) != ExtractTimestamp(t.seek_key)) {
      return absl::OkStatus();
    }
    return Slow(t, emitted);
  }

  // The general path; skips the first `already` entries (emitted).
  absl::Status Slow(const TablePointTarget& t, size_t already = 0) {
    if (slow_ == nullptr) slow_ = table_.NewIterator(options_);
    size_t seen = 0;
    bool ended = false;
    return EmitFrom(slow_.get(), t, already, &seen, &ended);
  }

  // Seeks `it` to the target and emits the entries of its (user key, ts)
  // after the first `skip`; *seen counts them all, *ended says a later
  // entry (not the iterator's end) stopped the walk.
  absl::Status EmitFrom(InternalIterator* it, const TablePointTarget& t,
                        size_t skip, size_t* seen, bool* ended) {
    const std::string_view user_key = ExtractUserKey(t.seek_key);
    const Timestamp ts = ExtractTimestamp(t.seek_key);
    ParsedInternalKey ik;
    for (it->Seek(t.seek_key); it->Valid(); it->Next()) {
      if (!ParseInternalKey(it->key(), &ik)) {
        return absl::DataLossError("malformed internal key in " +
                                   table_.file_name());
      }
      if (ik.ts != ts || ik.user_key != user_key) {
        *ended = true;
        break;
      }
      if ((*seen)++ >= skip) emit_(t.id, ik, it->expire_at(), it->value());
    }
    return it->status();
  }

  const Table& table_;
  const std::vector<IndexEntry>& index_;
  const TableReadOptions& options_;
  TablePointEmit emit_;
  size_t from_ = 0;
  Slot ring_[kRing];
  std::unique_ptr<InternalIterator> it_;    // over one block, rebound
  std::unique_ptr<InternalIterator> slow_;  // over the table
};

}  // namespace

absl::Status TableMultiGet(const Table& table, const TableReadOptions& options,
                           std::span<const TablePointTarget> targets,
                           TablePointEmit emit) {
  Reader reader(table, options, emit);
  return reader.Run(targets);
}

}  // namespace strata
