// Iterator over live records in key order, then timestamp order.
#ifndef STRATA_ITERATOR_H_
#define STRATA_ITERATOR_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "strata/types.h"

namespace strata {

// What an iterator covers: keys in [begin, end) and timestamps in [t0, t1).
// An empty begin means the first key; an empty end means past the last key.
struct ScanRange {
  std::string_view begin;
  std::string_view end;
  Timestamp t0 = kMinTimestamp;
  Timestamp t1 = kMaxTimestamp;
};

// Yields each live (key, ts) once, newest version, ordered by key then ts.
// Deleted and expired records never appear. An iterator sees the state as
// of its creation (or its snapshot) and must not outlive its DB.
// Not thread-safe; use one iterator per thread.
class Iterator {
 public:
  virtual ~Iterator() = default;

  // True while positioned on a record. REQUIRES for the accessors below.
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first record >= (key, ts) within the range.
  virtual void Seek(std::string_view key, Timestamp ts = kMinTimestamp) = 0;
  // Positions at the last record <= (key, ts) within the range.
  virtual void SeekForPrev(std::string_view key,
                           Timestamp ts = kMaxTimestamp) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;

  virtual std::string_view key() const = 0;
  virtual Timestamp timestamp() const = 0;
  virtual int64_t expire_at() const = 0;
  virtual std::string_view value() const = 0;

  // Not OK if an error (I/O, corruption) stopped the iteration early.
  virtual absl::Status status() const = 0;
};

}  // namespace strata

#endif  // STRATA_ITERATOR_H_
