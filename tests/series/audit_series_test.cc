// Acceptance audit of issue 4 (time series) through the public API only
// (include/strata/*.h): end-to-end InfluxQL answers over real storage,
// all-or-nothing line protocol batches, typed results, block touching and
// series-index use asserted with the DB's stats counters, streaming memory,
// bytes per point, syntax error positions and retention with an injected
// clock. docs/acceptance.md maps every point of the issue to its test.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/point.h"
#include "strata/series.h"
#include "strata/stats.h"

// ---------------------------------------------------------------------------
// Heap accounting for "memory does not grow with the number of points
// scanned": live bytes and their peak, counted by malloc_usable_size.

namespace {
std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};

void* CountedAlloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const int64_t size = static_cast<int64_t>(malloc_usable_size(p));
  const int64_t live = g_live_bytes.fetch_add(size) + size;
  int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return p;
}

void CountedFree(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return CountedAlloc(n); }
void* operator new[](size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { CountedFree(p); }

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr int64_t kSec = 1'000'000'000;

// A clock a user would inject.
class FakeClockEnv : public EnvWrapper {
 public:
  explicit FakeClockEnv(Env* base) : EnvWrapper(base) {}
  int64_t NowNanos() override { return now_.load(); }
  void Set(int64_t ns) { now_ = ns; }
  void Advance(int64_t ns) { now_ += ns; }

 private:
  std::atomic<int64_t> now_{100 * kSec};
};

// One value as text: null "-", integers with their InfluxDB suffix.
std::string Cell(const QueryValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "-";
        } else if constexpr (std::is_same_v<T, double>) {
          return absl::StrFormat("%.10g", x);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return absl::StrFormat("%di", x);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          return absl::StrFormat("%du", x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else {
          return "'" + x + "'";
        }
      },
      v);
}

// "name{k=v} col,col|t v v|t v v" per series, series joined by "; ".
// Times print in seconds when whole, else ns.
std::string Render(const StatementResult& r) {
  if (!r.error.ok()) return "error: " + std::string(r.error.message());
  std::string out;
  for (const ResultSeries& s : r.series) {
    if (!out.empty()) out += "; ";
    out += s.name;
    if (!s.tags.empty()) {
      out += "{";
      for (size_t i = 0; i < s.tags.size(); ++i) {
        out += (i ? "," : "") + s.tags[i].first + "=" + s.tags[i].second;
      }
      out += "}";
    }
    out += " ";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      out += (i ? "," : "") + s.columns[i];
    }
    for (const auto& row : s.values) {
      out += "|";
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += " ";
        const int64_t* t = std::get_if<int64_t>(&row[i]);
        if (i == 0 && t != nullptr) {
          out += *t % kSec == 0 ? absl::StrFormat("%ds", *t / kSec)
                                : absl::StrFormat("%dns", *t);
        } else {
          out += Cell(row[i]);
        }
      }
    }
  }
  return out;
}

class AuditSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<FakeClockEnv>(mem_env_.get());
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
  }

  void Open() {
    ts_.reset();
    db_.reset();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto ts = TimeSeries::Open(db_.get(), ts_options_);
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = std::move(*ts);
  }

  absl::StatusOr<WriteResult> Lp(std::string_view text,
                                 LineProtocolWriteOptions o = {}) {
    return ts_->WriteLineProtocol(text, o);
  }

  void WriteSeconds(std::string_view text) {
    LineProtocolWriteOptions o;
    o.precision = "s";
    auto r = Lp(text, o);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // One statement, rendered; "query error: ..." if the call failed.
  std::string Q(std::string_view q) {
    auto r = ts_->Query(q);
    if (!r.ok()) return "query error: " + std::string(r.status().message());
    EXPECT_EQ(r->results.size(), 1u) << q;
    if (r->results.empty()) return "no result";
    return Render(r->results[0]);
  }

  uint64_t BlocksRead() { return db_->GetStats().blocks_read; }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<FakeClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

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
//
// BUG (owner: compat/tsperf, line protocol and ingest): Strata accepts
// all three, so SELECT * returns two columns named "time"
// (time,time,time_1,v), which InfluxDB clients read as the timestamp.
TEST_F(AuditSeriesTest, DISABLED_TimeIsNotAValidFieldOrTagKey) {
  Open();
  auto only_time = Lp("t time=1 5");
  EXPECT_EQ(only_time.status().code(), absl::StatusCode::kInvalidArgument)
      << only_time.status();
  EXPECT_THAT(std::string(only_time.status().message()), HasSubstr("\"time\""));
  auto tag = Lp("t,time=x v=1 5");
  EXPECT_EQ(tag.status().code(), absl::StatusCode::kInvalidArgument)
      << tag.status();
  EXPECT_FALSE(
      ts_->WritePoints({{"t", {}, {{"time", FieldValue::Float(1)}}, 5}}).ok());
  auto mixed = Lp("t time=1,v=2 6");
  EXPECT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(Q("SELECT * FROM t"), "t time,v|6ns 2");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM t"), "t fieldKey,fieldType|'v' 'float'");
}

// ---------------------------------------------------------------------------
// InfluxQL end to end over real storage, answers worked out by hand from
// InfluxDB 1.x semantics.

class AuditQueryTest : public AuditSeriesTest {
 protected:
  void SetUp() override {
    AuditSeriesTest::SetUp();
    Open();
    WriteSeconds(
        "cpu,host=a,region=eu usage=1,idle=90i 0\n"
        "cpu,host=a,region=eu usage=2,idle=80i 10\n"
        "cpu,host=a,region=eu usage=4,idle=70i 20\n"
        "cpu,host=a,region=eu usage=8 60\n"
        "cpu,host=b,region=us usage=10,idle=50i 0\n"
        "cpu,host=b,region=us usage=20 30\n"
        "cpu,host=c usage=5 15\n");
    ASSERT_TRUE(db_->Flush().ok());  // read from SSTs, not the memtable
    clock_->Set(100 * kSec);
  }
};

struct QueryCase {
  const char* query;
  const char* want;
};

TEST_F(AuditQueryTest, SelectAnswersMatchInfluxDb) {
  const QueryCase cases[] = {
      // Raw points, one series per measurement without GROUP BY.
      {"SELECT usage FROM cpu WHERE host = 'a'",
       "cpu time,usage|0s 1|10s 2|20s 4|60s 8"},
      {"SELECT usage AS u, idle FROM cpu WHERE host = 'a'",
       "cpu time,u,idle|0s 1 90i|10s 2 80i|20s 4 70i|60s 8 -"},
      {"SELECT * FROM cpu WHERE host = 'b'",
       "cpu time,host,idle,region,usage|0s 'b' 50i 'us' 10|30s 'b' - 'us' 20"},
      // Tag operators.
      {"SELECT usage FROM cpu WHERE host =~ /^[bc]$/",
       "cpu time,usage|0s 10|15s 5|30s 20"},
      {"SELECT usage FROM cpu WHERE host !~ /a/",
       "cpu time,usage|0s 10|15s 5|30s 20"},
      {"SELECT usage FROM cpu WHERE host != 'a'",
       "cpu time,usage|0s 10|15s 5|30s 20"},
      {"SELECT usage FROM cpu WHERE region != 'eu'",
       "cpu time,usage|0s 10|15s 5|30s 20"},
      // Field comparisons with AND/OR and parentheses.
      {"SELECT usage FROM cpu WHERE usage > 4 AND (host = 'a' OR host = 'b')",
       "cpu time,usage|0s 10|30s 20|60s 8"},
      {"SELECT usage FROM cpu WHERE idle <= 70 OR usage = 5",
       "cpu time,usage|0s 10|15s 5|20s 4"},
      // Time bounds: RFC 3339, integer ns, duration literals, now().
      {"SELECT usage FROM cpu WHERE host = 'a' AND "
       "time >= '1970-01-01T00:00:10Z' AND time <= '1970-01-01T00:00:20Z'",
       "cpu time,usage|10s 2|20s 4"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND time >= 10000000000 AND "
       "time < 20000000000",
       "cpu time,usage|10s 2"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND time >= 10000ms AND "
       "time < 1m",
       "cpu time,usage|10s 2|20s 4"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND time >= 10000000u AND "
       "time <= 20000000µ",
       "cpu time,usage|10s 2|20s 4"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND time > now() - 50s",
       "cpu time,usage|60s 8"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND time > now() - 1d AND "
       "time < now() + 1w AND time > 15000000000ns",
       "cpu time,usage|20s 4|60s 8"},
      // ORDER BY, LIMIT, OFFSET.
      {"SELECT usage FROM cpu WHERE host = 'a' ORDER BY time DESC LIMIT 2 "
       "OFFSET 1",
       "cpu time,usage|20s 4|10s 2"},
      // Aggregates over host a's usage 1, 2, 4, 8 (all at once: time is the
      // lower bound, 0 without one).
      {"SELECT count(usage), sum(usage), mean(usage), median(usage), "
       "spread(usage) FROM cpu WHERE host = 'a'",
       "cpu time,count,sum,mean,median,spread|0s 4i 15 3.75 3 7"},
      {"SELECT stddev(usage) FROM cpu WHERE host = 'a'",
       "cpu time,stddev|0s 3.095695937"},
      // A lone selector keeps its point's time.
      {"SELECT max(usage) FROM cpu WHERE host = 'a'", "cpu time,max|60s 8"},
      {"SELECT min(usage) FROM cpu WHERE host = 'a'", "cpu time,min|0s 1"},
      {"SELECT first(usage) FROM cpu WHERE host = 'a'", "cpu time,first|0s 1"},
      {"SELECT last(usage) FROM cpu WHERE host = 'a'", "cpu time,last|60s 8"},
      {"SELECT percentile(usage, 50) FROM cpu WHERE host = 'a'",
       "cpu time,percentile|10s 2"},
      {"SELECT percentile(usage, 75) FROM cpu WHERE host = 'a'",
       "cpu time,percentile|20s 4"},
      {"SELECT sum(idle) FROM cpu", "cpu time,sum|0s 290i"},
      // GROUP BY time: buckets, empty buckets and fill modes.
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 60s "
       "GROUP BY time(20s)",
       "cpu time,count|0s 4i|20s 2i|40s 0i"},
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 60s "
       "GROUP BY time(20s) fill(none)",
       "cpu time,count|0s 4i|20s 2i"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s)",
       "cpu time,mean|0s 4.5|20s 12|40s -|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s) fill(null)",
       "cpu time,mean|0s 4.5|20s 12|40s -|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s) fill(previous)",
       "cpu time,mean|0s 4.5|20s 12|40s 12|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s) fill(linear)",
       "cpu time,mean|0s 4.5|20s 12|40s 10|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s) fill(-1)",
       "cpu time,mean|0s 4.5|20s 12|40s -1|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 80s "
       "GROUP BY time(20s) fill(previous) ORDER BY time DESC LIMIT 3",
       // previous in output order, as InfluxDB fills as it emits
       "cpu time,mean|60s 8|40s 8|20s 12"},
      // Bucket offset: buckets start at 5s + k*20s, the first before the
      // lower bound.
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s, 5s)",
       "cpu time,count|-15s 2i|5s 3i|25s 1i"},
      // Selectors report the bucket start under GROUP BY time.
      {"SELECT max(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s)",
       "cpu time,max|0s 10|20s 20"},
      // GROUP BY tag and *: one series per tag value, '' for a missing tag.
      {"SELECT max(usage) FROM cpu GROUP BY host",
       "cpu{host=a} time,max|60s 8; cpu{host=b} time,max|30s 20; "
       "cpu{host=c} time,max|15s 5"},
      {"SELECT sum(usage) FROM cpu GROUP BY region",
       "cpu{region=} time,sum|0s 5; cpu{region=eu} time,sum|0s 15; "
       "cpu{region=us} time,sum|0s 30"},
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s), * fill(none)",
       "cpu{host=a,region=eu} time,count|0s 2i|20s 1i; "
       "cpu{host=b,region=us} time,count|0s 1i|20s 1i; "
       "cpu{host=c,region=} time,count|0s 1i"},
      {"SELECT last(usage) FROM cpu GROUP BY host SLIMIT 1",
       "cpu{host=a} time,last|60s 8"},
      {"SELECT usage FROM cpu GROUP BY host LIMIT 1 SLIMIT 2",
       "cpu{host=a} time,usage|0s 1; cpu{host=b} time,usage|0s 10"},
      // No data in the window: no series.
      {"SELECT mean(usage) FROM cpu WHERE time >= 200s AND time < 300s "
       "GROUP BY time(10s)",
       ""},
      {"SELECT usage FROM nosuch", ""},
  };
  for (const QueryCase& c : cases) {
    EXPECT_EQ(Q(c.query), c.want) << c.query;
  }
}

