// Retention with TTLs: a default TTL for every write, a TTL on one write,
// and compaction deleting whole expired files without reading them.
//
// Expiry follows the Env's clock. To show days passing without waiting,
// the example runs the DB on a clock it moves by hand: a small EnvWrapper
// that forwards file I/O to the real Env and answers NowNanos() itself.
// The database goes to ./strata-retention-example (or argv[1]) and is
// replaced each run. Exits non-zero on any unexpected result.
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "strata/db.h"
#include "strata/env.h"
#include "strata/status.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "retention_example: %s\n", what.c_str());
  return 1;
}

// Real files, manual time. Thread-safe: the DB's background threads read
// the clock too (they drop expired files when idle).
class ManualClockEnv : public strata::EnvWrapper {
 public:
  explicit ManualClockEnv(int64_t now)
      : EnvWrapper(strata::Env::Default()), now_(now) {}
  int64_t NowNanos() override { return now_.load(); }
  void Advance(int64_t ns) { now_.fetch_add(ns); }

 private:
  std::atomic<int64_t> now_;
};

constexpr int64_t kHour = 3'600'000'000'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = 1'704'844'800'000'000'000;  // 2024-01-10T00:00Z

// Live records in the whole DB.
int CountLive(strata::DB* db) {
  auto it = db->NewIterator(strata::ReadOptions());
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  return it->status().ok() ? n : -1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "strata-retention-example";
  // Start from an empty database every run (NotFound: nothing to clear).
  if (absl::Status s = strata::DB::Destroy(dir);
      !s.ok() && !strata::IsNotFound(s)) {
    return Fail(s.ToString());
  }
  ManualClockEnv clock(kNow);
  strata::Options options;
  options.env = &clock;
  // Every write without its own expiry keeps 2 days, counted from the
  // record's timestamp (TtlBase::kTimestamp, the default): metrics style.
  options.default_ttl_ns = 2 * kDay;
  // One background thread keeps the counters printed below exact: with
  // two, both may drop the same expired file and count it twice.
  options.background_threads = 1;
  auto db = strata::DB::Open(options, dir);
  if (!db.ok()) return Fail(db.status().ToString());

  // 1. Default TTL. Hourly readings for the last 5 days: only the last 2
  // days are visible, older ones were expired the moment they arrived.
  strata::WriteBatch batch;
  for (int h = 0; h < 5 * 24; h++) {
    batch.Put("temp/lab", kNow - h * kHour, "21.5");  // Expiry::Default()
  }
  // 2. Per-write expiry: a session lives 30 minutes from its timestamp,
  // a configuration record never expires (and sits at timestamp 0).
  batch.Put("session/42", kNow, "token",
            strata::Expiry::Ttl(absl::Minutes(30)));
  batch.Put("config/site", 0, "north", strata::Expiry::Never());
  if (!(*db)->Write(strata::WriteOptions(), batch).ok()) return Fail("write");
  // 48 readings (the one exactly 2 days old expires at "now"), the
  // session and the configuration.
  int live = CountLive(db->get());
  std::printf("live records now: %d\n", live);
  if (live != 48 + 2) return Fail("expected 50 live records");

  clock.Advance(31 * 60'000'000'000LL);  // 31 minutes later...
  if (!strata::IsNotFound(
          (*db)->Get(strata::ReadOptions(), "session/42", kNow).status())) {
    return Fail("the session should have expired");
  }
  std::printf("after 31 minutes the session is gone\n");

  // 3. Compaction. SSTs are cut by time window (one day by default), so a
  // window whose records have all expired is one file, and background
  // compaction deletes it whole without reading it. After the flush, the
  // files of Jan 5, 6 and 7 hold nothing but expired readings.
  if (!(*db)->Flush().ok()) return Fail("flush");
  if (!(*db)->WaitForBackgroundWork().ok()) return Fail("background work");
  strata::Stats stats = (*db)->GetStats();
  std::printf("dropped %" PRIu64 " expired files (%" PRIu64
              " bytes) unread; "
              "%" PRIu64 " files remain\n",
              stats.files_dropped_ttl, stats.bytes_dropped_ttl,
              stats.live_files);
  if (stats.files_dropped_ttl != 3 || stats.live_files != 4) {
    return Fail("expected 3 files dropped and 4 left");
  }

  // Three days later every reading has expired too. Only the file of the
  // configuration record is left. (CompactRange(begin, end) would do the
  // same on demand, and rewrite partly expired files as well.)
  clock.Advance(3 * kDay);
  if (!(*db)->WaitForBackgroundWork().ok()) return Fail("background work");
  stats = (*db)->GetStats();
  live = CountLive(db->get());
  std::printf("3 days later: %d live record(s) in %" PRIu64 " file(s); %" PRIu64
              " files dropped in all\n",
              live, stats.live_files, stats.files_dropped_ttl);
  if (live != 1 || stats.live_files != 1 || stats.files_dropped_ttl != 6) {
    return Fail("expected only the configuration to remain");
  }
  return 0;
}
