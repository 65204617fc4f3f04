// Filter parsing: the AST for every supported form, and every error path
// with the location it names.
#include "absl/strings/str_format.h"
#include "docs/filter.h"
#include "gtest/gtest.h"

namespace strata::docs {
namespace {

TEST(FilterParseTest, BuildsTheExpectedAst) {
  struct Case {
    std::string filter;
    std::string ast;
  };
  const Case cases[] = {
      {"{}", "(true)"},
      {R"({"a":5})", "(eq a 5)"},
      {R"({"a":5,"b":"x"})", R"((and (eq a 5) (eq b "x")))"},
      {R"({"a":{"$gt":1,"$lt":5}})", "(and (gt a 1) (lt a 5))"},
      {R"({"a.b.0":null})", "(eq a.b.0 null)"},
      {R"({"a":{"b":1}})", R"((eq a {"b":1}))"},
      {R"({"a":[1,2]})", "(eq a [1,2])"},
      {R"({"a":{"$eq":{"$gt":1}}})", R"((eq a {"$gt":1}))"},
      {R"({"a":{"$ne":3}})", "(not (eq a 3))"},
      {R"({"a":{"$gte":2.5,"$lte":"z"}})", R"((and (gte a 2.5) (lte a "z")))"},
      {R"({"t":{"$in":["y","x","x",1,1.0,null]}})",
       R"((in t [null,1,"x","y"]))"},
      {R"({"t":{"$nin":[[1],{"a":1}]}})", R"((not (in t [{"a":1},[1]])))"},
      {R"({"a":{"$exists":true}})", "(exists a)"},
      {R"({"a":{"$exists":false}})", "(not (exists a))"},
      {R"({"a":{"$exists":0}})", "(not (exists a))"},
      {R"({"a":{"$exists":1}})", "(exists a)"},
      {R"({"a":{"$not":{"$gt":5}}})", "(not (gt a 5))"},
      {R"({"a":{"$not":{"$gt":5,"$lt":9}}})", "(not (and (gt a 5) (lt a 9)))"},
      {R"({"$or":[{"a":1},{"b":{"$lte":2}}]})", "(or (eq a 1) (lte b 2))"},
      {R"({"$and":[{"a":1},{"b":2}],"c":3})",
       "(and (eq a 1) (eq b 2) (eq c 3))"},
      {R"({"$and":[{}]})", "(true)"},
      {R"({"$nor":[{"a":1},{"a":2}]})", "(nor (eq a 1) (eq a 2))"},
      {R"({"$or":[{"$and":[{"a":1},{"b":1}]},{}]})",
       "(or (and (eq a 1) (eq b 1)) (true))"},
      // $all: the $and of equalities (MongoDB's definition).
      {R"({"t":{"$all":["x",["y"]]}})", R"((and (eq t "x") (eq t ["y"])))"},
      {R"({"t":{"$all":[1]}})", "(eq t 1)"},
      {R"({"t":{"$all":[]}})", "(in t [])"},
      {R"({"t":{"$all":[1],"$ne":2}})", "(and (eq t 1) (not (eq t 2)))"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Filter> f = ParseFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    EXPECT_EQ(f->DebugString(), c.ast) << c.filter;
  }
}

TEST(FilterParseTest, InternsPathsInFirstUseOrder) {
  absl::StatusOr<Filter> f =
      ParseFilter(R"({"b":1,"a.c":2,"$or":[{"b":3},{"d":{"$gt":1}}]})");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->paths().size(), 3u);
  EXPECT_EQ(f->paths()[0].dotted(), "b");
  EXPECT_EQ(f->paths()[1].dotted(), "a.c");
  EXPECT_EQ(f->paths()[2].dotted(), "d");
}

TEST(FilterParseTest, ErrorsNameTheirPlace) {
  struct Case {
    std::string filter;
    std::string message;  // the whole message
  };
  const Case cases[] = {
      {"[1]", "a filter must be an object, got an array at filter"},
      {"5", "a filter must be an object, got a number at filter"},
      {R"({"$and":[{"a":1},{"price":{"$gt":{"x":1}}}]})",
       "$gt needs a scalar value, got an object at filter.$and[1].price.$gt"},
      {R"({"$or":[{"a":{"$lt":[1]}}]})",
       "$lt needs a scalar value, got an array at filter.$or[0].a.$lt"},
      {R"({"a":{"$foo":1}})", "unknown operator $foo at filter.a"},
      {R"({"tags":{"$in":5}})",
       "$in needs an array, got a number at filter.tags.$in"},
      {R"({"tags":{"$nin":"x"}})",
       "$nin needs an array, got a string at filter.tags.$nin"},
      {R"({"a":{"$in":[1,{"$gt":2}]}})",
       "$in values cannot hold operators at filter.a.$in[1]"},
      {R"({"$foo":[]})", "unknown top-level operator $foo at filter"},
      {R"({"$not":{"a":1}})", "unknown top-level operator $not at filter"},
      {R"({"$where":"x"})", "unsupported operator $where at filter"},
      {R"({"a":{"$size":2}})", "unsupported operator $size at filter.a"},
      {R"({"a":{"$all":5}})",
       "$all needs an array, got a number at "
       "filter.a.$all"},
      {R"({"a":{"$all":[{"$elemMatch":{"b":1}}]}})",
       "$all values cannot hold operators at filter.a.$all[0]"},
      {R"({"a":{"$elemMatch":{}}})",
       "unsupported operator $elemMatch at filter.a"},
      {R"({"$and":[]})",
       "$and needs a non-empty array, got an empty array at filter.$and"},
      {R"({"$or":{}})",
       "$or needs a non-empty array, got an object at filter.$or"},
      {R"({"$nor":[1]})",
       "$nor elements must be objects, got a number at filter.$nor[0]"},
      {R"({"$or":[{"a":1},{"$and":[{"b":{"$bad":1}}]}]})",
       "unknown operator $bad at filter.$or[1].$and[0].b"},
      {R"({"a":{"$exists":"yes"}})",
       "$exists needs a boolean, got a string at filter.a.$exists"},
      {R"({"a":{"$not":5}})",
       "$not needs an object of operators, got a number at filter.a.$not"},
      {R"({"a":{"$not":{}}})",
       "$not needs an object of operators, got an empty object at "
       "filter.a.$not"},
      {R"({"a":{"$not":{"b":1}}})",
       "unknown operator \"b\" (an object with operators cannot also hold "
       "fields) at filter.a.$not"},
      {R"({"a":{"$not":{"$gt":{"x":1}}}})",
       "$gt needs a scalar value, got an object at filter.a.$not.$gt"},
      {R"({"a":{"$gt":1,"b":2}})",
       "unknown operator \"b\" (an object with operators cannot also hold "
       "fields) at filter.a"},
      {R"({"a..b":1})",
       "invalid field path \"a..b\": empty component at filter"},
      {R"({"$or":[{"x.$y":1}]})",
       "invalid field path \"x.$y\": a component starts with '$' at "
       "filter.$or[0]"},
      {R"({"a":1)",
       "filter: malformed JSON at byte offset 6: unexpected end of input, "
       "expected ',' or '}'"},
      {R"({"a":1,"a":2})",
       "filter: malformed JSON at byte offset 11: duplicate key \"a\""},
      {R"({"a":[1,2,]})",
       "filter: malformed JSON at byte offset 10: unexpected character ']'"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Filter> f = ParseFilter(c.filter);
    ASSERT_FALSE(f.ok()) << c.filter;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(f.status().message()), c.message) << c.filter;
  }
}

TEST(FilterParseTest, LimitsGiveClearErrors) {
  std::string in = R"({"a":{"$in":[)";
  for (int i = 0; i <= 10000; ++i) in += (i ? "," : "") + std::to_string(i);
  in += "]}}";
  absl::StatusOr<Filter> f = ParseFilter(in);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "$in has 10001 values, limit 10000 at filter.a.$in");

