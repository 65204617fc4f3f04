// WriteBatch: a group of writes applied atomically, all or nothing, in order.
#ifndef STRATA_WRITE_BATCH_H_
#define STRATA_WRITE_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "strata/types.h"

namespace strata {

// When a put record expires.
class Expiry {
 public:
  // The DB's default TTL (Options::default_ttl_ns), if any.
  static Expiry Default() { return Expiry(Kind::kDefault, 0); }
  static Expiry Never() { return Expiry(Kind::kAt, kNeverExpires); }
  // TTL counted per Options::ttl_base.
  static Expiry Ttl(absl::Duration ttl) {
    return Expiry(Kind::kTtl, absl::ToInt64Nanoseconds(ttl));
  }
  static Expiry TtlNanos(int64_t ttl_ns) { return Expiry(Kind::kTtl, ttl_ns); }
  // An absolute expiry time, ns since the epoch.
  static Expiry At(int64_t expire_at) { return Expiry(Kind::kAt, expire_at); }

  enum class Kind : uint8_t { kDefault = 0, kTtl = 1, kAt = 2 };
  Kind kind() const { return kind_; }
  int64_t value() const { return value_; }

 private:
  Expiry(Kind k, int64_t v) : kind_(k), value_(v) {}
  Kind kind_;
  int64_t value_;
};

class WriteBatch {
 public:
  WriteBatch();
  WriteBatch(const WriteBatch&) = default;
  WriteBatch& operator=(const WriteBatch&) = default;
  WriteBatch(WriteBatch&&) = default;
  WriteBatch& operator=(WriteBatch&&) = default;

  // Stores value at (key, ts), replacing any earlier record there.
  void Put(std::string_view key, Timestamp ts, std::string_view value,
           Expiry expiry = Expiry::Default());
  // Deletes the record at (key, ts).
  void Delete(std::string_view key, Timestamp ts);
  // Deletes every record with begin <= key < end and t0 <= ts < t1.
  // Defaults delete every timestamp of the keys.
  void DeleteRange(std::string_view begin, std::string_view end,
                   Timestamp t0 = kMinTimestamp, Timestamp t1 = kMaxTimestamp);
  // Appends every record of other.
  void Append(const WriteBatch& other);
  void Clear();

  uint32_t Count() const;
  size_t ApproximateSize() const { return rep_.size(); }
  // Not OK if a call above was given invalid input (key or value too large,
  // empty key, the reserved timestamp kMaxTimestamp, an inverted range);
  // DB::Write refuses such a batch whole.
  absl::Status status() const;

  // Calls the handler for each record in order; stops at the first error.
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual absl::Status Put(std::string_view key, Timestamp ts,
                             std::string_view value, Expiry expiry) = 0;
    virtual absl::Status Delete(std::string_view key, Timestamp ts) = 0;
    virtual absl::Status DeleteRange(std::string_view begin,
                                     std::string_view end, Timestamp t0,
                                     Timestamp t1) = 0;
  };
  absl::Status Iterate(Handler* handler) const;

 private:
  friend class WriteBatchInternal;
  std::string rep_;    // format: schema/wal.md, "batch payload"
  std::string error_;  // first invalid call, empty if none
};

}  // namespace strata

#endif  // STRATA_WRITE_BATCH_H_
