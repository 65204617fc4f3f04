// Executor tests with hand-built data and answers worked out from InfluxDB
// 1.x semantics: raw selects, tag and field conditions, every aggregate
// and its type, selector timestamps, GROUP BY time edges and offsets, every
// fill mode, GROUP BY tags, ordering and limits, retention, errors.
#include "series/executor.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "series/fake_series_reader.h"
#include "series/influxql/parser.h"

namespace strata::series {
namespace {

using testing::FakeSeriesReader;

std::string Cell(const QueryValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "-";
  if (const double* d = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), *d);
    return std::string(buf, r.ptr);
  }
  if (const int64_t* i = std::get_if<int64_t>(&v)) {
    return std::to_string(*i) + "i";
  }
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
    return std::to_string(*u) + "u";
  }
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(v) + "\"";
}

// One line per series header ("name{k=v} col,col") and per row
// ("  time v v"); times print as plain integers.
std::string Render(const std::vector<ResultSeries>& all) {
  std::string out;
  for (const ResultSeries& s : all) {
    out += s.name;
    if (!s.tags.empty()) {
      out += "{";
      for (size_t i = 0; i < s.tags.size(); ++i) {
        if (i > 0) out += ",";
        out += s.tags[i].first + "=" + s.tags[i].second;
      }
      out += "}";
    }
    out += " ";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (i > 0) out += ",";
      out += s.columns[i];
    }
    out += "\n";
    for (const auto& row : s.values) {
      out += " ";
      for (size_t i = 0; i < row.size(); ++i) {
        out += " ";
        if (i == 0 && std::holds_alternative<int64_t>(row[0])) {
          out += std::to_string(std::get<int64_t>(row[0]));
        } else {
          out += Cell(row[i]);
        }
      }
      out += "\n";
    }
  }
  return out;
}

class ExecutorTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::vector<ResultSeries>> Run(std::string_view query,
                                                ExecOptions options = {}) {
    absl::StatusOr<influxql::Statement::Ptr> stmt =
        influxql::ParseStatement(query);
    if (!stmt.ok()) return stmt.status();
    const auto* select = (*stmt)->As<influxql::SelectStatement>();
    if (select == nullptr) return absl::InvalidArgumentError("not a SELECT");
    StatementResult result;
    absl::Status s = ExecuteSelect(*select, &reader_, options, &result);
    if (!s.ok()) return s;
    return result.series;
  }
  // Runs the query and renders the result, or "error: ..." text.
  std::string Q(std::string_view query, ExecOptions options = {}) {
    absl::StatusOr<std::vector<ResultSeries>> r = Run(query, options);
    if (!r.ok()) return "error: " + std::string(r.status().message());
    return Render(*r);
  }

  FakeSeriesReader reader_;
};

// ---------------------------------------------------------------------------
// Raw selects

TEST_F(ExecutorTest, RawMergesSeriesByTimeWithTiesInSeriesOrder) {
  reader_.AddFloat("cpu", {{"host", "a"}}, "v", 1, 0);
  reader_.AddFloat("cpu", {{"host", "a"}}, "v", 2, 10);
  reader_.AddFloat("cpu", {{"host", "b"}}, "v", 3, 5);
  reader_.AddFloat("cpu", {{"host", "b"}}, "v", 5, 10);
  EXPECT_EQ(Q("SELECT v FROM cpu"),
            "cpu time,v\n"
            "  0 1\n"
            "  5 3\n"
            "  10 2\n"
            "  10 5\n");
}

TEST_F(ExecutorTest, RawRowsAreTheUnionOfFieldTimes) {
  reader_.AddFloat("cpu", {}, "v", 1, 0);
  reader_.AddFloat("cpu", {}, "v", 2, 10);
  reader_.AddInt("cpu", {}, "w", 10, 0);
  reader_.AddInt("cpu", {}, "w", 30, 20);
  EXPECT_EQ(Q("SELECT v, w FROM cpu"),
            "cpu time,v,w\n"
            "  0 1 10i\n"
            "  10 2 -\n"
            "  20 - 30i\n");
  // A row needs a selected field: w alone skips t=10.
  EXPECT_EQ(Q("SELECT w FROM cpu"),
            "cpu time,w\n"
            "  0 10i\n"
            "  20 30i\n");
}

