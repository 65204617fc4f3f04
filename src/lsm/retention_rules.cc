// Retention rules: validation, flattening nested rules into disjoint
// segments (innermost rule wins), floor look-ups, and the read-side filter
// that hides dead records (schema/compaction.md, "Retention rules").
#include "lsm/retention_rules.h"

#include <algorithm>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

// key < end, where an empty end is unbounded.
bool BeforeEnd(std::string_view key, std::string_view end) {
  return end.empty() || key < end;
}

// a's end <= b's end, where an empty end is unbounded.
bool EndNotAfter(std::string_view a, std::string_view b) {
  if (b.empty()) return true;
  if (a.empty()) return false;
  return a <= b;
}

std::string Describe(std::string_view begin, std::string_view end) {
  return absl::StrFormat("['%s', '%s')", absl::CHexEscape(std::string(begin)),
                         end.empty() ? std::string("<unbounded>")
                                     : absl::CHexEscape(std::string(end)));
}

}  // namespace

Timestamp RetentionFloor(int64_t now, int64_t retention_ns) {
  if (retention_ns <= 0) return kMinTimestamp;
  __int128 f = static_cast<__int128>(now) - retention_ns + 1;
  if (f < std::numeric_limits<int64_t>::min()) return kMinTimestamp;
  if (f > std::numeric_limits<int64_t>::max()) return kMaxTimestamp;
  return static_cast<Timestamp>(f);
}

absl::StatusOr<std::shared_ptr<const RetentionRules>> RetentionRules::With(
    const RetentionRules* base, std::string_view begin, std::string_view end,
    int64_t retention_ns) {
  if (retention_ns < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("retention rule %s: retention must be >= 0, got %d",
                        Describe(begin, end), retention_ns));
  }
  if (!end.empty() && end <= begin) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "retention rule %s: empty key range", Describe(begin, end)));
  }
  auto out = std::make_shared<RetentionRules>();
  if (base != nullptr) out->rules_ = base->rules_;
  auto& rules = out->rules_;
  auto same = std::find_if(rules.begin(), rules.end(), [&](const auto& r) {
    return r.begin == begin && r.end == end;
  });
  if (same != rules.end()) {
    if (retention_ns == 0) {
      rules.erase(same);
    } else {
      same->retention_ns = retention_ns;
    }
  } else if (retention_ns != 0) {
    for (const RetentionRule& r : rules) {
      const bool intersect = BeforeEnd(r.begin, end) && BeforeEnd(begin, r.end);
      const bool r_inside = begin <= r.begin && EndNotAfter(r.end, end);
      const bool inside_r = r.begin <= begin && EndNotAfter(end, r.end);
      if (intersect && !r_inside && !inside_r) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "retention rule %s partially overlaps rule %s (rules may nest, "
            "not overlap)",
            Describe(begin, end), Describe(r.begin, r.end)));
      }
    }
    rules.push_back(
        RetentionRule{std::string(begin), std::string(end), retention_ns});
  }
  // Parents before children: by begin, then by end descending.
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return !EndNotAfter(a.end, b.end);
  });
  out->BuildSegments();
  return std::shared_ptr<const RetentionRules>(std::move(out));
}

void RetentionRules::BuildSegments() {
  // Sweep the rules in order with a stack of the open (enclosing) ones;
  // each piece of key space goes to the innermost open rule.
  segments_.clear();
  std::vector<const RetentionRule*> open;
  std::string pos;
  auto emit = [&](std::string_view to, int64_t retention) {
    if (to.empty() || pos < to) {
      segments_.push_back(Segment{pos, std::string(to), retention});
    }
  };
  for (const RetentionRule& r : rules_) {
    while (!open.empty() && !open.back()->end.empty() &&
           open.back()->end <= r.begin) {
      emit(open.back()->end, open.back()->retention_ns);
      pos = open.back()->end;
      open.pop_back();
    }
    if (!open.empty()) emit(r.begin, open.back()->retention_ns);
    pos = r.begin;
    open.push_back(&r);
  }
  while (!open.empty()) {
    emit(open.back()->end, open.back()->retention_ns);
    // An unbounded rule reaches the end; the ones enclosing it too.
    if (open.back()->end.empty()) break;
    pos = open.back()->end;
    open.pop_back();
  }
  min_retention_ns_ = 0;
  for (const Segment& seg : segments_) {
    if (min_retention_ns_ == 0 || seg.retention_ns < min_retention_ns_) {
      min_retention_ns_ = seg.retention_ns;
    }
  }
}

