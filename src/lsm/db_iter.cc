// Visibility rules (see db.h): within one (key, ts) group, versions arrive
// newest first. The newest version with seq <= read_seq decides, unless it
// is an expired put, in which case the next older version decides. A point
// delete, or a range delete with a higher sequence covering the version,
// hides the whole group.
#include "lsm/db_iter.h"

#include <string>
#include <vector>

#include "lsm/dbformat.h"
#include "lsm/key_prefix.h"
#include "util/errors.h"

namespace strata {
namespace {

class DBIter final : public BatchIterator {
 public:
  explicit DBIter(DBIterArgs a)
      : iter_(std::move(a.internal)),
        rd_(std::move(a.range_dels)),
        seq_(a.read_seq),
        now_(a.now),
        begin_(std::move(a.begin)),
        end_(std::move(a.end)),
        t0_(a.t0),
        t1_(a.t1),
        pin_(std::move(a.pin)) {
    empty_scan_ = t1_ <= t0_ || (!end_.empty() && end_ <= begin_);
  }

  bool Valid() const override { return valid_; }

  void SeekToFirst() override { Seek(begin_, t0_); }

  void Seek(std::string_view key, Timestamp ts) override {
    direction_ = kForward;
    valid_ = false;
    if (empty_scan_) return;
    if (key < begin_) {
      key = begin_;
      ts = t0_;
    }
    if (ts < t0_) ts = t0_;
    iter_->Seek(SeekKey(key, ts, seq_));
    FindNextVisible();
  }

  void SeekToLast() override {
    direction_ = kReverse;
    valid_ = false;
    if (empty_scan_) return;
    if (end_.empty()) {
      iter_->SeekToLast();
    } else {
      iter_->SeekForPrev(SeekKey(end_, kMinTimestamp));
    }
    FindPrevVisible();
  }

  void SeekForPrev(std::string_view key, Timestamp ts) override {
    direction_ = kReverse;
    valid_ = false;
    if (empty_scan_) return;
    if (!end_.empty() && key >= end_) {
      SeekToLast();
      return;
    }
    if (ts >= t1_) ts = t1_ - 1;
    iter_->SeekForPrev(AfterGroupKey(key, ts));
    FindPrevVisible();
  }

  void Next() override {
    if (!valid_) return;
    if (direction_ == kReverse) {
      // The internal iterator sits before the current group: move past it.
      direction_ = kForward;
      iter_->Seek(AfterGroupKey(saved_key_, saved_ts_));
      SkipGroup(saved_key_, saved_ts_);
    } else {
      // The iterator sits on the current group's deciding version: step
      // past it and any older ones. FindNextVisible left the group's key
      // in scratch_key_.
      iter_->Next();
      while (iter_->Valid()) {
        std::string_view ik = iter_->key();
        if (ik.size() < kInternalKeyTrailer) break;  // Parse reports it
        if (ExtractTimestamp(ik) != cur_ts_ ||
            ExtractUserKey(ik) != scratch_key_) {
          break;
        }
        iter_->Next();
      }
    }
    FindNextVisible();
  }

  void Prev() override {
    if (!valid_) return;
    if (direction_ == kForward) {
      // The internal iterator sits on the current group: move before it.
      direction_ = kReverse;
      iter_->SeekForPrev(SeekKey(scratch_key_, cur_ts_));
    }
    FindPrevVisible();
  }

  // Forward, FindNextVisible (and ReadBatch) keep the current user key in
  // scratch_key_ and its timestamp in cur_ts_: no call down the stack.
  std::string_view key() const override {
    return direction_ == kForward ? std::string_view(scratch_key_)
                                  : std::string_view(saved_key_);
  }
  Timestamp timestamp() const override {
    return direction_ == kForward ? cur_ts_ : saved_ts_;
  }
  int64_t expire_at() const override {
    return direction_ == kForward ? iter_->expire_at() : saved_expire_;
  }
  std::string_view value() const override {
    return direction_ == kForward ? iter_->value()
                                  : std::string_view(saved_value_);
  }
  absl::Status status() const override {
    if (!status_.ok()) return status_;
    return iter_->status();
  }