TEST_F(ExecutorTest, SelectStarExpandsFieldsAndTagsInNameOrder) {
  reader_.AddFloat("cpu", {{"host", "a"}, {"region", "east"}}, "v", 1, 0);
  reader_.AddInt("cpu", {{"host", "a"}, {"region", "east"}}, "w", 7, 10);
  reader_.Add("cpu", {{"host", "b"}}, "msg", FieldValue::String("hi"), 10);
  EXPECT_EQ(Q("SELECT * FROM cpu"),
            "cpu time,host,msg,region,v,w\n"
            "  0 \"a\" - \"east\" 1 -\n"
            "  10 \"a\" - \"east\" - 7i\n"
            "  10 \"b\" \"hi\" - - -\n");
  // GROUP BY tags are not repeated as columns.
  EXPECT_EQ(Q("SELECT * FROM cpu GROUP BY host"),
            "cpu{host=a} time,msg,region,v,w\n"
            "  0 - \"east\" 1 -\n"
            "  10 - \"east\" - 7i\n"
            "cpu{host=b} time,msg,region,v,w\n"
            "  10 \"hi\" - - -\n");
  EXPECT_EQ(Q("SELECT *::field FROM cpu WHERE host = 'b'"),
            "cpu time,msg,v,w\n"
            "  10 \"hi\" - -\n");
}

TEST_F(ExecutorTest, TagsAsColumnsAndUnknownNames) {
  reader_.AddFloat("cpu", {{"host", "a"}}, "v", 1, 0);
  EXPECT_EQ(Q("SELECT v, host, nosuch FROM cpu"),
            "cpu time,v,host,nosuch\n"
            "  0 1 \"a\" -\n");
  EXPECT_EQ(Q("SELECT nosuch FROM cpu"), "");
  EXPECT_EQ(Q("SELECT v FROM nosuch"), "");
  EXPECT_EQ(Q("SELECT mean(v) FROM nosuch GROUP BY time(1s)"), "");
  EXPECT_EQ(Q("SELECT v AS value, v FROM cpu"),
            "cpu time,value,v\n"
            "  0 1 1\n");
}

TEST_F(ExecutorTest, OrderByDescLimitOffsetPerSeries) {
  for (int t = 0; t < 4; ++t) {
    reader_.AddFloat("cpu", {{"host", "a"}}, "v", t, t);
    reader_.AddFloat("cpu", {{"host", "b"}}, "v", 10 + t, t);
  }
  // DESC reverses the series order too, as InfluxDB's merge does.
  EXPECT_EQ(Q("SELECT v FROM cpu GROUP BY host ORDER BY time DESC LIMIT 2 "
              "OFFSET 1"),
            "cpu{host=b} time,v\n"
            "  2 12\n"
            "  1 11\n"
            "cpu{host=a} time,v\n"
            "  2 2\n"
            "  1 1\n");
  EXPECT_EQ(Q("SELECT v FROM cpu LIMIT 3"),
            "cpu time,v\n"
            "  0 0\n"
            "  0 10\n"
            "  1 1\n");
  EXPECT_EQ(Q("SELECT v FROM cpu GROUP BY host LIMIT 1 SLIMIT 1 SOFFSET 1"),
            "cpu{host=b} time,v\n"
            "  0 10\n");
  EXPECT_EQ(Q("SELECT v FROM cpu GROUP BY host SOFFSET 2"), "");
  EXPECT_EQ(Q("SELECT v FROM cpu ORDER BY time DESC LIMIT 1"),
            "cpu time,v\n"
            "  3 13\n");
}

// ---------------------------------------------------------------------------
// Conditions

