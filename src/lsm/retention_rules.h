// Retention rules: key ranges whose records are dead once
// ts + retention <= now, whatever expiry they were written with. The rule
// set is immutable (readers and compactions share a snapshot of it); a
// change builds a new one. Design: schema/compaction.md, "Retention rules".
// Pure logic over keys and times: no I/O, no DB state.
#ifndef STRATA_LSM_RETENTION_RULES_H_
#define STRATA_LSM_RETENTION_RULES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lsm/format.h"
#include "lsm/internal_iterator.h"
#include "strata/types.h"

namespace strata {

struct RetentionRule {
  std::string begin;
  std::string end;  // empty = unbounded
  int64_t retention_ns = 0;
};

// The first timestamp a rule of this retention keeps at time now:
// now - retention + 1, saturated to the int64 range.
Timestamp RetentionFloor(int64_t now, int64_t retention_ns);

class RetentionRules {
 public:
  // The empty set.
  RetentionRules() = default;

  // A copy of base (null = empty) with the rule for exactly [begin, end)
  // set to retention_ns (0 removes it). InvalidArgument for a negative
  // retention, an empty range, or a range partially overlapping another
  // rule (nesting is fine).
  static absl::StatusOr<std::shared_ptr<const RetentionRules>> With(
      const RetentionRules* base, std::string_view begin, std::string_view end,
      int64_t retention_ns);

  bool empty() const { return rules_.empty(); }
  const std::vector<RetentionRule>& rules() const { return rules_; }

  // Records of key with ts < the result are dead; kMinTimestamp if no rule
  // covers key.
  Timestamp FloorForKey(std::string_view key, int64_t now) const;
  // The smallest floor over every key in [begin, end) (empty end =
  // unbounded): kMinTimestamp unless rules cover the whole range. *uniform
  // (if given) tells whether every key of the range has that same floor.
  Timestamp MinFloorOver(std::string_view begin, std::string_view end,
                         int64_t now, bool* uniform = nullptr) const;
  // The largest floor of any key: records at or above it are alive
  // whatever their key. kMinTimestamp for the empty set.
  Timestamp MaxFloor(int64_t now) const {
    return segments_.empty() ? kMinTimestamp
                             : RetentionFloor(now, min_retention_ns_);
  }
  // The same over the closed range [first, last] (an SST's user keys).
  Timestamp MinFloorOverClosed(std::string_view first, std::string_view last,
                               int64_t now) const;
  // The longest retention over [first, last]; -1 if some key in it is
  // under no rule.
  int64_t LongestRetentionOverClosed(std::string_view first,
                                     std::string_view last) const;
  // Whether some rule covers a key of [first, last].
  bool TouchesClosed(std::string_view first, std::string_view last) const;

 private:
  // A maximal key range with one innermost rule. Disjoint, sorted.
  struct Segment {
    std::string begin;
    std::string end;  // empty = unbounded
    int64_t retention_ns;
  };
  friend class RetentionCursor;

  void BuildSegments();
  // Largest retention over the segments in [begin, end) (or [begin, last]
  // when closed); -1 if some key in the range is under no rule.
  int64_t MaxRetentionOver(std::string_view begin, std::string_view end,
                           bool closed, bool* uniform) const;
  // Index of the segment holding key, or -1.
  int SegmentFor(std::string_view key) const;

  std::vector<RetentionRule> rules_;  // sorted by (begin, end)
  std::vector<Segment> segments_;
  int64_t min_retention_ns_ = 0;  // over segments_
};

// The part of an SST under rules, summarised from its index (no data block
// read): for each retention, the records and ts span of the data blocks
// whose whole key range has it as its longest retention. Blocks reaching a
// key under no rule are left out, so the estimate never overstates.
struct RuleCoverage {
  struct Run {
    int64_t retention_ns = 0;
    uint64_t records = 0;
    Timestamp min_ts = kMaxTimestamp;
    Timestamp max_ts = kMinTimestamp;
  };
  std::vector<Run> runs;
  uint64_t total_records = 0;

  // Estimated share of the file's records dead at now, assuming each run's
  // timestamps spread evenly over its span.
  double DeadFraction(int64_t now) const;
};
RuleCoverage SummarizeRuleCoverage(const std::vector<IndexEntry>& index,
                                   const RetentionRules& rules);

// Per-record floors for a stream of keys in mostly ascending order: caches
// the key interval of the last answer, so a run of keys under one rule (or
// one gap) costs a comparison or two each.
class RetentionCursor {
 public:
  RetentionCursor(const RetentionRules* rules, int64_t now)
      : rules_(rules), now_(now) {}
  Timestamp Floor(std::string_view key);
  bool Dead(std::string_view key, Timestamp ts) { return ts < Floor(key); }

 private:
  const RetentionRules* rules_;
  const int64_t now_;
  bool cached_ = false;
  // The cached interval [lo, hi) (hi empty = unbounded) and its floor.
  std::string lo_, hi_;
  Timestamp floor_ = kMinTimestamp;
};

// Hides every entry of `input` whose (user key, ts) is dead under rules at
// now. All versions of a record share its key and ts, so whole records
// vanish and the visibility of the others is unchanged.
std::unique_ptr<InternalIterator> NewRetentionFilterIterator(
    std::unique_ptr<InternalIterator> input,
    std::shared_ptr<const RetentionRules> rules, int64_t now);

}  // namespace strata

#endif  // STRATA_LSM_RETENTION_RULES_H_