  // The visibility rules of FindNextVisible over the decoded entries the
  // source holds after the current one, as long as each next group is
  // decided by its first version (visible: a put at the read sequence, not
  // expired, inside the time window and the key range; older versions of a
  // stored group are skipped). Anything else (a hidden, deleted or expired
  // version, a seek to make, range tombstones) ends the batch before it,
  // for Next().
  size_t ReadKeys(KeyEntry* out, size_t max, std::string_view limit) override {
    if (max == 0) return 0;
    out[0] = {key(), timestamp(), value()};
    KeyRun run;
    // The nearer of the range's end and the caller's limit.
    const std::string_view user_limit =
        limit.empty() || (!end_.empty() && std::string_view(end_) < limit)
            ? std::string_view(end_)
            : limit;
    if (direction_ != kForward || max == 1 || rd_ != nullptr ||
        !iter_->CurrentKeyRun(&run, max, user_limit)) {
      return 1;
    }
    // Entry 0 is the current record: its key from the run, as scratch_key_
    // changes below.
    out[0].key = ExtractUserKey(run.entries[0].key);
    std::string_view group = out[0].key;
    Timestamp group_ts = cur_ts_;
    size_t n = 1, last = 0;
    ParsedInternalKey ik;
    for (size_t i = 1; i < run.size && n < max; ++i) {
      const KeyRunEntry& e = run.entries[i];
      if (!ParseInternalKey(e.key, &ik)) break;
      if (ik.ts == group_ts && ik.user_key == group) continue;  // older
      // The source kept the run below user_limit.
      if (ik.ts < t0_ || ik.ts >= t1_ || ik.seq > seq_ ||
          ik.kind != ValueKind::kPut || e.expire_at <= now_) {
        break;
      }
      out[n++] = {ik.user_key, ik.ts, e.value};
      group = ik.user_key;
      group_ts = ik.ts;
      last = i;
    }
    if (last > 0) {
      iter_->MoveInKeyRun(last);
      SetScratchKey(group, CommonPrefix(group, scratch_key_));
      cur_ts_ = group_ts;
    }
    return n;
  }

  // Applies the visibility rules of FindNextVisible to the decoded run the
  // source exposes, group by group, and hands anything it cannot decide
  // within the run (a group that may go on in the next block, the window's
  // end, a malformed kind) back to Next().
  size_t ReadBatch(Timestamp* ts, std::string_view* values,
                   size_t max) override {
    if (max == 0) return 0;
    ts[0] = timestamp();
    values[0] = value();
    EntryRun run;
    if (direction_ != kForward || max == 1 || !iter_->CurrentRun(&run)) {
      return 1;
    }
    // Locals, so the stores into ts[] and values[] do not force reloads.
    const size_t end = run.end;
    const int64_t* const run_ts = run.ts;
    const uint64_t* const run_packed = run.packed;
    const int64_t* const run_expire = run.expire;
    const RangeDelAggregator* const rd = rd_.get();
    const SequenceNumber read_seq = seq_;
    const int64_t now = now_;
    const Timestamp t1 = t1_;
    constexpr uint8_t kPut = static_cast<uint8_t>(ValueKind::kPut);

    size_t n = 1;
    size_t last = run.begin;
    size_t j = run.begin + 1;
    while (j < end && run_ts[j] == cur_ts_) ++j;  // older versions
    while (j < end && n < max) {
      const Timestamp t = run_ts[j];
      if (t >= t1) break;  // t > cur_ts_ >= t0_ holds already
      size_t g = j + 1;
      while (g < end && run_ts[g] == t) ++g;
      const SequenceNumber tomb =
          rd == nullptr ? 0 : rd->MaxCoveringSeq(run.user_key, t);
      size_t visible = end;  // none
      bool malformed = false;
      for (size_t k = j; k < g; ++k) {
        const uint64_t packed = run_packed[k];
        const SequenceNumber seq = packed >> 8;
        const uint8_t kind = packed & 0xff;
        if (kind > kPut) {
          malformed = true;
          break;
        }
        if (seq > read_seq) continue;
        if (seq < tomb || kind != kPut) break;  // hidden
        if (run_expire[k] > now) {
          visible = k;
          break;
        }
        // Expired: the next older version decides.
      }
      if (malformed) break;
      // Older versions of a group ending the run may sit in the next block:
      // only a visible version decides such a group here.
      if (g == end && visible == end) break;
      if (visible != end) {
        ts[n] = t;
        values[n] = run.value(visible);
        ++n;
        last = visible;
      }
      j = g;
    }
    if (last != run.begin) {
      iter_->MoveInRun(last);
      cur_ts_ = run_ts[last];
    }
    return n;
  }

 private:
  enum Direction { kForward, kReverse };

  // The internal key sorting after every version of (key, ts).
  static std::string AfterGroupKey(std::string_view key, Timestamp ts) {
    std::string k;
    AppendInternalKey(&k, key, ts, 0, uint8_t{0});
    return k;
  }

  bool Parse(ParsedInternalKey* ik) {
    if (ParseInternalKey(iter_->key(), ik)) return true;
    status_ = absl::DataLossError("malformed internal key in a data source");
    valid_ = false;
    return false;
  }

  void SkipGroup(std::string_view key, Timestamp ts) {
    while (iter_->Valid()) {
      std::string_view ik = iter_->key();
      if (ik.size() < kInternalKeyTrailer) break;  // Parse reports it
      if (ExtractTimestamp(ik) != ts || ExtractUserKey(ik) != key) break;
      iter_->Next();
    }
  }

  // Makes scratch_key_ user_key, of which the first `common` bytes are
  // there already, and keeps end_diff_ in step.
  void SetScratchKey(std::string_view user_key, size_t common) {
    scratch_key_.replace(common, std::string::npos, user_key.data() + common,
                         user_key.size() - common);
    // Unless the bytes that decide against end_ stayed.
    if (!end_.empty() && common <= end_diff_) {
      end_diff_ = CommonPrefix(scratch_key_, end_);
    }
  }

