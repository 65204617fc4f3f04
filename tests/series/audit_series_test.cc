// Acceptance audit of issue 4 (time series) through the public API only
// (include/strata/*.h): all-or-nothing line protocol batches, field merge,
// typed results, default timestamps, DELETE/DROP, row limits, the key
// layout, block touching and series-index use asserted with the DB's stats
// counters, bytes per point, streaming memory, and retention with an
// injected clock. InfluxQL answers are in audit_query_test.cc;
// docs/acceptance.md maps every point of the issue to its test.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "series/audit_series_fixture.h"
#include "series/audit_support.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/point.h"
#include "strata/series.h"
#include "strata/stats.h"

namespace strata::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------
// Ingest through the public API.

TEST_F(AuditSeriesTest, LineProtocolBatchIsAllOrNothingUnlessSkipInvalid) {
  Open();
  WriteSeconds("m,h=a v=1 1\n");
  const char* batch =
      "m,h=a v=2 2\n"
      "# a comment, then a blank line\n"
      "\n"
      "m,h=b v=3,w=\"ok\" 3\n"
      "m,h=c v=\"oops\" 4\n"  // type conflict: v is a float
      "m,h=d v=5 5 6\n"       // junk after the timestamp
      "n x=1i 7\n";
  LineProtocolWriteOptions o;
  o.precision = "s";
  auto r = Lp(batch, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  // The first bad line (5: type conflict; 6: syntax) is named.
  EXPECT_THAT(std::string(r.status().message()),
              MatchesRegex("line [56], column [0-9]+: .+"));
  // Nothing of it: no point, no series, no measurement, no field.
  EXPECT_EQ(Q("SELECT v FROM m"), "m time,v|1s 1");
  EXPECT_EQ(Q("SHOW MEASUREMENTS"), "measurements name|'m'");
  EXPECT_EQ(Q("SHOW SERIES"), " key|'m,h=a'");
  EXPECT_EQ(Q("SHOW FIELD KEYS"), "m fieldKey,fieldType|'v' 'float'");

  o.skip_invalid = true;
  r = Lp(batch, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->points_written, 3u);
  EXPECT_EQ(r->values_written, 4u);
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_THAT(r->rejected[0], StartsWith("line 5, column "));
  EXPECT_THAT(r->rejected[0], HasSubstr("field type conflict"));
  EXPECT_THAT(r->rejected[1], StartsWith("line 6, column "));
  EXPECT_EQ(Q("SELECT v FROM m"), "m time,v|1s 1|2s 2|3s 3");
  EXPECT_EQ(Q("SELECT x FROM n"), "n time,x|7s 1i");
}

TEST_F(AuditSeriesTest, SameSeriesAndTimeMergesFieldsLastWriteWins) {
  Open();
  // Tag order does not make another series.
  WriteSeconds("m,a=1,b=2 x=1,y=1 10\nm,b=2,a=1 y=2,z=3 10\n");
  std::vector<Point> points = {
      {"m", {{"b", "2"}, {"a", "1"}}, {{"x", FieldValue::Float(9)}}, 10 * kSec},
  };
  ASSERT_TRUE(ts_->WritePoints(points).ok());
  EXPECT_EQ(Q("SELECT * FROM m"), "m time,a,b,x,y,z|10s '1' '2' 9 2 3");
  EXPECT_EQ(Q("SHOW SERIES"), " key|'m,a=1,b=2'");
}

TEST_F(AuditSeriesTest, TypedResultsForEveryFieldType) {
  Open();
  std::vector<Point> points = {
      {"t",
       {{"k", "v"}},
       {{"f", FieldValue::Float(1.5)},
        {"i", FieldValue::Integer(-7)},
        {"u", FieldValue::Unsigned(18'446'744'073'709'551'615u)},
        {"b", FieldValue::Boolean(true)},
        {"s", FieldValue::String("hi, \"you\"")}},
       kSec},
  };
  ASSERT_TRUE(ts_->WritePoints(points).ok());  // a batch of one
  auto r = ts_->Query("SELECT f, i, u, b, s FROM t");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results.size(), 1u);
  ASSERT_EQ(r->results[0].series.size(), 1u);
  const auto& row = r->results[0].series[0].values.at(0);
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(std::get<int64_t>(row[0]), kSec);
  EXPECT_EQ(std::get<double>(row[1]), 1.5);
  EXPECT_EQ(std::get<int64_t>(row[2]), -7);
  EXPECT_EQ(std::get<uint64_t>(row[3]), 18'446'744'073'709'551'615u);
  EXPECT_EQ(std::get<bool>(row[4]), true);
  EXPECT_EQ(std::get<std::string>(row[5]), "hi, \"you\"");
  // A conflicting type is a clear error naming field and measurement.
  absl::Status st =
      ts_->WritePoints({{"t", {}, {{"i", FieldValue::Float(1)}}, 2 * kSec}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("field type conflict: input field \"i\" on "
                        "measurement \"t\" is type float, already exists as "
                        "type integer"));
}

TEST_F(AuditSeriesTest, DefaultTimestampIsTheInjectedNowAtPrecision) {
  Open();
  clock_->Set(1'700'000'123 * kSec + 456'789'123);
  struct Case {
    const char* precision;
    const char* line;
    int64_t want;
  };
  const Case cases[] = {
      {"ns", "ns v=1", 1'700'000'123 * kSec + 456'789'123},
      {"us", "us v=1", 1'700'000'123 * kSec + 456'789'000},
      {"ms", "ms v=1", 1'700'000'123 * kSec + 456'000'000},
      {"s", "s v=1", 1'700'000'123 * kSec},
      {"ms", "ms2 v=1 1700000123001", 1'700'000'123 * kSec + 1'000'000},
      {"us", "us2 v=1 -5", -5'000},
  };
  for (const Case& c : cases) {
    LineProtocolWriteOptions o;
    o.precision = c.precision;
    auto r = Lp(c.line, o);
    ASSERT_TRUE(r.ok()) << c.line << ": " << r.status();
    const std::string m(c.line, std::string_view(c.line).find(' '));
    auto q = ts_->Query("SELECT v FROM " + m);
    ASSERT_TRUE(q.ok()) << q.status();
    ASSERT_EQ(q->results.at(0).series.size(), 1u) << c.line;
    EXPECT_EQ(std::get<int64_t>(q->results[0].series[0].values.at(0).at(0)),
              c.want)
        << c.line;
  }
}

TEST_F(AuditSeriesTest, DeleteAndDropStatementsThroughQuery) {
  Open();
  WriteSeconds(
      "cpu,host=a v=1 10\ncpu,host=a v=2 20\ncpu,host=b v=3 10\n"
      "cpu,host=b v=4 30\nmem,host=a f=1i 10\nmem,host=a f=2i 40\n");
  // DELETE with only a time condition applies to every measurement.
  EXPECT_EQ(Q("DELETE WHERE time < 15s"), "");
  EXPECT_EQ(Q("SELECT v FROM cpu"), "cpu time,v|20s 2|30s 4");
  EXPECT_EQ(Q("SELECT f FROM mem"), "mem time,f|40s 2i");
  // DELETE FROM with a tag and time.
  EXPECT_EQ(Q("DELETE FROM cpu WHERE host = 'b' AND time >= 30s"), "");
  EXPECT_EQ(Q("SHOW SERIES FROM cpu"), " key|'cpu,host=a'");
  // DROP SERIES by tag, then DROP MEASUREMENT; the type may change after.
  EXPECT_EQ(Q("DROP SERIES FROM cpu WHERE host = 'a'"), "");
  EXPECT_EQ(Q("SELECT v FROM cpu"), "");
  EXPECT_EQ(Q("DROP MEASUREMENT mem"), "");
  EXPECT_EQ(Q("SHOW MEASUREMENTS"), "");
  WriteSeconds("mem,host=a f=\"now a string\" 50\n");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM mem"),
            "mem fieldKey,fieldType|'f' 'string'");
  EXPECT_EQ(Q("SHOW TAG VALUES FROM mem WITH KEY = \"host\""),
            "mem key,value|'host' 'a'");
}

TEST_F(AuditSeriesTest, ResultRowLimitIsAStatementError) {
  ts_options_.max_result_rows = 100;
  Open();
  std::string text;
  for (int i = 0; i < 150; ++i) text += absl::StrFormat("m v=%d %d\n", i, i);
  ASSERT_TRUE(Lp(text).ok());
  auto r = ts_->Query("SELECT v FROM m; SELECT count(v) FROM m");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results.size(), 2u);
  EXPECT_EQ(r->results[0].error.code(), absl::StatusCode::kResourceExhausted)
      << r->results[0].error;
  EXPECT_EQ(Render(r->results[1]), "m time,count|0s 150i");
  // A LIMIT within the bound is fine.
  auto ok = ts_->Query("SELECT v FROM m LIMIT 100 OFFSET 49");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_TRUE(ok->results.at(0).error.ok()) << ok->results[0].error;
  ASSERT_EQ(ok->results[0].series.size(), 1u);
  EXPECT_EQ(ok->results[0].series[0].values.size(), 100u);
  EXPECT_EQ(std::get<int64_t>(ok->results[0].series[0].values[0][0]), 49);
}

// InfluxDB 1.x refuses a point whose only field is "time" ("invalid field
// name: input field "time" on measurement "m" is invalid") and a point with
// a tag "time" ("invalid tag key: ..."), and skips a "time" field next to
// others; "time" is the result's first column and cannot be a name.
// Strata used to accept all three, so SELECT * returned two columns named
// "time". The Point API refuses any "time" key.
TEST_F(AuditSeriesTest, TimeIsNotAValidFieldOrTagKey) {
  Open();
  auto only_time = Lp("t time=1 5");
  EXPECT_EQ(only_time.status().code(), absl::StatusCode::kInvalidArgument)
      << only_time.status();
  EXPECT_THAT(std::string(only_time.status().message()), HasSubstr("\"time\""));
  auto tag = Lp("t,time=x v=1 5");
  EXPECT_EQ(tag.status().code(), absl::StatusCode::kInvalidArgument)
      << tag.status();
  EXPECT_EQ(std::string(tag.status().message()),
            "line 1, column 3: invalid tag key \"time\": it names the "
            "timestamp");
  EXPECT_FALSE(
      ts_->WritePoints({{"t", {}, {{"time", FieldValue::Float(1)}}, 5}}).ok());
  EXPECT_FALSE(ts_->WritePoints({{"t",
                                  {},
                                  {{"v", FieldValue::Float(1)},
                                   {"time", FieldValue::Float(1)}},
                                  5}})
                   .ok());
  EXPECT_FALSE(
      ts_->WritePoints(
             {{"t", {{"time", "x"}}, {{"v", FieldValue::Float(1)}}, 5}})
          .ok());
  auto mixed = Lp("t time=1,v=2 6");
  EXPECT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(Q("SELECT * FROM t"), "t time,v|6ns 2");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM t"), "t fieldKey,fieldType|'v' 'float'");
}

// InfluxDB 1.x's line splitter (models.scanLine) does not end a line at a
// newline inside a quoted string field value, so `m s="a<LF>b" 1` is one
// point whose string holds a newline, and InfluxDB's own writers emit such
// lines (only '"' and '\\' are escaped in string fields).
//
// BUG (owner: compat, line protocol parser): Strata ends the line there
// and rejects it ("unterminated string value"); line_protocol_test's
// newline_ends_string case and src/series/line_protocol.h ("A newline can
// never be part of a value") encode the deviation.
TEST_F(AuditSeriesTest, DISABLED_NewlineInsideAQuotedStringFieldIsPartOfIt) {
  Open();
  auto r = Lp("m s=\"a\nb\",v=1 1\nm v=2 2\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->points_written, 2u);
  EXPECT_EQ(Q("SELECT s, v FROM m"), "m time,s,v|1ns 'a\nb' 1|2ns - 2");
}

// ---------------------------------------------------------------------------
// Storage: queries touch only blocks overlapping their window, tag
// predicates go through the series index, and points are stored compactly.

class AuditStorageTest : public AuditSeriesTest {
 protected:
  void SetUp() override {
    AuditSeriesTest::SetUp();
    db_options_.block_size = 256;
    db_options_.columnar_block_size = 1024;
    db_options_.block_cache_bytes = 0;
    Open();
  }

  // count of points per second from t0 for n seconds, for each host.
  void WriteRegular(int hosts, int n) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      for (int h = 0; h < hosts; ++h) {
        text += absl::StrFormat("m,host=h%02d v=%d.%02d %d\n", h,
                                (i * 7 + h) % 100, (i * 13) % 100, i);
      }
      if (text.size() > (1 << 20)) {
        WriteSeconds(text);
        text.clear();
      }
    }
    WriteSeconds(text);
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CompactRange("", "").ok());
  }
};

// The layout of schema/series.md as a user of the DB sees it: data keys
// are 0x10 comp(measurement) be64(series) be32(field), so each field of a
// series is one key whose records come in time order, and the keys of one
// measurement are one contiguous run, however the points were written.
TEST_F(AuditStorageTest, SeriesPointsAreContiguousInTimeOrder) {
  std::string text;
  uint64_t state = 7;
  for (int i = 0; i < 3000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const int t = static_cast<int>((state >> 33) % 100000);  // any order
    text += absl::StrFormat("cpu,host=h%d u=%d,s=%di %d\n", i % 3, i, i, t);
    text += absl::StrFormat("mem,host=h%d f=%d %d\n", i % 2, i, t);
    text += absl::StrFormat("cpv x=%d %d\n", i, t);  // sorts next to cpu
  }
  WriteSeconds(text);
  for (int pass = 0; pass < 2; ++pass) {
    auto it = db_->NewIterator(ReadOptions(), ScanRange{"\x10", "\x11"});
    std::vector<std::string> runs;  // measurement of each run of keys
    std::string last_key;
    int64_t last_ts = 0;
    uint64_t records = 0, keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++records) {
      const std::string key(it->key());
      const size_t end = key.find(std::string("\0\x01", 2));
      ASSERT_NE(end, std::string::npos);
      ASSERT_EQ(key.size(), end + 2 + 8 + 4) << "series id + field id";
      const std::string m = key.substr(1, end - 1);
      if (runs.empty() || runs.back() != m) runs.push_back(m);
      if (key == last_key) {
        EXPECT_GT(it->timestamp(), last_ts) << m;
      } else {
        EXPECT_GT(key, last_key);
        ++keys;
      }
      last_key = key;
      last_ts = it->timestamp();
    }
    ASSERT_TRUE(it->status().ok()) << it->status();
    EXPECT_EQ(runs, (std::vector<std::string>{"cpu", "cpv", "mem"}));
    EXPECT_EQ(keys, 3u * 2 + 1 + 2);  // fields x series
    // Points at equal times in one series merged; so count distinct ones.
    EXPECT_LE(records, 4u * 3000);
    EXPECT_GT(records, 3u * 3000);
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CompactRange("", "").ok());
  }
}

TEST_F(AuditStorageTest, WindowQueryTouchesOnlyOverlappingBlocks) {
  constexpr int kPoints = 40'000;
  WriteRegular(1, kPoints);
  const Stats s0 = db_->GetStats();
  EXPECT_EQ(Q("SELECT count(v) FROM m"), "m time,count|0s 40000i");
  const Stats s1 = db_->GetStats();
  const uint64_t all_blocks = s1.blocks_read - s0.blocks_read;
  ASSERT_GE(all_blocks, 50u) << "test needs many blocks";
  // 1% of the time range, in the middle.
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= 20000s AND "
              "time < 20400s"),
            "m time,count|20000s 400i");
  const Stats s2 = db_->GetStats();
  const uint64_t window_blocks = s2.blocks_read - s1.blocks_read;
  const double overlapping = all_blocks * 0.01;
  std::printf("blocks read: whole series %lu, 1%% window %lu\n", all_blocks,
              window_blocks);
  EXPECT_LE(window_blocks, overlapping + 3) << "of " << all_blocks;
  EXPECT_GE(window_blocks, 1u);
  // Descending order reads the same blocks.
  EXPECT_EQ(Q("SELECT v FROM m WHERE time >= 20000s AND time < 20400s "
              "ORDER BY time DESC LIMIT 1"),
            absl::StrFormat("m time,v|20399s %d.%02d", 20399 * 7 % 100,
                            20399 * 13 % 100));
  const Stats s3 = db_->GetStats();
  EXPECT_LE(s3.blocks_read - s2.blocks_read, overlapping + 3);
  // A window past the data reads nothing of it.
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= 50000s AND "
              "time < 60000s"),
            "");
  EXPECT_LE(db_->GetStats().blocks_read - s3.blocks_read, 2u);
}

