// Merging the input SSTs of one window into new ones, dropping versions no
// reader can see (rules: schema/compaction.md, "What compaction drops" and
// "Retention rules").
#include <algorithm>

#include "absl/strings/str_format.h"
#include "lsm/compaction.h"
#include "lsm/merging_iterator.h"
#include "lsm/range_del.h"

namespace strata {
namespace {

class CompactionJob {
 public:
  CompactionJob(const CompactionInputs& in, const CompactionContext& ctx)
      : in_(in),
        ctx_(ctx),
        rd_(kMaxSequenceNumber),
        apply_rules_(in.bottommost && ctx.rules != nullptr &&
                     !ctx.rules->empty()),
        cursor_(ctx.rules.get(), ctx.now) {}

  absl::StatusOr<CompactionResult> Run() {
    std::vector<std::unique_ptr<InternalIterator>> children;
    TableReadOptions tro;
    tro.fill_cache = false;  // a compaction must not evict the working set
    for (const auto& f : in_.files) {
      auto table = ctx_.tables->Get(f->number, f->file_size);
      if (!table.ok()) return table.status();
      rd_.AddAll((*table)->range_tombstones());
      if (f->has_points()) children.push_back((*table)->NewIterator(tro));
      result_.bytes_read += f->file_size;
    }
    rd_.Finish();

    absl::Status s = EmitRangeTombstones();
    auto it = NewMergingIterator(std::move(children));
    ParsedInternalKey ik;
    for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
      if (!ParseInternalKey(it->key(), &ik)) {
        s = absl::DataLossError(absl::StrFormat(
            "compaction of window %d: malformed internal key", in_.window));
        break;
      }
      s = Process(ik, it->key(), it->expire_at(), it->value());
    }
    if (s.ok()) s = it->status();
    if (s.ok()) s = FlushPending(/*oldest_in_group=*/true);
    std::vector<FileMeta> metas;
    s = ctx_.finish_outputs(&outputs_, s, &metas);
    if (!s.ok()) return s;
    for (auto& m : metas) {
      result_.bytes_written += m.file_size;
      result_.outputs.push_back(std::move(m));
    }
    return result_;
  }

 private:
  // Index of the snapshot stripe holding seq, and the stripe's upper bound.
  size_t Stripe(SequenceNumber seq, SequenceNumber* upper) const {
    auto it =
        std::lower_bound(ctx_.snapshots.begin(), ctx_.snapshots.end(), seq);
    *upper = it == ctx_.snapshots.end() ? kMaxSequenceNumber : *it;
    return static_cast<size_t>(it - ctx_.snapshots.begin());
  }
  bool NoSnapshotBelow(SequenceNumber seq) const {
    return ctx_.snapshots.empty() || ctx_.snapshots.front() >= seq;
  }

  absl::Status EmitRangeTombstones() {
    for (const RangeTombstone& t : rd_.tombstones()) {
      // Everything it could cover is dead under a rule, and (bottommost)
      // leaves with this compaction.
      if (apply_rules_ &&
          t.t1 <= ctx_.rules->MinFloorOver(t.begin, t.end, ctx_.now)) {
        result_.dropped_retention++;
        continue;
      }
      // At the bottom nothing older remains for a tombstone to hide once
      // the records it covers are gone, unless a snapshot still sees them.
      if (in_.bottommost && NoSnapshotBelow(t.seq)) {
        result_.dropped_tombstones++;
        continue;
      }
      absl::Status s = EnsureOutput();
      if (!s.ok()) return s;
      outputs_.back()->AddRangeTombstone(t);
    }
    return absl::OkStatus();
  }