TEST_F(ExecutorTest, FieldConditions) {
  for (int t = 0; t < 5; ++t) reader_.AddFloat("m", {}, "v", t, t);
  reader_.Add("m", {}, "s", FieldValue::String("x"), 0);
  reader_.Add("m", {}, "s", FieldValue::String("y"), 2);
  reader_.Add("m", {}, "b", FieldValue::Boolean(true), 1);
  struct Case {
    const char* where;
    const char* times;  // times of the matching v rows
  };
  const Case cases[] = {
      {"v > 2", "3 4"},
      {"v >= 1 AND v < 3", "1 2"},
      {"v = 1 OR v = 3", "1 3"},
      {"2 < v", "3 4"},
      {"v + 1 = 3", "2"},
      {"v * 2 >= 6", "3 4"},
      {"v = 2.0", "2"},
      {"s = 'y'", "2"},
      {"s != 'x'", "2"},  // a missing s is null: no match
      {"s =~ /^[xy]$/", "0 2"},
      {"s !~ /x/", "2"},
      {"s > 'x'", "2"},
      {"b = true", "1"},
      {"b = false", ""},  // a missing b is null: no match (InfluxDB 1.6)
      {"nosuch = 1", ""},
      {"nosuch != 1", ""},
      {"(v < 1 OR v > 3) AND v != 4", "0"},
      {"v = 'x'", ""},
      {"true", "0 1 2 3 4"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<ResultSeries>> r =
        Run(std::string("SELECT v FROM m WHERE ") + c.where);
    ASSERT_TRUE(r.ok()) << c.where << ": " << r.status();
    std::string times;
    for (const ResultSeries& s : *r) {
      for (const auto& row : s.values) {
        if (!times.empty()) times += " ";
        times += std::to_string(std::get<int64_t>(row[0]));
      }
    }
    EXPECT_EQ(times, c.times) << c.where;
  }
}

TEST_F(ExecutorTest, TagConditions) {
  reader_.AddFloat("cpu", {{"host", "a"}}, "v", 1, 0);
  reader_.AddFloat("cpu", {{"host", "b"}}, "v", 2, 0);
  reader_.AddFloat("cpu", {{"host", "c"}, {"region", "x"}}, "v", 3, 0);
  reader_.AddFloat("cpu", {{"region", "y"}}, "v", 4, 0);
  struct Case {
    const char* where;
    const char* values;
  };
  const Case cases[] = {
      {"host = 'a'", "1"},
      {"host != 'a'", "2 3 4"},  // a missing tag is ""
      {"host <> 'b'", "1 3 4"},
      {"host =~ /^[ab]$/", "1 2"},
      {"host !~ /a/", "2 3 4"},
      {"host = ''", "4"},
      {"host = 'a' OR v > 3.5", "1 4"},
      {"region =~ /x|y/ AND v < 4", "3"},
      {"host::tag = 'b'", "2"},
      {"nosuch = 'a'", ""},
      {"host = 'a' AND host = 'b'", ""},
      {"(host = 'a' OR host = 'c') AND region = 'x'", "3"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<ResultSeries>> r =
        Run(std::string("SELECT v FROM cpu WHERE ") + c.where);
    ASSERT_TRUE(r.ok()) << c.where << ": " << r.status();
    std::string values;
    for (const ResultSeries& s : *r) {
      for (const auto& row : s.values) {
        if (!values.empty()) values += " ";
        values += Cell(row[1]);
      }
    }
    EXPECT_EQ(values, c.values) << c.where;
  }
}

// ---------------------------------------------------------------------------
// Aggregates

TEST_F(ExecutorTest, EveryAggregateAndItsType) {
  const std::pair<int64_t, int> points[] = {{10, 1}, {20, 3}, {30, 2}, {40, 6}};
  for (auto [t, v] : points) {
    reader_.AddFloat("m", {}, "f", v, t);
    reader_.AddInt("m", {}, "i", v, t);
    reader_.Add("m", {}, "u", FieldValue::Unsigned(v), t);
  }
  struct Case {
    const char* select;
    const char* row;  // time and value
  };
  const Case cases[] = {
      {"count(f)", "0 4i"},
      {"count(i)", "0 4i"},
      {"sum(f)", "0 12"},
      {"sum(i)", "0 12i"},
      {"sum(u)", "0 12u"},
      {"mean(f)", "0 3"},
      {"mean(i)", "0 3"},
      {"median(f)", "0 2.5"},
      {"median(i)", "0 2.5"},
      {"min(f)", "10 1"},  // a lone selector keeps its point's time
      {"min(i)", "10 1i"},
      {"max(f)", "40 6"},
      {"max(u)", "40 6u"},
      {"first(i)", "10 1i"},
      {"last(f)", "40 6"},
      {"spread(f)", "0 5"},
      {"spread(i)", "0 5i"},
      {"percentile(f, 50)", "30 2"},
      {"percentile(i, 100)", "40 6i"},
      {"percentile(i, 75)", "20 3i"},
      {"percentile(f, 0)", ""},  // rank 0 is no point: no row
  };
  for (const Case& c : cases) {
    const std::string q = std::string("SELECT ") + c.select + " FROM m";
    const std::string got = Q(q);
    const std::string want = *c.row == 0
                                 ? ""
                                 : "m time," +
                                       std::string(c.select).substr(
                                           0, std::string(c.select).find('(')) +
                                       "\n  " + c.row + "\n";
    EXPECT_EQ(got, want) << q;
  }
  absl::StatusOr<std::vector<ResultSeries>> sd = Run("SELECT stddev(i) FROM m");
  ASSERT_TRUE(sd.ok());
  ASSERT_EQ(sd->size(), 1u);
  EXPECT_NEAR(std::get<double>((*sd)[0].values[0][1]), std::sqrt(14.0 / 3),
              1e-12);
  // Several functions: time is the lower bound (0 without one).
  EXPECT_EQ(Q("SELECT min(f), max(f) FROM m"),
            "m time,min,max\n"
            "  0 1 6\n");
  EXPECT_EQ(Q("SELECT mean(f) FROM m WHERE time >= 5"),
            "m time,mean\n"
            "  5 3\n");
  EXPECT_EQ(Q("SELECT count(f) FROM m WHERE time > 5 AND time < 35"),
            "m time,count\n"
            "  6 3i\n");
  EXPECT_EQ(Q("SELECT median(f) FROM m WHERE time < 35"),
            "m time,median\n"
            "  0 2\n");
  EXPECT_EQ(Q("SELECT mean(f), mean(i), count(f) AS n FROM m"),
            "m time,mean,mean_1,n\n"
            "  0 3 3 4i\n");
  EXPECT_EQ(Q("SELECT count(*) FROM m"),
            "m time,count_f,count_i,count_u\n"
            "  0 4i 4i 4i\n");
  EXPECT_EQ(Q("SELECT mean(nosuch) FROM m"), "");
  EXPECT_EQ(Q("SELECT mean(f) FROM m OFFSET 1"), "");
}

TEST_F(ExecutorTest, SelectorTieBreaks) {
  reader_.AddFloat("m", {{"host", "a"}}, "v", 2, 10);
  reader_.AddFloat("m", {{"host", "a"}}, "v", 1, 20);
  reader_.AddFloat("m", {{"host", "b"}}, "v", 1, 30);
  reader_.AddFloat("m", {{"host", "b"}}, "v", 7, 10);
  reader_.AddFloat("m", {{"host", "b"}}, "v", 7, 40);
  EXPECT_EQ(Q("SELECT min(v) FROM m"), "m time,min\n  20 1\n");
  EXPECT_EQ(Q("SELECT max(v) FROM m"), "m time,max\n  10 7\n");
  // Equal times: the larger value wins for first and last.
  EXPECT_EQ(Q("SELECT first(v) FROM m"), "m time,first\n  10 7\n");
  EXPECT_EQ(Q("SELECT last(v) FROM m"), "m time,last\n  40 7\n");
}

TEST_F(ExecutorTest, SelectorWithAuxFields) {
  reader_.AddFloat("m", {{"host", "a"}}, "v", 1, 0);
  reader_.AddInt("m", {{"host", "a"}}, "w", 100, 0);
  reader_.AddFloat("m", {{"host", "a"}}, "v", 9, 10);
  reader_.AddInt("m", {{"host", "a"}}, "w", 200, 10);
  reader_.AddFloat("m", {{"host", "b"}}, "v", 5, 5);
  EXPECT_EQ(Q("SELECT max(v), host, w FROM m"),
            "m time,max,host,w\n"
            "  10 9 \"a\" 200i\n");
  EXPECT_EQ(Q("SELECT max(v), host, w FROM m WHERE time >= 0 AND time < 30 "
              "GROUP BY time(10ns)"),
            "m time,max,host,w\n"
            "  0 5 \"b\" -\n"
            "  10 9 \"a\" 200i\n"
            "  20 - - -\n");
  EXPECT_EQ(Q("SELECT max(*), host FROM m"),
            "error: mixing multiple selector functions with tags or fields "
            "is not supported");
}

// ---------------------------------------------------------------------------
// GROUP BY time and fill

TEST_F(ExecutorTest, BucketEdgesOffsetsAndNegativeTimes) {
  const std::pair<int64_t, double> points[] = {{-15, 1}, {-10, 2}, {-1, 3},
                                               {0, 4},   {9, 5},   {10, 6}};
  for (auto [t, v] : points) reader_.AddFloat("m", {}, "v", v, t);
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= -20 AND time < 20 "
              "GROUP BY time(10ns)"),
            "m time,count\n"
            "  -20 1i\n"
            "  -10 2i\n"
            "  0 2i\n"
            "  10 1i\n");
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= -20 AND time < 20 "
              "GROUP BY time(10ns, 5ns)"),
            "m time,count\n"
            "  -25 0i\n"
            "  -15 2i\n"
            "  -5 2i\n"
            "  5 2i\n"
            "  15 0i\n");
  EXPECT_EQ(Q("SELECT sum(v) FROM m WHERE time >= -10 AND time <= 0 "
              "GROUP BY time(10ns, -3ns)"),
            "m time,sum\n"
            "  -13 2\n"
            "  -3 7\n");
  // Selectors report the bucket start under GROUP BY time.
  EXPECT_EQ(Q("SELECT max(v) FROM m WHERE time >= 0 AND time < 20 "
              "GROUP BY time(10ns)"),
            "m time,max\n"
            "  0 5\n"
            "  10 6\n");
}

