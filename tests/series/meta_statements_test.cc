// Tests of the non-SELECT InfluxQL statements through TimeSeries::Query:
// the exact InfluxDB 1.x shape of every SHOW result, DELETE with tag and
// time conditions, DROP SERIES and DROP MEASUREMENT, per-statement errors,
// and the tag conditions of their WHERE clauses.
#include "series/meta_statements.h"

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "series/influxql/parser.h"
#include "series/key_codec.h"
#include "series/series_db_reader.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/series.h"

namespace strata::series {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

std::string ValueString(const QueryValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "null";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          return absl::StrFormat("%g", x);
        } else {
          return absl::StrFormat("%d", x);
        }
      },
      v);
}

// "name [col,col] (v,v) (v,v)" per series, one per line; "error: ..." for a
// failed statement.
std::string Dump(const StatementResult& r) {
  if (!r.error.ok()) return "error: " + std::string(r.error.message());
  std::string out;
  for (const ResultSeries& s : r.series) {
    out += s.name + " [";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      out += (i > 0 ? "," : "") + s.columns[i];
    }
    out += "]";
    for (const auto& row : s.values) {
      out += " (";
      for (size_t i = 0; i < row.size(); ++i) {
        out += (i > 0 ? "," : "") + ValueString(row[i]);
      }
      out += ")";
    }
    EXPECT_TRUE(s.tags.empty());
    out += "\n";
  }
  return out;
}

class MetaStatementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto ts = TimeSeries::Open(db_.get(), ts_options_);
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = *std::move(ts);
    Write(
        "cpu,host=a,region=eu usage=1,count=1i 10\n"
        "cpu,host=a,region=eu usage=2 20\n"
        "cpu,host=a,region=eu usage=3 30\n"
        "cpu,host=b,region=us usage=4 10\n"
        "cpu,host=b,region=us usage=5 30\n"
        "cpu,host=c usage=6 20\n"
        "mem,host=a used=10i,free=5u,ok=true,note=\"x\" 10\n"
        "disk value=1 10\n");
  }

  void Write(std::string_view lp) {
    LineProtocolWriteOptions o;
    o.precision = "s";
    auto r = ts_->WriteLineProtocol(lp, o);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Runs a one-statement query and dumps its result.
  std::string Q(std::string_view text) {
    auto r = ts_->Query(text);
    if (!r.ok()) return "query error: " + std::string(r.status().message());
    EXPECT_EQ(r->results.size(), 1u);
    if (r->results.empty()) return "no result";
    EXPECT_EQ(r->results[0].statement_id, 0);
    return Dump(r->results[0]);
  }

  // "key: field@s,s; ..." for the stored data of m, via a fresh reader.
  std::string Data(std::string_view m) {
    SeriesDbReader reader(db_.get(), clock_.get(), 0);
    auto fields = reader.Fields(m);
    EXPECT_TRUE(fields.ok());
    std::string out;
    absl::Status s = reader.ForEachSeries(m, [&](const SeriesInfo& info) {
      std::string line = info.key + ":";
      for (const FieldInfo& f : *fields) {
        auto it = reader.NewFieldIterator(m, info.id, f.id, kMinTimestamp,
                                          kMaxTimestamp);
        std::string times;
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
          times += absl::StrFormat("%s%d", times.empty() ? "" : ",",
                                   it->timestamp() / kSecond);
        }
        if (!times.empty()) line += " " + f.name + "@" + times;
      }
      out += (out.empty() ? "" : "; ") + line;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

struct ShowCase {
  const char* query;
  const char* expected;
};

TEST_F(MetaStatementsTest, ShowStatementsHaveInfluxShapes) {
  const std::vector<ShowCase> cases = {
      // SHOW MEASUREMENTS: one series "measurements", column name.
      {"SHOW MEASUREMENTS", "measurements [name] (cpu) (disk) (mem)\n"},
      {"SHOW MEASUREMENTS WITH MEASUREMENT =~ /^(cpu|mem)$/",
       "measurements [name] (cpu) (mem)\n"},
      {"SHOW MEASUREMENTS WITH MEASUREMENT = mem",
       "measurements [name] (mem)\n"},
      {"SHOW MEASUREMENTS WHERE host = 'a'",
       "measurements [name] (cpu) (mem)\n"},
      {"SHOW MEASUREMENTS WHERE region = 'us'", "measurements [name] (cpu)\n"},
      {"SHOW MEASUREMENTS WHERE time > now() - 1h AND host = 'a'",
       "measurements [name] (cpu) (mem)\n"},
      {"SHOW MEASUREMENTS LIMIT 1 OFFSET 1", "measurements [name] (disk)\n"},
      {"SHOW MEASUREMENTS WHERE host = 'zzz'", ""},
      // SHOW TAG KEYS: a series per measurement with tags, column tagKey.
      {"SHOW TAG KEYS", "cpu [tagKey] (host) (region)\nmem [tagKey] (host)\n"},
      {"SHOW TAG KEYS FROM cpu", "cpu [tagKey] (host) (region)\n"},
      {"SHOW TAG KEYS FROM cpu WHERE host = 'c'", "cpu [tagKey] (host)\n"},
      {"SHOW TAG KEYS FROM /^m/", "mem [tagKey] (host)\n"},
      {"SHOW TAG KEYS LIMIT 1", "cpu [tagKey] (host)\nmem [tagKey] (host)\n"},
      {"SHOW TAG KEYS OFFSET 1", "cpu [tagKey] (region)\n"},
      {"SHOW TAG KEYS SLIMIT 1 SOFFSET 1", "mem [tagKey] (host)\n"},
      {"SHOW TAG KEYS FROM disk", ""},
      {"SHOW TAG KEYS FROM nosuch", ""},
      // SHOW TAG VALUES: columns key, value.
      {"SHOW TAG VALUES WITH KEY = \"host\"",
       "cpu [key,value] (host,a) (host,b) (host,c)\n"
       "mem [key,value] (host,a)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY IN (\"region\", \"host\")",
       "cpu [key,value] (host,a) (host,b) (host,c) (region,eu) (region,us)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY =~ /reg/",
       "cpu [key,value] (region,eu) (region,us)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY !~ /reg/",
       "cpu [key,value] (host,a) (host,b) (host,c)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY != \"host\"",
       "cpu [key,value] (region,eu) (region,us)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY = \"host\" WHERE region =~ /e/",
       "cpu [key,value] (host,a)\n"},
      {"SHOW TAG VALUES FROM cpu WITH KEY = \"host\" LIMIT 2 OFFSET 1",
       "cpu [key,value] (host,b) (host,c)\n"},
      {"SHOW TAG VALUES WITH KEY = \"nosuch\"", ""},
      // SHOW FIELD KEYS: columns fieldKey, fieldType with InfluxDB's names.
      {"SHOW FIELD KEYS",
       "cpu [fieldKey,fieldType] (count,integer) (usage,float)\n"
       "disk [fieldKey,fieldType] (value,float)\n"
       "mem [fieldKey,fieldType] (free,unsigned) (note,string) (ok,boolean) "
       "(used,integer)\n"},
      {"SHOW FIELD KEYS FROM mem LIMIT 2",
       "mem [fieldKey,fieldType] (free,unsigned) (note,string)\n"},
      {"SHOW FIELD KEYS FROM mem OFFSET 3",
       "mem [fieldKey,fieldType] (used,integer)\n"},
      // SHOW SERIES: one unnamed series, column key.
      {"SHOW SERIES",
       " [key] (cpu,host=a,region=eu) (cpu,host=b,region=us) (cpu,host=c) "
       "(disk) (mem,host=a)\n"},
      {"SHOW SERIES FROM cpu WHERE host != 'a'",
       " [key] (cpu,host=b,region=us) (cpu,host=c)\n"},
      {"SHOW SERIES WHERE region !~ /./",
       " [key] (cpu,host=c) (disk) (mem,host=a)\n"},
      {"SHOW SERIES WHERE host = 'a' OR region = 'us'",
       " [key] (cpu,host=a,region=eu) (cpu,host=b,region=us) (mem,host=a)\n"},
      {"SHOW SERIES WHERE host = '' ", " [key] (disk)\n"},
      {"SHOW SERIES LIMIT 2 OFFSET 1",
       " [key] (cpu,host=b,region=us) (cpu,host=c)\n"},
      {"SHOW SERIES FROM nosuch", ""},
      // Errors are the statement's.
      {"SHOW SERIES WHERE host =~ /(/",
       "error: invalid regex /(/: Mismatched '(' and ')' in regular "
       "expression at line 1, char 27"},
      {"SHOW SERIES WHERE host > 'a'",
       "error: unsupported operator > in a tag condition at line 1, char 24"},
      {"SHOW SERIES WHERE host = 1",
       "error: tags compare with a string or regex: host = 1 at line 1, char "
       "24"},
      {"SHOW SERIES WHERE time > 0 OR host = 'a'",
       "error: cannot use OR with time conditions at line 1, char 28"},
  };
  for (const ShowCase& c : cases) {
    EXPECT_EQ(Q(c.query), c.expected) << c.query;
  }
}

TEST_F(MetaStatementsTest, ShowSeriesHasNoNameAndEmptyDbHasNoSeries) {
  auto r = ts_->Query("SHOW SERIES FROM disk");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->results[0].series.size(), 1u);
  EXPECT_EQ(r->results[0].series[0].name, "");
  EXPECT_EQ(r->results[0].series[0].columns, std::vector<std::string>{"key"});
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), std::string(1, '\x10'),
                               std::string(1, '\x17'))
                  .ok());
  auto fresh = TimeSeries::Open(db_.get(), ts_options_);
  ASSERT_TRUE(fresh.ok());
  for (const char* q : {"SHOW MEASUREMENTS", "SHOW TAG KEYS",
                        "SHOW TAG VALUES WITH KEY = \"host\"",
                        "SHOW FIELD KEYS", "SHOW SERIES"}) {
    auto e = (*fresh)->Query(q);
    ASSERT_TRUE(e.ok()) << q;
    EXPECT_TRUE(e->results[0].error.ok()) << q;
    EXPECT_TRUE(e->results[0].series.empty()) << q;
  }
}

