// Time-window queries: reading one hour out of a week without reading the
// week.
//
// Part 1 uses the storage core: 20 sensors report every minute for 7 days;
// an iterator restricted by a ScanRange to one hour reads a few blocks and
// skips the rest by the min/max timestamps every block carries (counted in
// DB::GetStats). Part 2 asks a similar question in InfluxQL with GROUP BY
// time. The database goes to ./strata-time-window-example (or argv[1]) and
// is replaced each run. Exits non-zero on any unexpected result.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "strata/db.h"
#include "strata/series.h"
#include "strata/status.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "time_window_example: %s\n", what.c_str());
  return 1;
}

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kHour = 60 * kMinute;
// 2023-11-16T00:00Z: a multiple of 7 days, so the week below is one window.
constexpr int64_t kStart = 1'700'092'800'000'000'000;

// Reads [t0, t1) of every "sensor/" key; returns the records seen and the
// blocks the read loaded and skipped.
struct ScanCount {
  int records = 0;
  uint64_t blocks_read = 0, blocks_skipped = 0;
};
ScanCount Scan(strata::DB* db, int64_t t0, int64_t t1) {
  const strata::Stats before = db->GetStats();
  // Keys in ["sensor/", "sensor0") are exactly those starting "sensor/".
  strata::ScanRange range{"sensor/", "sensor0", t0, t1};
  auto it = db->NewIterator(strata::ReadOptions(), range);
  ScanCount c;
  for (it->SeekToFirst(); it->Valid(); it->Next()) c.records++;
  if (!it->status().ok()) c.records = -1;
  const strata::Stats after = db->GetStats();
  c.blocks_read = after.blocks_read - before.blocks_read;
  c.blocks_skipped = after.blocks_skipped_time - before.blocks_skipped_time;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "strata-time-window-example";
  // Start from an empty database every run (NotFound: nothing to clear).
  if (absl::Status s = strata::DB::Destroy(dir);
      !s.ok() && !strata::IsNotFound(s)) {
    return Fail(s.ToString());
  }
  strata::Options options;
  // SSTs are partitioned into time windows (one day by default); a window
  // of a week keeps this example's data in one file, so what you see below
  // is skipping inside a file, block by block.
  options.time_window_ns = 7 * 24 * kHour;
  // Small row-encoded blocks make the effect visible at this size. (Data
  // like this is columnar-encoded by default, ~10x denser per block.)
  options.block_encoding = strata::BlockEncodingChoice::kRow;
  options.block_size = 4096;
  auto db = strata::DB::Open(options, dir);
  if (!db.ok()) return Fail(db.status().ToString());

  // Part 1. One record per sensor and minute: key "sensor/NN", the value a
  // double. One batch per sensor.
  const int kSensors = 20, kMinutes = 7 * 24 * 60;
  for (int s = 0; s < kSensors; s++) {
    const std::string key = absl::StrFormat("sensor/%02d", s);
    strata::WriteBatch batch;
    for (int m = 0; m < kMinutes; m++) {
      double v = 20 + s + (m % 60) / 60.0;
      batch.Put(key, kStart + m * kMinute,
                std::string_view(reinterpret_cast<const char*>(&v), 8));
    }
    if (!(*db)->Write(strata::WriteOptions(), batch).ok()) return Fail("write");
  }
  // Flush so the reads below come from an SST (memtables have no blocks).
  if (!(*db)->Flush().ok()) return Fail("flush");

  // One hour on day 4, all sensors: 20 x 60 records.
  const int64_t t0 = kStart + 3 * 24 * kHour + 13 * kHour;
  ScanCount hour = Scan(db->get(), t0, t0 + kHour);
  // The whole week, for comparison.
  ScanCount week =
      Scan(db->get(), strata::kMinTimestamp, strata::kMaxTimestamp);
  std::printf("one hour: %d records, %" PRIu64 " blocks read, %" PRIu64
              " skipped by time\n",
              hour.records, hour.blocks_read, hour.blocks_skipped);
  std::printf("one week: %d records, %" PRIu64 " blocks read\n", week.records,
              week.blocks_read);
  if (hour.records != kSensors * 60 || week.records != kSensors * kMinutes) {
    return Fail("wrong record counts");
  }
  // Blocks outside the hour are passed over by the time range in the
  // SST's index, without being loaded.
  if (hour.blocks_skipped == 0 || hour.blocks_read * 20 > week.blocks_read) {
    return Fail("the hour should read a small share of the blocks");
  }

  // Part 2. The same kind of question in InfluxQL: 15-minute means of one
  // boiler's temperature over an hour, from line protocol points.
  auto ts = strata::TimeSeries::Open(db->get());
  if (!ts.ok()) return Fail(ts.status().ToString());
  std::string lines;
  for (int m = 0; m < 24 * 60; m++) {
    // Temperature climbs by 0.1 per minute within each hour.
    lines += absl::StrFormat("boiler,site=north temp=%.1f %d\n",
                             60 + (m % 60) / 10.0, kStart + m * kMinute);
  }
  if (!(*ts)->WriteLineProtocol(lines).ok()) return Fail("line protocol");
  auto r = (*ts)->Query(
      "SELECT mean(temp) FROM boiler WHERE time >= '2023-11-16T06:00:00Z' "
      "AND time < '2023-11-16T07:00:00Z' GROUP BY time(15m)");
  if (!r.ok() || !r->results.at(0).error.ok()) return Fail("query");
  const auto& rows = r->results[0].series.at(0).values;
  if (rows.size() != 4) return Fail("expected four 15-minute buckets");
  for (size_t i = 0; i < rows.size(); i++) {
    // Bucket i covers minutes 15i..15i+14: mean 60 + (15i + 7) / 10.
    double mean = std::get<double>(rows[i][1]);
    std::printf("06:%02zu  mean temp %.2f\n", i * 15, mean);
    if (mean < 60 + (15 * i + 7) / 10.0 - 1e-9 ||
        mean > 60 + (15 * i + 7) / 10.0 + 1e-9) {
      return Fail("wrong 15-minute mean");
    }
  }
  return 0;
}
