// JsonValue parsing (happy paths and every error class with its offset),
// minified serialization and MongoDB-order comparison.
#include "docs/json_value.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace strata::docs {
namespace {

JsonValue Parse(std::string_view text) {
  absl::StatusOr<JsonValue> v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return v.ok() ? *std::move(v) : JsonValue();
}

TEST(JsonValueTest, ParseRoundTripsMinified) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {R"({ "a" : 1 , "b":[true,false,null], "c":{"d":"x"} })",
       R"({"a":1,"b":[true,false,null],"c":{"d":"x"}})"},
      {"[]", "[]"},
      {"{}", "{}"},
      {"  42 ", "42"},
      {"-0", "0"},
      {"1.5", "1.5"},
      {"2.0", "2.0"},
      {"1e3", "1000.0"},
      {"1e300", "1e+300"},
      {"\"a\\nb\\u0001\\\"\\\\\"", "\"a\\nb\\u0001\\\"\\\\\""},
      {"\"\\u00e9\\ud83d\\ude00\"", "\"\xc3\xa9\xf0\x9f\x98\x80\""},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"18446744073709551615", "18446744073709551615"},
      // Beyond 64 bits: nearest double, as in JavaScript and MongoDB.
      {"[18446744073709551616]", "[18446744073709551616.0]"},
      {"[-9223372036854775809]", "[-9223372036854775808.0]"},
      {"[123456789012345678901234]", "[1.2345678901234569e+23]"},
      {"null", "null"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToJson(Parse(c.in)), c.out) << c.in;
  }
}

TEST(JsonValueTest, NumberKinds) {
  EXPECT_EQ(Parse("5").type(), JsonType::kInt64);
  EXPECT_EQ(Parse("9223372036854775808").type(), JsonType::kUint64);
  EXPECT_EQ(Parse("5.0").type(), JsonType::kDouble);
  EXPECT_EQ(JsonValue::Uint(7).type(), JsonType::kInt64);
  EXPECT_EQ(Parse("[1e2]").array()[0].type(), JsonType::kDouble);
}

