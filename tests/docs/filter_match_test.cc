// Matching semantics, case by case against MongoDB's documented behaviour:
// array traversal, negation over whole fields, type bracketing, null and
// missing, exact numbers. Each case runs through the streaming matcher and
// the in-memory one.
#include "docs/filter.h"
#include "gtest/gtest.h"
#include "util/random.h"

namespace strata::docs {
namespace {

struct Case {
  const char* filter;
  const char* doc;
  bool want;
};

const Case kCases[] = {
    // Implicit equality; arrays match by element or as a whole.
    {R"({"a":5})", R"({"a":5})", true},
    {R"({"a":5})", R"({"a":5.0})", true},
    {R"({"a":5})", R"({"a":"5"})", false},
    {R"({"a":5})", R"({})", false},
    {R"({"a":5})", R"({"a":[1,5]})", true},
    {R"({"a":5})", R"({"a":[[5]]})", false},
    {R"({"a":[1,5]})", R"({"a":[1,5]})", true},
    {R"({"a":[1,5]})", R"({"a":[[1,5],2]})", true},
    {R"({"a":[1,5]})", R"({"a":[5,1]})", false},
    {R"({"a":[1,5]})", R"({"a":[1,5,6]})", false},
    {R"({"a":{"b":1}})", R"({"a":{"b":1}})", true},
    {R"({"a":{"b":1}})", R"({"a":{"b":1.0}})", true},
    {R"({"a":{"b":1}})", R"({"a":{"b":1,"c":2}})", false},
    {R"({"a":{"b":1}})", R"({"a":[{"b":1}]})", true},
    {R"({"a":{"b":1,"c":2}})", R"({"a":{"c":2,"b":1}})", false},
    {R"({"a":5,"b":6})", R"({"a":5,"b":6})", true},
    {R"({"a":5,"b":6})", R"({"a":5,"b":7})", false},
    {R"({"s":"a\"b"})", R"({"s":"a\u0022b"})", true},
    {R"({"a.b":1})", R"({"a.b":1})", false},
    // null matches null and missing.
    {R"({"a":null})", R"({})", true},
    {R"({"a":null})", R"({"a":null})", true},
    {R"({"a":null})", R"({"a":1})", false},
    {R"({"a":null})", R"({"a":[null,1]})", true},
    {R"({"a":null})", R"({"a":[]})", false},
    {R"({"a":null})", R"({"a":[1]})", false},
    {R"({"a.b":null})", R"({"a":[{"b":1},{"c":1}]})", true},
    {R"({"a.b":null})", R"({"a":[1,2]})", false},
    {R"({"a.b":null})", R"({"a":5})", true},
    {R"({"a.b":null})", R"({"a":{"b":2}})", false},
    {R"({"a.b":null})", R"({"a":[]})", false},
    // $ne / $nin negate the whole field.
    {R"({"tags":{"$ne":"x"}})", R"({"tags":["x","y"]})", false},
    {R"({"tags":{"$ne":"x"}})", R"({"tags":["y"]})", true},
    {R"({"tags":{"$ne":"x"}})", R"({})", true},
    {R"({"tags":{"$ne":"x"}})", R"({"tags":"x"})", false},
    {R"({"a":{"$ne":null}})", R"({})", false},
    {R"({"a":{"$ne":null}})", R"({"a":null})", false},
    {R"({"a":{"$ne":null}})", R"({"a":1})", true},
    {R"({"a":{"$ne":null}})", R"({"a":[null]})", false},
    {R"({"a":{"$nin":[1,2]}})", R"({"a":3})", true},
    {R"({"a":{"$nin":[1,2]}})", R"({"a":[3,1]})", false},
    {R"({"a":{"$nin":[1,2]}})", R"({})", true},
    // Comparisons stay within a type bracket.
    {R"({"a":{"$gt":5}})", R"({"a":6})", true},
    {R"({"a":{"$gt":5}})", R"({"a":5})", false},
    {R"({"a":{"$gt":5}})", R"({"a":5.5})", true},
    {R"({"a":{"$gt":5}})", R"({"a":"6"})", false},
    {R"({"a":{"$gt":5}})", R"({"a":[1,10]})", true},
    {R"({"a":{"$gt":5}})", R"({"a":[1,2]})", false},
    {R"({"a":{"$gt":5}})", R"({"a":true})", false},
    {R"({"a":{"$gt":5}})", R"({})", false},
    {R"({"a":{"$gt":5}})", R"({"a":null})", false},
    {R"({"a":{"$gte":5}})", R"({"a":5.0})", true},
    {R"({"a":{"$lt":5}})", R"({"a":-1e300})", true},
    {R"({"a":{"$lte":5}})", R"({"a":5})", true},
    {R"({"a":{"$lt":"a"}})", R"({"a":5})", false},
    {R"({"s":{"$gt":"b"}})", R"({"s":"c"})", true},
    {R"({"s":{"$gt":"b"}})", R"({"s":"b"})", false},
    {R"({"s":{"$gt":"b"}})", R"({"s":"ba"})", true},
    {R"({"s":{"$gt":"b"}})", R"({"s":5})", false},
    {R"({"s":{"$lt":"b"}})", R"({"s":"B"})", true},
    {R"({"b":{"$gt":false}})", R"({"b":true})", true},
    {R"({"b":{"$gt":false}})", R"({"b":false})", false},
    {R"({"b":{"$gt":false}})", R"({"b":1})", false},
    {R"({"a":{"$gt":1,"$lt":3}})", R"({"a":[0,5]})", true},
    {R"({"a":{"$gt":1,"$lt":3}})", R"({"a":2})", true},
    {R"({"a":{"$gt":1,"$lt":3}})", R"({"a":[0]})", false},
    // Null bounds.
    {R"({"a":{"$gte":null}})", R"({})", true},
    {R"({"a":{"$gte":null}})", R"({"a":null})", true},
    {R"({"a":{"$gte":null}})", R"({"a":1})", false},
    {R"({"a":{"$lte":null}})", R"({})", true},
    {R"({"a":{"$gt":null}})", R"({"a":null})", false},
    {R"({"a":{"$gt":null}})", R"({})", false},
    {R"({"a":{"$lt":null}})", R"({"a":null})", false},
    // $in is any-element equality.
    {R"({"a":{"$in":[1,"x"]}})", R"({"a":1.0})", true},
    {R"({"a":{"$in":[1,"x"]}})", R"({"a":["y","x"]})", true},
    {R"({"a":{"$in":[1,"x"]}})", R"({"a":"y"})", false},
    {R"({"a":{"$in":[1,"x"]}})", R"({})", false},
    {R"({"a":{"$in":[null]}})", R"({})", true},
    {R"({"a":{"$in":[null]}})", R"({"a":null})", true},
    {R"({"a":{"$in":[null]}})", R"({"a":0})", false},
    {R"({"a":{"$in":[[1,2]]}})", R"({"a":[1,2]})", true},
    {R"({"a":{"$in":[[1,2]]}})", R"({"a":[[1,2]]})", true},
    {R"({"a":{"$in":[[1,2]]}})", R"({"a":1})", false},
    {R"({"a":{"$in":[]}})", R"({"a":1})", false},
    // $exists.
    {R"({"a.b":{"$exists":true}})", R"({"a":{"b":null}})", true},
    {R"({"a.b":{"$exists":true}})", R"({"a":[{"c":1},{"b":1}]})", true},
    {R"({"a.b":{"$exists":true}})", R"({"a":[{"c":1}]})", false},
    {R"({"a.b":{"$exists":true}})", R"({"a":[1]})", false},
    {R"({"a.b":{"$exists":true}})", R"({})", false},
    {R"({"a":{"$exists":false}})", R"({})", true},
    {R"({"a":{"$exists":false}})", R"({"a":null})", false},
    // $not negates its operators over the whole field.
    {R"({"a":{"$not":{"$gt":5}}})", R"({"a":3})", true},
    {R"({"a":{"$not":{"$gt":5}}})", R"({"a":6})", false},
    {R"({"a":{"$not":{"$gt":5}}})", R"({})", true},
    {R"({"a":{"$not":{"$gt":5}}})", R"({"a":"x"})", true},
    {R"({"a":{"$not":{"$gt":5}}})", R"({"a":[1,6]})", false},
    // Logical operators.
    {R"({"$or":[{"a":1},{"b":2}]})", R"({"b":2})", true},
    {R"({"$or":[{"a":1},{"b":2}]})", R"({"a":2})", false},
    {R"({"$nor":[{"a":1},{"b":2}]})", R"({"a":3})", true},
    {R"({"$nor":[{"a":1},{"b":2}]})", R"({"a":1})", false},
    {R"({"$nor":[{"a":1},{"b":2}]})", R"({})", true},
    {R"({"$and":[{"a":{"$gt":1}},{"a":{"$lt":3}}]})", R"({"a":2})", true},
    {R"({})", R"({"anything":[1,{"x":2}]})", true},
    // Dotted paths through arrays and offsets.
    {R"({"a.b":5})", R"({"a":[{"b":[4,5]}]})", true},
    {R"({"a.b":5})", R"({"a":[[{"b":5}]]})", false},
    {R"({"a.1":5})", R"({"a":[4,5]})", true},
    {R"({"a.1":5})", R"({"a":[5,4]})", false},
    {R"({"a.1":5})", R"({"a":{"1":5}})", true},
    {R"({"a.0.b":1})", R"({"a":[{"b":1}]})", true},
    {R"({"a.b.c":{"$gte":2}})", R"({"a":{"b":[{"c":1},{"c":[0,2]}]}})", true},
    // Exact numbers beyond 2^53 and across int/uint/double.
    {R"({"n":9007199254740993})", R"({"n":9007199254740992.0})", false},
    {R"({"n":9007199254740993})", R"({"n":9007199254740993})", true},
    {R"({"n":{"$gt":9007199254740992.0}})", R"({"n":9007199254740993})", true},
    {R"({"n":{"$gt":18446744073709551614}})", R"({"n":18446744073709551615})",
     true},
    {R"({"n":{"$gt":18446744073709551615}})", R"({"n":1.8446744073709552e19})",
     true},
    {R"({"n":{"$lt":-9223372036854775808}})", R"({"n":-9.3e18})", true},
    {R"({"n":18446744073709551615})", R"({"n":18446744073709551615.0})", false},
    {R"({"n":9223372036854775807})", R"({"n":9223372036854775808})", false},
    {R"({"n":{"$in":[1e0,2]}})", R"({"n":[1]})", true},
};

TEST(FilterMatchTest, MongoSemantics) {
  for (const Case& c : kCases) {
    absl::StatusOr<Filter> f = ParseFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    Matcher m(*f);
    absl::StatusOr<bool> got = m.Matches(c.doc);
    ASSERT_TRUE(got.ok()) << c.doc << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.filter << " on " << c.doc << " (streaming)";
    absl::StatusOr<JsonValue> doc = ParseJson(c.doc);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(m.MatchesValue(*doc), c.want)
        << c.filter << " on " << c.doc << " (in memory)";
  }
}

TEST(FilterMatchTest, MalformedDocumentsAreErrors) {
  absl::StatusOr<Filter> f = ParseFilter(R"({"a":{"$gt":1}})");
  ASSERT_TRUE(f.ok());
  Matcher m(*f);
  const char* bad[] = {R"({"a":)",   R"({"a":[1,}")", R"([{"a":1}])",
                       R"({"a":"x)", "nul",           R"({"a":1e999})"};
  for (const char* doc : bad) {
    absl::StatusOr<bool> r = m.Matches(doc);
    ASSERT_FALSE(r.ok()) << doc;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << doc;
  }
  EXPECT_TRUE(*m.Matches(R"({"a":2})"));
}

