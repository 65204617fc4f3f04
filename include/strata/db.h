// DB: the storage core. A persistent, ordered store of records keyed by
// (key, timestamp), with sequence-ordered writes, TTL expiry, point and
// range deletes, snapshots and time-window scans. Thread-safe.
#ifndef STRATA_DB_H_
#define STRATA_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/iterator.h"
#include "strata/options.h"
#include "strata/stats.h"
#include "strata/types.h"
#include "strata/write_batch.h"

namespace strata {

// A consistent point-in-time view. Released when destroyed; must not
// outlive the DB that made it.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  virtual SequenceNumber sequence() const = 0;
};

// Keeps alive what the values a MultiGet reported point into (cached
// blocks, memtables, copies), so that they stay valid after the call;
// see DB::MultiGet. Like an iterator, it holds its view's files and
// memtables, and must be destroyed before the DB.
class PinnedValues {
 public:
  virtual ~PinnedValues() = default;
};

class DB {
 public:
  // Opens (or with create_if_missing, creates) the DB in directory dir.
  // Only one DB object may hold a directory at a time, across processes.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DB>> Open(
      const Options& options, const std::string& dir);

  // Destroys the DB's files in dir. The DB must not be open.
  [[nodiscard]] static absl::Status Destroy(const std::string& dir,
                                            Env* env = nullptr);

  DB() = default;
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  // Waits for background work and closes. Unflushed memtable data stays in
  // the WAL and is replayed on the next open.
  virtual ~DB() = default;

  // Applies batch atomically. On error nothing of the batch is visible.
  [[nodiscard]] virtual absl::Status Write(const WriteOptions& options,
                                           const WriteBatch& batch) = 0;
  [[nodiscard]] absl::Status Put(const WriteOptions& options,
                                 std::string_view key, Timestamp ts,
                                 std::string_view value,
                                 Expiry expiry = Expiry::Default());
  [[nodiscard]] absl::Status Delete(const WriteOptions& options,
                                    std::string_view key, Timestamp ts);
  [[nodiscard]] absl::Status DeleteRange(const WriteOptions& options,
                                         std::string_view begin,
                                         std::string_view end,
                                         Timestamp t0 = kMinTimestamp,
                                         Timestamp t1 = kMaxTimestamp);

  // The live record at (key, ts); NotFound if none.
  [[nodiscard]] virtual absl::StatusOr<Record> Get(const ReadOptions& options,
                                                   std::string_view key,
                                                   Timestamp ts) = 0;
  // The live record of key with the greatest timestamp; NotFound if none.
  [[nodiscard]] virtual absl::StatusOr<Record> GetLatest(
      const ReadOptions& options, std::string_view key) = 0;
  // Reads many records at one view (options.snapshot's, else the newest):
  // calls found(i, value, expire_at) once for every keys[i] that holds a
  // live record, in key order; value is valid during the call only. Much
  // cheaper than a Get per key: each source is opened once and read
  // forward.
  using MultiGetCallback = absl::FunctionRef<void(
      size_t index, std::string_view value, int64_t expire_at)>;
  [[nodiscard]] absl::Status MultiGet(const ReadOptions& options,
                                      std::span<const PointKey> keys,
                                      MultiGetCallback found) {
    return MultiGet(options, keys, found, nullptr);
  }
  // The same, with the values valid until *pinned is destroyed or given to
  // another MultiGet (no copy per value). Giving the same holder call
  // after call also reuses the call's working memory.
  [[nodiscard]] virtual absl::Status MultiGet(
      const ReadOptions& options, std::span<const PointKey> keys,
      MultiGetCallback found, std::unique_ptr<PinnedValues>* pinned) = 0;
  // Iterates live records in range; see iterator.h.
  [[nodiscard]] virtual std::unique_ptr<Iterator> NewIterator(
      const ReadOptions& options, const ScanRange& range = {}) = 0;

  [[nodiscard]] virtual std::unique_ptr<const Snapshot> GetSnapshot() = 0;

  // Retention rule: records whose key lies in [begin, end) (empty end = no
  // upper bound) are dead once ts + retention_ns <= now (the Env clock),
  // whatever expiry they were written with: every read hides them at once
  // (snapshots too) and compaction reclaims their space in the background,
  // dropping whole SSTs unread where it can. retention_ns = 0 removes the
  // rule of exactly [begin, end). Rules may nest but not partially overlap
  // (InvalidArgument); for each key the innermost rule applies, even when
  // it is longer than an enclosing one. Setting a range again replaces its
  // retention. Rules are kept in memory only: register them again after
  // each open. Lengthening or removing a rule never resurrects a deleted or
  // overwritten version, but records it hid that compaction has not yet
  // reclaimed become visible again. Design: schema/compaction.md.
  [[nodiscard]] virtual absl::Status SetRetentionRule(std::string_view begin,
                                                      std::string_view end,
                                                      int64_t retention_ns) {
    (void)begin;
    (void)end;
    (void)retention_ns;
    return absl::UnimplementedError("retention rules are not supported");
  }

  // Writes the memtable to an SST and waits until it is durable.
  [[nodiscard]] virtual absl::Status Flush() = 0;
  // Compacts every window overlapping [begin, end) of keys (empty = no
  // bound) so that dropped data leaves the disk; waits for it.
  [[nodiscard]] virtual absl::Status CompactRange(std::string_view begin,
                                                  std::string_view end) = 0;
  // Blocks until no flush or compaction is pending or running.
  [[nodiscard]] virtual absl::Status WaitForBackgroundWork() = 0;

  virtual Stats GetStats() = 0;
  // The first background error, if the DB went read-only because of one.
  virtual absl::Status BackgroundError() = 0;
};

}  // namespace strata

#endif  // STRATA_DB_H_
