// Basic value types shared by every Strata API.
#ifndef STRATA_TYPES_H_
#define STRATA_TYPES_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace strata {

// Nanoseconds since the Unix epoch. Negative values (before 1970) are valid.
using Timestamp = int64_t;
inline constexpr Timestamp kMinTimestamp = std::numeric_limits<int64_t>::min();
inline constexpr Timestamp kMaxTimestamp = std::numeric_limits<int64_t>::max();

// Absolute expiry time in ns since the epoch. A record with
// expire_at <= now is invisible to every read. kNeverExpires means no expiry.
inline constexpr int64_t kNeverExpires = std::numeric_limits<int64_t>::max();

// Orders every write. Assigned by the DB; monotonically increasing.
using SequenceNumber = uint64_t;

// Documented hard limits; exceeding one is an InvalidArgument error.
inline constexpr size_t kMaxKeySize = 64 << 10;    // 64 KiB
inline constexpr size_t kMaxValueSize = 64 << 20;  // 64 MiB

// Names one record, for DB::MultiGet.
struct PointKey {
  std::string_view key;
  Timestamp ts = 0;
};

// One stored record as returned by point reads.
struct Record {
  std::string key;
  Timestamp ts = 0;
  int64_t expire_at = kNeverExpires;
  std::string value;
};

}  // namespace strata

#endif  // STRATA_TYPES_H_
