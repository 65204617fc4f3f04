// Workload "core" (storage core): N series x M points at 10 s, batches of
// 1,000 points, WAL on without per-batch fsync, into the Strata storage
// core, RocksDB and LevelDB with the same key layout; then whole-series
// scans, one-hour windows and latest points; bytes on disk after settling.
#include <cmath>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "report.h"
#include "series_store.h"
#include "util/random.h"
#include "workloads.h"

namespace strata::bench {
namespace {

constexpr int64_t kStart = 1'700'000'000'000'000'000;
constexpr int64_t kStep = 10'000'000'000;  // 10 s
constexpr int64_t kHour = 3'600'000'000'000;

struct CoreResult {
  double ingest_pps = 0;
  double settle_secs = 0;
  double disk_bytes = 0;
  double scan_pps = 0;
  double window_qps = 0;
  double latest_ops = 0;
};

absl::Status RunOne(SeriesStore* store, const std::string& dir, int series,
                    int points, CoreResult* r) {
  std::filesystem::remove_all(dir);
  StoreOptions so;
  so.dir = dir;
  absl::Status s = store->Open(so);
  if (!s.ok()) return s;

  // Values: per-series random walks with two decimals, like CPU gauges.
  Random rnd(42);
  std::vector<double> level(series);
  for (auto& v : level) v = 20 + rnd.Uniform(6000) / 100.0;
  std::vector<SeriesPoint> batch;
  batch.reserve(1000);
  double t = Now();
  for (int i = 0; i < points; i++) {
    for (int k = 0; k < series; k++) {
      double& v = level[k];
      v += (static_cast<double>(rnd.Uniform(201)) - 100) / 100.0;
      v = std::clamp(v, 0.0, 100.0);
      v = std::round(v * 100) / 100;
      batch.push_back(
          SeriesPoint{static_cast<uint32_t>(k), kStart + i * kStep, v});
      if (batch.size() == 1000) {
        if (s = store->Write(batch); !s.ok()) return s;
        batch.clear();
      }
    }
  }
  if (!batch.empty()) {
    if (s = store->Write(batch); !s.ok()) return s;
  }
  double ingest = Now() - t;
  r->ingest_pps = static_cast<double>(series) * points / ingest;

  t = Now();
  if (s = store->Settle(); !s.ok()) return s;
  r->settle_secs = Now() - t;
  r->disk_bytes = static_cast<double>(DirectoryBytes(dir));

  // Whole-series scans.
  Random q(7);
  int64_t total = 0;
  double sum = 0;
  int scans = std::min(series, 100);
  t = Now();
  for (int i = 0; i < scans; i++) {
    if (s = store->Scan(static_cast<uint32_t>(q.Uniform(series)), kStart,
                        kStart + points * kStep, &sum, &total);
        !s.ok()) {
      return s;
    }
  }
  r->scan_pps = total / (Now() - t);

  // One-hour windows at random places.
  int64_t span = points * kStep;
  int windows = 2000;
  t = Now();
  for (int i = 0; i < windows; i++) {
    int64_t t0 = kStart + static_cast<int64_t>(q.Uniform(static_cast<uint64_t>(
                              std::max<int64_t>(span - kHour, 1))));
    int64_t count = 0;
    if (s = store->Scan(static_cast<uint32_t>(q.Uniform(series)), t0,
                        t0 + kHour, &sum, &count);
        !s.ok()) {
      return s;
    }
  }
  r->window_qps = windows / (Now() - t);

  int latest = 2000;
  t = Now();
  for (int i = 0; i < latest; i++) {
    int64_t ts;
    double v;
    if (s = store->Latest(static_cast<uint32_t>(q.Uniform(series)), &ts, &v);
        !s.ok()) {
      return s;
    }
  }
  r->latest_ops = latest / (Now() - t);
  store->Close();
  return absl::OkStatus();
}

}  // namespace

absl::Status RunCoreWorkload(const BenchConfig& cfg, Report* report) {
  const int series = 1000;
  const int points = std::max(10, static_cast<int>(5000 * cfg.scale));
  std::vector<std::unique_ptr<SeriesStore>> stores;
  stores.push_back(NewStrataStore());
  stores.push_back(NewRocksDbStore());
  stores.push_back(NewLevelDbStore());
  std::vector<CoreResult> r(stores.size());
  for (size_t i = 0; i < stores.size(); i++) {
    report->Config(stores[i]->name() + ", storage core", stores[i]->config());
    absl::Status s =
        RunOne(stores[i].get(), cfg.dir + "/core-" + stores[i]->name(), series,
               points, &r[i]);
    if (!s.ok()) {
      return absl::InternalError(
          absl::StrFormat("%s: %s", stores[i]->name(), s.message()));
    }
    std::filesystem::remove_all(cfg.dir + "/core-" + stores[i]->name());
  }
  const std::string w = absl::StrFormat(
      "core: %d series x %d points, batches of 1,000", series, points);
  const double n = static_cast<double>(series) * points;
  for (size_t i = 1; i < stores.size(); i++) {
    const CoreResult& a = r[0];
    const CoreResult& b = r[i];
    const std::string peer = stores[i]->name();
    report->Add({w, "ingest", "points/s", a.ingest_pps, b.ingest_pps, peer});
    report->Add(
        {w, "flush + settle", "s", a.settle_secs, b.settle_secs, peer, false});
    report->Add({w, "disk", "bytes/point", a.disk_bytes / n, b.disk_bytes / n,
                 peer, false});
    report->Add(
        {w, "whole-series scan", "points/s", a.scan_pps, b.scan_pps, peer});
    report->Add({w, "1 h window, one series", "queries/s", a.window_qps,
                 b.window_qps, peer});
    report->Add({w, "latest point", "ops/s", a.latest_ops, b.latest_ops, peer});
  }
  return absl::OkStatus();
}

}  // namespace strata::bench
