// The SST iterator: two levels (in-memory index -> data block) that steps
// over blocks the index shows to be outside the read's time window or fully
// expired, without reading them, in both directions and on every seek.
// Skipped blocks hold nothing visible to the read (the DB still filters each
// record), so skipping changes cost, never results.
//
// Blocks that reverse seeks (SeekToLast, SeekForPrev) land in are read in
// the compact form (BlockForm): such seeks read an entry or two (the last
// point of a series), and the decoded form of every block a query of them
// touches would not fit the cache. Blocks reached by forward seeks or by
// stepping across a block boundary either way are read fully decoded:
// scans read most of them.
#include <algorithm>
#include <memory>
#include <typeinfo>
#include <utility>

#include "lsm/dbformat.h"
#include "lsm/partition_near.h"
#include "lsm/table_reader.h"

namespace strata {
namespace {

class TableIterator final : public InternalIterator {
 public:
  TableIterator(std::shared_ptr<const Table> table, ReadStats* stats,
                const TableReadOptions& options)
      : table_(std::move(table)),
        index_(table_->index()),
        stats_(stats),
        options_(options) {}

  bool Valid() const override { return iter_ != nullptr && iter_->Valid(); }
  std::string_view key() const override { return iter_->key(); }
  std::string_view value() const override { return iter_->value(); }
  int64_t expire_at() const override { return iter_->expire_at(); }
  absl::Status status() const override { return status_; }

  void SeekToFirst() override {
    status_ = absl::OkStatus();
    Forward(0, nullptr);
  }

  void SeekToLast() override {
    status_ = absl::OkStatus();
    Backward(index_.size(), nullptr, BlockForm::kCompact);
  }

  void Seek(std::string_view target) override {
    status_ = absl::OkStatus();
    Forward(FirstBlockEndingAtOrAfter(target), &target);
  }

  void SeekForPrev(std::string_view target) override {
    status_ = absl::OkStatus();
    // Blocks [0, end) start at or before target; the answer is in the last.
    const size_t end = PartitionNear([&](size_t i) {
      return CompareInternalKeys(index_[i].first_key, target) <= 0;
    });
    Backward(end, &target, BlockForm::kCompact);
  }

  void Next() override {
    iter_->Next();
    if (!Settled()) Forward(block_ + 1, nullptr);
  }

  void Prev() override {
    iter_->Prev();
    // Stepping back into another block is a reverse scan: it reads most
    // of the block, so like forward scans it wants (and caches) it decoded.
    if (!Settled()) Backward(block_, nullptr, BlockForm::kDecoded);
  }

  // Runs never cross a block, so the loaded block's iterator answers.
  bool CurrentRun(EntryRun* run) override { return iter_->CurrentRun(run); }
  void MoveInRun(size_t i) override { iter_->MoveInRun(i); }
  bool CurrentKeyRun(KeyRun* run, size_t max,
                     std::string_view user_limit) override {
    return iter_->CurrentKeyRun(run, max, user_limit);
  }
  void MoveInKeyRun(size_t i) override { iter_->MoveInKeyRun(i); }

 private:
  // The first block whose last key >= target (index_.size() if none).
  size_t FirstBlockEndingAtOrAfter(std::string_view target) const {
    return table_->FirstBlockEndingAtOrAfter(
        target, block_data_ != nullptr ? block_ : index_.size());
  }

  // The first block i for which before(i) is false (index_.size() if
  // none), searched from the loaded block (partition_near.h).
  template <class Before>
  size_t PartitionNear(const Before& before) const {
    return strata::PartitionNear(
        index_.size(), block_data_ != nullptr ? block_ : index_.size(), before);
  }

  // True if the read cannot see anything in block i; counts the skip.
  bool Skip(size_t i) {
    const BlockSkip why = SkipReason(index_[i], options_);
    if (why == BlockSkip::kNone) return false;
    if (stats_ != nullptr) {
      ReadStats::Bump(why == BlockSkip::kTime ? stats_->blocks_skipped_time
                                              : stats_->blocks_skipped_expired);
    }
    return true;
  }

  bool Load(size_t i, BlockForm form) {
    // Re-seeks inside the loaded block (common: the DB iterator seeks to a
    // window's edge right after landing near it) need no second fetch; the
    // compact form's iterator serves forward moves too.
    if (block_data_ != nullptr && block_ == i) {
      if (iter_ == nullptr) iter_ = block_data_->NewIterator();
      return true;
    }
    Retire();
    absl::StatusOr<std::shared_ptr<const Block>> b =
        table_->ReadDataBlock(i, options_.fill_cache, form);
    if (!b.ok()) {
      status_ = b.status();
      block_data_.reset();
      return false;
    }
    block_data_ = std::move(*b);
    block_ = i;
    // Reuse an earlier block's iterator (and its buffers) when the kind of
    // block allows.
    for (auto& spare : spares_) {
      if (spare != nullptr && block_data_->Rebind(spare.get())) {
        iter_ = std::move(spare);
        return true;
      }
    }
    iter_ = block_data_->NewIterator();
    return true;
  }

  // Keeps the block iterator for reuse: one spare per kind of iterator.
  void Retire() {
    if (iter_ == nullptr) return;
    auto& slot = spares_[0] == nullptr || typeid(*spares_[0]) == typeid(*iter_)
                     ? spares_[0]
                     : spares_[1];
    slot = std::move(iter_);
  }

  // After moving the block iterator: true if positioned; records an error.
  bool Settled() {
    if (iter_->Valid()) return true;
    if (!iter_->status().ok()) {
      status_ = iter_->status();
      Clear();
      return true;  // stop: an error ends the iteration
    }
    return false;
  }

  void Clear() {
    Retire();
    block_data_.reset();
  }

  // Positions at the first visible entry of blocks [i, n) (at or after
  // *target within block i when target is set).
  void Forward(size_t i, const std::string_view* target) {
    for (; i < index_.size(); i++, target = nullptr) {
      if (Skip(i)) continue;
      if (!Load(i, BlockForm::kDecoded)) return;
      if (target != nullptr) {
        iter_->Seek(*target);
      } else {
        iter_->SeekToFirst();
      }
      if (Settled()) return;
    }
    Clear();
  }

  // Positions at the last visible entry of blocks [0, end) (at or before
  // *target within block end - 1 when target is set).
  void Backward(size_t end, const std::string_view* target, BlockForm form) {
    for (size_t i = end; i-- > 0; target = nullptr) {
      if (Skip(i)) continue;
      if (!Load(i, form)) return;
      if (target != nullptr) {
        iter_->SeekForPrev(*target);
      } else {
        iter_->SeekToLast();
      }
      if (Settled()) return;
    }
    Clear();
  }

  const std::shared_ptr<const Table> table_;
  const std::vector<IndexEntry>& index_;
  ReadStats* const stats_;
  const TableReadOptions options_;
  size_t block_ = 0;  // index of the loaded block
  std::shared_ptr<const Block> block_data_;
  std::unique_ptr<InternalIterator> iter_;
  // Block iterators no longer in use (they point at released blocks; never
  // touched until Rebind repoints them).
  std::unique_ptr<InternalIterator> spares_[2];
  absl::Status status_;
};

}  // namespace

std::unique_ptr<InternalIterator> Table::NewIterator(
    const TableReadOptions& options) const {
  return std::make_unique<TableIterator>(shared_from_this(), stats_, options);
}

}  // namespace strata