int RetentionRules::SegmentFor(std::string_view key) const {
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), key,
      [](std::string_view k, const Segment& s) { return k < s.begin; });
  if (it == segments_.begin()) return -1;
  --it;
  return BeforeEnd(key, it->end) ? static_cast<int>(it - segments_.begin())
                                 : -1;
}

Timestamp RetentionRules::FloorForKey(std::string_view key, int64_t now) const {
  const int i = SegmentFor(key);
  return i < 0 ? kMinTimestamp : RetentionFloor(now, segments_[i].retention_ns);
}

int64_t RetentionRules::MaxRetentionOver(std::string_view begin,
                                         std::string_view end, bool closed,
                                         bool* uniform) const {
  *uniform = true;
  int i = SegmentFor(begin);
  if (i < 0) return -1;
  int64_t most = segments_[i].retention_ns;
  while (true) {
    const Segment& s = segments_[i];
    if (s.end.empty()) break;
    // Does the range stop inside this segment?
    if (closed ? end < s.end : (!end.empty() && end <= s.end)) break;
    if (static_cast<size_t>(i + 1) >= segments_.size() ||
        segments_[i + 1].begin != s.end) {
      return -1;  // a gap under no rule
    }
    i++;
    if (segments_[i].retention_ns != most) *uniform = false;
    most = std::max(most, segments_[i].retention_ns);
  }
  return most;
}

Timestamp RetentionRules::MinFloorOver(std::string_view begin,
                                       std::string_view end, int64_t now,
                                       bool* uniform) const {
  bool same = true;
  int64_t r =
      segments_.empty() ? -1 : MaxRetentionOver(begin, end, false, &same);
  if (r < 0) {
    // Partly uncovered: uniform only if no rule touches the range at all.
    auto it = std::upper_bound(
        segments_.begin(), segments_.end(), begin,
        [](std::string_view k, const Segment& s) { return k < s.begin; });
    bool touches = false;
    if (it != segments_.begin() && BeforeEnd(begin, std::prev(it)->end)) {
      touches = true;
    } else if (it != segments_.end() && BeforeEnd(it->begin, end)) {
      touches = true;
    }
    if (uniform != nullptr) *uniform = !touches;
    return kMinTimestamp;
  }
  if (uniform != nullptr) *uniform = same;
  return RetentionFloor(now, r);
}

Timestamp RetentionRules::MinFloorOverClosed(std::string_view first,
                                             std::string_view last,
                                             int64_t now) const {
  if (segments_.empty()) return kMinTimestamp;
  bool same;
  int64_t r = MaxRetentionOver(first, last, true, &same);
  return r < 0 ? kMinTimestamp : RetentionFloor(now, r);
}

int64_t RetentionRules::LongestRetentionOverClosed(
    std::string_view first, std::string_view last) const {
  if (segments_.empty()) return -1;
  bool same;
  return MaxRetentionOver(first, last, true, &same);
}

bool RetentionRules::TouchesClosed(std::string_view first,
                                   std::string_view last) const {
  // The last segment starting at or before `last` reaches back into
  // [first, last] if it ends after first.
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), last,
      [](std::string_view k, const Segment& s) { return k < s.begin; });
  if (it == segments_.begin()) return false;
  return BeforeEnd(first, std::prev(it)->end);
}

double RuleCoverage::DeadFraction(int64_t now) const {
  if (total_records == 0) return 0;
  double dead = 0;
  for (const Run& r : runs) {
    const Timestamp floor = RetentionFloor(now, r.retention_ns);
    if (r.max_ts < floor) {
      dead += static_cast<double>(r.records);
    } else if (r.min_ts < floor) {
      dead +=
          static_cast<double>(r.records) *
          (static_cast<double>(floor) - static_cast<double>(r.min_ts)) /
          (static_cast<double>(r.max_ts) - static_cast<double>(r.min_ts) + 1);
    }
  }
  return dead / static_cast<double>(total_records);
}

RuleCoverage SummarizeRuleCoverage(const std::vector<IndexEntry>& index,
                                   const RetentionRules& rules) {
  RuleCoverage c;
  for (const IndexEntry& e : index) {
    c.total_records += e.count;
    // Malformed bounds count as "not covered" (the estimate stays low).
    if (e.count == 0 || e.first_key.size() < kInternalKeyTrailer ||
        e.last_key.size() < kInternalKeyTrailer) {
      continue;
    }
    const int64_t r = rules.LongestRetentionOverClosed(
        ExtractUserKey(e.first_key), ExtractUserKey(e.last_key));
    if (r <= 0) continue;
    auto run = std::find_if(c.runs.begin(), c.runs.end(),
                            [&](const auto& x) { return x.retention_ns == r; });
    if (run == c.runs.end()) {
      c.runs.push_back(RuleCoverage::Run{r, 0, kMaxTimestamp, kMinTimestamp});
      run = std::prev(c.runs.end());
    }
    run->records += e.count;
    run->min_ts = std::min(run->min_ts, e.min_ts);
    run->max_ts = std::max(run->max_ts, e.max_ts);
  }
  return c;
}

