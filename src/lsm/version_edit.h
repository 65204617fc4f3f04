// A change to the set of live SSTs and DB counters, as logged in the
// manifest. Format: schema/manifest.md.
#ifndef STRATA_LSM_VERSION_EDIT_H_
#define STRATA_LSM_VERSION_EDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "strata/types.h"

namespace strata {

// What the DB knows about one live SST without opening it.
struct FileMeta {
  uint64_t number = 0;
  uint64_t file_size = 0;
  int64_t window_id = 0;
  int level = 0;  // 0 = flushed, 1 = compaction output
  // Files with the same run id form one sorted run (the outputs of one
  // compaction: disjoint key ranges). 0 = a run of its own.
  uint64_t run = 0;
  uint64_t run_id() const { return run != 0 ? run : number; }
  std::string smallest;  // internal keys
  std::string largest;
  Timestamp min_ts = kMaxTimestamp;  // min > max when no point records
  Timestamp max_ts = kMinTimestamp;
  int64_t min_expire = kNeverExpires;
  int64_t max_expire = kNeverExpires;
  uint64_t num_records = 0;
  uint64_t num_deletes = 0;
  uint64_t num_range_deletes = 0;
  SequenceNumber min_seq = 0;
  SequenceNumber max_seq = 0;
  uint64_t raw_bytes = 0;

  bool has_points() const { return min_ts <= max_ts; }
};

class VersionEdit {
 public:
  std::optional<uint64_t> log_number;
  std::optional<uint64_t> next_file_number;
  std::optional<SequenceNumber> last_sequence;
  std::optional<int64_t> time_window_ns;
  std::vector<std::pair<int64_t, uint64_t>> deleted_files;  // window, number
  std::vector<FileMeta> new_files;

  void DeleteFile(int64_t window, uint64_t number) {
    deleted_files.emplace_back(window, number);
  }
  void AddFile(FileMeta f) { new_files.push_back(std::move(f)); }

  void EncodeTo(std::string* dst) const;
  // `where` names the manifest and record offset for errors.
  absl::Status DecodeFrom(std::string_view src, std::string_view where);
  std::string DebugString() const;
};

}  // namespace strata

#endif  // STRATA_LSM_VERSION_EDIT_H_