TEST_F(AuditQueryTest, SelectEdgeCasesMatchInfluxDb) {
  WriteSeconds("ev ok=true,s=\"x\" 1\nev ok=false,s=\"y\" 2\n");
  const QueryCase cases[] = {
      {"SELECT \"usage\" FROM \"cpu\" WHERE \"host\" = 'a' AND time < 15s",
       "cpu time,usage|0s 1|10s 2"},
      // A tag as a column; ties at one time in series order.
      {"SELECT usage, host FROM cpu WHERE time = 0",
       "cpu time,usage,host|0s 1 'a'|0s 10 'b'"},
      // AND binds tighter than OR.
      {"SELECT usage FROM cpu WHERE host = 'a' AND usage > 1 OR host = 'b'",
       "cpu time,usage|0s 10|10s 2|20s 4|30s 20|60s 8"},
      {"SELECT idle FROM cpu WHERE idle > 60.5",
       "cpu time,idle|0s 90i|10s 80i|20s 70i"},
      {"SELECT usage FROM cpu WHERE host::tag = 'c'", "cpu time,usage|15s 5"},
      {"SELECT usage FROM cpu WHERE usage::field >= 20",
       "cpu time,usage|30s 20"},
      {"SELECT usage FROM cpu WHERE host = 'a' AND "
       "time >= '1970-01-01T01:00:10+01:00' AND "
       "time < '1970-01-01T00:00:20.000000001Z'",
       "cpu time,usage|10s 2|20s 4"},
      {"SELECT count(usage) FROM /c.u/", "cpu time,count|0s 7i"},
      {"SELECT max(usage), min(usage) FROM cpu GROUP BY host",
       "cpu{host=a} time,max,min|0s 8 1; cpu{host=b} time,max,min|0s 20 10; "
       "cpu{host=c} time,max,min|0s 5 5"},
      {"SELECT first(usage), last(usage) FROM cpu WHERE host = 'a'",
       "cpu time,first,last|0s 1 8"},
      {"SELECT percentile(idle, 50) FROM cpu", "cpu time,percentile|20s 70i"},
      {"SELECT spread(idle) FROM cpu", "cpu time,spread|0s 40i"},
      {"SELECT last(usage) FROM cpu WHERE time > now() - 90s",
       "cpu time,last|60s 8"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s) LIMIT 1",
       "cpu time,mean|0s 4.5"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s), host SLIMIT 1 SOFFSET 1",
       "cpu{host=b} time,mean|0s 10|20s 20"},
      {"SELECT sum(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s) ORDER BY time DESC",
       "cpu time,sum|20s 24|0s 18"},
      // A negative offset: buckets at 50s + k * 1m.
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 1m "
       "GROUP BY time(1m, -10s)",
       "cpu time,count|-10s 6i|50s 0i"},
      {"SELECT mean(idle) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(10s) fill(linear)",
       "cpu time,mean|0s 70|10s 80|20s 70|30s -"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time < 40s "
       "GROUP BY time(20s), host fill(previous)",
       "cpu{host=a} time,mean|0s 1.5|20s 4; cpu{host=b} time,mean|0s 10|20s "
       "20; cpu{host=c} time,mean|0s 5|20s 5"},
      {"SELECT count(usage) FROM cpu WHERE time >= 0 AND time < 60s "
       "GROUP BY time(20s) fill(previous)",
       "cpu time,count|0s 4i|20s 2i|40s 2i"},
      // Without a lower bound: from the first point's bucket up to now().
      {"SELECT mean(usage) FROM cpu GROUP BY time(30s)",
       "cpu time,mean|0s 4.4|30s 20|60s 8|90s -"},
      {"SELECT count(usage) FROM cpu WHERE host = 'a' GROUP BY time(20s) "
       "LIMIT 2 OFFSET 1",
       "cpu time,count|20s 1i|40s 0i"},
      // An inclusive upper bound on a bucket edge opens that bucket.
      {"SELECT mean(usage) FROM cpu WHERE time >= 0 AND time <= 20s "
       "GROUP BY time(20s)",
       "cpu time,mean|0s 4.5|20s 4"},
      {"SELECT mean(usage) FROM cpu WHERE time >= 5s AND time < 20s "
       "GROUP BY time(10s)",
       "cpu time,mean|0s -|10s 3.5"},
      // Time arithmetic on a string literal; bounds intersect.
      {"SELECT usage FROM cpu WHERE time >= '1970-01-01T00:00:20Z' - 10s "
       "AND host = 'a'",
       "cpu time,usage|10s 2|20s 4|60s 8"},
      {"SELECT usage FROM cpu WHERE time >= 10s AND time >= 20s AND "
       "host = 'a'",
       "cpu time,usage|20s 4|60s 8"},
      // A double-quoted name is an identifier, not a string.
      {"SELECT usage FROM cpu WHERE host = \"a\"", ""},
      {"SELECT usage FROM cpu LIMIT 0",
       "cpu time,usage|0s 1|0s 10|10s 2|15s 5|20s 4|30s 20|60s 8"},
      {"SELECT usage, idle FROM cpu WHERE host = 'c'",
       "cpu time,usage,idle|15s 5 -"},
      {"SELECT idle FROM cpu WHERE host = 'c'", ""},
      {"SELECT usage FROM cpu WHERE region = ''", "cpu time,usage|15s 5"},
      // Descending order also reverses the series order, as InfluxDB's
      // sorted merge does.
      {"SELECT usage FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1",
       "cpu{host=c} time,usage|15s 5; cpu{host=b} time,usage|30s 20; "
       "cpu{host=a} time,usage|60s 8"},
      {"SELECT stddev(usage) FROM cpu WHERE host = 'c'",
       "cpu time,stddev|0s -"},
      {"SELECT median(idle) FROM cpu", "cpu time,median|0s 75"},
      {"SELECT percentile(usage, 12.5) FROM cpu", "cpu time,percentile|0s 1"},
      {"SELECT percentile(usage, 0) FROM cpu", ""},
      // The offset is taken modulo the interval.
      {"SELECT mean(usage) FROM cpu GROUP BY time(20s, 30s) LIMIT 2",
       "cpu time,mean|-10s 5.5|10s 3.666666667"},
      // Boolean and string fields in conditions.
      {"SELECT s FROM ev WHERE ok = true", "ev time,s|1s 'x'"},
      {"SELECT ok FROM ev WHERE s = 'y'", "ev time,ok|2s false"},
      {"SELECT s FROM ev WHERE s =~ /x/", "ev time,s|1s 'x'"},
      {"SELECT count(s), first(s), last(ok) FROM ev",
       "ev time,count,first,last|0s 2i 'x' false"},
  };
  for (const QueryCase& c : cases) {
    EXPECT_EQ(Q(c.query), c.want) << c.query;
  }
  // Several statements: ids in order, each with its own series.
  auto r = ts_->Query("SELECT count(s) FROM ev; SELECT count(usage) FROM cpu");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results.size(), 2u);
  EXPECT_EQ(r->results[1].statement_id, 1);
  EXPECT_EQ(Render(r->results[0]), "ev time,count|0s 2i");
  EXPECT_EQ(Render(r->results[1]), "cpu time,count|0s 7i");
}