TEST_F(ExecutorTest, FillModes) {
  reader_.AddFloat("m", {}, "v", 1, 0);
  reader_.AddFloat("m", {}, "v", 4, 30);
  reader_.AddInt("m", {}, "i", 1, 0);
  reader_.AddInt("m", {}, "i", 7, 30);
  const std::string range =
      " FROM m WHERE time >= 0 AND time < 50 "
      "GROUP BY time(10ns)";
  struct Case {
    const char* select;
    const char* fill;
    const char* values;  // one value per row, rows joined by '|'
  };
  const Case cases[] = {
      {"mean(v)", "", "0 1|10 -|20 -|30 4|40 -"},
      {"mean(v)", " fill(null)", "0 1|10 -|20 -|30 4|40 -"},
      {"mean(v)", " fill(none)", "0 1|30 4"},
      {"mean(v)", " fill(previous)", "0 1|10 1|20 1|30 4|40 4"},
      {"mean(v)", " fill(linear)", "0 1|10 2|20 3|30 4|40 -"},
      {"mean(v)", " fill(7)", "0 1|10 7|20 7|30 4|40 7"},
      {"mean(v)", " fill(-1.5)", "0 1|10 -1.5|20 -1.5|30 4|40 -1.5"},
      {"count(v)", "", "0 1i|10 0i|20 0i|30 1i|40 0i"},
      {"count(v)", " fill(none)", "0 1i|30 1i"},
      {"count(v)", " fill(7.9)", "0 1i|10 7i|20 7i|30 1i|40 7i"},
      {"sum(i)", " fill(linear)", "0 1i|10 3i|20 5i|30 7i|40 -"},
      {"mean(i)", " fill(linear)", "0 1|10 3|20 5|30 7|40 -"},
      {"sum(i)", " fill(previous)", "0 1i|10 1i|20 1i|30 7i|40 7i"},
      {"mean(v)", " fill(previous) ORDER BY time DESC",
       "40 -|30 4|20 4|10 4|0 1"},
      {"mean(v)", " fill(null) LIMIT 2 OFFSET 2", "20 -|30 4"},
      {"mean(v)", " ORDER BY time DESC LIMIT 2", "40 -|30 4"},
  };
  for (const Case& c : cases) {
    const std::string q = std::string("SELECT ") + c.select + range + c.fill;
    absl::StatusOr<std::vector<ResultSeries>> r = Run(q);
    ASSERT_TRUE(r.ok()) << q << ": " << r.status();
    std::string got;
    for (const ResultSeries& s : *r) {
      for (const auto& row : s.values) {
        if (!got.empty()) got += "|";
        got += std::to_string(std::get<int64_t>(row[0])) + " " + Cell(row[1]);
      }
    }
    EXPECT_EQ(got, c.values) << q;
  }
}

