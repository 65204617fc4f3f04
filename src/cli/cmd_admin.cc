// `strata stats` (DB counters, human-readable or Prometheus text) and
// `strata compact` (flush, then compact every window, with a progress bar
// fed by the compaction byte counters).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/output.h"
#include "series/influxql/time_literals.h"

namespace strata::cli {
namespace {

std::string HumanStats(const Stats& s) {
  const std::pair<const char*, uint64_t> shape[] = {
      {"live_files", s.live_files},
      {"live_bytes", s.live_bytes},
      {"memtable_bytes", s.memtable_bytes},
      {"immutable_memtables", s.immutable_memtables},
  };
  const std::pair<const char*, uint64_t> counters[] = {
      {"gets", s.gets},
      {"iterators_created", s.iterators_created},
      {"blocks_read", s.blocks_read},
      {"blocks_skipped_time", s.blocks_skipped_time},
      {"blocks_skipped_expired", s.blocks_skipped_expired},
      {"files_skipped_time", s.files_skipped_time},
      {"files_skipped_expired", s.files_skipped_expired},
      {"bloom_checks", s.bloom_checks},
      {"bloom_useful", s.bloom_useful},
      {"block_cache_hits", s.block_cache_hits},
      {"block_cache_misses", s.block_cache_misses},
      {"block_cache_bytes", s.block_cache_bytes},
      {"batches_written", s.batches_written},
      {"records_written", s.records_written},
      {"wal_bytes", s.wal_bytes},
      {"wal_syncs", s.wal_syncs},
      {"write_groups", s.write_groups},
      {"stall_micros", s.stall_micros},
      {"slowdown_micros", s.slowdown_micros},
      {"flushes", s.flushes},
      {"flush_bytes", s.flush_bytes},
      {"compactions", s.compactions},
      {"compaction_bytes_read", s.compaction_bytes_read},
      {"compaction_bytes_written", s.compaction_bytes_written},
      {"dropped_expired", s.dropped_expired},
      {"dropped_shadowed", s.dropped_shadowed},
      {"dropped_deleted", s.dropped_deleted},
      {"dropped_tombstones", s.dropped_tombstones},
      {"files_dropped_ttl", s.files_dropped_ttl},
      {"bytes_dropped_ttl", s.bytes_dropped_ttl},
      {"wal_records_salvaged_away", s.wal_records_salvaged_away},
  };
  std::string out = "shape:\n";
  for (const auto& [name, v] : shape) {
    out += absl::StrFormat("  %-26s %d\n", name, v);
  }
  out += absl::StrFormat("windows: %d\n", s.windows.size());
  if (!s.windows.empty()) {
    out += absl::StrFormat("  %-30s %6s %12s %12s %10s\n", "start", "files",
                           "bytes", "records", "tombstones");
    for (const WindowStats& w : s.windows) {
      out += absl::StrFormat("  %-30s %6d %12d %12d %10d\n",
                             influxql::FormatRfc3339Nano(w.window_start),
                             w.files, w.bytes, w.records, w.tombstones);
    }
  }
  out += "counters (since this command opened the DB):\n";
  for (const auto& [name, v] : counters) {
    out += absl::StrFormat("  %-26s %d\n", name, v);
  }
  return out;
}

}  // namespace

int RunStats(CliContext& ctx, const std::vector<std::string>& args) {
  bool prometheus = false;
  FlagSet flags("strata stats [--prometheus]",
                "Prints the DB's shape (files, bytes, time windows) and its\n"
                "counters; --prometheus prints the Prometheus text format.");
  flags.AddBool("prometheus", &prometheus,
                "Prometheus text exposition (metrics prefixed strata_)");
  if (auto r = ParseFlags(ctx, flags, "stats", args, 0, 0)) return *r;
  absl::StatusOr<DB*> db = ctx.Db(/*create=*/false);
  if (!db.ok()) return Fail(ctx, "stats", db.status());
  const Stats stats = (*db)->GetStats();
  ctx.Print(prometheus ? ToPrometheusText(stats) : HumanStats(stats));
  return kExitOk;
}

int RunCompact(CliContext& ctx, const std::vector<std::string>& args) {
  FlagSet flags("strata compact",
                "Flushes the memtable and compacts every time window, so that\n"
                "deleted, overwritten and expired data leaves the disk.");
  if (auto r = ParseFlags(ctx, flags, "compact", args, 0, 0)) return *r;
  absl::StatusOr<DB*> dbp = ctx.Db(/*create=*/false);
  if (!dbp.ok()) return Fail(ctx, "compact", dbp.status());
  DB* db = *dbp;
  const bool show = !ctx.in_shell() && Progress::StderrWanted();
  absl::Status s = db->Flush();
  if (!s.ok()) return Fail(ctx, "compact", s);
  const Stats before = db->GetStats();
  // The compaction runs on a helper thread while this one draws progress
  // from the byte counters; compaction reads every live byte at most once.
  std::atomic<bool> done{false};
  absl::Status result;
  std::thread worker([&] {
    result = db->CompactRange("", "");
    if (result.ok()) result = db->WaitForBackgroundWork();
    done.store(true, std::memory_order_release);
  });
  Progress bar(ctx.err(), show, "compact", "compactions", before.live_bytes);
  while (!done.load(std::memory_order_acquire)) {
    const Stats now = db->GetStats();
    bar.Update(now.compaction_bytes_read - before.compaction_bytes_read,
               now.compactions - before.compactions);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  worker.join();
  bar.Finish();
  if (!result.ok()) return Fail(ctx, "compact", result);
  const Stats after = db->GetStats();
  ctx.Print(absl::StrFormat(
      "compacted in %.3f s: %d files (%s) -> %d files (%s), %d compactions, "
      "dropped %d expired, %d shadowed, %d deleted records\n",
      bar.ElapsedSeconds(), before.live_files, HumanBytes(before.live_bytes),
      after.live_files, HumanBytes(after.live_bytes),
      after.compactions - before.compactions,
      after.dropped_expired - before.dropped_expired,
      after.dropped_shadowed - before.dropped_shadowed,
      after.dropped_deleted - before.dropped_deleted));
  return kExitOk;
}

}  // namespace strata::cli
