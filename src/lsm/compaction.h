// Compaction: choosing what to compact in a time window (the picker) and
// merging input SSTs into outputs while dropping what no reader can see
// (the job). Design and rules: schema/compaction.md.
#ifndef STRATA_LSM_COMPACTION_H_
#define STRATA_LSM_COMPACTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "lsm/retention_rules.h"
#include "lsm/sst_output.h"
#include "lsm/table_cache.h"
#include "lsm/version.h"

namespace strata {

enum class CompactionReason { kGarbage, kTiered, kCloseWindow, kManual };
const char* CompactionReasonName(CompactionReason r);

struct CompactionInputs {
  int64_t window = 0;
  FileList files;
  bool bottommost = false;  // inputs are every file of the window
  CompactionReason reason = CompactionReason::kTiered;
};

struct PickerOptions {
  int merge_trigger = 4;
  int64_t now = 0;
  // Retention rules whose dead data counts as garbage; null = none.
  const RetentionRules* rules = nullptr;
  // Dead share of a file partly under rules (from its index), if known.
  std::function<double(const FileMeta&)> mixed_dead_fraction;
};

// Files whose every record expired: deletable without being read.
FileList PickExpiredFiles(const Version& v, int64_t now,
                          const std::set<int64_t>& busy_windows);
// Files every record of which is dead under the rules (and safe to delete
// unread: see schema/compaction.md, "Retention rules").
FileList PickRetentionDeadFiles(const Version& v, const RetentionRules& rules,
                                int64_t now,
                                const std::set<int64_t>& busy_windows);
// The most useful compaction in a window not in busy_windows, if any.
std::optional<CompactionInputs> PickCompaction(
    const Version& v, const PickerOptions& options,
    const std::set<int64_t>& busy_windows);
// Every file of one window, as a bottommost compaction.
CompactionInputs WholeWindow(const Version& v, int64_t window,
                             CompactionReason reason);

struct CompactionResult {
  std::vector<FileMeta> outputs;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t dropped_expired = 0;
  uint64_t dropped_shadowed = 0;
  uint64_t dropped_deleted = 0;
  uint64_t dropped_tombstones = 0;
  uint64_t dropped_retention = 0;  // dead under a retention rule
};

struct CompactionContext {
  TableCache* tables = nullptr;
  // Sequences of live snapshots, ascending.
  std::vector<SequenceNumber> snapshots;
  int64_t now = 0;
  uint64_t target_file_size = 64 << 20;
  // Retention rules in force at `now`; null = none. Applied only by
  // bottommost compactions, which see every version of a record.
  std::shared_ptr<const RetentionRules> rules;
  // Creates a new output SST in the given window (registered as pending).
  std::function<absl::StatusOr<std::unique_ptr<SstOutput>>(int64_t window)>
      new_output;
  // Finishes outputs, syncs the directory; abandons all on error.
  std::function<absl::Status(std::vector<std::unique_ptr<SstOutput>>*,
                             absl::Status, std::vector<FileMeta>*)>
      finish_outputs;
};

absl::StatusOr<CompactionResult> RunCompaction(const CompactionInputs& inputs,
                                               const CompactionContext& ctx);

}  // namespace strata

#endif  // STRATA_LSM_COMPACTION_H_