TEST_F(ExecutorTest, PresentNullIsNotFilled) {
  reader_.AddFloat("m", {}, "v", 1, 0);
  reader_.AddFloat("m", {}, "v", 2, 10);
  reader_.AddFloat("m", {}, "v", 4, 11);
  // stddev of one point is a null result, not an empty bucket.
  EXPECT_EQ(Q("SELECT stddev(v) FROM m WHERE time >= 0 AND time < 30 "
              "GROUP BY time(10ns) fill(0)"),
            "m time,stddev\n"
            "  0 -\n"
            "  10 1.4142135623730951\n"
            "  20 0\n");
  // percentile with no point at its rank is an empty bucket: filled.
  EXPECT_EQ(Q("SELECT percentile(v, 40) FROM m WHERE time >= 0 AND time < 30 "
              "GROUP BY time(10ns) fill(-1)"),
            "m time,percentile\n"
            "  0 -1\n"
            "  10 2\n"
            "  20 -1\n");
  // A column without any point emits nothing, whatever the fill.
  EXPECT_EQ(Q("SELECT percentile(v, 10) FROM m WHERE time >= 0 AND time < 30 "
              "GROUP BY time(10ns) fill(-1)"),
            "");
}

TEST_F(ExecutorTest, DefaultTimeBoundsForGroupByTime) {
  reader_.SetNow(100);
  reader_.AddFloat("m", {}, "v", 1, 35);
  reader_.AddFloat("m", {}, "v", 2, 52);
  reader_.AddFloat("m", {}, "v", 9, 150);  // after now(): not read
  // No lower bound: buckets start at the first point; the upper bound is
  // now().
  EXPECT_EQ(Q("SELECT count(v) FROM m GROUP BY time(10ns)"),
            "m time,count\n"
            "  30 1i\n"
            "  40 0i\n"
            "  50 1i\n"
            "  60 0i\n"
            "  70 0i\n"
            "  80 0i\n"
            "  90 0i\n"
            "  100 0i\n");
  EXPECT_EQ(Q("SELECT max(v) FROM m WHERE time >= 20 GROUP BY time(20ns)"),
            "m time,max\n"
            "  20 1\n"
            "  40 2\n"
            "  60 -\n"
            "  80 -\n"
            "  100 -\n");
  // Without GROUP BY time the range is unbounded.
  EXPECT_EQ(Q("SELECT count(v) FROM m"), "m time,count\n  0 3i\n");
  // A window with no point returns no series at all.
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= 60 AND time < 90 "
              "GROUP BY time(10ns)"),
            "");
}

