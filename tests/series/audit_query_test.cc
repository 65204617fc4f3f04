// Acceptance audit of issue 4, queries: InfluxQL end to end over real
// storage through TimeSeries::Query, with answers worked out by hand from
// InfluxDB 1.x semantics (clauses, functions, fill modes, time syntax,
// GROUP BY time/tag/*, ordering and limits), and syntax error positions.
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

}  // namespace
}  // namespace strata::audit
