// Log reader: parses the framing of schema/log.md and classifies a bad
// record as a torn tail or mid-log corruption by scanning forward for any
// valid record. Every length is checked against the file size before it is
// used, so malformed input can neither read out of bounds nor allocate more
// than the file holds.
#include "lsm/log_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lsm/log_format.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/errors.h"

namespace strata {
namespace {

constexpr uint64_t kReadChunk = 64 << 10;

bool AllZero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

}  // namespace

LogReader::LogReader(std::unique_ptr<SequentialFile> file,
                     std::string file_name, uint64_t file_size)
    : file_(std::move(file)),
      file_name_(std::move(file_name)),
      file_size_(file_size) {}

bool LogReader::Fill(uint64_t end) {
  uint64_t have = buf_start_ + buf_.size();
  if (end <= have) return true;
  if (end > file_size_) return false;
  // Read ahead in chunks so small records don't cost one call each, but
  // never past the declared size.
  uint64_t want = std::min(std::max(end - have, kReadChunk), file_size_ - have);
  size_t old = buf_.size();
  buf_.resize(old + want);
  char* dst = buf_.data() + old;
  std::string_view got;
  absl::Status s = file_->Read(want, &got, dst);
  if (!s.ok()) {
    buf_.resize(old);
    status_ = Annotate(
        s, absl::StrFormat("reading log %s at offset %d", file_name_, have));
    return false;
  }
  if (got.size() > want) got = got.substr(0, want);
  if (!got.empty() && got.data() != dst) {
    std::memmove(dst, got.data(), got.size());
  }
  buf_.resize(old + got.size());
  if (got.size() < want) {
    file_size_ = have + got.size();  // the file is shorter than we were told
  }
  return end <= buf_start_ + buf_.size();
}

void LogReader::Compact(uint64_t keep_from) {
  uint64_t drop = keep_from - buf_start_;
  if (drop < kReadChunk || drop < buf_.size() / 2) return;
  buf_.erase(0, drop);
  buf_start_ = keep_from;
  if (buf_.capacity() > 4 * kReadChunk && buf_.size() < kReadChunk) {
    buf_.shrink_to_fit();  // release the memory of a past huge record
  }
}

absl::Status LogReader::ReadHeader(std::string_view expected_magic,
                                   uint64_t* log_number) {
  *log_number = 0;
  if (header_read_) {
    return absl::FailedPreconditionError(
        absl::StrFormat("log %s: header already read", file_name_));
  }
  if (expected_magic.size() != log::kMagicSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("log magic must be %d bytes, got %d", log::kMagicSize,
                        expected_magic.size()));
  }
  header_read_ = true;
  // Fill learns the real size if the file is shorter than declared.
  Fill(std::min<uint64_t>(file_size_, log::kFileHeaderSize));
  if (!status_.ok()) return status_;
  if (file_size_ < log::kFileHeaderSize) {
    // A crash while the header was being written: what exists must agree
    // with the magic (or be never-written zeros).
    size_t n = buf_.size();
    size_t m = std::min(n, log::kMagicSize);
    if (std::memcmp(buf_.data(), expected_magic.data(), m) == 0 ||
        AllZero(buf_.data(), n)) {
      MarkTorn(0);
      return absl::OkStatus();
    }
    status_ = CorruptionError(file_name_, 0, "bad magic in a truncated header");
    return status_;
  }
  const char* h = At(0);
  if (AllZero(h, log::kFileHeaderSize)) {
    uint64_t found_at;
    if (FindValidRecord(1, &found_at)) {
      status_ = CorruptionError(
          file_name_, 0,
          absl::StrFormat("zeroed file header before a valid record at "
                          "offset %d",
                          found_at));
      return status_;
    }
    if (!status_.ok()) return status_;
    MarkTorn(0);
    return absl::OkStatus();
  }
  if (std::memcmp(h, expected_magic.data(), log::kMagicSize) != 0) {
    status_ = CorruptionError(
        file_name_, 0,
        absl::StrFormat(
            "bad magic: expected \"%s\", found \"%s\"",
            absl::CHexEscape(absl::string_view(expected_magic.data(),
                                               expected_magic.size())),
            absl::CHexEscape(absl::string_view(h, log::kMagicSize))));
    return status_;
  }
  uint32_t expected_crc = crc32c::Unmask(DecodeFixed32(h + 20));
  if (crc32c::Value(h, 20) != expected_crc) {
    status_ = CorruptionError(file_name_, 0, "file header checksum mismatch");
    return status_;
  }
  uint32_t version = DecodeFixed32(h + 8);
  if (version == 0) {
    status_ = CorruptionError(file_name_, 8, "invalid log format version 0");
    return status_;
  }
  if (version > log::kLogFormatVersion) {
    status_ = absl::FailedPreconditionError(absl::StrFormat(
        "log %s has format version %d: written by a newer Strata (this "
        "build reads versions up to %d)",
        file_name_, version, log::kLogFormatVersion));
    return status_;
  }
  *log_number = DecodeFixed64(h + 12);
  pos_ = log::kFileHeaderSize;
  return absl::OkStatus();
}