TEST_F(ExecutorTest, GroupByTagsAndStar) {
  reader_.AddFloat("m", {{"host", "a"}}, "v", 1, 0);
  reader_.AddFloat("m", {{"host", "a"}}, "v", 3, 10);
  reader_.AddFloat("m", {{"host", "b"}}, "v", 5, 0);
  reader_.AddFloat("m", {{"region", "r"}}, "v", 7, 0);
  EXPECT_EQ(Q("SELECT mean(v) FROM m"), "m time,mean\n  0 4\n");
  EXPECT_EQ(Q("SELECT mean(v) FROM m GROUP BY host"),
            "m{host=} time,mean\n"
            "  0 7\n"
            "m{host=a} time,mean\n"
            "  0 2\n"
            "m{host=b} time,mean\n"
            "  0 5\n");
  EXPECT_EQ(Q("SELECT mean(v) FROM m GROUP BY *"),
            "m{host=,region=r} time,mean\n"
            "  0 7\n"
            "m{host=a,region=} time,mean\n"
            "  0 2\n"
            "m{host=b,region=} time,mean\n"
            "  0 5\n");
  EXPECT_EQ(Q("SELECT sum(v) FROM m WHERE time >= 0 AND time < 20 "
              "GROUP BY time(10ns), host fill(none) SLIMIT 2"),
            "m{host=} time,sum\n"
            "  0 7\n"
            "m{host=a} time,sum\n"
            "  0 1\n"
            "  10 3\n");
}

