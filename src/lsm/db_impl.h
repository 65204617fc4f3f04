// DBImpl: the storage engine behind strata::DB.
//
// Write path: writers queue up; the front writer commits the whole queue as
// one group (one WAL append, at most one fsync), inserts it into the
// memtable and publishes the new sequence. A full memtable is frozen, a new
// WAL started, and a background thread flushes frozen memtables into SSTs,
// one per time window.
//
// Read path: a read takes a consistent view (memtables + Version + read
// sequence) under the mutex, then reads without it.
#ifndef STRATA_LSM_DB_IMPL_H_
#define STRATA_LSM_DB_IMPL_H_

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lsm/block_cache.h"
#include "lsm/compaction.h"
#include "lsm/log_writer.h"
#include "lsm/memtable.h"
#include "lsm/read_stats.h"
#include "lsm/retention_rules.h"
#include "lsm/sst_output.h"
#include "lsm/table_cache.h"
#include "lsm/version.h"
#include "strata/db.h"
#include "util/mutex.h"

namespace strata {

class RangeDelAggregator;

class DBImpl final : public DB {
 public:
  DBImpl(const Options& options, std::string dir);
  ~DBImpl() override;

  absl::Status Open();

  absl::Status Write(const WriteOptions& options,
                     const WriteBatch& batch) override;
  absl::StatusOr<Record> Get(const ReadOptions& options, std::string_view key,
                             Timestamp ts) override;
  absl::StatusOr<Record> GetLatest(const ReadOptions& options,
                                   std::string_view key) override;
  using DB::MultiGet;
  absl::Status MultiGet(const ReadOptions& options,
                        std::span<const PointKey> keys, MultiGetCallback found,
                        std::unique_ptr<PinnedValues>* pinned) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options,
                                        const ScanRange& range) override;
  std::unique_ptr<const Snapshot> GetSnapshot() override;
  absl::Status SetRetentionRule(std::string_view begin, std::string_view end,
                                int64_t retention_ns) override;
  absl::Status Flush() override;
  absl::Status CompactRange(std::string_view begin,
                            std::string_view end) override;
  absl::Status WaitForBackgroundWork() override;
  Stats GetStats() override;
  absl::Status BackgroundError() override;

  void ReleaseSnapshot(SequenceNumber seq);

 private:
  struct Writer;
  struct Frozen {  // an immutable memtable and the WAL holding its data
    std::shared_ptr<MemTable> mem;
    uint64_t log_number;
  };
  // A consistent set of sources for one read.
  struct View {
    std::shared_ptr<MemTable> mem;
    std::vector<std::shared_ptr<MemTable>> imms;  // newest first
    std::shared_ptr<const Version> version;
    SequenceNumber seq = 0;
    std::shared_ptr<const RetentionRules> rules;  // never null
  };

  // Open.
  absl::Status Recover();
  // Replays one WAL into *mem, installing SSTs whenever it fills; raises
  // *max_seq to the last sequence replayed.
  absl::Status ReplayLog(uint64_t number, std::shared_ptr<MemTable>* mem,
                         SequenceNumber* max_seq);
  absl::Status NewLog() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeleteObsoleteFiles(bool at_open);

  // Writes.
  absl::Status MakeRoomForWrite(bool force) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Writer* BuildGroup(std::string* rep, bool* sync)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SyncLog();

