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

// The iterator NewDBIterator returns. Scans that read many records of a key
// can take them in batches (dynamic_cast an Iterator to find out).
class BatchIterator : public Iterator {
 public:
  // Stores the current record and up to max - 1 following ones of the same
  // key (fewer when the next one is not at hand), in order, and leaves the
  // iterator on the last one stored; call Next() to go on. Returns how many
  // were stored: at least 1 when max > 0. Values stay valid until the
  // iterator moves. REQUIRES Valid().
  virtual size_t ReadBatch(Timestamp* ts, std::string_view* values,
                           size_t max) = 0;

  // One record of ReadKeys.
  struct KeyEntry {
    std::string_view key;
    Timestamp ts;
    std::string_view value;
  };
  // Stores the current record and up to max - 1 following ones of any keys
  // below `limit` (empty: no limit) that the sources hold at hand, in
  // order, and leaves the iterator on the last one stored; call Next() to
  // go on. Returns how many were stored: at least 1 when max > 0. Keys and
  // values stay valid until the iterator moves. REQUIRES Valid() and a
  // forward scan (after a Seek or Next; else it stores only the current).
  virtual size_t ReadKeys(KeyEntry* out, size_t max,
                          std::string_view limit) = 0;
};

std::unique_ptr<Iterator> NewDBIterator(DBIterArgs args);

}  // namespace strata

#endif  // STRATA_LSM_DB_ITER_H_