  absl::Status Process(const ParsedInternalKey& ik, std::string_view ikey,
                       int64_t expire_at, std::string_view value) {
    const bool new_group =
        !have_group_ || ik.ts != group_ts_ || ik.user_key != group_key_;
    if (new_group) {
      absl::Status s = FlushPending(/*oldest_in_group=*/true);
      if (!s.ok()) return s;
      group_key_.assign(ik.user_key.data(), ik.user_key.size());
      group_ts_ = ik.ts;
      have_group_ = true;
      shadow_valid_ = false;
      // Dead under a retention rule: at the bottom every version of the
      // record is here, so all of them go together.
      group_dead_ = apply_rules_ && cursor_.Dead(group_key_, group_ts_);
    }
    if (group_dead_) {
      result_.dropped_retention++;
      return absl::OkStatus();
    }
    SequenceNumber upper;
    size_t stripe = Stripe(ik.seq, &upper);
    if (shadow_valid_ && shadow_stripe_ != stripe) shadow_valid_ = false;

    const bool is_delete = ik.kind == ValueKind::kDelete;
    const int64_t effective_expire = is_delete ? kNeverExpires : expire_at;
    if (!is_delete && expire_at <= ctx_.now) {
      result_.dropped_expired++;
      return absl::OkStatus();
    }
    if (rd_.CoveredBetween(group_key_, group_ts_, ik.seq, upper)) {
      result_.dropped_deleted++;
      return absl::OkStatus();
    }
    if (shadow_valid_ &&
        (shadow_delete_ || shadow_expire_ >= effective_expire)) {
      if (is_delete) {
        result_.dropped_tombstones++;
      } else {
        result_.dropped_shadowed++;
      }
      return absl::OkStatus();
    }
    // From here on, v hides older versions of its stripe (as a delete) or
    // outlives those expiring before it (as a put).
    if (!shadow_valid_) {
      shadow_valid_ = true;
      shadow_stripe_ = stripe;
      shadow_delete_ = false;
      shadow_expire_ = kMinTimestamp;
    }
    if (is_delete) {
      shadow_delete_ = true;
      if (in_.bottommost && NoSnapshotBelow(ik.seq)) {
        result_.dropped_tombstones++;
        return absl::OkStatus();
      }
    } else {
      shadow_expire_ = std::max(shadow_expire_, expire_at);
    }
    // Kept: an older kept version follows, so the pending one is not the
    // oldest of its group.
    absl::Status s = FlushPending(/*oldest_in_group=*/false);
    if (!s.ok()) return s;
    pending_ = true;
    pending_key_.assign(ikey.data(), ikey.size());
    pending_parsed_ = ik;
    pending_expire_ = expire_at;
    pending_value_.assign(value.data(), value.size());
    return absl::OkStatus();
  }

  absl::Status FlushPending(bool oldest_in_group) {
    if (!pending_) return absl::OkStatus();
    pending_ = false;
    ParsedInternalKey ik = pending_parsed_;
    std::string_view ikey = pending_key_;
    // The oldest surviving version at the bottom, older than every
    // snapshot, needs no sequence: 0 costs nothing in columnar blocks.
    if (oldest_in_group && in_.bottommost && ik.kind == ValueKind::kPut &&
        ik.seq != 0 && NoSnapshotBelow(ik.seq)) {
      zeroed_.clear();
      AppendInternalKey(&zeroed_, group_key_for_pending(), ik.ts, 0,
                        ValueKind::kPut);
      ikey = zeroed_;
      ik.seq = 0;
    }
    ik.user_key = ExtractUserKey(ikey);
    // Start a new output at a user-key boundary once this one is full.
    if (!outputs_.empty() &&
        outputs_.back()->FileSize() >= ctx_.target_file_size &&
        ik.user_key != last_user_key_) {
      auto out = ctx_.new_output(in_.window);
      if (!out.ok()) return out.status();
      outputs_.push_back(std::move(*out));
    }
    absl::Status s = EnsureOutput();
    if (!s.ok()) return s;
    outputs_.back()->Add(ikey, ik, pending_expire_, pending_value_);
    last_user_key_.assign(ik.user_key.data(), ik.user_key.size());
    return absl::OkStatus();
  }

  std::string_view group_key_for_pending() const {
    return ExtractUserKey(pending_key_);
  }

  absl::Status EnsureOutput() {
    if (!outputs_.empty()) return absl::OkStatus();
    auto out = ctx_.new_output(in_.window);
    if (!out.ok()) return out.status();
    outputs_.push_back(std::move(*out));
    return absl::OkStatus();
  }

  const CompactionInputs& in_;
  const CompactionContext& ctx_;
  RangeDelAggregator rd_;
  CompactionResult result_;
  const bool apply_rules_;
  RetentionCursor cursor_;
  bool group_dead_ = false;
  std::vector<std::unique_ptr<SstOutput>> outputs_;

  bool have_group_ = false;
  std::string group_key_;
  Timestamp group_ts_ = 0;
  bool shadow_valid_ = false;
  size_t shadow_stripe_ = 0;
  bool shadow_delete_ = false;
  int64_t shadow_expire_ = kMinTimestamp;

  bool pending_ = false;
  std::string pending_key_;
  ParsedInternalKey pending_parsed_;
  int64_t pending_expire_ = 0;
  std::string pending_value_;
  std::string zeroed_;
  std::string last_user_key_;
};

}  // namespace

absl::StatusOr<CompactionResult> RunCompaction(const CompactionInputs& inputs,
                                               const CompactionContext& ctx) {
  CompactionJob job(inputs, ctx);
  return job.Run();
}

}  // namespace strata
