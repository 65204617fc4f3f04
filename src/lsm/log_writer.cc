// Log writer. Layout (schema/log.md):
//
//   file   := header record*
//   header := magic[8] | u32 version | u64 log_number | u32 mcrc(bytes 0..19)
//   record := u32 mcrc(length|type|payload) | u32 length | u8 type | payload
//
// mcrc = crc32c::Mask(CRC32C). Little-endian. Each record goes to the file
// in one Append, so a crash can tear only the last record.
#include "lsm/log_writer.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "lsm/log_format.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace strata {

LogWriter::LogWriter(WritableFile* dest) : dest_(dest) {}

absl::Status LogWriter::WriteHeader(std::string_view magic,
                                    uint64_t log_number) {
  if (!error_.ok()) return error_;
  if (header_written_ || offset_ != 0) {
    return absl::FailedPreconditionError("log header already written");
  }
  if (magic.size() != log::kMagicSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "log magic must be %d bytes, got %d", log::kMagicSize, magic.size()));
  }
  char h[log::kFileHeaderSize];
  std::memcpy(h, magic.data(), log::kMagicSize);
  EncodeFixed32(h + 8, log::kLogFormatVersion);
  EncodeFixed64(h + 12, log_number);
  EncodeFixed32(h + 20, crc32c::Mask(crc32c::Value(h, 20)));
  absl::Status s = dest_->Append(std::string_view(h, sizeof(h)));
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  header_written_ = true;
  offset_ = sizeof(h);
  return absl::OkStatus();
}

absl::Status LogWriter::AddRecord(std::string_view payload) {
  if (!error_.ok()) return error_;
  if (!header_written_) {
    return absl::FailedPreconditionError(
        "log record added before the file header");
  }
  if (payload.size() > log::kMaxRecordSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("log record of %d bytes exceeds the %d-byte limit",
                        payload.size(), log::kMaxRecordSize));
  }
  const uint32_t len = static_cast<uint32_t>(payload.size());
  buf_.resize(log::kRecordHeaderSize + payload.size());
  char* p = buf_.data();
  EncodeFixed32(p + 4, len);
  p[8] = static_cast<char>(log::RecordType::kFull);
  if (len > 0) std::memcpy(p + log::kRecordHeaderSize, payload.data(), len);
  // The checksum covers length, type and payload, so a torn or shifted
  // header is caught as well as damaged data.
  EncodeFixed32(p, crc32c::Mask(crc32c::Value(p + 4, 5 + len)));
  absl::Status s = dest_->Append(buf_);
  if (buf_.capacity() > (1 << 20)) {
    std::string().swap(buf_);  // don't pin a huge record's buffer
  }
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  offset_ += log::kRecordHeaderSize + len;
  return absl::OkStatus();
}

}  // namespace strata
