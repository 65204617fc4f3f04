// Differences from the reference implementations found by the opt-in
// harnesses (influxdb_compat.sh against InfluxDB 1.6, mongo_compat.sh
// against mingo and MongoDB's documented rules) in code owned elsewhere:
// each DISABLED_ case states the reference's answer so that the owner can
// fix the code and enable it. Enabled cases pin what already matches.
// Everything runs over the public API on an in-memory DB.
#include <memory>
#include <string>
#include <vector>

#include "docs/doc_store_opener.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/series.h"

namespace strata {
namespace {

class CompatSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    Options options;
    options.env = env_.get();
    auto db = DB::Open(options, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    TimeSeriesOptions ts_options;
    ts_options.env = env_.get();
    auto ts = TimeSeries::Open(db_.get(), ts_options);
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = *std::move(ts);
  }

  void Write(std::string_view lines) {
    auto r = ts_->WriteLineProtocol(lines);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // The InfluxDB /query JSON (epoch ns), or the error text.
  std::string Q(std::string_view q) {
    auto r = ts_->Query(q);
    if (!r.ok()) return "error: " + std::string(r.status().message());
    return ToInfluxJson(*r, EpochFormat::kNanoseconds);
  }

  std::unique_ptr<Env> env_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

constexpr char kBoolData[] =
    "cpu,host=a ok=true,v=1 10\n"
    "cpu,host=a v=2 20\n"  // no ok field here
    "cpu,host=a ok=false,v=3 30\n";

// Matches already: a true comparison needs the field present.
TEST_F(CompatSeriesTest, FieldEqualsTrueNeedsTheField) {
  Write(kBoolData);
  EXPECT_EQ(Q("SELECT count(v) FROM cpu WHERE ok = true"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"count\"],\"values\":[[0,1]]}]}]}");
}

// `ok = false` and `ok != true` need the field: InfluxDB 1.6.7, checked on
// exactly these three points, matches only the point at 30 (count 1).
// The influxql evaluator does have a nil-to-false cast for booleans
// (influxdb#8267, 1.3), but the server does not apply it to missing fields
// in WHERE; 1.8 was not available to check. Strata used to read a missing
// field next to a boolean as false (count 2; 186 vs InfluxDB's 26 in the
// harness for host "a,b").
TEST_F(CompatSeriesTest, FieldEqualsFalseNeedsTheField) {
  Write(kBoolData);
  EXPECT_EQ(Q("SELECT count(v) FROM cpu WHERE ok = false"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"count\"],\"values\":[[0,1]]}]}]}");
  EXPECT_EQ(Q("SELECT v FROM cpu WHERE ok = false"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"v\"],\"values\":[[30,3]]}]}]}");
  // The same for !=: InfluxDB 131 vs Strata 886 in the harness.
  EXPECT_EQ(Q("SELECT v FROM cpu WHERE ok != true"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"v\"],\"values\":[[30,3]]}]}]}");
}

// InfluxDB (Go RE2 syntax) honours a leading (?i) in a SELECT's WHERE and
// FROM as SHOW does; Strata used to fail the SELECT with "invalid regular
// expression". One helper (series/influxql_regex.h) now compiles them all.
TEST_F(CompatSeriesTest, CaseInsensitiveRegexInWhere) {
  Write(kBoolData);
  EXPECT_EQ(Q("SELECT count(v) FROM cpu WHERE host =~ /(?i)A/"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"count\"],\"values\":[[0,3]]}]}]}");
  EXPECT_EQ(Q("SELECT count(v) FROM /(?i)^CPU$/ WHERE host !~ /(?i)B/"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"count\"],\"values\":[[0,3]]}]}]}");
  EXPECT_EQ(
      Q("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE host =~ /(?i)A/"),
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
      "\"columns\":[\"key\",\"value\"],\"values\":[[\"host\",\"a\"]]}]}]}");
  // (?s) (dot matches newline) cannot be expressed by std::regex: refused
  // clearly by SELECT and SHOW alike rather than read differently.
  EXPECT_EQ(Q("SELECT v FROM cpu WHERE host =~ /(?s)a/"),
            "{\"results\":[{\"statement_id\":0,\"error\":\"invalid regular "
            "expression /(?s)a/: flag s in (?s) is not supported (only i and m "
            "are) at line 1, char 33\"}]}");
  EXPECT_EQ(Q("SHOW SERIES WHERE host =~ /(?s)a/"),
            "{\"results\":[{\"statement_id\":0,\"error\":\"invalid regex "
            "/(?s)a/: flag s in (?s) is not supported (only i and m are) at "
            "line 1, char 27\"}]}");
}

constexpr char kTwoHosts[] =
    "cpu,host=a,region=e v=1 10\n"
    "cpu,host=a,region=e v=1 20\n"
    "cpu,host=a,region=e v=1 30\n"
    "cpu,host=b,region=w v=2 10\n"
    "cpu,host=b,region=w v=2 20\n"
    "cpu,host=b,region=w v=2 30\n";

// InfluxDB 1.x never rejects `time` under OR in a SELECT; it intersects
// every time comparison into the range and drops it from the condition
// (influxdb#9227, #8771). exec_plan.cc passes TimeOrPolicy::kIntersect
// (Strata used to say "cannot use OR with time conditions").
TEST_F(CompatSeriesTest, TimeUnderOrIsIntersected) {
  Write(kTwoHosts);
  // region = 'w' OR host = 'a', over [15, 30].
  EXPECT_EQ(Q("SELECT count(v) FROM cpu WHERE region = 'w' OR host = 'a' AND "
              "time >= 15 AND time <= 30 GROUP BY host"),
            "{\"results\":[{\"statement_id\":0,\"series\":["
            "{\"name\":\"cpu\",\"tags\":{\"host\":\"a\"},\"columns\":[\"time\","
            "\"count\"],\"values\":[[15,2]]},"
            "{\"name\":\"cpu\",\"tags\":{\"host\":\"b\"},\"columns\":[\"time\","
            "\"count\"],\"values\":[[15,2]]}]}]}");
  // (20, +inf) intersected with (-inf, 15): nothing, and no error.
  EXPECT_EQ(Q("SELECT v FROM cpu WHERE time > 20 OR time < 15"),
            "{\"results\":[{\"statement_id\":0}]}");
  EXPECT_EQ(Q("SELECT v FROM cpu WHERE host = 'a' AND time > 20 OR time < 15"),
            "{\"results\":[{\"statement_id\":0}]}");
}

// Executor: InfluxDB 1.x returns ONE row per series for OFFSET without
// LIMIT (influxdb#7577, still in 1.7) and nothing for SOFFSET without
// SLIMIT (influxdb#7578, closed wontfix). Strata applies the offsets as
// written, which is what the InfluxQL docs describe. Enable only if exact
// 1.x behaviour is wanted over the documented one.
TEST_F(CompatSeriesTest, DISABLED_InfluxDb1OffsetWithoutLimitQuirks) {
  Write(kTwoHosts);
  EXPECT_EQ(Q("SELECT v FROM cpu GROUP BY host OFFSET 1"),
            "{\"results\":[{\"statement_id\":0,\"series\":["
            "{\"name\":\"cpu\",\"tags\":{\"host\":\"a\"},\"columns\":[\"time\","
            "\"v\"],\"values\":[[20,1]]},"
            "{\"name\":\"cpu\",\"tags\":{\"host\":\"b\"},\"columns\":[\"time\","
            "\"v\"],\"values\":[[20,2]]}]}]}");
  EXPECT_EQ(Q("SELECT v FROM cpu GROUP BY host SOFFSET 1"),
            "{\"results\":[{\"statement_id\":0}]}");
}

// InfluxDB casts a numeric field with ::integer / ::float / ::unsigned
// (float to integer truncates toward zero; its engine's cast cursors);
// Strata used to read the hint as a type filter and return nothing.
// InfluxDB 1.6: SELECT usage_user::integer ... gave 31 for 31.047.
TEST_F(CompatSeriesTest, CastsConvertFieldValues) {
  Write("m f=31.9,i=7i,s=\"x\" 10\nm f=-2.5,i=-3i 20\n");
  EXPECT_EQ(Q("SELECT f::integer FROM m"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"f\"],\"values\":[[10,31],[20,-2]]}]}]}");
  // An integer as ::float prints the same digits in JSON.
  EXPECT_EQ(Q("SELECT i::float FROM m"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"i\"],\"values\":[[10,7],[20,-3]]}]}]}");
  // The same field as stored and cast, side by side.
  EXPECT_EQ(Q("SELECT f, f::integer FROM m"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"f\",\"f_1\"],\"values\":[[10,31.9,31],"
            "[20,-2.5,-2]]}]}]}");
  // WHERE compares the cast value: 31.9::integer = 31.
  EXPECT_EQ(Q("SELECT i FROM m WHERE f::integer = 31"),
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"i\"],\"values\":[[10,7]]}]}]}");
  // Only numbers cast: a string asked as ::integer is still nothing.
  EXPECT_EQ(Q("SELECT s::integer FROM m"),
            "{\"results\":[{\"statement_id\":0}]}");
}

class CompatDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    Options options;
    options.env = env_.get();
    DocumentStoreOptions doc_options;
    doc_options.env = env_.get();
    OpenDocStore(options, doc_options, &db_, &store_);
    if (HasFatalFailure()) return;
    CollectionSpec spec;
    spec.name = "c";
    ASSERT_TRUE(store_->CreateCollection(spec).ok());
  }

  void Put(std::string_view json) {
    auto r = store_->Put("c", json);
    ASSERT_TRUE(r.ok()) << r.status() << " " << json;
  }

  // The _id values found, in order, as "1,2,3", or the error.
  std::string Ids(std::string_view filter, std::string_view sort = "") {
    FindRequest req;
    req.filter = std::string(filter);
    req.sort = std::string(sort);
    req.projection = "{\"_id\":1}";
    auto cursor = store_->Find("c", req);
    if (!cursor.ok()) return "error: " + std::string(cursor.status().message());
    std::string out;
    while ((*cursor)->Next()) {
      if (!out.empty()) out += ",";
      out += std::string((*cursor)->key());
    }
    if (!(*cursor)->status().ok()) {
      return "error: " + std::string((*cursor)->status().message());
    }
    return out;
  }

  // $in over mixed strings, numbers and booleans (mongo_compat.sh --seed
  // 11): a boolean matches only a boolean, whatever the plan.
  void CheckInWithBooleans() {
    Put(R"({"_id":1,"s":"10"})");
    Put(R"({"_id":2,"s":false})");
    Put(R"({"_id":3,"s":2})");
    Put(R"({"_id":4,"s":true})");
    EXPECT_EQ(Ids(R"({"s":{"$in":["10",false]}})", R"({"_id":1})"), "1,2");
    EXPECT_EQ(Ids(R"({"s":{"$in":[2,true]}})", R"({"_id":1})"), "3,4");
    EXPECT_EQ(Ids(R"({"s":{"$in":[true,"10",2]}})", R"({"_id":1})"), "1,3,4");
  }

  std::unique_ptr<Env> env_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

// Matches already (MongoDB's documented null rules, where mingo 7.2.7
// differs; see tests/compat/README.md).
TEST_F(CompatDocsTest, NullMatchesMissingAlsoInsideArrays) {
  Put(R"({"_id":1,"b":[{}]})");
  Put(R"({"_id":2,"b":[{"d":1}]})");
  Put(R"({"_id":3})");
  Put(R"({"_id":4,"b":{"d":null}})");
  EXPECT_EQ(Ids(R"({"b.d":null})"), "1,3,4");
  EXPECT_EQ(Ids(R"({"b.d":{"$gte":null}})"), "1,3,4");
  EXPECT_EQ(Ids(R"({"b.d":{"$ne":null}})"), "2");
  EXPECT_EQ(Ids(R"({"b":{"$in":[[{"d":1}]]}})"), "2");
}

// An $in whose values mix booleans with numbers or strings, through an
// index. The values are in CompareJson order (booleans last, MongoDB's
// brackets) while index keys put booleans before numbers (key version 2),
// so the planner's spans were not ascending and it found nothing; fixed in
// planner.cc by sorting the span prefixes (8d82ceb). Found by
// mongo_compat.sh --seed 11 (the plain vs indexed check).
TEST_F(CompatDocsTest, InWithBooleansThroughAnIndex) {
  IndexSpec ix;
  ix.name = "by_s";
  ix.paths = {"s"};
  ASSERT_TRUE(store_->CreateIndex("c", ix).ok());
  CheckInWithBooleans();
}

// The same filters without an index.
TEST_F(CompatDocsTest, InWithBooleansWithoutAnIndex) { CheckInWithBooleans(); }

// Sort (filter_sort.cc): MongoDB orders an empty array before null and
// missing fields ("A comparison of an empty array treats the empty array
// as less than null or a missing field", MongoDB manual, Comparison/Sort
// Order); mingo agrees. Strata sorted [] as null (1,2,3,4); fixed with
// index key version 3 (schema/index-key.md, "The empty array").
// Descending, [] comes last.
TEST_F(CompatDocsTest, EmptyArraySortsBeforeNull) {
  Put(R"({"_id":1,"a":null})");
  Put(R"({"_id":2,"a":[]})");
  Put(R"({"_id":3})");
  Put(R"({"_id":4,"a":1})");
  EXPECT_EQ(Ids("{}", R"({"a":1,"_id":1})"), "2,1,3,4");
  EXPECT_EQ(Ids("{}", R"({"a":-1,"_id":1})"), "4,1,3,2");
}

// Deliberate (issue 5): booleans sort before numbers in Strata (one order
// for index keys and sorts); MongoDB puts them after arrays. Pinned so a
// change is noticed and README.md updated.
TEST_F(CompatDocsTest, BooleansSortBeforeNumbersDeliberately) {
  Put(R"({"_id":1,"a":true})");
  Put(R"({"_id":2,"a":1})");
  Put(R"({"_id":3,"a":"x"})");
  EXPECT_EQ(Ids("{}", R"({"a":1})"), "1,2,3");
}

}  // namespace
}  // namespace strata