TEST_F(AuditQueryTest, GroupByTimeWithoutLowerBoundEndsAtNow) {
  clock_->Set(65 * kSec);
  // Buckets run from the first point's bucket to now().
  EXPECT_EQ(Q("SELECT count(usage) FROM cpu WHERE host = 'a' "
              "GROUP BY time(20s)"),
            "cpu time,count|0s 2i|20s 1i|40s 0i|60s 1i");
  EXPECT_EQ(Q("SELECT count(usage) FROM cpu WHERE host = 'a' AND "
              "time > now() - 30s GROUP BY time(20s)"),
            "cpu time,count|20s 0i|40s 0i|60s 1i");
}

TEST_F(AuditQueryTest, SyntaxErrorsGivePositionAndReason) {
  const QueryCase cases[] = {
      {"SELECT FROM cpu",
       "query error: found FROM, expected identifier, string, number, bool "
       "at line 1, char 8"},
      {"SELECT usage FROM cpu WHERE (host = 'a'",
       "query error: found EOF, expected ) at line 1, char 40"},
  };
  for (const QueryCase& c : cases) {
    EXPECT_EQ(Q(c.query), c.want) << c.query;
  }
  // Positions count lines; the reason names the token.
  const QueryCase located[] = {
      {"SELECT usage FROM cpu\nGROUP BY time(5x)", "at line 2, char "},
      {"SELECT usage\nFROM cpu\nLIMIT x",
       "found x, expected integer at "
       "line 3, char 7"},
      {"SHOW TAG VALUES FROM cpu WITH KEY host", "at line 1, char 35"},
      {"DROP SERIES FROM", "at line 1, char 17"},
  };
  for (const QueryCase& c : located) {
    const std::string got = Q(c.query);
    EXPECT_THAT(got, StartsWith("query error: ")) << c.query;
    EXPECT_THAT(got, HasSubstr(c.want)) << c.query;
  }
  // Execution errors are per statement, the others still run.
  auto r = ts_->Query(
      "SELECT usage FROM cpu fill(none); SELECT count(usage) FROM cpu");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results.size(), 2u);
  EXPECT_THAT(std::string(r->results[0].error.message()),
              HasSubstr("fill(none) must be used with a function"));
  EXPECT_EQ(Render(r->results[1]), "cpu time,count|0s 7i");
}