TEST(JsonValueTest, MalformedJsonNamesOffsetAndReason) {
  struct Case {
    std::string in;
    std::string message;  // expected substring
  };
  const Case cases[] = {
      {"", "byte offset 0: empty input"},
      {"   ", "byte offset 3: empty input"},
      {R"({"a":1,})", "byte offset 7: expected a string key"},
      {R"({"a" 1})", "byte offset 5: expected ':' after key"},
      {R"({"a":1 "b":2})", "byte offset 7: expected ',' or '}'"},
      {R"([1,2)",
       "byte offset 4: unexpected end of input, expected ',' or ']'"},
      {R"([1 2])", "byte offset 3: expected ',' or ']'"},
      {R"({"a":tru})", "byte offset 5: invalid literal, expected true"},
      {R"({"a":01})", "byte offset 6: invalid number: leading zero"},
      {R"({"a":-})", "byte offset 6: invalid number: expected a digit"},
      {R"({"a":1.})", "byte offset 7: invalid number: expected a digit"},
      {R"({"a":"x\q"})", "byte offset 8: invalid escape '\\q'"},
      {R"({"a":"\ud800"})", "unpaired high surrogate"},
      {R"({"a":"\udc00"})", "unpaired low surrogate"},
      {"{\"a\":\"\x01\"}", "byte offset 6: control character in string"},
      {"{\"a\":\"\xff\"}", "byte offset 6: invalid UTF-8"},
      {"{\"a\":\"\xc0\xaf\"}", "byte offset 6: invalid UTF-8"},
      {"{\"a\":\"x", "byte offset 5: unterminated string"},
      {R"({"a":1}})", "byte offset 7: unexpected content after the JSON value"},
      {R"({"a":1} {})",
       "byte offset 8: unexpected content after the JSON value"},
      {"1 2", "byte offset 2: unexpected content after the JSON value"},
      {R"({"a":1e400})", "out of range"},
      {R"({"a":@})", "byte offset 5: unexpected character '@'"},
      {R"({"a":1,"a":2})", "duplicate key \"a\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<JsonValue> v = ParseJson(c.in);
    ASSERT_FALSE(v.ok()) << c.in;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.in;
    EXPECT_NE(std::string(v.status().message()).find(c.message),
              std::string::npos)
        << c.in << " -> " << v.status();
    EXPECT_NE(std::string(v.status().message()).find("JSON: malformed JSON"),
              std::string::npos)
        << v.status();
  }
}

TEST(JsonValueTest, LimitsAreEnforced) {
  JsonParseOptions options;
  options.max_depth = 3;
  options.what = "filter";
  EXPECT_TRUE(ParseJson("[[[1]]]", options).ok());
  absl::StatusOr<JsonValue> deep = ParseJson("[[[[1]]]]", options);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(std::string(deep.status().message())
                .find("filter: malformed JSON at byte offset 3: nesting deeper "
                      "than 3 levels"),
            std::string::npos)
      << deep.status();

  options.max_bytes = 4;
  absl::StatusOr<JsonValue> big = ParseJson("[1,2,3]", options);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(std::string(big.status().message()), "filter is 7 bytes, limit 4");

  // 100k-deep nesting never overflows the stack.
  std::string bomb(100000, '[');
  EXPECT_FALSE(ParseJson(bomb).ok());
  std::string deepest = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(ParseJson(deepest).ok());
  // The default is kMaxJsonDepth; larger limits are honoured up to 1024
  // (documents may nest that deep) and clamped beyond.
  absl::StatusOr<JsonValue> too_deep = ParseJson("[" + deepest + "]");
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(std::string(too_deep.status().message())
                .find("at byte offset 200: nesting deeper than 200 levels"),
            std::string::npos)
      << too_deep.status();
  EXPECT_TRUE(
      ParseJson("[" + deepest + "]", JsonParseOptions{.max_depth = 1000}).ok());
  const std::string d1024 = std::string(1024, '[') + std::string(1024, ']');
  EXPECT_TRUE(ParseJson(d1024, JsonParseOptions{.max_depth = 1024}).ok());
  too_deep = ParseJson("[" + d1024 + "]", JsonParseOptions{.max_depth = 5000});
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(std::string(too_deep.status().message())
                .find("at byte offset 1024: nesting deeper than 1024 levels"),
            std::string::npos)
      << too_deep.status();

  JsonParseOptions dups;
  dups.reject_duplicate_keys = false;
  EXPECT_TRUE(ParseJson(R"({"a":1,"a":2})", dups).ok());
  // A large object switches to the set-based duplicate check.
  std::string wide = "{";
  for (int i = 0; i < 40; ++i) wide += "\"k" + std::to_string(i) + "\":1,";
  EXPECT_TRUE(ParseJson(wide + "\"z\":1}").ok());
  EXPECT_FALSE(ParseJson(wide + "\"k3\":1}").ok());
}

TEST(JsonValueTest, CompareNumbersIsExact) {
  const int64_t kBig = (int64_t{1} << 53) + 1;  // not a double
  EXPECT_LT(CompareNumbers(JsonView::Int(kBig - 1), JsonView::Int(kBig)), 0);
  EXPECT_GT(
      CompareNumbers(JsonView::Int(kBig), JsonView::Double(9007199254740992.0)),
      0);
  EXPECT_LT(
      CompareNumbers(JsonView::Int(kBig), JsonView::Double(9007199254740994.0)),
      0);
  EXPECT_EQ(CompareNumbers(JsonView::Int(3), JsonView::Double(3.0)), 0);
  EXPECT_LT(CompareNumbers(JsonView::Int(3), JsonView::Double(3.5)), 0);
  EXPECT_GT(CompareNumbers(JsonView::Int(-3), JsonView::Double(-3.5)), 0);
  EXPECT_GT(
      CompareNumbers(JsonView::Uint(UINT64_MAX), JsonView::Int(INT64_MAX)), 0);
  EXPECT_LT(CompareNumbers(JsonView::Uint(UINT64_MAX),
                           JsonView::Double(18446744073709551616.0)),
            0);
  EXPECT_GT(CompareNumbers(JsonView::Uint(UINT64_MAX),
                           JsonView::Double(18446744073709549568.0)),
            0);
  EXPECT_GT(CompareNumbers(JsonView::Int(INT64_MIN),
                           JsonView::Double(-9223372036854777856.0)),
            0);
  EXPECT_EQ(CompareNumbers(JsonView::Int(INT64_MIN),
                           JsonView::Double(-9223372036854775808.0)),
            0);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_LT(CompareNumbers(JsonView::Uint(UINT64_MAX), JsonView::Double(inf)),
            0);
  EXPECT_GT(CompareNumbers(JsonView::Int(INT64_MIN), JsonView::Double(-inf)),
            0);
  EXPECT_LT(CompareNumbers(JsonView::Double(nan), JsonView::Double(-inf)), 0);
  EXPECT_EQ(CompareNumbers(JsonView::Double(nan), JsonView::Double(nan)), 0);
  EXPECT_GT(CompareNumbers(JsonView::Int(0), JsonView::Double(nan)), 0);
  EXPECT_EQ(CompareNumbers(JsonView::Double(-0.0), JsonView::Int(0)), 0);
}

TEST(JsonValueTest, CompareJsonFollowsMongoTypeOrder) {
  // Each entry sorts strictly before the next.
  const char* ordered[] = {
      "null",
      "-1e300",
      "-5",
      "-4.5",
      "0",
      "1",
      "1.5",
      "2",
      "\"\"",
      "\"A\"",
      "\"a\"",
      "\"a\\u0000\"",
      "\"ab\"",
      "\"\xc3\xa9\"",
      "{}",
      // Members compare by value bracket first, then name, then value.
      R"({"a":null})",
      R"({"a":1})",
      R"({"a":2})",
      R"({"a":2,"b":0})",
      R"({"b":1})",
      R"({"a":"x"})",
      "[]",
      "[null]",
      "[1]",
      "[1,2]",
      "[2]",
      "[\"a\"]",
      "false",
      "true",
  };
  std::vector<JsonValue> values;
  for (const char* s : ordered) values.push_back(Parse(s));
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(CompareJson(values[i], values[j]), want)
          << ordered[i] << " vs " << ordered[j];
    }
  }
  EXPECT_TRUE(JsonEquals(Parse(R"({"a":[1,{"b":2}]})"),
                         Parse(R"({"a":[1.0,{"b":2.0}]})")));
  EXPECT_FALSE(
      JsonEquals(Parse(R"({"a":1,"b":2})"), Parse(R"({"b":2,"a":1})")));
}

TEST(JsonValueTest, ObjectEditing) {
  JsonValue v = Parse(R"({"a":1,"b":2})");
  v.Set("a", JsonValue::String("x"));
  v.Set("c", JsonValue::Bool(true));
  EXPECT_TRUE(v.Remove("b"));
  EXPECT_FALSE(v.Remove("zz"));
  EXPECT_EQ(ToJson(v), R"({"a":"x","c":true})");
  ASSERT_NE(v.Find("c"), nullptr);
  EXPECT_EQ(v.Find("b"), nullptr);
}

TEST(JsonValueTest, NonFiniteDoublesSerializeAsNull) {
  EXPECT_EQ(ToJson(JsonValue::Double(std::numeric_limits<double>::infinity())),
            "null");
  EXPECT_EQ(ToJson(JsonValue::Double(std::nan(""))), "null");
  EXPECT_EQ(ToJson(JsonValue::Double(-2.0)), "-2.0");
}

}  // namespace
}  // namespace strata::docs
