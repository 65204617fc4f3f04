// Workloads "sustained" (storage core II: ingest with compaction running,
// read latency and file count over time, bytes written per point) and
// "retention" (a simulated day with a TTL: peak and final disk bytes,
// reads over expired ranges).
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
                       Values* values, std::vector<Point>* batch) {
  for (int k = 0; k < series; k++) {
    batch->push_back(Point{static_cast<uint32_t>(k), ts, values->Next(k)});
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
                                     Random* q) {
  double t = Now();
  for (int i = 0; i < n; i++) {
    int64_t span = std::max<int64_t>(end - begin - kHour, 1);
    int64_t t0 = begin + static_cast<int64_t>(q->Uniform(span));
    double sum = 0;
    int64_t count = 0;
    absl::Status s = store->Scan(static_cast<uint32_t>(q->Uniform(series)), t0,
                                 t0 + kHour, &sum, &count);
    if (!s.ok()) return s;
  }
  return (Now() - t) / n * 1e6;
}

struct SustainedResult {
  std::vector<double> phase_pps, phase_latency_us, phase_files;
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
  std::vector<Point> batch;
  const int phases = 10;
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
    auto lat = WindowLatency(store, series, kStart, kStart + to * kStep, 200,
                             &q);
    if (!lat.ok()) return lat.status();
    r->phase_latency_us.push_back(*lat);
    r->phase_files.push_back(static_cast<double>(store->FileCount()));
  }
  if (s = store->Settle(); !s.ok()) return s;
  r->bytes_written_per_point =
      static_cast<double>(WrittenBytes() - written0) / (double(series) * points);
  store->Close();
  return absl::OkStatus();
}

struct RetentionResult {
  double peak_bytes = 0, final_bytes = 0, expired_query_us = 0;
};

absl::Status RunRetention(SeriesStore* store, const std::string& dir,
                          int series, int points, int64_t ttl,
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
  std::vector<Point> batch;
  for (int i = 0; i < points; i++) {
    int64_t ts = kStart + i * kStep;
    clock.store(ts);  // data arrives in real time
    if (s = WriteStep(store, series, ts, &values, &batch); !s.ok()) return s;
    if (i % std::max(points / 50, 1) == 0) {
      r->peak_bytes =
          std::max(r->peak_bytes, static_cast<double>(DirectoryBytes(dir)));
    }
  }
  if (s = store->Settle(); !s.ok()) return s;
  r->peak_bytes =
      std::max(r->peak_bytes, static_cast<double>(DirectoryBytes(dir)));
  r->final_bytes = static_cast<double>(DirectoryBytes(dir));
  Random q(9);
  auto lat = WindowLatency(store, series, kStart, kStart + 2 * kHour, 500, &q);
  if (!lat.ok()) return lat.status();
  r->expired_query_us = *lat;
  store->Close();
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSustainedWorkload(const BenchConfig& cfg, Report* report) {
  const int series = 1000;
  const int points = std::max(100, static_cast<int>(20000 * cfg.scale));
  SustainedResult a, b;
  auto strata = NewStrataStore();
  auto rocks = NewRocksDbStore();
  absl::Status s =
      RunSustained(strata.get(), cfg.dir + "/sus-strata", series, points, &a);
  if (s.ok()) {
    s = RunSustained(rocks.get(), cfg.dir + "/sus-rocksdb", series, points, &b);
  }
  if (!s.ok()) return s;
  const std::string w = absl::StrFormat("sustained %dx%d", series, points);
  report->Add({w, "ingest, first 10%", "points/s", a.phase_pps.front(),
               b.phase_pps.front(), "RocksDB"});
  report->Add({w, "ingest, last 10%", "points/s", a.phase_pps.back(),
               b.phase_pps.back(), "RocksDB"});
  report->Add({w, "1 h window after first 10%", "us", a.phase_latency_us.front(),
               b.phase_latency_us.front(), "RocksDB", false});
  report->Add({w, "1 h window after last 10%", "us", a.phase_latency_us.back(),
               b.phase_latency_us.back(), "RocksDB", false});
  report->Add({w, "live files at end", "files", a.phase_files.back(),
               b.phase_files.back(), "RocksDB", false});
  report->Add({w, "bytes written", "bytes/point", a.bytes_written_per_point,
               b.bytes_written_per_point, "RocksDB", false});
  std::string detail = "sustained per phase (Strata pps/us/files | RocksDB):";
  for (size_t i = 0; i < a.phase_pps.size(); i++) {
    absl::StrAppendFormat(&detail, " [%.0f/%.0f/%.0f | %.0f/%.0f/%.0f]",
                          a.phase_pps[i], a.phase_latency_us[i],
                          a.phase_files[i], b.phase_pps[i],
                          b.phase_latency_us[i], b.phase_files[i]);
  }
  report->Note(detail);
  return absl::OkStatus();
}

absl::Status RunRetentionWorkload(const BenchConfig& cfg, Report* report) {
  const int series = std::max(10, static_cast<int>(500 * std::min(1.0, cfg.scale * 4)));
  const int points = std::max(360, static_cast<int>(8640 * std::min(1.0, cfg.scale * 4)));
  const int64_t ttl = 2 * kHour;
  RetentionResult a, b;
  auto strata = NewStrataStore();
  auto rocks = NewRocksDbStore();
  absl::Status s = RunRetention(strata.get(), cfg.dir + "/ret-strata", series,
                                points, ttl, &a);
  if (s.ok()) {
    s = RunRetention(rocks.get(), cfg.dir + "/ret-rocksdb", series, points,
                     ttl, &b);
  }
  if (!s.ok()) return s;
  const std::string w =
      absl::StrFormat("retention %dx%d, TTL 2 h", series, points);
  report->Add({w, "peak disk", "MiB", a.peak_bytes / 1048576,
               b.peak_bytes / 1048576, "RocksDB (compaction filter)", false});
  report->Add({w, "final disk", "MiB", a.final_bytes / 1048576,
               b.final_bytes / 1048576, "RocksDB (compaction filter)", false});
  report->Add({w, "1 h window over expired range", "us", a.expired_query_us,
               b.expired_query_us, "RocksDB (compaction filter)", false});
  return absl::OkStatus();
}

}  // namespace strata::bench