  std::string deep = R"({"a":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  deep += std::string(100, ']') + "}";
  f = ParseFilter(deep);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string(f.status().message())
                .find("filter: malformed JSON at byte offset 104: nesting "
                      "deeper than 100 levels"),
            std::string::npos)
      << f.status();

  // Depth is also checked for filters parsed elsewhere.
  JsonValue v = JsonValue::Int(1);
  for (int i = 0; i < 150; ++i) {
    v = JsonValue::Object({{"$and", JsonValue::Array({std::move(v)})}});
  }
  f = ParseFilterValue(v);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "filter nests deeper than 100 levels at filter");

  std::string big = R"({"a":")" + std::string(300 << 10, 'x') + "\"}";
  f = ParseFilter(big);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            absl::StrFormat("filter is %d bytes, limit 262144", big.size()));

  FilterLimits tight;
  tight.max_in_values = 2;
  EXPECT_FALSE(ParseFilter(R"({"a":{"$in":[1,2,3]}})", tight).ok());
  EXPECT_TRUE(ParseFilter(R"({"a":{"$in":[1,2]}})", tight).ok());
}

// $all against documents, with MongoDB's answers (found missing by
// tests/compat/mongo_compat.sh: mingo and MongoDB support it).
TEST(FilterParseTest, AllMatchesEveryValue) {
  struct Case {
    const char* filter;
    const char* doc;
    bool match;
  };
  const Case cases[] = {
      {R"({"t":{"$all":["a","b"]}})", R"({"t":["b","c","a"]})", true},
      {R"({"t":{"$all":["a","b"]}})", R"({"t":["a","c"]})", false},
      {R"({"t":{"$all":["a"]}})", R"({"t":"a"})", true},
      {R"({"t":{"$all":[]}})", R"({"t":[]})", false},
      {R"({"t":{"$all":[["a","b"]]}})", R"({"t":["a","b"]})", true},
      {R"({"t":{"$all":[["a","b"]]}})", R"({"t":[["a","b"],"c"]})", true},
      {R"({"x.t":{"$all":[1,2]}})", R"({"x":[{"t":1},{"t":[2]}]})", true},
      {R"({"t":{"$all":[null]}})", R"({"u":1})", true},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Filter> f = ParseFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    Matcher m(*std::move(f));
    absl::StatusOr<bool> got = m.Matches(c.doc);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.match) << c.filter << " on " << c.doc;
  }
}

TEST(FilterParseTest, ParseFilterValueUsesItsLocation) {
  absl::StatusOr<JsonValue> req = ParseJson(R"({"filter":{"a":{"$gt":[1]}}})");
  ASSERT_TRUE(req.ok());
  absl::StatusOr<Filter> f =
      ParseFilterValue(*req->Find("filter"), {}, "request.filter");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "$gt needs a scalar value, got an array at request.filter.a.$gt");
}

}  // namespace
}  // namespace strata::docs
