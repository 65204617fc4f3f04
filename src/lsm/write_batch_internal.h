// Access to WriteBatch's encoded form for the DB: the header fields filled
// at commit, and expiry resolution. Format: schema/wal.md.
#ifndef STRATA_LSM_WRITE_BATCH_INTERNAL_H_
#define STRATA_LSM_WRITE_BATCH_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "strata/write_batch.h"

namespace strata {

class MemTable;

inline constexpr size_t kBatchHeaderSize = 29;
inline constexpr uint8_t kBatchFlagTtlFromWriteTime = 1;

// The TTL inputs recorded in a batch header.
struct TtlContext {
  int64_t write_time = 0;
  int64_t default_ttl = 0;
  bool from_write_time = false;
};

// expire_at for a put, per schema/wal.md "Resolution".
int64_t ResolveExpiry(const Expiry& e, Timestamp ts, const TtlContext& ctx);

class WriteBatchInternal {
 public:
  static std::string_view Contents(const WriteBatch& b) { return b.rep_; }
  static size_t ByteSize(const WriteBatch& b) { return b.rep_.size(); }
  static SequenceNumber Sequence(std::string_view rep);
  static void SetHeader(std::string* rep, SequenceNumber seq,
                        const TtlContext& ttl);
  static std::string* Rep(WriteBatch* b) { return &b->rep_; }
  // Appends src's records to *dst (a batch payload) and adds its count.
  static void AppendRecords(std::string* dst, std::string_view src);
  static TtlContext Ttl(std::string_view rep);
  static uint32_t Count(std::string_view rep);

  // Parses a payload read from a WAL (untrusted): validates the header,
  // every record and the count. `where` names the place for errors.
  static absl::Status Validate(std::string_view rep, std::string_view where);
  // Applies a validated payload to the memtable with consecutive sequences.
  static absl::Status InsertInto(std::string_view rep, MemTable* mem);
  // Iterates an encoded payload.
  static absl::Status Iterate(std::string_view rep, WriteBatch::Handler* h);
};

}  // namespace strata

#endif  // STRATA_LSM_WRITE_BATCH_INTERNAL_H_
