// Version edit codec: tagged varint fields, schema/manifest.md.
#include "lsm/version_edit.h"

#include "absl/strings/str_format.h"
#include "util/coding.h"

namespace strata {
namespace {

// Persisted: never renumber.
enum EditTag : uint32_t {
  kLogNumber = 1,
  kNextFileNumber = 2,
  kLastSequence = 3,
  kDeleteFile = 4,
  kAddFile = 5,
  kTimeWindow = 6,
  kFormatMarker = 7,
};
enum FileTag : uint32_t {
  kFileNumber = 1,
  kFileSize = 2,
  kWindow = 3,
  kLevel = 4,
  kSmallest = 5,
  kLargest = 6,
  kTsRange = 7,
  kExpireRange = 8,
  kCounts = 9,
  kSeqs = 10,
  kRawBytes = 11,
  kRun = 12,
};
constexpr std::string_view kMarker = "strata.v1";

void EncodeFile(const FileMeta& f, std::string* out) {
  PutVarint32(out, kFileNumber);
  PutVarint64(out, f.number);
  PutVarint32(out, kFileSize);
  PutVarint64(out, f.file_size);
  PutVarint32(out, kWindow);
  PutVarsignedint64(out, f.window_id);
  PutVarint32(out, kLevel);
  PutVarint32(out, static_cast<uint32_t>(f.level));
  PutVarint32(out, kSmallest);
  PutLengthPrefixed(out, f.smallest);
  PutVarint32(out, kLargest);
  PutLengthPrefixed(out, f.largest);
  PutVarint32(out, kTsRange);
  PutVarsignedint64(out, f.min_ts);
  PutVarsignedint64(out, f.max_ts);
  PutVarint32(out, kExpireRange);
  PutVarsignedint64(out, f.min_expire);
  PutVarsignedint64(out, f.max_expire);
  PutVarint32(out, kCounts);
  PutVarint64(out, f.num_records);
  PutVarint64(out, f.num_deletes);
  PutVarint64(out, f.num_range_deletes);
  PutVarint32(out, kSeqs);
  PutVarint64(out, f.min_seq);
  PutVarint64(out, f.max_seq);
  PutVarint32(out, kRawBytes);
  PutVarint64(out, f.raw_bytes);
  if (f.run != 0) {
    PutVarint32(out, kRun);
    PutVarint64(out, f.run);
  }
}

bool DecodeFile(std::string_view in, FileMeta* f, std::string* why) {
  std::string_view s;
  uint32_t tag, level;
  while (!in.empty()) {
    if (!GetVarint32(&in, &tag)) return false;
    bool ok = true;
    switch (tag) {
      case kFileNumber:
        ok = GetVarint64(&in, &f->number);
        break;
      case kFileSize:
        ok = GetVarint64(&in, &f->file_size);
        break;
      case kWindow:
        ok = GetVarsignedint64(&in, &f->window_id);
        break;
      case kLevel:
        ok = GetVarint32(&in, &level);
        f->level = static_cast<int>(level);
        break;
      case kSmallest:
        ok = GetLengthPrefixed(&in, &s);
        f->smallest.assign(s.data(), s.size());
        break;
      case kLargest:
        ok = GetLengthPrefixed(&in, &s);
        f->largest.assign(s.data(), s.size());
        break;
      case kTsRange:
        ok = GetVarsignedint64(&in, &f->min_ts) &&
             GetVarsignedint64(&in, &f->max_ts);
        break;
      case kExpireRange:
        ok = GetVarsignedint64(&in, &f->min_expire) &&
             GetVarsignedint64(&in, &f->max_expire);
        break;
      case kCounts:
        ok = GetVarint64(&in, &f->num_records) &&
             GetVarint64(&in, &f->num_deletes) &&
             GetVarint64(&in, &f->num_range_deletes);
        break;
      case kSeqs:
        ok = GetVarint64(&in, &f->min_seq) && GetVarint64(&in, &f->max_seq);
        break;
      case kRawBytes:
        ok = GetVarint64(&in, &f->raw_bytes);
        break;
      case kRun:
        ok = GetVarint64(&in, &f->run);
        break;
      default:
        *why = absl::StrFormat(
            "unknown file field tag %d (written by a newer Strata?)", tag);
        return false;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void VersionEdit::EncodeTo(std::string* dst) const {
  PutVarint32(dst, kFormatMarker);
  PutLengthPrefixed(dst, kMarker);
  if (log_number) {
    PutVarint32(dst, kLogNumber);
    PutVarint64(dst, *log_number);
  }
  if (next_file_number) {
    PutVarint32(dst, kNextFileNumber);
    PutVarint64(dst, *next_file_number);
  }
  if (last_sequence) {
    PutVarint32(dst, kLastSequence);
    PutVarint64(dst, *last_sequence);
  }
  if (time_window_ns) {
    PutVarint32(dst, kTimeWindow);
    PutVarint64(dst, static_cast<uint64_t>(*time_window_ns));
  }
  for (const auto& [window, number] : deleted_files) {
    PutVarint32(dst, kDeleteFile);
    PutVarsignedint64(dst, window);
    PutVarint64(dst, number);
  }
  std::string file;
  for (const FileMeta& f : new_files) {
    file.clear();
    EncodeFile(f, &file);
    PutVarint32(dst, kAddFile);
    PutLengthPrefixed(dst, file);
  }
}

absl::Status VersionEdit::DecodeFrom(std::string_view src,
                                     std::string_view where) {
  *this = VersionEdit();
  std::string_view in = src;
  std::string why;
  while (!in.empty()) {
    size_t offset = src.size() - in.size();
    uint32_t tag;
    bool ok = GetVarint32(&in, &tag);
    uint64_t u;
    int64_t window;
    std::string_view s;
    if (ok) {
      switch (tag) {
        case kFormatMarker:
          ok = GetLengthPrefixed(&in, &s);
          if (ok && s != kMarker) {
            why = absl::StrFormat(
                "unknown format marker '%s' (written by a newer Strata?)", s);
            ok = false;
          }
          break;
        case kLogNumber:
          ok = GetVarint64(&in, &u);
          log_number = u;
          break;
        case kNextFileNumber:
          ok = GetVarint64(&in, &u);
          next_file_number = u;
          break;
        case kLastSequence:
          ok = GetVarint64(&in, &u);
          last_sequence = u;
          break;
        case kTimeWindow:
          ok = GetVarint64(&in, &u) && u > 0 && u <= INT64_MAX;
          time_window_ns = static_cast<int64_t>(u);
          break;
        case kDeleteFile:
          ok = GetVarsignedint64(&in, &window) && GetVarint64(&in, &u);
          deleted_files.emplace_back(window, u);
          break;
        case kAddFile: {
          FileMeta f;
          ok = GetLengthPrefixed(&in, &s) && DecodeFile(s, &f, &why);
          new_files.push_back(std::move(f));
          break;
        }
        default:
          why = absl::StrFormat(
              "unknown edit tag %d (written by a newer Strata?)", tag);
          ok = false;
      }
    }
    if (!ok) {
      return absl::DataLossError(absl::StrFormat(
          "%s: bad version edit field at byte %d: %s", where, offset,
          why.empty() ? "truncated or malformed" : why));
    }
  }
  return absl::OkStatus();
}

std::string VersionEdit::DebugString() const {
  std::string r = "VersionEdit {";
  if (log_number) absl::StrAppendFormat(&r, " log_number=%d", *log_number);
  if (next_file_number) {
    absl::StrAppendFormat(&r, " next_file=%d", *next_file_number);
  }
  if (last_sequence) absl::StrAppendFormat(&r, " last_seq=%d", *last_sequence);
  if (time_window_ns) {
    absl::StrAppendFormat(&r, " time_window_ns=%d", *time_window_ns);
  }
  for (const auto& [w, n] : deleted_files) {
    absl::StrAppendFormat(&r, "\n  delete window=%d file=%06d", w, n);
  }
  for (const FileMeta& f : new_files) {
    absl::StrAppendFormat(
        &r,
        "\n  add window=%d level=%d file=%06d size=%d records=%d deletes=%d "
        "range_deletes=%d ts=[%d,%d] expire=[%d,%d] seq=[%d,%d]",
        f.window_id, f.level, f.number, f.file_size, f.num_records,
        f.num_deletes, f.num_range_deletes, f.min_ts, f.max_ts, f.min_expire,
        f.max_expire, f.min_seq, f.max_seq);
  }
  r += "\n}";
  return r;
}

}  // namespace strata
