// Series retention reclaimed through DB retention rules
// (series/retention_rules.h): points written with no expiry leave the disk
// once a retention is set or shortened and the clock moves, by background
// compaction alone, whole files unread where a file is all dead; overrides
// nest inside the default; catalog and docs keys are never touched.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "series/key_codec.h"
#include "series/retention_rules.h"
#include "strata/db.h"
#include "strata/series.h"

namespace strata {
namespace {

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kHour = 60 * kMinute;

class RetentionReclaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrFormat(
        "/tmp/strata-retention-series-%d-%s", getpid(),
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    // Hour-aligned, so each hourly window is either all dead or almost all
    // alive, and counts are exact.
    clock_ = std::make_unique<ManualClockEnv>(
        Env::Default(),
        (ManualClockEnv::kDefaultStartNanos / kHour + 1) * kHour);
    options_.env = clock_.get();
    options_.time_window_ns = kHour;
    options_.write_buffer_size = 4 << 20;
    options_.background_threads = 1;
    ts_options_.env = clock_.get();
  }
  void TearDown() override {
    ts_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    ts_.reset();
    db_.reset();
    auto db = DB::Open(options_, dir_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto ts = TimeSeries::Open(db_.get(), ts_options_);
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = std::move(*ts);
    // What SeriesStore::Open does once wired (see the report).
    ASSERT_TRUE(series::RegisterRetentionRules(db_.get(),
                                               ts_options_.default_retention_ns)
                    .ok());
  }
  // Points every minute for `hours` hours before now, for 4 hosts. A
  // retention of R hours keeps R * 60 - 1 of them per host (ts + R <= now
  // is dead).
  void WriteHistory(std::string_view measurement, int hours) {
    const int64_t now = clock_->NowNanos();
    std::string lp;
    for (int64_t t = now - hours * kHour; t < now; t += kMinute) {
      for (int h = 0; h < 4; h++) {
        absl::StrAppendFormat(&lp, "%s,host=h%d value=%d.5 %d\n", measurement,
                              h, (t / kMinute) % 1000, t);
      }
      if (lp.size() > (1 << 20)) {
        ASSERT_TRUE(ts_->WriteLineProtocol(lp).ok());
        lp.clear();
      }
    }
    ASSERT_TRUE(ts_->WriteLineProtocol(lp).ok());
    ASSERT_TRUE(db_->Flush().ok());
  }
  int64_t Count(std::string_view measurement) {
    auto r =
        ts_->Query(absl::StrFormat("SELECT count(value) FROM %s", measurement));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || r->results.empty() || r->results[0].series.empty()) {
      return 0;
    }
    return std::get<int64_t>(r->results[0].series[0].values[0][1]);
  }
  uint64_t DiskBytes() {
    uint64_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".sst") total += e.file_size();
    }
    return total;
  }

  std::string dir_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

TEST_F(RetentionReclaimTest, ShortenedRetentionIsReclaimedInTheBackground) {
  Open();
  WriteHistory("cpu", 48);  // no retention: written without expiry
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  ASSERT_EQ(Count("cpu"), 48 * 60 * 4);
  const Stats before = db_->GetStats();
  const uint64_t disk_before = DiskBytes();

  // Persist the override, then register its rule (SetRetention's wiring).
  ASSERT_TRUE(ts_->SetRetention("cpu", 12 * kHour).ok());
  ASSERT_TRUE(
      series::SetMeasurementRetentionRule(db_.get(), "cpu", 12 * kHour).ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  // The 36 old hourly windows went whole, unread.
  EXPECT_GE(after.files_dropped_retention, 36u);
  EXPECT_EQ(after.blocks_read, before.blocks_read);
  EXPECT_EQ(after.compaction_bytes_read, before.compaction_bytes_read);
  EXPECT_EQ(Count("cpu"), (12 * 60 - 1) * 4);
  const uint64_t disk_after = DiskBytes();
  EXPECT_LT(disk_after, disk_before * 2 / 5);

  // Time moves on: 6 more hours of windows fall out, with no manual work.
  clock_->Advance(6 * kHour);
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  EXPECT_LT(DiskBytes(), disk_after * 3 / 5);
  EXPECT_EQ(Count("cpu"), (6 * 60 - 1) * 4);
}

TEST_F(RetentionReclaimTest, OverridesNestInsideTheDefaultAcrossReopen) {
  Open();
  WriteHistory("cpu", 30);
  WriteHistory("mem", 30);
  // A docs-family key with an old timestamp: no rule may touch it.
  const std::string doc = std::string(1, '\x20') + "doc-1";
  ASSERT_TRUE(
      db_->Put(WriteOptions(), doc, clock_->NowNanos() - 29 * kHour, "{}")
          .ok());
  ASSERT_TRUE(ts_->SetRetention("mem", 20 * kHour).ok());
  ASSERT_TRUE(db_->Flush().ok());

  // Reopen with a 10 h default: rules are registered again from scratch.
  ts_options_.default_retention_ns = 10 * kHour;
  Open();
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  EXPECT_EQ(Count("cpu"), (10 * 60 - 1) * 4);
  EXPECT_EQ(Count("mem"), (20 * 60 - 1) * 4);  // the longer override wins

  // Core-level view, with the series clamp out of the way: only what the
  // rules keep is on disk, and the docs key and catalog are intact.
  ASSERT_TRUE(series::RegisterRetentionRules(db_.get(), 0).ok());
  ASSERT_TRUE(series::SetMeasurementRetentionRule(db_.get(), "mem", 0).ok());
  const int64_t now = clock_->NowNanos();
  auto oldest = [&](std::string_view m) {
    const std::string b = series::MeasurementPrefix(series::kDataTag, m);
    auto it = db_->NewIterator(ReadOptions(),
                               ScanRange{b, series::PrefixSuccessor(b)});
    Timestamp min = kMaxTimestamp;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      min = std::min(min, it->timestamp());
    }
    EXPECT_TRUE(it->status().ok());
    return min;
  };
  EXPECT_EQ(oldest("cpu"), now - 10 * kHour + kMinute);
  EXPECT_EQ(oldest("mem"), now - 20 * kHour + kMinute);
  auto d = db_->Get(ReadOptions(), doc, now - 29 * kHour);
  EXPECT_TRUE(d.ok()) << d.status();
  auto show = ts_->Query("SHOW MEASUREMENTS");
  ASSERT_TRUE(show.ok()) << show.status();
  ASSERT_EQ(show->results[0].series.size(), 1u);
  EXPECT_EQ(show->results[0].series[0].values.size(), 2u);
}

TEST_F(RetentionReclaimTest, MalformedOverrideIsReportedWithItsKey) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), series::RetentionKey("bad"),
                       series::kCatalogTs, "")
                  .ok());
  absl::Status s = series::RegisterRetentionRules(db_.get(), 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  // The key, escaped: 0x15 "bad" component.
  EXPECT_NE(std::string(s.message())
                .find("retention record: key "
                      "\"\\x15\\x62\\x61\\x64"),
            std::string::npos)
      << s;
}

}  // namespace
}  // namespace strata