TEST_F(ExecutorTest, AggregatesShareBuckets) {
  reader_.AddFloat("m", {}, "v", 1, 0);
  reader_.AddFloat("m", {}, "v", 3, 10);
  reader_.AddInt("m", {}, "w", 5, 10);
  EXPECT_EQ(Q("SELECT mean(v), max(v), mean(w) FROM m WHERE time >= 0 AND "
              "time < 20 GROUP BY time(10ns)"),
            "m time,mean,max,mean_1\n"
            "  0 1 1 -\n"
            "  10 3 3 5\n");
  EXPECT_EQ(Q("SELECT count(w), count(v) FROM m WHERE time >= 0 AND "
              "time < 30 GROUP BY time(10ns) fill(none)"),
            "m time,count,count_1\n"
            "  0 - 1i\n"
            "  10 1i 1i\n");
  // Without a lower bound each column starts at its own first point.
  EXPECT_EQ(Q("SELECT count(w), count(v) FROM m WHERE time < 20 "
              "GROUP BY time(10ns)"),
            "m time,count,count_1\n"
            "  0 - 1i\n"
            "  10 1i 1i\n");
}

// ---------------------------------------------------------------------------
// Retention, errors, limits

TEST_F(ExecutorTest, RetentionFloorClampsTheScan) {
  for (int t = 0; t <= 20; t += 10) reader_.AddFloat("m", {}, "v", t, t);
  reader_.SetRetentionFloor("m", 15);
  EXPECT_EQ(Q("SELECT v FROM m"), "m time,v\n  20 20\n");
  EXPECT_EQ(Q("SELECT count(v) FROM m WHERE time >= 0"),
            "m time,count\n  0 1i\n");
  EXPECT_LE(reader_.points_read(), 2);
}

TEST_F(ExecutorTest, ScansOnlyTheQueryRange) {
  for (int t = 0; t < 100; ++t) reader_.AddFloat("m", {}, "v", t, t);
  EXPECT_EQ(Q("SELECT sum(v) FROM m WHERE time >= 10 AND time <= 12"),
            "m time,sum\n  10 33\n");
  EXPECT_EQ(reader_.points_read(), 3);
}

TEST_F(ExecutorTest, Errors) {
  reader_.AddFloat("m", {}, "v", 1, 0);
  reader_.Add("m", {}, "s", FieldValue::String("x"), 0);
  reader_.Add("m", {}, "b", FieldValue::Boolean(true), 0);
  EXPECT_EQ(Q("SELECT mean(s) FROM m"),
            "error: unsupported mean iterator type: "
            "*query.stringInterruptIterator");
  EXPECT_EQ(Q("SELECT sum(b) FROM m"),
            "error: unsupported sum iterator type: "
            "*query.booleanInterruptIterator");
  EXPECT_EQ(Q("SELECT percentile(s, 5) FROM m"),
            "error: unsupported percentile iterator type: "
            "*query.stringInterruptIterator");
  EXPECT_EQ(Q("SELECT v FROM m fill(none)"),
            "error: fill(none) must be used with a function");
  EXPECT_NE(Q("SELECT mean(v), v FROM m")
                .find("mixing aggregate and "
                      "non-aggregate queries is not "
                      "supported"),
            std::string::npos);
  EXPECT_NE(Q("SELECT v FROM m GROUP BY time(1s)")
                .find("GROUP BY requires at least one aggregate function"),
            std::string::npos);
  EXPECT_NE(Q("SELECT v FROM m WHERE s =~ /(/").find("invalid regular"),
            std::string::npos);
  // count, first and last accept any type; min and max booleans.
  EXPECT_EQ(Q("SELECT count(s), first(s), last(b), max(b) FROM m"),
            "m time,count,first,last,max\n"
            "  0 1i \"x\" true true\n");
}