Timestamp RetentionCursor::Floor(std::string_view key) {
  if (cached_ && lo_ <= key && BeforeEnd(key, hi_)) return floor_;
  cached_ = true;
  const auto& segs = rules_->segments_;
  auto it = std::upper_bound(
      segs.begin(), segs.end(), key,
      [](std::string_view k, const RetentionRules::Segment& s) {
        return k < s.begin;
      });
  if (it != segs.begin() && BeforeEnd(key, std::prev(it)->end)) {
    const auto& s = *std::prev(it);
    lo_ = s.begin;
    hi_ = s.end;
    floor_ = RetentionFloor(now_, s.retention_ns);
  } else {
    // A gap between segments (or before the first / after the last).
    lo_ = it == segs.begin() ? std::string() : std::prev(it)->end;
    hi_ = it == segs.end() ? std::string() : it->begin;
    floor_ = kMinTimestamp;
  }
  return floor_;
}

namespace {

class RetentionFilterIterator final : public InternalIterator {
 public:
  RetentionFilterIterator(std::unique_ptr<InternalIterator> input,
                          std::shared_ptr<const RetentionRules> rules,
                          int64_t now)
      : input_(std::move(input)),
        rules_(std::move(rules)),
        cursor_(rules_.get(), now),
        max_floor_(rules_->MaxFloor(now)) {}

  bool Valid() const override { return input_->Valid(); }
  void SeekToFirst() override {
    input_->SeekToFirst();
    SkipForward();
  }
  void SeekToLast() override {
    input_->SeekToLast();
    SkipBackward();
  }
  void Seek(std::string_view target) override {
    input_->Seek(target);
    SkipForward();
  }
  void SeekForPrev(std::string_view target) override {
    input_->SeekForPrev(target);
    SkipBackward();
  }
  void Next() override {
    input_->Next();
    SkipForward();
  }
  void Prev() override {
    input_->Prev();
    SkipBackward();
  }
  std::string_view key() const override { return input_->key(); }
  std::string_view value() const override { return input_->value(); }
  int64_t expire_at() const override { return input_->expire_at(); }
  absl::Status status() const override { return input_->status(); }

 private:
  // Stepping is cheapest for a few dead entries; a long dead run of one key
  // (its old timestamps) is jumped with one seek.
  static constexpr int kStepsBeforeSeek = 8;

  void SkipForward() {
    int steps = 0;
    while (input_->Valid()) {
      std::string_view ik = input_->key();
      // Malformed: let the consumer parse it and report the corruption.
      if (ik.size() < kInternalKeyTrailer) return;
      const Timestamp ts = ExtractTimestamp(ik);
      if (ts >= max_floor_) return;  // alive under any rule
      std::string_view user = ExtractUserKey(ik);
      const Timestamp floor = cursor_.Floor(user);
      if (ts >= floor) return;
      if (++steps < kStepsBeforeSeek) {
        input_->Next();
      } else {
        // Every entry of this key before floor is dead: jump to (key,
        // floor), which sorts after the current entry.
        scratch_ = SeekKey(user, floor);
        input_->Seek(scratch_);
        steps = 0;
      }
    }
  }

  void SkipBackward() {
    int steps = 0;
    while (input_->Valid()) {
      std::string_view ik = input_->key();
      if (ik.size() < kInternalKeyTrailer) return;
      const Timestamp ts = ExtractTimestamp(ik);
      if (ts >= max_floor_) return;
      std::string_view user = ExtractUserKey(ik);
      if (ts >= cursor_.Floor(user)) return;
      if (++steps < kStepsBeforeSeek) {
        input_->Prev();
      } else {
        // Entries of this key before this one are older timestamps, all
        // dead: jump before the key's first entry.
        scratch_ = SeekKey(user, kMinTimestamp);
        input_->SeekForPrev(scratch_);
        steps = 0;
      }
    }
  }

  std::unique_ptr<InternalIterator> input_;
  std::shared_ptr<const RetentionRules> rules_;
  RetentionCursor cursor_;
  const Timestamp max_floor_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewRetentionFilterIterator(
    std::unique_ptr<InternalIterator> input,
    std::shared_ptr<const RetentionRules> rules, int64_t now) {
  if (rules == nullptr || rules->empty()) return input;
  return std::make_unique<RetentionFilterIterator>(std::move(input),
                                                   std::move(rules), now);
}

}  // namespace strata
