// DBIter turns the merged internal stream (every version of every record
// from every source) into the user's view: for each (key, ts) in the scan
// range, the newest version visible at the read sequence that is not
// deleted (point or range) and not expired.
#ifndef STRATA_LSM_DB_ITER_H_
#define STRATA_LSM_DB_ITER_H_

#include <memory>

#include "lsm/internal_iterator.h"
#include "lsm/range_del.h"
#include "strata/iterator.h"

namespace strata {

struct DBIterArgs {
  std::unique_ptr<InternalIterator> internal;
  std::unique_ptr<RangeDelAggregator> range_dels;  // may be null
  SequenceNumber read_seq = 0;
  int64_t now = 0;         // records with expire_at <= now are invisible
  std::string begin, end;  // key range; empty = unbounded
  Timestamp t0 = kMinTimestamp, t1 = kMaxTimestamp;
  std::shared_ptr<void> pin;  // keeps memtables, version and tables alive
};

std::unique_ptr<Iterator> NewDBIterator(DBIterArgs args);

}  // namespace strata

#endif  // STRATA_LSM_DB_ITER_H_