// ---------------------------------------------------------------------------
// Storage: queries touch only blocks overlapping their window, tag
// predicates go through the series index, and points are stored compactly.

class AuditStorageTest : public AuditSeriesTest {
 protected:
  void SetUp() override {
    AuditSeriesTest::SetUp();
    db_options_.block_size = 1024;
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
      const int64_t base = g_live_bytes.load();
      g_peak_bytes.store(base);
      auto r = ts_->Query(q);
      EXPECT_TRUE(r.ok()) << r.status();
      EXPECT_FALSE(r->results.at(0).series.empty()) << q;
      return g_peak_bytes.load() - base;
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
  // Compaction reclaims what retention hid.
  const Stats before = db_->GetStats();
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  const uint64_t reclaimed =
      (after.dropped_retention - before.dropped_retention) +
      (after.dropped_expired - before.dropped_expired);
  EXPECT_GT(reclaimed + after.files_dropped_retention, 0u)
      << "dropped_retention " << after.dropped_retention << " expired "
      << after.dropped_expired << " files " << after.files_dropped_retention;
  EXPECT_LT(after.live_bytes, before.live_bytes);
  EXPECT_EQ(Q("SELECT count(v) FROM short"), "short time,count|0s 200i");
  EXPECT_EQ(Q("SELECT count(v) FROM keep"), "keep time,count|0s 500i");
}

// Issue 4, Retention: "points older than now - duration (by point
// timestamp) are invisible at once and reclaimed by compaction". Points
// written while no retention applied carry no expiry, so only the DB
// retention rules (schema/series.md "Retention") can reclaim them; this
// drives that through the public API alone: TimeSeries::SetRetention, and
// TimeSeries::Open with a default retention after a reopen.
//
// BUG (owner: retention): neither TimeSeries::SetRetention nor
// TimeSeries::Open registers DB retention rules (RegisterRetentionRules and
// SetMeasurementRetentionRule in src/series/retention_rules.cc have no
// caller outside tests; retention_reclaim_test calls them by hand), so
// compaction reclaims nothing: dropped_retention stays 0 and the old
// records stay on disk, hidden only by the query clamp.
TEST_F(AuditSeriesTest,
       DISABLED_RetentionSetLaterReclaimsPointsWrittenWithoutExpiry) {
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
  const Stats before = db_->GetStats();
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  EXPECT_GE(after.dropped_retention - before.dropped_retention, 1200u)
      << "files dropped " << after.files_dropped_retention;
  EXPECT_EQ(Q("SELECT count(v) FROM other"), "other time,count|0s 2000i");

  // A default retention given at open applies to what is already stored.
  ts_options_.default_retention_ns = 3600 * kSec;
  Open();
  EXPECT_EQ(Q("SELECT count(v) FROM other"), "other time,count|0s 800i");
  const Stats before2 = db_->GetStats();
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after2 = db_->GetStats();
  EXPECT_GE(after2.dropped_retention - before2.dropped_retention, 1200u);
}

}  // namespace
}  // namespace strata
