// Batched point reads inside one SST (see table_multiget.h). Targets whose
// block is skipped (time, expiry) or whose versions run past the end of
// their block take the general path: a table iterator, which knows how to
// step over blocks.
#include "lsm/table_multiget.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"

namespace strata {
namespace {

// Targets are processed in passes over the whole batch, each pass touching
// only memory an earlier pass started loading, so that the cache misses of
// many targets overlap instead of following one another (group
// prefetching). The passes: find each target's block in the index; take
// the blocks, each once, in one batch through the cache (which runs its own
// passes: slots, then blocks) and from the file for misses; start loading
// each target's search structure; start loading each target's entry; emit.
//
// Passes that take locks or touch reference counts (locked instructions,
// which wait for every earlier load) are kept apart from passes whose loads
// miss the cache: interleaved, each lock would wait out the previous
// target's miss and the overlap would be lost.
class Reader {
 public:
  Reader(const Table& table, const TableReadOptions& options,
         TablePointEmit emit, BlockPins* pins)
      : table_(table),
        index_(table.index()),
        options_(options),
        emit_(emit),
        pins_(pins) {}
  ~Reader() {
    if (pins_ != nullptr) {
      // Grown geometrically: a MultiGet's files add their blocks in turn.
      const size_t need = pins_->size() + blocks_.size();
      if (need > pins_->capacity()) {
        pins_->reserve(std::max(need, 2 * pins_->capacity()));
      }
      for (auto& b : blocks_) pins_->push_back(std::move(b));
    }
  }

  absl::Status Run(std::span<const TablePointTarget> targets) {
    const size_t n = targets.size();
    plan_.resize(n);
    // Options that skip no block spare reading each target's index entry.
    const bool may_skip = MaySkipBlocks(options_);
    for (size_t i = 0; i < n; ++i) {
      Plan& p = plan_[i];
      p.hash = PointKeyHash(ExtractUserKey(targets[i].seek_key));
      // The first target searches the whole index; the others start from
      // the block before them.
      p.block_no = i == 0 ? table_.FirstBlockEndingAtOrAfter(
                                targets[i].seek_key, index_.size())
                          : table_.NextBlockEndingAtOrAfter(
                                targets[i].seek_key, plan_[i - 1].block_no);
      p.read = p.block_no < index_.size() &&
               (!may_skip ||
                SkipReason(index_[p.block_no], options_) == BlockSkip::kNone);
      p.first_of_block = p.read && (i == 0 || !plan_[i - 1].read ||
                                    plan_[i - 1].block_no != p.block_no);
    }
    // The blocks, each once (one batch through the cache).
    block_nos_.clear();
    block_nos_.reserve(n);
    for (const Plan& p : plan_) {
      if (p.first_of_block) block_nos_.push_back(p.block_no);
    }
    blocks_.resize(block_nos_.size());
    if (absl::Status s =
            table_.ReadDataBlocks(block_nos_, options_.fill_cache, blocks_);
        !s.ok()) {
      return s;
    }
    for (size_t i = 0, k = 0; i < n; ++i) {
      Plan& p = plan_[i];
      if (p.first_of_block) {
        p.block = blocks_[k++].get();
      } else if (p.read) {
        p.block = plan_[i - 1].block;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (plan_[i].block != nullptr) {
        plan_[i].block->PrefetchIndex(targets[i].seek_key, plan_[i].hash);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (plan_[i].block != nullptr) {
        plan_[i].block->PrefetchSeek(targets[i].seek_key, plan_[i].hash);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const Plan& p = plan_[i];
      if (p.block_no >= index_.size()) continue;  // past the table
      absl::Status s =
          p.block == nullptr ? Slow(targets[i]) : InBlock(p, targets[i]);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  struct Plan {
    uint64_t hash = 0;  // PointKeyHash of the target's user key
    size_t block_no = 0;
    bool read = false;             // the block may hold the target
    bool first_of_block = false;   // the batch's first target in it
    const Block* block = nullptr;  // in blocks_; null: none to read
  };

  // Emits the target's entries from its block (by the block's point read,
  // else an iterator); the general path if they may continue in the next
  // block.
  absl::Status InBlock(const Plan& p, const TablePointTarget& t) {
    const Block& block = *p.block;
    const size_t block_no = p.block_no;
    size_t emitted = 0;
    bool ended = false;
    absl::Status s;
    bool bad_key = false;
    switch (block.ReadPoint(
        t.seek_key, p.hash, &scratch_,
        [&](std::string_view ikey, int64_t expire_at, std::string_view value) {
          ParsedInternalKey ik;
          if (!ParseInternalKey(ikey, &ik)) {
            bad_key = true;
            return false;
          }
          return emit_(t.id, ik, expire_at, value, pins_ != nullptr);
        },
        &emitted)) {
      case Block::PointRead::kDone:
        if (!bad_key) return absl::OkStatus();
        [[fallthrough]];
      case Block::PointRead::kCorrupt:
        return absl::DataLossError(absl::StrFormat(
            "malformed entry in %s (data block at offset %d)",
            table_.file_name(), index_[block_no].handle.offset));
      case Block::PointRead::kRanOff:
        break;
      case Block::PointRead::kUnsupported:
        if (it_ == nullptr || !block.Rebind(it_.get())) {
          it_ = block.NewIterator();
        }
        s = EmitFrom(it_.get(), t, 0, &emitted, &ended, pins_ != nullptr);
        break;
    }
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
    return EmitFrom(slow_.get(), t, already, &seen, &ended, /*pinned=*/false);
  }

  // Seeks `it` to the target and emits the entries of its (user key, ts)
  // after the first `skip`; *seen counts them all, *ended says a later
  // entry or the caller (not the iterator's end) stopped the walk.
  // `pinned`: the values lie in blocks that *pins_ will hold.
  absl::Status EmitFrom(InternalIterator* it, const TablePointTarget& t,
                        size_t skip, size_t* seen, bool* ended, bool pinned) {
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
      if ((*seen)++ >= skip &&
          !emit_(t.id, ik, it->expire_at(), it->value(), pinned)) {
        *ended = true;
        break;
      }
    }
    return it->status();
  }

  const Table& table_;
  const std::vector<IndexEntry>& index_;
  const TableReadOptions& options_;
  TablePointEmit emit_;
  BlockPins* const pins_;
  std::vector<Plan> plan_;
  std::vector<size_t> block_nos_;                     // the blocks to read
  std::vector<std::shared_ptr<const Block>> blocks_;  // and the blocks read
  std::string scratch_;                               // for ReadPoint
  std::unique_ptr<InternalIterator> it_;              // over one block, rebound
  std::unique_ptr<InternalIterator> slow_;            // over the table
};

}  // namespace

absl::Status TableMultiGet(const Table& table, const TableReadOptions& options,
                           std::span<const TablePointTarget> targets,
                           TablePointEmit emit, BlockPins* pins) {
  Reader reader(table, options, emit, pins);
  return reader.Run(targets);
}

}  // namespace strata
