// Counters describing what a DB did. Cumulative since open unless noted.
#ifndef STRATA_STATS_H_
#define STRATA_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct WindowStats {
  int64_t window_start = 0;  // ns; the window covers [start, start + width)
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t records = 0;     // point records, tombstones included
  uint64_t tombstones = 0;  // point deletes + range tombstones
};

struct Stats {
  // Reads.
  uint64_t gets = 0;
  uint64_t iterators_created = 0;
  uint64_t blocks_read = 0;          // data blocks read from disk or cache
  uint64_t blocks_skipped_time = 0;  // block [min_ts,max_ts] missed the window
  uint64_t blocks_skipped_expired = 0;  // block max_expire_at <= now
  uint64_t files_skipped_time = 0;
  uint64_t files_skipped_expired = 0;
  uint64_t bloom_checks = 0;
  uint64_t bloom_useful = 0;  // checks that avoided reading the file
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
  uint64_t block_cache_bytes = 0;  // current charge

  // Writes.
  uint64_t batches_written = 0;
  uint64_t records_written = 0;
  uint64_t wal_bytes = 0;
  uint64_t wal_syncs = 0;
  uint64_t write_groups = 0;  // group commits (batches / groups = grouping)
  uint64_t stall_micros = 0;
  uint64_t slowdown_micros = 0;

  // Flush and compaction.
  uint64_t flushes = 0;
  uint64_t flush_bytes = 0;
  uint64_t compactions = 0;
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
  uint64_t dropped_expired = 0;
  uint64_t dropped_shadowed = 0;
  uint64_t dropped_deleted = 0;     // records covered by a delete
  uint64_t dropped_tombstones = 0;  // tombstones no longer needed
  uint64_t files_dropped_ttl = 0;   // whole SSTs deleted unread by TTL
  uint64_t bytes_dropped_ttl = 0;
  uint64_t wal_records_salvaged_away = 0;
  // Retention rules (DB::SetRetentionRule): records compaction dropped as
  // dead under a rule (tombstones included), and whole SSTs deleted unread
  // because every record in them was.
  uint64_t dropped_retention = 0;
  uint64_t files_dropped_retention = 0;
  uint64_t bytes_dropped_retention = 0;

  // Current shape (not cumulative).
  uint64_t live_files = 0;
  uint64_t live_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t immutable_memtables = 0;
  std::vector<WindowStats> windows;
};

// Prometheus text exposition format, metric names prefixed "strata_".
std::string ToPrometheusText(const Stats& stats);

}  // namespace strata

#endif  // STRATA_STATS_H_