  void FindNextVisible() {
    valid_ = false;
    ParsedInternalKey ik;
    while (iter_->Valid()) {
      if (!Parse(&ik)) return;
      // scratch_key_ only ever holds a key that passed the end check, and
      // consecutive keys share long prefixes. An equal key (runs of one
      // key) needs neither the check nor a copy; one that keeps the bytes
      // where scratch_key_ first sorts below end_ is below end_ too.
      const size_t common = CommonPrefix(ik.user_key, scratch_key_);
      const bool same_key =
          common == ik.user_key.size() && common == scratch_key_.size();
      if (!same_key && !end_.empty() && common <= end_diff_ &&
          ik.user_key >= end_) {
        return;
      }
      if (ik.ts < t0_) {
        iter_->Seek(SeekKey(ik.user_key, t0_, seq_));
        continue;
      }
      if (ik.ts >= t1_) {
        std::string next(ik.user_key);
        next.push_back('\0');  // the smallest key after ik.user_key
        iter_->Seek(SeekKey(next, t0_, seq_));
        continue;
      }
      if (ik.seq > seq_) {
        iter_->Next();
        continue;
      }
      // ik is the newest version of its group visible at seq_.
      if (!same_key) SetScratchKey(ik.user_key, common);
      const Timestamp ts = ik.ts;
      const SequenceNumber tomb =
          rd_ == nullptr ? 0 : rd_->MaxCoveringSeq(scratch_key_, ts);
      while (true) {
        if (ik.seq < tomb || ik.kind == ValueKind::kDelete) {
          SkipGroup(scratch_key_, ts);
          break;
        }
        if (iter_->expire_at() > now_) {
          cur_ts_ = ts;
          valid_ = true;
          return;
        }
        iter_->Next();  // expired: the next older version decides
        if (!iter_->Valid()) break;
        if (!Parse(&ik)) return;
        if (ik.ts != ts || ik.user_key != scratch_key_) break;
      }
    }
  }

  struct Version {
    SequenceNumber seq;
    ValueKind kind;
    int64_t expire_at;
    std::string value;
  };

  void FindPrevVisible() {
    valid_ = false;
    ParsedInternalKey ik;
    while (iter_->Valid()) {
      if (!Parse(&ik)) return;
      if (ik.user_key < begin_) return;
      if (!end_.empty() && ik.user_key >= end_) {
        iter_->SeekForPrev(SeekKey(end_, kMinTimestamp));
        continue;
      }
      if (ik.ts >= t1_) {
        iter_->SeekForPrev(AfterGroupKey(ik.user_key, t1_ - 1));
        continue;
      }
      if (ik.ts < t0_) {
        iter_->SeekForPrev(SeekKey(ik.user_key, kMinTimestamp));
        continue;
      }
      // Collect the group backwards: oldest version first.
      saved_key_.assign(ik.user_key.data(), ik.user_key.size());
      saved_ts_ = ik.ts;
      versions_.clear();
      while (true) {
        if (ik.seq <= seq_) {
          versions_.push_back(Version{ik.seq, ik.kind, iter_->expire_at(),
                                      std::string(iter_->value())});
        }
        iter_->Prev();
        if (!iter_->Valid()) break;
        if (!Parse(&ik)) return;
        if (ik.ts != saved_ts_ || ik.user_key != saved_key_) break;
      }
      const SequenceNumber tomb =
          rd_ == nullptr ? 0 : rd_->MaxCoveringSeq(saved_key_, saved_ts_);
      for (auto v = versions_.rbegin(); v != versions_.rend(); ++v) {
        if (v->seq < tomb || v->kind == ValueKind::kDelete) break;
        if (v->expire_at > now_) {
          saved_value_.swap(v->value);
          saved_expire_ = v->expire_at;
          valid_ = true;
          return;
        }
      }
    }
  }

  std::unique_ptr<InternalIterator> iter_;
  std::unique_ptr<RangeDelAggregator> rd_;
  const SequenceNumber seq_;
  const int64_t now_;
  const std::string begin_, end_;
  const Timestamp t0_, t1_;
  std::shared_ptr<void> pin_;
  bool empty_scan_ = false;

  Direction direction_ = kForward;
  bool valid_ = false;
  absl::Status status_;
  // Forward mode: the current record's user key and timestamp.
  std::string scratch_key_;
  Timestamp cur_ts_ = 0;
  // CommonPrefix(scratch_key_, end_): scratch_key_ sorts below end_ at
  // that byte, or is a prefix of end_ (end_diff_ == scratch_key_.size(),
  // which no common prefix with scratch_key_ exceeds: no shortcut).
  size_t end_diff_ = 0;
  // Reverse mode: the current record, copied.
  std::string saved_key_;
  Timestamp saved_ts_ = 0;
  int64_t saved_expire_ = 0;
  std::string saved_value_;
  std::vector<Version> versions_;
};

}  // namespace

std::unique_ptr<Iterator> NewDBIterator(DBIterArgs args) {
  return std::make_unique<DBIter>(std::move(args));
}

}  // namespace strata