  // Flush and compaction (db_flush.cc, db_compaction.cc).
  void BackgroundLoop();
  // Runs one unit of compaction work if there is any; false if none.
  bool MaybeCompact() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasCompactionWork() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Deletes files unread: expired by TTL, or (by_rule) dead under the
  // retention rules. Counted in the matching stats.
  absl::Status DropExpiredFiles(const FileList& files, bool by_rule = false)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Files droppable whole now: TTL-expired first; else rule-dead, with
  // *by_rule set.
  FileList PickDroppableFiles(const Version& v, int64_t now, bool* by_rule)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Files partly under rules that may hold dead data and have no coverage
  // summary for the current rules yet.
  FileList FilesNeedingCoverage(const Version& v, int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Summarises their indexes (mutex released meanwhile).
  void ComputeCoverage(const FileList& files)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Picker options with the garbage estimates of the retention rules.
  PickerOptions MakePickerOptions(int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RunAndInstall(const CompactionInputs& inputs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // LogAndApply plus bookkeeping of the new version's shape.
  absl::Status Install(VersionEdit* edit) ABSL_LOCKS_EXCLUDED(mu_);
  void SyncLoop();
  absl::Status FlushOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes mem's contents into one SST per time window.
  absl::Status WriteTables(const MemTable& mem, const Version& base,
                           std::vector<FileMeta>* out);
  // A new SST registered in pending_outputs_ so cleanup leaves it alone.
  absl::StatusOr<std::unique_ptr<SstOutput>> NewOutput(int64_t window,
                                                       int level);
  // Finishes every output (or abandons all on error) and syncs the dir.
  absl::Status FinishOutputs(
      std::map<int64_t, std::unique_ptr<SstOutput>>* outputs, absl::Status s,
      std::vector<FileMeta>* out);
  void RecordBackgroundError(const absl::Status& s)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Reads.
  class PointReader;  // db_get.cc
  View GetView(const ReadOptions& options);
  std::unique_ptr<Iterator> NewIteratorFromView(View view,
                                                const ReadOptions& options,
                                                const ScanRange& range);

  const Options options_;
  const std::string dir_;
  Env* const env_;
  std::unique_ptr<FileLock> lock_;
  ReadStats read_stats_;
  std::unique_ptr<BlockCache> block_cache_;
  std::unique_ptr<TableCache> table_cache_;
  std::unique_ptr<VersionSet> versions_;

  // The WAL being appended to. Only the write-group leader (and the interval
  // syncer, under wal_mu_) touch it.
  Mutex wal_mu_ ABSL_ACQUIRED_AFTER(mu_);
  std::unique_ptr<WritableFile> log_file_ ABSL_GUARDED_BY(wal_mu_);
  std::unique_ptr<LogWriter> log_ ABSL_GUARDED_BY(wal_mu_);
  bool log_dirty_ ABSL_GUARDED_BY(wal_mu_) = false;
  int64_t last_sync_nanos_ ABSL_GUARDED_BY(wal_mu_) = 0;
  std::string group_rep_;  // leader-only scratch

  Mutex mu_;
  CondVar bg_cv_;    // background work finished or is needed
  CondVar work_cv_;  // wakes the background threads
  std::shared_ptr<MemTable> mem_ ABSL_GUARDED_BY(mu_);
  uint64_t log_number_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Frozen> imms_ ABSL_GUARDED_BY(mu_);  // oldest first
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);
  std::multiset<SequenceNumber> snapshots_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> pending_outputs_ ABSL_GUARDED_BY(mu_);
  absl::Status bg_error_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool flush_running_ ABSL_GUARDED_BY(mu_) = false;
  std::set<int64_t> compacting_windows_ ABSL_GUARDED_BY(mu_);
  // Retention rules (SetRetentionRule); replaced whole, never null.
  std::shared_ptr<const RetentionRules> rules_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<RetentionRules>();
  // Index summaries of files partly under rules (keyed by file number),
  // for the current rules_; cleared when the rules change.
  std::map<uint64_t, RuleCoverage> coverage_ ABSL_GUARDED_BY(mu_);
  // Largest file count of any window in the current version (for stalls).
  std::atomic<uint64_t> max_window_files_{0};
  std::vector<std::thread> threads_;

  // Published sequence: every write up to it is fully in the memtable.
  std::atomic<SequenceNumber> visible_seq_{0};

  // Counters (relaxed).
  std::atomic<uint64_t> gets_{0}, iterators_{0}, batches_{0}, records_{0},
      wal_bytes_{0}, wal_syncs_{0}, groups_{0}, stall_micros_{0},
      slowdown_micros_{0}, flushes_{0}, flush_bytes_{0}, salvaged_{0},
      compactions_{0}, compaction_read_{0}, compaction_written_{0},
      dropped_expired_{0}, dropped_shadowed_{0}, dropped_deleted_{0},
      dropped_tombstones_{0}, files_dropped_ttl_{0}, bytes_dropped_ttl_{0},
      dropped_retention_{0}, files_dropped_retention_{0},
      bytes_dropped_retention_{0};
};

}  // namespace strata

#endif  // STRATA_LSM_DB_IMPL_H_