TEST_F(AuditStorageTest, TagPredicateReadsOnlyMatchingSeries) {
  constexpr int kHosts = 40;
  WriteRegular(kHosts, 1000);
  const uint64_t b0 = BlocksRead();
  EXPECT_EQ(Q("SELECT count(v) FROM m"), "m time,count|0s 40000i");
  const uint64_t all_blocks = BlocksRead() - b0;
  const uint64_t b1 = BlocksRead();
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE host = 'h07'"),
            "m time,count|0s 1000i");
  const uint64_t one_host = BlocksRead() - b1;
  const uint64_t b2 = BlocksRead();
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE host =~ /^h0[78]$/"),
            "m time,count|0s 2000i");
  const uint64_t two_hosts = BlocksRead() - b2;
  std::printf("blocks read: all hosts %lu, one host %lu, two hosts %lu\n",
              all_blocks, one_host, two_hosts);
  ASSERT_GE(all_blocks, 4u * kHosts);
  EXPECT_LE(one_host, all_blocks / kHosts + 3);
  EXPECT_LE(two_hosts, 2 * all_blocks / kHosts + 4);
}

TEST_F(AuditSeriesTest, RegularMetricsTakeAtMostThreeBytesPerPoint) {
  // A day of 10 s samples for 8 series x 4 fields, values like CPU gauges
  // (random walks with two decimals), as the benchmark's; default options.
  Open();
  constexpr int kSeries = 8, kFields = 4, kSteps = 8640;
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<int>((state >> 33) % 201) - 100;  // -100..100
  };
  std::vector<std::vector<int64_t>> walk(kSeries,
                                         std::vector<int64_t>(kFields, 5000));
  std::string text;
  for (int step = 0; step < kSteps; ++step) {
    for (int s = 0; s < kSeries; ++s) {
      text += absl::StrFormat("cpu,host=host_%d,region=r%d ", s, s % 3);
      for (int f = 0; f < kFields; ++f) {
        int64_t& v = walk[s][f];
        v = std::clamp<int64_t>(v + next(), 0, 10000);
        text +=
            absl::StrFormat("%sf%d=%d.%02d", f ? "," : "", f, v / 100, v % 100);
      }
      text += absl::StrFormat(" %d\n", 1'700'000'000 + step * 10);
    }
    if (text.size() > (1 << 20)) {
      WriteSeconds(text);
      text.clear();
    }
  }
  WriteSeconds(text);
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  const Stats s = db_->GetStats();
  const double points = double{kSeries} * kFields * kSteps;
  const double per_point = s.live_bytes / points;
  std::printf("%.0f points in %lu bytes of SSTs: %.2f bytes/point\n", points,
              s.live_bytes, per_point);
  EXPECT_LE(per_point, 3.0);
  EXPECT_EQ(Q("SELECT count(f3) FROM cpu"), "cpu time,count|0s 69120i");
}

