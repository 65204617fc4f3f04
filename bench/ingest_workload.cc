// Workload "ingest" (issue 7 item 1, issue 4 ingest figures): TSBS devops
// data (100 hosts x 10 cpu fields at 10 s; 6 h at scale 1, the full day of
// issue 4 at scale 4) as line protocol into
// every time-series engine, WAL on without per-batch fsync (batches of
// 1,000 lines); then fsync per batch (batches of one time step, 100 lines)
// with 1, 4 and 16 writer threads so group commit shows. The loaded
// engines stay open for the queries workload.
#include <atomic>
#include <thread>

#include "absl/strings/str_format.h"
#include "ts_fixture.h"
#include "workload_util.h"

namespace strata::bench {
namespace {

struct BulkResult {
  double values_per_s = 0;
  double cpu_ns_per_value = 0;
  double bytes_per_value = 0;
  double settle_s = 0;
};

absl::Status Bulk(const BenchConfig& cfg, TsEngine* e, const DevopsDay& day,
                  const DevopsBatches& data, BulkResult* r) {
  const std::string dir = FreshDir(cfg, "day-" + DirName(e->name()));
  absl::Status s = e->Open(dir);
  if (!s.ok()) return s;
  const double cpu0 = ProcessCpuSeconds();
  double t = Now();
  for (const std::string& b : data.batches) {
    if (s = e->WriteLines(b, false); !s.ok()) return s;
  }
  const double wall = Now() - t;
  t = Now();
  if (s = e->Settle(); !s.ok()) return s;
  r->settle_s = Now() - t;
  const double n = static_cast<double>(day.values);
  r->values_per_s = n / wall;
  r->cpu_ns_per_value = (ProcessCpuSeconds() - cpu0) * 1e9 / n;
  r->bytes_per_value = static_cast<double>(DirectoryBytes(dir)) / n;
  return absl::OkStatus();
}

// Writers take batches from a shared counter until all are written, each
// write synced. Returns values per second.
absl::StatusOr<double> Synced(const BenchConfig& cfg, TsEngine* e,
                              const DevopsBatches& data, int threads) {
  const std::string dir =
      FreshDir(cfg, absl::StrFormat("sync%d-%s", threads, DirName(e->name())));
  absl::Status s = e->Open(dir);
  if (!s.ok()) return s;
  std::atomic<size_t> next{0};
  std::vector<absl::Status> errors(threads);
  const double t = Now();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; i++) {
    pool.emplace_back([&, i] {
      for (size_t b; (b = next.fetch_add(1)) < data.batches.size();) {
        absl::Status w = e->WriteLines(data.batches[b], true);
        if (!w.ok()) {
          errors[i] = w;
          return;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  const double wall = Now() - t;
  e->Close();
  RemoveDir(dir);
  for (const auto& err : errors) {
    if (!err.ok()) return err;
  }
  return static_cast<double>(data.values) / wall;
}

}  // namespace

absl::Status RunIngestWorkload(const BenchConfig& cfg, Report* report) {
  ReleaseSharedState();
  DevopsDay& day = SharedDevopsDay();
  day = DevopsDayFor(cfg);
  std::string why;
  auto engines = NewTsEngines(/*with_leveldb=*/true, &why);
  if (engines.empty()) {
    report->Skip("ingest", why);
    return absl::OkStatus();
  }
  const DevopsBatches bulk = GenerateDevops(day.config, day.steps, 1000);
  const std::string w = absl::StrFormat(
      "1. ingest: devops cpu %d hosts x %d steps (%s values, %.0f MiB LP)",
      day.config.hosts, day.steps, HumanNumber(static_cast<double>(day.values)),
      bulk.bytes / 1048576.0);
  std::vector<BulkResult> results(engines.size());
  for (size_t i = 0; i < engines.size(); i++) {
    report->Config(engines[i]->name() + ", time series", engines[i]->config());
    absl::Status s = Bulk(cfg, engines[i].get(), day, bulk, &results[i]);
    if (!s.ok()) {
      return absl::InternalError(absl::StrFormat(
          "%s bulk ingest: %s", engines[i]->name(), s.message()));
    }
  }
  const BulkResult& a = results[0];
  for (size_t i = 1; i < engines.size(); i++) {
    const BulkResult& b = results[i];
    const std::string peer = engines[i]->name();
    report->Add({w, "ingest, WAL without fsync, 1 writer", "points/s",
                 a.values_per_s, b.values_per_s, peer});
    report->Add({w, "CPU per point (all threads, incl. settle)", "ns",
                 a.cpu_ns_per_value, b.cpu_ns_per_value, peer, false});
    report->Add({w, "disk after flush + settle", "bytes/point",
                 a.bytes_per_value, b.bytes_per_value, peer, false});
  }
  report->AddTarget({"issue 4: ingest from line protocol, 1 writer (wall)",
                     a.values_per_s, "points/s", ">= 1M points/s",
                     a.values_per_s >= 1e6});
  report->AddTarget({"issue 4: disk per point after settle", a.bytes_per_value,
                     "bytes/point", "<= 3 bytes/point",
                     a.bytes_per_value <= 3});
  report->Note(absl::StrFormat(
      "ingest: a point is one field value (TSBS \"metric\"); %d lines of "
      "10 values; Strata settle (flush + compaction) took %.2f s",
      day.steps * day.config.hosts, a.settle_s));

  // fsync per batch: one time step (100 lines, 1,000 values) per batch.
  DevopsConfig sc = day.config;
  sc.seed = 99;
  const int64_t sync_batches =
      std::max<int64_t>(16, std::llround(400 * std::min(cfg.scale, 1.0)));
  const DevopsBatches synced = GenerateDevops(sc, sync_batches, sc.hosts);
  const std::string ws =
      absl::StrFormat("1. ingest: fsync per batch of %d lines, %d batches",
                      sc.hosts, sync_batches);
  for (int threads : {1, 4, 16}) {
    std::vector<double> pps(engines.size());
    for (size_t i = 0; i < engines.size(); i++) {
      // The bulk-loaded engine stays open for queries; use a fresh one.
      std::unique_ptr<TsEngine> e = NewTsEngineNamed(engines[i]->name());
      auto r = Synced(cfg, e.get(), synced, threads);
      if (!r.ok()) {
        return absl::InternalError(absl::StrFormat(
            "%s synced ingest: %s", e->name(), r.status().message()));
      }
      pps[i] = *r;
    }
    for (size_t i = 1; i < engines.size(); i++) {
      report->Add({ws,
                   absl::StrFormat("ingest, %d writer%s, group commit", threads,
                                   threads > 1 ? "s" : ""),
                   "points/s", pps[0], pps[i], engines[i]->name()});
    }
  }
  day.engines = std::move(engines);
  return absl::OkStatus();
}

}  // namespace strata::bench