TEST_F(MetaStatementsTest, StatementsRunIndependently) {
  auto r = ts_->Query(
      "SHOW MEASUREMENTS; DELETE FROM cpu WHERE usage = 1; "
      "SHOW SERIES FROM cpu; DROP SERIES WHERE time > 0");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r->results[i].statement_id, i);
  EXPECT_EQ(Dump(r->results[0]), "measurements [name] (cpu) (disk) (mem)\n");
  EXPECT_EQ(Dump(r->results[1]),
            "error: fields not supported in WHERE clause during deletion");
  EXPECT_EQ(Dump(r->results[2]),
            " [key] (cpu,host=a,region=eu) (cpu,host=b,region=us) "
            "(cpu,host=c)\n");
  EXPECT_EQ(Dump(r->results[3]),
            "error: DROP SERIES doesn't support time in WHERE clause");
  // A syntax error fails the whole call.
  auto bad = ts_->Query("SHOW MEASUREMENTS; SHOW FOO");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  // So does an over-long query.
  ts_options_.max_query_bytes = 10;
  auto small = TimeSeries::Open(db_.get(), ts_options_);
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE((*small)->Query("SHOW MEASUREMENTS").ok());
}

TEST_F(MetaStatementsTest, DeleteWithTagAndTimeConditions) {
  EXPECT_EQ(Q("DELETE FROM cpu WHERE host = 'a' AND time < 25s"), "");
  EXPECT_EQ(Data("cpu"),
            "cpu,host=a,region=eu: usage@30; "
            "cpu,host=b,region=us: usage@10,30; cpu,host=c: usage@20");
  // Bounds are inclusive; the series keeps its catalog while data remain.
  EXPECT_EQ(Q("DELETE FROM cpu WHERE region = 'us' AND time >= 30s AND "
              "time <= 30s"),
            "");
  EXPECT_EQ(Data("cpu"),
            "cpu,host=a,region=eu: usage@30; "
            "cpu,host=b,region=us: usage@10; cpu,host=c: usage@20");
  // A series left without data leaves the catalog, as in InfluxDB.
  EXPECT_EQ(Q("DELETE FROM cpu WHERE host = 'a' AND time > 25s"), "");
  EXPECT_EQ(Q("SHOW SERIES FROM cpu"),
            " [key] (cpu,host=b,region=us) (cpu,host=c)\n");
  EXPECT_EQ(Q("SHOW TAG VALUES FROM cpu WITH KEY = \"region\""),
            "cpu [key,value] (region,us)\n");
  // An empty time range deletes nothing.
  EXPECT_EQ(Q("DELETE FROM cpu WHERE time > 30s AND time < 10s"), "");
  EXPECT_EQ(Data("cpu"),
            "cpu,host=b,region=us: usage@10; cpu,host=c: usage@20");
  // Regex sources and conditions.
  EXPECT_EQ(Q("DELETE FROM /^c/ WHERE host =~ /^[bc]$/ AND time < 15s"), "");
  EXPECT_EQ(Data("cpu"), "cpu,host=c: usage@20");
  EXPECT_EQ(Q("DELETE FROM cpu WHERE time > 0 OR host = 'a'"),
            "error: cannot use OR with time conditions at line 1, char 32");
}