// ---------------------------------------------------------------------------
// Streaming: the heap a query needs does not grow with the points it
// scans. 10x more points may raise the peak by at most 256 KiB, while the
// data grow by megabytes; the block cache is off so it cannot grow with
// data read, and a first query opens the tables (their index and filter
// blocks are per-file metadata, not per-query state).

TEST_F(AuditStorageTest, QueriesStreamWithoutGrowingWithPointsScanned) {
  struct Peaks {
    int64_t aggregate = 0;
    int64_t buckets = 0;
    int64_t limited_raw = 0;
  };
  auto measure = [&](int n) {
    Peaks p;
    const std::string m = absl::StrFormat("m%d", n);
    std::string text;
    for (int i = 0; i < n; ++i) {
      text += absl::StrFormat("%s,host=h%d v=%d.5,w=%di %d\n", m, i % 4,
                              (i * 31) % 1000, i, i);
      if (text.size() > (1 << 20)) {
        WriteSeconds(text);
        text.clear();
      }
    }
    WriteSeconds(text);
    EXPECT_TRUE(db_->Flush().ok());
    EXPECT_TRUE(db_->WaitForBackgroundWork().ok());
    auto run = [&](const std::string& q) {
      auto warm = ts_->Query(q);  // opens the tables
      EXPECT_TRUE(warm.ok());
      ResetHeapPeak();
      auto r = ts_->Query(q);
      EXPECT_TRUE(r.ok()) << r.status();
      EXPECT_FALSE(r->results.at(0).series.empty()) << q;
      return HeapPeakAboveReset();
    };
    p.aggregate = run(absl::StrFormat(
        "SELECT count(v), mean(v), max(v), sum(w), spread(w) FROM %s", m));
    // Always 10 buckets, whatever the number of points.
    p.buckets = run(absl::StrFormat(
        "SELECT mean(v) FROM %s WHERE time >= 0 AND time < %ds GROUP BY "
        "time(%ds), host",
        m, n, n / 10));
    p.limited_raw = run(absl::StrFormat("SELECT v, w FROM %s LIMIT 10", m));
    return p;
  };
  const Peaks small = measure(20'000);
  const Peaks large = measure(200'000);
  std::printf(
      "peak query heap 20k -> 200k points: aggregate %ld -> %ld, "
      "10 buckets x 4 hosts %ld -> %ld, raw LIMIT 10 %ld -> %ld bytes\n",
      small.aggregate, large.aggregate, small.buckets, large.buckets,
      small.limited_raw, large.limited_raw);
  constexpr int64_t kSlack = 256 << 10;
  EXPECT_LE(large.aggregate, small.aggregate + kSlack);
  EXPECT_LE(large.buckets, small.buckets + kSlack);
  EXPECT_LE(large.limited_raw, small.limited_raw + kSlack);
}

// ---------------------------------------------------------------------------
// Retention with an injected clock: default and per-measurement override,
// invisible at once by point timestamp, reclaimed by compaction.

TEST_F(AuditSeriesTest, RetentionHidesAtOnceAndCompactionReclaims) {
  ts_options_.default_retention_ns = 3600 * kSec;
  Open();
  ASSERT_TRUE(ts_->SetRetention("keep", 48 * 3600 * kSec).ok());
  const int64_t now = 1'000'000 * kSec;
  clock_->Set(now);
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    // -2h+1s .. -20min: no point on a retention boundary.
    const int64_t t = now - 2 * 3600 * kSec + i * 3 * kSec + kSec;
    text += absl::StrFormat("short v=%d %d\nkeep v=%d %d\n", i, t, i, t);
  }
  ASSERT_TRUE(Lp(text).ok());
  ASSERT_TRUE(db_->Flush().ok());
  // now - 1h: points from -2h up to (but not) -1h are invisible at once.
  EXPECT_EQ(Q("SELECT count(v) FROM short"), "short time,count|0s 800i");
  EXPECT_EQ(Q("SELECT count(v) FROM keep"), "keep time,count|0s 2000i");
  EXPECT_EQ(Q("SELECT count(v) FROM short WHERE time < now() - 1h"), "");
  // The clock moves: more of short expires, keep stays.
  clock_->Advance(30 * 60 * kSec);
  EXPECT_EQ(Q("SELECT count(v) FROM short"), "short time,count|0s 200i");
  EXPECT_EQ(Q("SELECT count(v) FROM keep"), "keep time,count|0s 2000i");
  // Shortening an override applies at once to points already written.
  ASSERT_TRUE(ts_->SetRetention("keep", 3600 * kSec + 15 * 60 * kSec).ok());
  EXPECT_EQ(Q("SELECT count(v) FROM keep"), "keep time,count|0s 500i");
  // Compaction reclaims what retention hid: a CompactRange, or the
  // background work that a shortened retention already woke (so count from
  // the open, and compare the disk with what the flush wrote).
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  const uint64_t reclaimed = after.dropped_retention + after.dropped_expired;
  EXPECT_GT(reclaimed + after.files_dropped_retention, 0u)
      << "dropped_retention " << after.dropped_retention << " expired "
      << after.dropped_expired << " files " << after.files_dropped_retention;
  EXPECT_LT(after.live_bytes, after.flush_bytes);
  EXPECT_EQ(Q("SELECT count(v) FROM short"), "short time,count|0s 200i");
  EXPECT_EQ(Q("SELECT count(v) FROM keep"), "keep time,count|0s 500i");
}

// Issue 4, Retention: "points older than now - duration (by point
// timestamp) are invisible at once and reclaimed by compaction". Points
// written while no retention applied carry no expiry, so only the DB
// retention rules (schema/series.md "Retention") can reclaim them; this
// drives that through the public API alone: TimeSeries::SetRetention, and
// TimeSeries::Open with a default retention after a reopen.
// (This found the rules unregistered by TimeSeries; fixed.) Background
// compaction may reclaim before CompactRange does: the counts are since
// the open.
TEST_F(AuditSeriesTest, RetentionSetLaterReclaimsPointsWrittenWithoutExpiry) {
  Open();
  const int64_t now = 1'000'000 * kSec;
  clock_->Set(now);
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    const int64_t t = now - 2 * 3600 * kSec + i * 3 * kSec + kSec;
    text += absl::StrFormat("old v=%d %d\nother v=%d %d\n", i, t, i, t);
  }
  ASSERT_TRUE(Lp(text).ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(ts_->SetRetention("old", 3600 * kSec).ok());
  EXPECT_EQ(Q("SELECT count(v) FROM old"), "old time,count|0s 800i");
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  EXPECT_GE(after.dropped_retention, 1200u)
      << "files dropped " << after.files_dropped_retention;
  EXPECT_EQ(Q("SELECT count(v) FROM other"), "other time,count|0s 2000i");

  // A default retention given at open applies to what is already stored.
  ts_options_.default_retention_ns = 3600 * kSec;
  Open();
  EXPECT_EQ(Q("SELECT count(v) FROM other"), "other time,count|0s 800i");
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after2 = db_->GetStats();
  EXPECT_GE(after2.dropped_retention, 1200u);
}

}  // namespace
}  // namespace strata::audit