TEST_F(ExecutorTest, TooManyRows) {
  for (int t = 0; t < 3; ++t) reader_.AddFloat("m", {}, "v", t, t);
  ExecOptions small;
  small.max_result_rows = 2;
  absl::StatusOr<std::vector<ResultSeries>> r = Run("SELECT v FROM m", small);
  EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
  EXPECT_TRUE(Run("SELECT v FROM m LIMIT 2", small).ok());
  // A huge bucket range fails before anything is laid out.
  r =
      Run("SELECT count(v) FROM m WHERE time >= 0 AND time < 1000000000000 "
          "GROUP BY time(1ns)");
  EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
  EXPECT_TRUE(Run("SELECT count(v) FROM m WHERE time >= 0 AND "
                  "time < 1000000000000 GROUP BY time(1ns) fill(none)")
                  .ok());
}

TEST_F(ExecutorTest, CorruptValuesAreDataLoss) {
  reader_.AddRaw("m", {{"host", "a"}}, "v", FieldType::kFloat, "abc", 5);
  for (const char* q :
       {"SELECT v FROM m", "SELECT mean(v) FROM m",
        "SELECT mean(v) FROM m WHERE v > 0", "SELECT mean(v), max(v) FROM m"}) {
    absl::StatusOr<std::vector<ResultSeries>> r = Run(q);
    EXPECT_TRUE(absl::IsDataLoss(r.status())) << q << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find("m,host=a"),
              std::string::npos)
        << r.status();
  }
}

// Several aggregates of one field read it once, in chunks (more points
// than one chunk here), and must answer as each read alone.
TEST_F(ExecutorTest, AggregatesOfOneFieldShareARead) {
  for (int t = 0; t < 1000; ++t) {
    reader_.AddInt("m", {{"host", "a"}}, "v", t % 7, t);
    reader_.Add("m", {{"host", "a"}}, "b", FieldValue::Boolean(t % 3 == 0), t);
    if (t % 2 == 0) reader_.AddInt("m", {{"host", "b"}}, "v", -t, t);
  }
  const std::string together =
      Q("SELECT count(v), sum(v), min(v), max(v), first(v), last(v), "
        "spread(v), median(v) FROM m WHERE time >= 0 AND time < 1000 "
        "GROUP BY time(300ns), host");
  std::string alone;
  for (const char* fn :
       {"count", "sum", "min", "max", "first", "last", "spread", "median"}) {
    alone +=
        Q(absl::StrFormat("SELECT %s(v) FROM m WHERE time >= 0 AND "
                          "time < 1000 GROUP BY time(300ns), host",
                          fn));
  }
  // Same cells, one column at a time.
  EXPECT_NE(together.find("m{host=a} time,count,sum,min,max,first,last,"
                          "spread,median\n"
                          "  0 300i 897i 0i 6i 0i 5i 6i 3\n"),
            std::string::npos)
      << together;
  EXPECT_NE(alone.find("m{host=b} time,sum\n  0 -22350i\n"), std::string::npos)
      << alone;
  EXPECT_EQ(Q("SELECT count(b), max(b), last(b) FROM m WHERE host = 'a' AND "
              "time >= 0 AND time < 1000 GROUP BY time(500ns)"),
            "m time,count,max,last\n"
            "  0 500i true false\n"
            "  500 500i true true\n");
  EXPECT_EQ(Q("SELECT sum(v), mean(v) FROM m WHERE host = 'b'"),
            "m time,sum,mean\n  0 -249500i -499\n");
}

TEST_F(ExecutorTest, RegexSource) {
  reader_.AddFloat("cpu", {}, "v", 1, 0);
  reader_.AddFloat("cpu2", {}, "v", 2, 0);
  reader_.AddFloat("mem", {}, "v", 3, 0);
  EXPECT_EQ(Q("SELECT count(v) FROM /^cpu/"),
            "cpu time,count\n"
            "  0 1i\n"
            "cpu2 time,count\n"
            "  0 1i\n");
}

TEST_F(ExecutorTest, LongRegexSubjectIsAnError) {
  reader_.Add("m", {}, "s", FieldValue::String(std::string(100000, 'a')), 0);
  absl::StatusOr<std::vector<ResultSeries>> r =
      Run("SELECT s FROM m WHERE s =~ /a*b/");
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
}

}  // namespace
}  // namespace strata::series
