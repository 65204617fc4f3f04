// Appending metrics and reading them back with the storage core API.
//
// Writes one day of 10-second CPU readings for a few hosts into
// ./strata-data (or the directory given as argv[1]), then reads back the
// latest point of each series and a one-hour window of one series.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "strata/db.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "strata-data";
  strata::Options options;  // defaults: create if missing, WAL on
  auto db = strata::DB::Open(options, dir);
  if (!db.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(),
                 std::string(db.status().message()).c_str());
    return 1;
  }

  // One series per host: key = "cpu,host=<h>", one record per 10 s.
  const int64_t kStart = 1'700'000'000'000'000'000;  // ns since epoch
  const int64_t kStep = 10'000'000'000;              // 10 s
  const int kHosts = 8, kPoints = 8640;              // one day
  for (int h = 0; h < kHosts; h++) {
    std::string key = "cpu,host=host" + std::to_string(h);
    strata::WriteBatch batch;
    for (int i = 0; i < kPoints; i++) {
      double usage = 20 + (i * 7 + h * 13) % 600 / 10.0;
      char value[sizeof(double)];
      std::memcpy(value, &usage, sizeof usage);
      batch.Put(key, kStart + i * kStep, std::string_view(value, 8));
    }
    absl::Status s = (*db)->Write(strata::WriteOptions(), batch);
    if (!s.ok()) {
      std::fprintf(stderr, "write: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  if (absl::Status s = (*db)->Flush(); !s.ok()) {
    std::fprintf(stderr, "flush: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("wrote %d points for %d hosts into %s\n", kHosts * kPoints,
              kHosts, dir.c_str());

  // Latest point per series.
  for (int h = 0; h < kHosts; h++) {
    std::string key = "cpu,host=host" + std::to_string(h);
    auto latest = (*db)->GetLatest(strata::ReadOptions(), key);
    if (!latest.ok()) {
      std::fprintf(stderr, "get_latest: %s\n",
                   std::string(latest.status().message()).c_str());
      return 1;
    }
    double v;
    std::memcpy(&v, latest->value.data(), sizeof v);
    std::printf("  %-16s last ts=%" PRId64 " usage=%.1f\n", key.c_str(),
                latest->ts, v);
  }

  // Mean of one series over one hour: only blocks in the window are read.
  strata::Stats before = (*db)->GetStats();
  strata::ScanRange window{"cpu,host=host3", "cpu,host=host3\x01",
                           kStart + 6 * 3600 * kStep / 10,
                           kStart + 7 * 3600 * kStep / 10};
  auto it = (*db)->NewIterator(strata::ReadOptions(), window);
  double sum = 0;
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    double v;
    std::memcpy(&v, it->value().data(), sizeof v);
    sum += v;
    n++;
  }
  strata::Stats after = (*db)->GetStats();
  std::printf(
      "host3 06:00-07:00: %d points, mean usage %.2f (blocks read %" PRIu64
      ", skipped by time %" PRIu64 ")\n",
      n, n ? sum / n : 0.0, after.blocks_read - before.blocks_read,
      after.blocks_skipped_time - before.blocks_skipped_time);
  return it->status().ok() ? 0 : 1;
}
