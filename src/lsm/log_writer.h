// Appends checksummed records to a log file (WAL or manifest). Format:
// schema/log.md. The writer never flushes or syncs; its owner decides when
// data must be durable.
#ifndef STRATA_LSM_LOG_WRITER_H_
#define STRATA_LSM_LOG_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "strata/env.h"

namespace strata {

// Not thread-safe. After any Append error every later call returns that
// error: the file may end with a partial record, and writing more after it
// would turn a torn tail into mid-log corruption.
class LogWriter {
 public:
  // dest is not owned and must outlive the writer. It must be empty.
  explicit LogWriter(WritableFile* dest);
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Writes the file header. REQUIRES: magic is 8 bytes (InvalidArgument
  // otherwise); called once, before any AddRecord (FailedPrecondition).
  [[nodiscard]] absl::Status WriteHeader(std::string_view magic,
                                         uint64_t log_number);
  // Appends one record with a single Append call. Payloads above
  // log::kMaxRecordSize are refused with InvalidArgument.
  [[nodiscard]] absl::Status AddRecord(std::string_view payload);

  // Bytes handed to dest so far (header included).
  uint64_t offset() const { return offset_; }

 private:
  WritableFile* const dest_;
  uint64_t offset_ = 0;
  bool header_written_ = false;
  absl::Status error_;
  std::string buf_;  // reused for header + payload
};

}  // namespace strata

#endif  // STRATA_LSM_LOG_WRITER_H_
