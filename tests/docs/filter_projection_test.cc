// Projections (inclusion, exclusion, the key field, dotted paths through
// arrays) and sort keys (type order, arrays, missing, multi-key).
#include "docs/filter_projection.h"

#include <algorithm>

#include "docs/filter_sort.h"
#include "gtest/gtest.h"

namespace strata::docs {
namespace {

TEST(ProjectionTest, Applies) {
  struct Case {
    const char* spec;
    const char* doc;
    const char* want;
  };
  const Case cases[] = {
      {"{}", R"({ "_id" : 1, "a" : [1, 2] })", R"({"_id":1,"a":[1,2]})"},
      {R"({"a":1})", R"({"_id":1,"a":2,"b":3})", R"({"_id":1,"a":2})"},
      {R"({"a":true,"_id":0})", R"({"_id":1,"a":2,"b":3})", R"({"a":2})"},
      {R"({"_id":0,"a":1})", R"({"_id":1,"a":2,"b":3})", R"({"a":2})"},
      {R"({"_id":0})", R"({"_id":1,"a":2,"b":3})", R"({"a":2,"b":3})"},
      {R"({"b":0})", R"({"_id":1,"a":2,"b":3})", R"({"_id":1,"a":2})"},
      {R"({"b":false,"_id":0})", R"({"_id":1,"a":2,"b":3})", R"({"a":2})"},
      {R"({"_id":1})", R"({"_id":1,"a":2,"b":3})", R"({"_id":1})"},
      {R"({"zz":1})", R"({"_id":1,"a":2})", R"({"_id":1})"},
      {R"({"b":1,"a":1})", R"({"a":1,"b":2,"c":3})", R"({"a":1,"b":2})"},
      {R"({"a.b":1})", R"({"_id":1,"a":{"b":1,"c":2},"x":1})",
       R"({"_id":1,"a":{"b":1}})"},
      {R"({"a.b":1})", R"({"a":[{"b":1,"c":2},{"c":3},5,[{"b":2}]]})",
       R"({"a":[{"b":1},{},[{"b":2}]]})"},
      {R"({"a.b":1})", R"({"a":5})", R"({})"},
      {R"({"a.b":1})", R"({"a":{"c":1}})", R"({"a":{}})"},
      {R"({"a.b":1,"a.c.d":1})", R"({"a":{"c":{"d":1,"e":2},"b":0,"z":9}})",
       R"({"a":{"c":{"d":1},"b":0}})"},
      {R"({"a.b":0})", R"({"a":[{"b":1,"c":2},5,[{"b":1}]]})",
       R"({"a":[{"c":2},5,[{}]]})"},
      {R"({"a.b":0})", R"({"a":7,"b":1})", R"({"a":7,"b":1})"},
      {R"({"a.0":1})", R"({"a":[{"0":1,"1":2}],"b":1})", R"({"a":[{"0":1}]})"},
      {R"({"a":1})", R"({"a":{"x":[1,{"y":null}]}})",
       R"({"a":{"x":[1,{"y":null}]}})"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Projection> p = Projection::ParseJsonText(c.spec);
    ASSERT_TRUE(p.ok()) << c.spec << ": " << p.status();
    absl::StatusOr<std::string> got = p->Apply(c.doc);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want) << c.spec << " on " << c.doc;
  }
}

TEST(ProjectionTest, CustomKeyField) {
  absl::StatusOr<Projection> p = Projection::ParseJsonText(R"({"a":1})", "key");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Apply(R"({"key":"k","_id":5,"a":1})"), R"({"key":"k","a":1})");
  p = Projection::ParseJsonText(R"({"key":0})", "key");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->is_inclusion());
  EXPECT_EQ(*p->Apply(R"({"key":"k","_id":5})"), R"({"_id":5})");
}

TEST(ProjectionTest, Errors) {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {R"({"a":1,"b":0})",
       "cannot mix inclusion and exclusion at projection.b"},
      {R"({"a":0,"b":1})",
       "cannot mix inclusion and exclusion at projection.b"},
      {R"({"a":"x"})",
       "projection values must be 0, 1, true or false, got a string at "
       "projection.a"},
      {R"({"a":{"$slice":1}})",
       "projection values must be 0, 1, true or false, got an object at "
       "projection.a"},
      {R"({"a":1,"a.b":1})", "path collision on \"a.b\" at projection.a.b"},
      {R"({"a.b":1,"a":1})", "path collision on \"a\" at projection.a"},
      {"[1]", "a projection must be an object, got an array at projection"},
      {R"({"a..b":1})",
       "invalid field path \"a..b\": empty component at projection.a..b"},
      {R"({"a":1)",
       "projection: malformed JSON at byte offset 6: unexpected end of input, "
       "expected ',' or '}'"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Projection> p = Projection::ParseJsonText(c.spec);
    ASSERT_FALSE(p.ok()) << c.spec;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(p.status().message()), c.message) << c.spec;
  }
  absl::StatusOr<Projection> p = Projection::ParseJsonText(R"({"a":1})");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->Apply("[1]").ok());
  EXPECT_FALSE(p->Apply(R"({"a":)").ok());
}

