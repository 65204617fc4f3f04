// Workloads "sustained" (ingest with compaction running: throughput, read
// latency and file count over time, bytes written per point; the
// throughput curve is plotted) and "retention" (issue 7 item 4: a
// simulated week with a one-day TTL: peak and final disk bytes, reads over
// expired ranges), on the storage core against RocksDB.
#include <cmath>
#include <filesystem>
#include <fstream>

#include "absl/status/statusor.h"
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

// Bytes this process passed to write(2) and friends.
uint64_t WrittenBytes() {
  std::ifstream in("/proc/self/io");
  std::string key;
  uint64_t value;
  while (in >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

// Random-walk values with two decimals, one level per series.
class Values {
 public:
  Values(int series, uint64_t seed) : rnd_(seed), level_(series) {
    for (auto& v : level_) v = 20 + rnd_.Uniform(6000) / 100.0;
  }
  double Next(int s) {
    double& v = level_[s];
    v += (static_cast<double>(rnd_.Uniform(201)) - 100) / 100.0;
    v = std::round(std::clamp(v, 0.0, 100.0) * 100) / 100;
    return v;
  }

 private:
  Random rnd_;
  std::vector<double> level_;
};

absl::Status WriteStep(SeriesStore* store, int series, int64_t ts,
                       Values* values, std::vector<SeriesPoint>* batch) {
  for (int k = 0; k < series; k++) {
    batch->push_back(
        SeriesPoint{static_cast<uint32_t>(k), ts, values->Next(k)});
    if (batch->size() == 1000) {
      absl::Status s = store->Write(*batch);
      batch->clear();
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// Mean latency in microseconds of n one-hour window queries ending before
// `end` (the most recent hour, or random hours when random_hours).
absl::StatusOr<double> WindowLatency(SeriesStore* store, int series,
                                     int64_t begin, int64_t end, int n,
                                     Random* q, int64_t* points = nullptr) {
  double t = Now();
  for (int i = 0; i < n; i++) {
    int64_t span = std::max<int64_t>(end - begin - kHour, 1);
    int64_t t0 = begin + static_cast<int64_t>(q->Uniform(span));
    double sum = 0;
    int64_t count = 0;
    absl::Status s = store->Scan(static_cast<uint32_t>(q->Uniform(series)), t0,
                                 t0 + kHour, &sum, &count);
    if (!s.ok()) return s;
    if (points != nullptr) *points += count;
  }
  return (Now() - t) / n * 1e6;
}

struct SustainedResult {
  std::vector<double> phase_pps, phase_latency_us, phase_files;
  std::vector<double> phase_points;  // points written at the phase's end
  double bytes_written_per_point = 0;
};

absl::Status RunSustained(SeriesStore* store, const std::string& dir,
                          int series, int points, SustainedResult* r) {
  std::filesystem::remove_all(dir);
  StoreOptions so;
  so.dir = dir;
  so.write_buffer_size = 16 << 20;  // more flushes, so compaction works
  absl::Status s = store->Open(so);
  if (!s.ok()) return s;
  Values values(series, 42);
  Random q(7);
  std::vector<SeriesPoint> batch;
  const int phases = 20;
  const uint64_t written0 = WrittenBytes();
  for (int p = 0; p < phases; p++) {
    double t = Now();
    int from = points * p / phases, to = points * (p + 1) / phases;
    for (int i = from; i < to; i++) {
      if (s = WriteStep(store, series, kStart + i * kStep, &values, &batch);
          !s.ok()) {
        return s;
      }
    }
    r->phase_pps.push_back(static_cast<double>(series) * (to - from) /
                           (Now() - t));
    r->phase_points.push_back(static_cast<double>(series) * to);
    auto lat =
        WindowLatency(store, series, kStart, kStart + to * kStep, 200, &q);
    if (!lat.ok()) return lat.status();
    r->phase_latency_us.push_back(*lat);
    r->phase_files.push_back(static_cast<double>(store->FileCount()));
  }
  if (!batch.empty()) {
    if (s = store->Write(batch); !s.ok()) return s;
  }
  if (s = store->Settle(); !s.ok()) return s;
  r->bytes_written_per_point = static_cast<double>(WrittenBytes() - written0) /
                               (double(series) * points);
  store->Close();
  return absl::OkStatus();
}

struct RetentionResult {
  double peak_bytes = 0, final_bytes = 0, expired_query_us = 0;
  int64_t expired_points = 0;  // returned by the expired-range queries
};

absl::Status RunRetention(SeriesStore* store, const std::string& dir,
                          int series, int points, int64_t step, int64_t ttl,
                          RetentionResult* r) {
  std::filesystem::remove_all(dir);
  std::atomic<int64_t> clock{kStart};
  StoreOptions so;
  so.dir = dir;
  so.ttl_ns = ttl;
  so.clock = &clock;
  so.write_buffer_size = 8 << 20;
  absl::Status s = store->Open(so);
  if (!s.ok()) return s;
  Values values(series, 43);
  std::vector<SeriesPoint> batch;
  for (int i = 0; i < points; i++) {
    int64_t ts = kStart + i * step;
    clock.store(ts);  // data arrives in real time
    if (s = WriteStep(store, series, ts, &values, &batch); !s.ok()) return s;
    if (i % std::max(points / 100, 1) == 0) {
      r->peak_bytes =
          std::max(r->peak_bytes, static_cast<double>(DirectoryBytes(dir)));
    }
  }
  if (!batch.empty()) {
    if (s = store->Write(batch); !s.ok()) return s;
  }
  if (s = store->Settle(); !s.ok()) return s;
  r->peak_bytes =
      std::max(r->peak_bytes, static_cast<double>(DirectoryBytes(dir)));
  r->final_bytes = static_cast<double>(DirectoryBytes(dir));
  Random q(9);
  // The first five days have expired by the end of the week.
  auto lat = WindowLatency(store, series, kStart, kStart + 5 * 24 * kHour, 500,
                           &q, &r->expired_points);
  if (!lat.ok()) return lat.status();
  r->expired_query_us = *lat;
  store->Close();
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSustainedWorkload(const BenchConfig& cfg, Report* report) {
  const int series = 1000;
  const int points = std::max(100, static_cast<int>(5000 * cfg.scale));
  std::vector<std::unique_ptr<SeriesStore>> stores;
  stores.push_back(NewStrataStore());
  stores.push_back(NewRocksDbStore());
  std::vector<SustainedResult> r(stores.size());
  report->DefinePlot({"sustained_throughput",
                      "Sustained ingest: throughput while compaction runs",
                      "million points written", "points/s (per 5% phase)",
                      false, false});
  for (size_t i = 0; i < stores.size(); i++) {
    report->Config(stores[i]->name() + ", storage core", stores[i]->config());
    const std::string dir = cfg.dir + "/sus-" + stores[i]->name();
    absl::Status s = RunSustained(stores[i].get(), dir, series, points, &r[i]);
    if (!s.ok()) {
      return absl::InternalError(
          absl::StrFormat("%s: %s", stores[i]->name(), s.message()));
    }
    std::filesystem::remove_all(dir);
    for (size_t k = 0; k < r[i].phase_pps.size(); k++) {
      report->AddCurvePoint("sustained_throughput", stores[i]->name(),
                            r[i].phase_points[k] / 1e6, r[i].phase_pps[k]);
    }
  }
  const SustainedResult& a = r[0];
  const SustainedResult& b = r[1];
  const std::string w = absl::StrFormat(
      "sustained: %d series x %d points, 16 MiB memtables", series, points);
  report->Add({w, "ingest, first 5%", "points/s", a.phase_pps.front(),
               b.phase_pps.front(), "RocksDB"});
  report->Add({w, "ingest, last 5%", "points/s", a.phase_pps.back(),
               b.phase_pps.back(), "RocksDB"});
  report->Add({w, "1 h window after first 5%", "us", a.phase_latency_us.front(),
               b.phase_latency_us.front(), "RocksDB", false});
  report->Add({w, "1 h window after last 5%", "us", a.phase_latency_us.back(),
               b.phase_latency_us.back(), "RocksDB", false});
  report->Add({w, "live files at end", "files", a.phase_files.back(),
               b.phase_files.back(), "RocksDB", false});
  report->Add({w, "bytes written", "bytes/point", a.bytes_written_per_point,
               b.bytes_written_per_point, "RocksDB", false});
  return absl::OkStatus();
}

absl::Status RunRetentionWorkload(const BenchConfig& cfg, Report* report) {
  // A week of data whatever the scale; the scale sets how many series and
  // how densely they are sampled (60 s at scale 1).
  const double f = std::min(1.0, cfg.scale);
  const int series = std::max(10, static_cast<int>(std::lround(50 * f)));
  const int points = std::max(168, static_cast<int>(std::lround(10080 * f)));
  const int64_t step = 7 * 24 * kHour / points;
  const int64_t ttl = 24 * kHour;
  std::vector<std::unique_ptr<SeriesStore>> stores;
  stores.push_back(NewStrataStore());
  stores.push_back(NewRocksDbStore());
  std::vector<RetentionResult> r(stores.size());
  for (size_t i = 0; i < stores.size(); i++) {
    const std::string dir = cfg.dir + "/ret-" + stores[i]->name();
    absl::Status s =
        RunRetention(stores[i].get(), dir, series, points, step, ttl, &r[i]);
    if (!s.ok()) {
      return absl::InternalError(
          absl::StrFormat("%s: %s", stores[i]->name(), s.message()));
    }
    std::filesystem::remove_all(dir);
  }
  const std::string w =
      absl::StrFormat("4. retention: %d series x 1 week at %d s, TTL 1 day",
                      series, step / 1'000'000'000);
  const std::string peer = "RocksDB (compaction filter)";
  report->Add({w, "peak disk", "MiB", r[0].peak_bytes / 1048576,
               r[1].peak_bytes / 1048576, peer, false});
  report->Add({w, "final disk", "MiB", r[0].final_bytes / 1048576,
               r[1].final_bytes / 1048576, peer, false});
  report->Add({w, "1 h window over expired range", "us", r[0].expired_query_us,
               r[1].expired_query_us, peer, false});
  report->Add({w, "points returned from expired range", "points",
               static_cast<double>(r[0].expired_points),
               static_cast<double>(r[1].expired_points), peer, false});
  return absl::OkStatus();
}

}  // namespace strata::bench