bool LogReader::CheckRecord(uint64_t off, uint32_t* len, std::string* reason) {
  uint64_t left = file_size_ - off;
  if (left < log::kRecordHeaderSize || !Fill(off + log::kRecordHeaderSize)) {
    *reason = absl::StrFormat("truncated record header (%d bytes left)",
                              file_size_ - off);
    return false;
  }
  left = file_size_ - off;
  const char* h = At(off);
  uint32_t n = DecodeFixed32(h + 4);
  uint8_t type = static_cast<uint8_t>(h[8]);
  if (n > log::kMaxRecordSize) {
    *reason = absl::StrFormat("record length %d exceeds the %d-byte limit", n,
                              log::kMaxRecordSize);
    return false;
  }
  if (n > left - log::kRecordHeaderSize) {
    *reason = absl::StrFormat(
        "record length %d runs past the end of the file (%d bytes left)", n,
        left - log::kRecordHeaderSize);
    return false;
  }
  if (!Fill(off + log::kRecordHeaderSize + n)) {
    *reason = "record cut short by the end of the file";
    return false;
  }
  h = At(off);  // Fill may have moved the buffer
  uint32_t expected = crc32c::Unmask(DecodeFixed32(h));
  if (crc32c::Value(h + 4, 5 + n) != expected) {
    *reason = "record checksum mismatch";
    return false;
  }
  if (!log::IsKnownRecordType(type)) {
    *reason = absl::StrFormat("unknown record type %d", type);
    return false;
  }
  *len = n;
  return true;
}

bool LogReader::FindValidRecord(uint64_t from, uint64_t* found_at) {
  // Cheap tests first (type byte, then length against the file end) so a
  // long tail of zeros or garbage is scanned in about linear time; only
  // plausible candidates are checksummed.
  for (uint64_t p = from; p + log::kRecordHeaderSize <= file_size_; ++p) {
    if (p + log::kRecordHeaderSize > buf_start_ + buf_.size()) {
      Compact(p);
      if (!Fill(p + log::kRecordHeaderSize)) return false;
    }
    const char* h = At(p);
    if (!log::IsKnownRecordType(static_cast<uint8_t>(h[8]))) continue;
    uint32_t n = DecodeFixed32(h + 4);
    if (n > log::kMaxRecordSize ||
        n > file_size_ - p - log::kRecordHeaderSize) {
      continue;
    }
    Compact(p);
    if (!Fill(p + log::kRecordHeaderSize + n)) {
      if (!status_.ok()) return false;
      continue;  // the file shrank under us; later candidates re-check
    }
    h = At(p);
    if (crc32c::Value(h + 4, 5 + n) == crc32c::Unmask(DecodeFixed32(h))) {
      *found_at = p;
      return true;
    }
  }
  return false;
}

void LogReader::MarkTorn(uint64_t off) {
  torn_ = true;
  torn_offset_ = off;
  done_ = true;
}

void LogReader::HandleBadRecord(uint64_t off, const std::string& reason) {
  done_ = true;
  uint64_t found_at = 0;
  if (!FindValidRecord(off + 1, &found_at)) {
    if (status_.ok()) MarkTorn(off);
    return;
  }
  if (salvage_) {
    dropped_bytes_ = file_size_ - off;
    return;
  }
  status_ =
      CorruptionError(file_name_, off,
                      absl::StrFormat("%s; a valid record follows at offset %d",
                                      reason, found_at));
}

bool LogReader::ReadRecord(std::string_view* payload, std::string* scratch) {
  (void)scratch;  // records are contiguous, so the buffer is enough
  if (!header_read_) {
    status_ = absl::FailedPreconditionError(
        absl::StrFormat("log %s: ReadRecord before ReadHeader", file_name_));
    return false;
  }
  if (done_ || !status_.ok()) return false;
  Compact(pos_);
  uint64_t off = pos_;
  if (off < file_size_) Fill(off + 1);  // finds out if the file is short
  if (!status_.ok()) return false;
  if (off >= file_size_) {
    done_ = true;  // clean end of the log
    return false;
  }
  uint32_t len = 0;
  std::string reason;
  if (!CheckRecord(off, &len, &reason)) {
    if (status_.ok()) HandleBadRecord(off, reason);
    return false;
  }
  *payload = std::string_view(At(off) + log::kRecordHeaderSize, len);
  last_record_offset_ = off;
  pos_ = off + log::kRecordHeaderSize + len;
  return true;
}

}  // namespace strata