std::vector<int> SortedIds(const char* spec_json,
                           const std::vector<std::string>& docs) {
  absl::StatusOr<SortSpec> spec = SortSpec::ParseJsonText(spec_json);
  EXPECT_TRUE(spec.ok()) << spec.status();
  SortKeyExtractor streaming(*spec);
  SortKeyExtractor in_memory(*spec);
  struct Row {
    int id;
    SortKey key;
  };
  std::vector<Row> rows;
  for (const std::string& d : docs) {
    absl::StatusOr<SortKey> key = streaming.Extract(d);
    EXPECT_TRUE(key.ok()) << key.status();
    absl::StatusOr<JsonValue> v = ParseJson(d);
    EXPECT_TRUE(v.ok());
    SortKey key2 = in_memory.ExtractFromValue(*v);
    EXPECT_EQ(CompareSortKeys(*spec, *key, key2), 0) << d;
    rows.push_back({static_cast<int>(v->Find("_id")->int_value()), *key});
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return CompareSortKeys(*spec, a.key, b.key) < 0;
  });
  std::vector<int> ids;
  for (const Row& r : rows) ids.push_back(r.id);
  return ids;
}

TEST(SortTest, TypeOrderArraysAndMissing) {
  const std::vector<std::string> docs = {
      R"({"_id":1,"a":null})",    R"({"_id":2})",
      R"({"_id":3,"a":5})",       R"({"_id":4,"a":"x"})",
      R"({"_id":5,"a":[3,9]})",   R"({"_id":6,"a":true})",
      R"({"_id":7,"a":{"k":1}})", R"({"_id":8,"a":[]})",
      R"({"_id":9,"a":2.5})",     R"({"_id":10,"a":[[0],1e9]})",
  };
  // null < booleans < numbers < strings < objects < arrays (the index key
  // order). Ascending uses each array's smallest element, descending its
  // largest; missing sorts as null and [] before it (MongoDB: first
  // ascending, last descending); [[0],1e9] holds an array element.
  EXPECT_EQ(SortedIds(R"({"a":1})", docs),
            (std::vector<int>{8, 1, 2, 6, 9, 5, 3, 10, 4, 7}));
  EXPECT_EQ(SortedIds(R"({"a":-1})", docs),
            (std::vector<int>{10, 7, 4, 5, 3, 9, 6, 1, 2, 8}));
}

TEST(SortTest, MultiKeyAndDottedPaths) {
  const std::vector<std::string> docs = {
      R"({"_id":1,"g":"b","m":{"n":1}})", R"({"_id":2,"g":"a","m":{"n":1}})",
      R"({"_id":3,"g":"b","m":{"n":7}})", R"({"_id":4,"g":"a","m":[{"n":3}]})",
      R"({"_id":5,"g":"b","m":{"n":7}})",
  };
  EXPECT_EQ(SortedIds(R"({"g":1,"m.n":-1})", docs),
            (std::vector<int>{4, 2, 3, 5, 1}));
  EXPECT_EQ(SortedIds(R"({"m.n":1,"_id":-1})", docs),
            (std::vector<int>{2, 1, 4, 5, 3}));
}

TEST(SortTest, ParseErrors) {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {R"({"a":2})", "sort direction must be 1 or -1, got 2 at sort.a"},
      {R"({"a":"asc"})",
       "sort direction must be 1 or -1, got \"asc\" at sort.a"},
      {"[1]", "a sort must be an object, got an array at sort"},
      {R"({"a.":1})", "invalid field path \"a.\": empty component at sort.a."},
  };
  for (const Case& c : cases) {
    absl::StatusOr<SortSpec> s = SortSpec::ParseJsonText(c.spec);
    ASSERT_FALSE(s.ok()) << c.spec;
    EXPECT_EQ(std::string(s.status().message()), c.message);
  }
  std::string wide = "{";
  for (int i = 0; i < 33; ++i)
    wide += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":1";
  absl::StatusOr<SortSpec> s = SortSpec::ParseJsonText(wide + "}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.status().message()),
            "a sort has at most 32 fields, got 33 at sort");
  EXPECT_TRUE(SortSpec::ParseJsonText(R"({"a":1.0,"b":-1})").ok());
}

}  // namespace
}  // namespace strata::docs
