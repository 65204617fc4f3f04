// Prometheus text exposition of Stats.
#include "strata/stats.h"

#include "absl/strings/str_format.h"

namespace strata {
namespace {

void Metric(std::string* out, const char* name, const char* type,
            const char* help, uint64_t value) {
  absl::StrAppendFormat(out, "# HELP strata_%s %s\n# TYPE strata_%s %s\n", name,
                        help, name, type);
  absl::StrAppendFormat(out, "strata_%s %d\n", name, value);
}

}  // namespace

std::string ToPrometheusText(const Stats& s) {
  std::string out;
  const char* c = "counter";
  const char* g = "gauge";
  Metric(&out, "gets_total", c, "Point reads (Get, GetLatest).", s.gets);
  Metric(&out, "iterators_total", c, "Iterators created.", s.iterators_created);
  Metric(&out, "blocks_read_total", c, "Data blocks read (disk or cache).",
         s.blocks_read);
  Metric(&out, "blocks_skipped_time_total", c,
         "Data blocks skipped because their time range missed the read.",
         s.blocks_skipped_time);
  Metric(&out, "blocks_skipped_expired_total", c,
         "Data blocks skipped because every record in them expired.",
         s.blocks_skipped_expired);
  Metric(&out, "files_skipped_time_total", c,
         "SSTs skipped by their time range.", s.files_skipped_time);
  Metric(&out, "files_skipped_expired_total", c,
         "SSTs skipped because every record in them expired.",
         s.files_skipped_expired);
  Metric(&out, "bloom_checks_total", c, "Bloom filter probes.", s.bloom_checks);
  Metric(&out, "bloom_useful_total", c,
         "Bloom probes that avoided reading an SST.", s.bloom_useful);
  Metric(&out, "block_cache_hits_total", c, "Block cache hits.",
         s.block_cache_hits);
  Metric(&out, "block_cache_misses_total", c, "Block cache misses.",
         s.block_cache_misses);
  Metric(&out, "block_cache_bytes", g, "Bytes held by the block cache.",
         s.block_cache_bytes);
  Metric(&out, "batches_written_total", c, "Write batches committed.",
         s.batches_written);
  Metric(&out, "records_written_total", c, "Records committed.",
         s.records_written);
  Metric(&out, "wal_bytes_total", c, "Bytes appended to the WAL.", s.wal_bytes);
  Metric(&out, "wal_syncs_total", c, "WAL fsyncs.", s.wal_syncs);
  Metric(&out, "write_groups_total", c, "Group commits.", s.write_groups);
  Metric(&out, "stall_micros_total", c, "Time writers waited for flushes.",
         s.stall_micros);
  Metric(&out, "slowdown_micros_total", c,
         "Time writers were deliberately delayed.", s.slowdown_micros);
  Metric(&out, "flushes_total", c, "Memtable flushes.", s.flushes);
  Metric(&out, "flush_bytes_total", c, "SST bytes written by flushes.",
         s.flush_bytes);
  Metric(&out, "compactions_total", c, "Compactions.", s.compactions);
  Metric(&out, "compaction_bytes_read_total", c, "Bytes read by compaction.",
         s.compaction_bytes_read);
  Metric(&out, "compaction_bytes_written_total", c,
         "Bytes written by compaction.", s.compaction_bytes_written);
  absl::StrAppendFormat(
      &out,
      "# HELP strata_records_dropped_total Records compaction dropped, by "
      "reason.\n# TYPE strata_records_dropped_total counter\n");
  absl::StrAppendFormat(
      &out,
      "strata_records_dropped_total{reason=\"expired\"} %d\n"
      "strata_records_dropped_total{reason=\"shadowed\"} %d\n"
      "strata_records_dropped_total{reason=\"deleted\"} %d\n"
      "strata_records_dropped_total{reason=\"tombstone\"} %d\n",
      s.dropped_expired, s.dropped_shadowed, s.dropped_deleted,
      s.dropped_tombstones);
  Metric(&out, "files_dropped_ttl_total", c,
         "SSTs deleted whole, unread, because all their data expired.",
         s.files_dropped_ttl);
  Metric(&out, "bytes_dropped_ttl_total", c, "Bytes of those SSTs.",
         s.bytes_dropped_ttl);
  Metric(&out, "records_dropped_retention_total", c,
         "Records compaction dropped as dead under a retention rule.",
         s.dropped_retention);
  Metric(&out, "files_dropped_retention_total", c,
         "SSTs deleted whole, unread, because a retention rule made all "
         "their data dead.",
         s.files_dropped_retention);
  Metric(&out, "bytes_dropped_retention_total", c, "Bytes of those SSTs.",
         s.bytes_dropped_retention);
  Metric(&out, "live_files", g, "Live SSTs.", s.live_files);
  Metric(&out, "live_bytes", g, "Bytes in live SSTs.", s.live_bytes);
  Metric(&out, "memtable_bytes", g, "Bytes in memtables.", s.memtable_bytes);
  Metric(&out, "immutable_memtables", g, "Memtables waiting for flush.",
         s.immutable_memtables);
  absl::StrAppendFormat(&out,
                        "# HELP strata_window_files SSTs per time window.\n"
                        "# TYPE strata_window_files gauge\n");
  for (const auto& w : s.windows) {
    absl::StrAppendFormat(&out, "strata_window_files{window_start=\"%d\"} %d\n",
                          w.window_start, w.files);
  }
  absl::StrAppendFormat(
      &out,
      "# HELP strata_window_bytes SST bytes per time window.\n"
      "# TYPE strata_window_bytes gauge\n");
  for (const auto& w : s.windows) {
    absl::StrAppendFormat(&out, "strata_window_bytes{window_start=\"%d\"} %d\n",
                          w.window_start, w.bytes);
  }
  return out;
}

}  // namespace strata