TEST_F(MetaStatementsTest, DeleteWithoutWhereRemovesMeasurement) {
  EXPECT_EQ(Q("DELETE FROM cpu"), "");
  EXPECT_EQ(Data("cpu"), "");
  EXPECT_EQ(Q("SHOW MEASUREMENTS"), "measurements [name] (disk) (mem)\n");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM cpu"), "");
  // Without FROM: every measurement.
  EXPECT_EQ(Q("DELETE WHERE host = 'a'"), "");
  EXPECT_EQ(Q("SHOW SERIES"), " [key] (disk)\n");
  EXPECT_EQ(Data("disk"), "disk: value@10");
  // The measurement can come back with other types.
  Write("cpu,host=z usage=\"high\" 40\n");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM cpu"),
            "cpu [fieldKey,fieldType] (usage,string)\n");
  EXPECT_EQ(Data("cpu"), "cpu,host=z: usage@40");
}

TEST_F(MetaStatementsTest, DropSeries) {
  EXPECT_EQ(Q("DROP SERIES FROM cpu WHERE host = 'b'"), "");
  EXPECT_EQ(Q("SHOW SERIES FROM cpu"),
            " [key] (cpu,host=a,region=eu) (cpu,host=c)\n");
  EXPECT_EQ(Q("SHOW TAG VALUES FROM cpu WITH KEY = \"region\""),
            "cpu [key,value] (region,eu)\n");
  EXPECT_EQ(Data("cpu"),
            "cpu,host=a,region=eu: count@10 usage@10,20,30; "
            "cpu,host=c: usage@20");
  // Written again, the series is new: its old points stay gone.
  Write("cpu,host=b,region=us usage=7 50\n");
  EXPECT_EQ(Data("cpu"),
            "cpu,host=a,region=eu: count@10 usage@10,20,30; "
            "cpu,host=b,region=us: usage@50; cpu,host=c: usage@20");
  // Without FROM it applies to every measurement.
  EXPECT_EQ(Q("DROP SERIES WHERE host = 'a'"), "");
  EXPECT_EQ(Q("SHOW SERIES"),
            " [key] (cpu,host=b,region=us) (cpu,host=c) (disk)\n");
  EXPECT_EQ(Q("SHOW MEASUREMENTS"), "measurements [name] (cpu) (disk)\n");
  // Field conditions are refused.
  EXPECT_EQ(Q("DROP SERIES FROM cpu WHERE usage::field = 'x'"),
            "error: fields not supported in WHERE clause during deletion");
}