// Damaged documents (truncated, bytes flipped) must give an answer or an
// InvalidArgument, never a crash or an out-of-bounds read (run under ASan).
TEST(FilterMatchTest, DamagedDocumentsNeverCrash) {
  const char* seeds[] = {
      R"({"a":[{"b":1},{"b":[2,{"c":"x\"y"}]}],"d":{"e":-1.5e3,"f":null}})",
      R"({"k":"\u00e9\ud83d\ude00","a":{"0":[[1,2],[3]],"1":true},"n":18446744073709551615})",
  };
  absl::StatusOr<Filter> f = ParseFilter(
      R"({"a.b":{"$gte":1},"$or":[{"d.e":{"$lt":0}},{"a.0.b":null}],"k":{"$ne":"z"},"a.1":{"$exists":true}})");
  ASSERT_TRUE(f.ok()) << f.status();
  Matcher m(*f);
  Random rnd(77);
  int errors = 0, answers = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string doc = seeds[i % 2];
    int edits = 1 + static_cast<int>(rnd.Uniform(3));
    for (int e = 0; e < edits; ++e) {
      size_t pos = rnd.Uniform(doc.size());
      switch (rnd.Uniform(3)) {
        case 0:
          doc[pos] = static_cast<char>(rnd.Uniform(256));
          break;
        case 1:
          doc.resize(pos);
          break;
        default:
          doc.insert(pos, 1, "{}[]\",:\\0e-"[rnd.Uniform(12)]);
      }
      if (doc.empty()) break;
    }
    absl::StatusOr<bool> r = m.Matches(doc);
    if (r.ok()) {
      ++answers;
    } else {
      ++errors;
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    }
    absl::StatusOr<JsonValue> v = ParseJson(doc);
    if (v.ok()) {
      m.MatchesValue(*v);
    } else {
      EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_GT(errors, 1000);
  EXPECT_GT(answers, 100);
}

