// A range delete: hides every record with begin <= key < end,
// t0 <= ts < t1 and a sequence below seq. An empty end means "no upper key
// bound". Byte format in WAL and SSTs: schema/wal.md, schema/sst.md.
#ifndef STRATA_LSM_RANGE_TOMBSTONE_H_
#define STRATA_LSM_RANGE_TOMBSTONE_H_

#include <string>
#include <string_view>

#include "strata/types.h"

namespace strata {

struct RangeTombstone {
  std::string begin;
  std::string end;  // empty = unbounded
  Timestamp t0 = kMinTimestamp;
  Timestamp t1 = kMaxTimestamp;
  SequenceNumber seq = 0;

  bool CoversKey(std::string_view key) const {
    return begin <= key && (end.empty() || key < end);
  }
  bool Covers(std::string_view key, Timestamp ts, SequenceNumber s) const {
    return s < seq && ts >= t0 && ts < t1 && CoversKey(key);
  }
};

}  // namespace strata

#endif  // STRATA_LSM_RANGE_TOMBSTONE_H_
