// RangeDelAggregator: answers "is (key, ts, seq) hidden by a range delete?"
// for one read, over the tombstones of every source it reads. Tombstones are
// cut into non-overlapping key fragments once, so a lookup is a binary search
// plus a scan of the few tombstones covering that fragment.
#ifndef STRATA_LSM_RANGE_DEL_H_
#define STRATA_LSM_RANGE_DEL_H_

#include <string>
#include <string_view>
#include <vector>

#include "lsm/range_tombstone.h"

namespace strata {

class RangeDelAggregator {
 public:
  // Tombstones newer than read_seq are ignored (not visible to the read).
  explicit RangeDelAggregator(SequenceNumber read_seq) : read_seq_(read_seq) {}

  void Add(const RangeTombstone& t);
  void AddAll(const std::vector<RangeTombstone>& ts) {
    for (const auto& t : ts) Add(t);
  }
  // Call after the last Add and before the first query.
  void Finish();

  bool empty() const { return tombstones_.empty(); }
  // True if a visible tombstone with a higher sequence covers (key, ts).
  bool ShouldDelete(std::string_view key, Timestamp ts,
                    SequenceNumber seq) const;
  // The highest sequence of a visible tombstone covering (key, ts), or 0.
  SequenceNumber MaxCoveringSeq(std::string_view key, Timestamp ts) const;
  // True if a tombstone with seq < its sequence <= upper covers (key, ts).
  // Compaction uses it to ask "covered within the same snapshot stripe".
  bool CoveredBetween(std::string_view key, Timestamp ts, SequenceNumber seq,
                      SequenceNumber upper) const;
  const std::vector<RangeTombstone>& tombstones() const { return tombstones_; }

 private:
  struct Fragment {
    std::string begin;  // fragment covers [begin, next fragment's begin)
    std::vector<uint32_t> covering;  // indexes into tombstones_
  };
  const Fragment* FindFragment(std::string_view key) const;

  SequenceNumber read_seq_;
  std::vector<RangeTombstone> tombstones_;
  std::vector<Fragment> fragments_;
  mutable size_t last_fragment_ = 0;  // hint: reads move forward in key order
};

}  // namespace strata

#endif  // STRATA_LSM_RANGE_DEL_H_
