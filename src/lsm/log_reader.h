// Reads the records of a log file (WAL or manifest) and tells a torn tail
// (the remains of an interrupted append: expected after a crash) from
// mid-log corruption (damage to data that was once complete: an error).
// Format and recovery rules: schema/log.md.
#ifndef STRATA_LSM_LOG_READER_H_
#define STRATA_LSM_LOG_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "strata/env.h"

namespace strata {

// Not thread-safe. Memory held is bounded by the largest record (at most
// 1 GiB, and never more than file_size) plus a 64 KiB read buffer.
class LogReader {
 public:
  // Reads at most file_size bytes of file; every length in the file is
  // checked against it before anything is read or checksummed. If the file
  // turns out shorter, its real end is used.
  LogReader(std::unique_ptr<SequentialFile> file, std::string file_name,
            uint64_t file_size);
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // In salvage mode mid-log corruption ends reading at the bad record with
  // an OK status; dropped_bytes() says how much was given up. Set it before
  // reading.
  void set_salvage_mode(bool on) { salvage_ = on; }

  // Must be called first. DataLoss naming the file for a wrong magic,
  // header checksum or version 0; FailedPrecondition "written by a newer
  // Strata" for a version above log::kLogFormatVersion. A header cut short
  // (or zero-filled) by a crash during creation is a torn, empty log: OK,
  // *log_number = 0, torn_tail() at offset 0.
  [[nodiscard]] absl::Status ReadHeader(std::string_view expected_magic,
                                        uint64_t* log_number);

  // Returns true with *payload set to the next record, or false at the end
  // of the log, at a torn tail, or on error (see status()). *payload stays
  // valid until the next call or the reader's destruction; it points into
  // the reader's buffer or *scratch.
  bool ReadRecord(std::string_view* payload, std::string* scratch);

  // File offset of the record last returned by ReadRecord.
  uint64_t last_record_offset() const { return last_record_offset_; }
  // The log ended with a partial or damaged record and no valid record
  // after it. Not an error; torn_offset() is where the valid data ends.
  bool torn_tail() const { return torn_; }
  uint64_t torn_offset() const { return torn_offset_; }
  // Bytes skipped by salvage mode (from the bad record to the end).
  uint64_t dropped_bytes() const { return dropped_bytes_; }
  // DataLoss "corruption in <file> at offset <off>: <reason>" after mid-log
  // corruption (outside salvage mode), or an I/O error.
  absl::Status status() const { return status_; }
  const std::string& file_name() const { return file_name_; }

 private:
  // Makes [buf_start_, end) readable in buf_. False at a short file (then
  // file_size_ shrinks to the real end) or on an I/O error (then status_).
  bool Fill(uint64_t end);
  // Drops buffered bytes before keep_from once they are worth moving.
  void Compact(uint64_t keep_from);
  const char* At(uint64_t offset) const {
    return buf_.data() + (offset - buf_start_);
  }
  // Checks the record at off. On success *len is its payload length; on
  // failure *reason says why (and status_ is set on an I/O error).
  bool CheckRecord(uint64_t off, uint32_t* len, std::string* reason);
  // Looks for a valid record starting at any byte in [from, file end).
  bool FindValidRecord(uint64_t from, uint64_t* found_at);
  // Decides torn tail vs mid-log corruption for a bad record at off.
  void HandleBadRecord(uint64_t off, const std::string& reason);
  void MarkTorn(uint64_t off);

  std::unique_ptr<SequentialFile> file_;
  const std::string file_name_;
  uint64_t file_size_;
  bool salvage_ = false;

  std::string buf_;  // file bytes [buf_start_, buf_start_ + size)
  uint64_t buf_start_ = 0;
  uint64_t pos_ = 0;  // offset of the next record
  bool header_read_ = false;
  bool done_ = false;

  uint64_t last_record_offset_ = 0;
  bool torn_ = false;
  uint64_t torn_offset_ = 0;
  uint64_t dropped_bytes_ = 0;
  absl::Status status_;
};

}  // namespace strata

#endif  // STRATA_LSM_LOG_READER_H_