TEST(FilterMatchTest, DeepDocuments) {
  std::string deep = std::string(300, '[') + std::string(300, ']');
  std::string doc = R"({"b":2,"a":)" + deep + "}";
  // Parts no path leads into are skipped whatever their depth.
  absl::StatusOr<Filter> f = ParseFilter(R"({"b":2})");
  ASSERT_TRUE(f.ok());
  Matcher skip(*f);
  EXPECT_TRUE(*skip.Matches(doc));
  // A value that must be compared whole is bounded by kMaxJsonDepth.
  f = ParseFilter(R"({"a":[]})");
  ASSERT_TRUE(f.ok());
  Matcher whole(*f);
  absl::StatusOr<bool> r = whole.Matches(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("nesting deeper than 200"),
            std::string::npos)
      << r.status();
}

TEST(FilterMatchTest, MatchesPaddedAvoidsCopy) {
  absl::StatusOr<Filter> f = ParseFilter(R"({"a.b":{"$in":[3,4]}})");
  ASSERT_TRUE(f.ok());
  Matcher m(*f);
  std::string buf = R"({"a":[{"b":1},{"b":4}]})";
  size_t n = buf.size();
  buf.resize(n + kJsonPadding, ' ');
  absl::StatusOr<bool> r = m.MatchesPadded(std::string_view(buf.data(), n));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
}

}  // namespace
}  // namespace strata::docs