TEST_F(MetaStatementsTest, DropMeasurementThenRecreateWithOtherTypes) {
  ASSERT_TRUE(ts_->SetRetention("cpu", 3600 * kSecond).ok());
  EXPECT_EQ(Q("DROP MEASUREMENT cpu"), "");
  EXPECT_EQ(Q("SHOW MEASUREMENTS"), "measurements [name] (disk) (mem)\n");
  EXPECT_EQ(Q("SHOW SERIES FROM cpu"), "");
  EXPECT_EQ(Q("SHOW TAG KEYS FROM cpu"), "");
  EXPECT_EQ(Data("cpu"), "");
  SeriesDbReader reader(db_.get(), clock_.get(), 0);
  EXPECT_EQ(reader.RetentionFloor("cpu"), kMinTimestamp);
  // usage was a float: now a string, count a boolean.
  Write("cpu,host=a usage=\"idle\",count=true 60\n");
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM cpu"),
            "cpu [fieldKey,fieldType] (count,boolean) (usage,string)\n");
  EXPECT_EQ(Q("SHOW SERIES FROM cpu"), " [key] (cpu,host=a)\n");
  EXPECT_EQ(Data("cpu"), "cpu,host=a: count@60 usage@60");
  // Other measurements are untouched; dropping a missing one is fine.
  EXPECT_EQ(Data("mem"), "mem,host=a: free@10 note@10 ok@10 used@10");
  EXPECT_EQ(Q("DROP MEASUREMENT nosuch"), "");
  // The catalog survives a reopen in this state.
  ts_.reset();
  auto ts = TimeSeries::Open(db_.get(), ts_options_);
  ASSERT_TRUE(ts.ok());
  ts_ = *std::move(ts);
  EXPECT_EQ(Q("SHOW FIELD KEYS FROM cpu"),
            "cpu [fieldKey,fieldType] (count,boolean) (usage,string)\n");
  LineProtocolWriteOptions o;
  auto conflict = ts_->WriteLineProtocol("cpu,host=a usage=1 70", o);
  EXPECT_FALSE(conflict.ok());
}

TEST_F(MetaStatementsTest, SelectReadsThroughTheStoreAndHonoursRetention) {
  clock_->SetNow(40 * kSecond);
  EXPECT_EQ(Q("SELECT usage FROM cpu WHERE host = 'a'"),
            "cpu [time,usage] (10000000000,1) (20000000000,2) "
            "(30000000000,3)\n");
  // A shorter retention hides older points at once, before compaction.
  ASSERT_TRUE(ts_->SetRetention("cpu", 15 * kSecond).ok());
  EXPECT_EQ(Q("SELECT usage FROM cpu WHERE host = 'a'"),
            "cpu [time,usage] (30000000000,3)\n");
  ASSERT_TRUE(ts_->SetRetention("cpu", 0).ok());
  EXPECT_EQ(Q("SELECT count(usage) FROM cpu"), "cpu [time,count] (0,6)\n");
}

// ---------------------------------------------------------------------------
// Tag conditions

struct ConditionCase {
  const char* expr;
  std::vector<Tag> tags;
  bool expected;
};

TEST(TagConditionTest, Evaluates) {
  const std::vector<Tag> a = {{"host", "a"}, {"region", "eu"}};
  const std::vector<Tag> b = {{"host", "b"}};
  const std::vector<Tag> none = {};
  const std::vector<ConditionCase> cases = {
      {"host = 'a'", a, true},
      {"host = 'a'", b, false},
      {"host = 'a'", none, false},
      {"'a' = host", a, true},
      {"host != 'a'", none, true},
      {"host <> 'a'", b, true},
      {"host = ''", none, true},
      {"host = ''", a, false},
      {"host =~ /^a/", a, true},
      {"host =~ /^a/", b, false},
      {"host !~ /^a/", b, true},
      {"host =~ /(?i)A/", a, true},
      {"host =~ /A/", a, false},
      {"host::tag = 'b'", b, true},
      {"host = 'a' AND region = 'eu'", a, true},
      {"host = 'b' AND region = 'eu'", a, false},
      {"host = 'b' OR region = 'eu'", a, true},
      {"(host = 'x' OR host = 'b') AND region = ''", b, true},
      {"true", none, true},
      {"false", a, false},
  };
  for (const ConditionCase& c : cases) {
    auto expr = influxql::ParseExpr(c.expr);
    ASSERT_TRUE(expr.ok()) << c.expr << ": " << expr.status();
    auto cond = TagCondition::Compile(expr->get());
    ASSERT_TRUE(cond.ok()) << c.expr << ": " << cond.status();
    EXPECT_EQ(cond->Matches(c.tags), c.expected) << c.expr;
  }
  auto all = TagCondition::Compile(nullptr);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->always_true());
  EXPECT_TRUE(all->Matches(a));
}

TEST(TagConditionTest, RejectsWhatTagsCannotExpress) {
  for (const char* bad : {"host > 'a'", "host = 1", "host + 1", "host",
                          "host =~ /[/", "'a' = 'b'"}) {
    auto expr = influxql::ParseExpr(bad);
    ASSERT_TRUE(expr.ok()) << bad << ": " << expr.status();
    auto cond = TagCondition::Compile(expr->get());
    EXPECT_EQ(cond.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace strata::series
