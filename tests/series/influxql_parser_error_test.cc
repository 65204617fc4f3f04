// Parser error tests: exact InfluxDB-style messages and positions for
// malformed and unsupported queries, and the size and depth limits.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "series/influxql/parser.h"

namespace strata::influxql {
namespace {

using ::testing::HasSubstr;

struct ErrorCase {
  const char* input;
  const char* message;
};

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, ExactMessage) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<Query> q = ParseQuery(c.input);
  ASSERT_FALSE(q.ok()) << "parsed: " << c.input << " -> " << q->ToString();
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.status().message(), c.message) << "input: " << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, ParseErrorTest,
    ::testing::Values(
        ErrorCase{"SELECT",
                  "found EOF, expected identifier, string, number, bool at "
                  "line 1, char 7"},
        ErrorCase{"SELECT FROM cpu",
                  "found FROM, expected identifier, string, number, bool at "
                  "line 1, char 8"},
        ErrorCase{"SELECT value cpu",
                  "found cpu, expected FROM at line 1, char 14"},
        ErrorCase{"SELECT value FROM",
                  "found EOF, expected identifier at line 1, char 18"},
        ErrorCase{"SELECT value FROM cpu WHERE",
                  "found EOF, expected identifier, string, number, bool at "
                  "line 1, char 28"},
        ErrorCase{"SELECT value FROM cpu LIMIT x",
                  "found x, expected integer at line 1, char 29"},
        ErrorCase{"SELECT value FROM cpu GROUP host",
                  "found host, expected BY at line 1, char 29"},
        ErrorCase{"CREATE DATABASE x",
                  "found CREATE, expected SELECT, DELETE, SHOW, DROP at line "
                  "1, char 1"},
        ErrorCase{"SELECT a FROM b SELECT c FROM d",
                  "found SELECT, expected ; at line 1, char 17"},
        ErrorCase{"SELECT a FROM b WHERE c = 'x' extra",
                  "found extra, expected ; at line 1, char 31"},
        ErrorCase{"SELECT a FROM b WHERE c = 1 OR",
                  "found EOF, expected identifier, string, number, bool at "
                  "line 1, char 31"},
        ErrorCase{"SELECT a FROM b WHERE (c = 1",
                  "found EOF, expected ) at line 1, char 29"},
        ErrorCase{"SELECT a FROM b WHERE c = - 'x'",
                  "found x, expected identifier, number, duration, ( at line "
                  "1, char 29"},
        ErrorCase{"SELECT a::foo FROM b",
                  "found foo, expected float, integer, unsigned, string, "
                  "boolean, field, tag at line 1, char 11"},
        ErrorCase{"SELECT a FROM b WHERE c =~ 'x'",
                  "found x, expected regex at line 1, char 28"},
        ErrorCase{"SELECT a FROM b WHERE a ! b",
                  "found !, expected ; at line 1, char 25"},
        // Control bytes and long literals are shown safely.
        ErrorCase{"SELECT a FROM b WHERE a = 1 \x01",
                  "found \\x01, expected ; at line 1, char 29"},
        ErrorCase{"SELECT a FROM b WHERE a = 1 'ab\\ncd'",
                  "found ab\\x0acd, expected ; at line 1, char 29"},
        ErrorCase{"SELECT \xE2\x82\xAC FROM b",
                  "found \xE2\x82\xAC, expected identifier, string, number, "
                  "bool at line 1, char 8"},
        // Columns count characters, not bytes.
        ErrorCase{"SELECT \"\xC2\xB5\" FROM b WHERE x = = 1",
                  "found =, expected identifier, string, number, bool at "
                  "line 1, char 29"},
        ErrorCase{"SELECT a\nFROM b\nWHERE c = = 1",
                  "found =, expected identifier, string, number, bool at "
                  "line 3, char 11"},
        ErrorCase{"SELECT a\r\nFROM b\r\nWHERE = 1",
                  "found =, expected identifier, string, number, bool at "
                  "line 3, char 7"},
        ErrorCase{"SHOW DATABASES",
                  "found DATABASES, expected FIELD, MEASUREMENTS, SERIES, TAG "
                  "at line 1, char 6"},
        ErrorCase{"SHOW TAG FOO",
                  "found FOO, expected KEYS, VALUES at line 1, char 10"},
        ErrorCase{"SHOW TAG VALUES FROM cpu",
                  "found EOF, expected WITH at line 1, char 25"},
        ErrorCase{"SHOW TAG VALUES WITH KEY = 'host'",
                  "found host, expected identifier at line 1, char 28"},
        ErrorCase{"SHOW TAG VALUES WITH KEY > host",
                  "found >, expected IN, =, =~ at line 1, char 26"},
        ErrorCase{"DELETE",
                  "found EOF, expected FROM, WHERE at line 1, char 7"},
        ErrorCase{"DROP SERIES",
                  "found EOF, expected FROM, WHERE at line 1, char 12"},
        ErrorCase{"DROP MEASUREMENT",
                  "found EOF, expected identifier at line 1, char 17"},
        ErrorCase{"DROP DATABASE x",
                  "found DATABASE, expected MEASUREMENT, SERIES at line 1, "
                  "char 6"}));

INSTANTIATE_TEST_SUITE_P(
    Lexical, ParseErrorTest,
    ::testing::Values(
        ErrorCase{"SELECT a FROM b WHERE c = 'unterminated",
                  "unterminated string at line 1, char 27"},
        ErrorCase{"SELECT a FROM b WHERE c = 'two\nlines'",
                  "unterminated string at line 1, char 27"},
        ErrorCase{"SELECT \"a FROM b",
                  "unterminated quoted identifier at line 1, char 8"},
        ErrorCase{"SELECT a FROM b WHERE c = 'x\\q'",
                  "bad escape: \\q at line 1, char 29"},
        ErrorCase{"SELECT a FROM b WHERE c =~ /abc",
                  "unterminated regex at line 1, char 28"},
        ErrorCase{"SELECT a /* x", "unterminated comment at line 1, char 10"},
        ErrorCase{"SELECT a FROM b WHERE c = 1x",
                  "invalid duration 1x at line 1, char 27"},
        ErrorCase{"SELECT a FROM b WHERE x = 9999999999999999999999h",
                  "overflowed duration 9999999999999999999999h at line 1, "
                  "char 27"},
        ErrorCase{"SELECT a FROM b WHERE c = 99999999999999999999",
                  "unable to parse integer at line 1, char 27"},
        ErrorCase{"SELECT a FROM b LIMIT 99999999999999999999",
                  "unable to parse integer at line 1, char 23"}));

INSTANTIATE_TEST_SUITE_P(
    Semantics, ParseErrorTest,
    ::testing::Values(
        ErrorCase{"SELECT mean(a, b) FROM c",
                  "invalid number of arguments for mean, expected 1, got 2 at "
                  "line 1, char 8"},
        ErrorCase{"SELECT percentile(a) FROM c",
                  "invalid number of arguments for percentile, expected 2, "
                  "got 1 at line 1, char 8"},
        ErrorCase{"SELECT percentile(a, 'x') FROM c",
                  "expected number argument in percentile() at line 1, char "
                  "22"},
        ErrorCase{"SELECT mean(max(a)) FROM b",
                  "expected field argument in mean() at line 1, char 13"},
        ErrorCase{"SELECT time FROM b",
                  "at least 1 non-time field must be queried at line 1, char "
                  "8"},
        ErrorCase{"SELECT a = 1 FROM c",
                  "invalid operator = in SELECT clause; operator is intended "
                  "for WHERE clause at line 1, char 10"},
        ErrorCase{"SELECT mean(a), b FROM c",
                  "mixing aggregate and non-aggregate queries is not "
                  "supported at line 1, char 17"},
        ErrorCase{"SELECT max(a), min(a), b FROM c",
                  "mixing aggregate and non-aggregate queries is not "
                  "supported at line 1, char 24"},
        ErrorCase{"SELECT a FROM c GROUP BY time(1m)",
                  "GROUP BY requires at least one aggregate function at line "
                  "1, char 26"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(0s)",
                  "time dimension must have a positive duration argument at "
                  "line 1, char 37"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(1m), time(2m)",
                  "multiple time dimensions not allowed at line 1, char 42"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time",
                  "time() is a function and expects at least one argument at "
                  "line 1, char 32"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time('x')",
                  "time dimension must have duration argument at line 1, char "
                  "37"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(1m, 'x')",
                  "time dimension offset must be a duration at line 1, char "
                  "41"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time()",
                  "time dimension expected 1 or 2 arguments at line 1, char "
                  "32"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY 1",
                  "1 in GROUP BY is not supported; expected time(...), a tag "
                  "key or * at line 1, char 32"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(1m) fill(foo)",
                  "expected number argument in fill() at line 1, char 46"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(1m) fill()",
                  "fill requires an argument, e.g.: 0, null, none, previous, "
                  "linear at line 1, char 41"},
        ErrorCase{"SELECT mean(a) FROM c GROUP BY time(1m) fill",
                  "fill must be a function call at line 1, char 41"},
        ErrorCase{"SELECT a FROM c ORDER BY a",
                  "only ORDER BY time supported at this time at line 1, char "
                  "26"},
        ErrorCase{"SELECT a FROM c ORDER BY time, a",
                  "only ORDER BY time supported at this time at line 1, char "
                  "30"},
        ErrorCase{"SELECT a FROM a.b.c.d",
                  "too many segments in a.b.c.d at line 1, char 15"},
        ErrorCase{"SELECT a FROM a....",
                  "too many segments in a.\"\".\"\".\"\" at line 1, char 15"},
        ErrorCase{"DELETE FROM db.rp.cpu",
                  "database not supported at line 1, char 13"},
        ErrorCase{"DROP SERIES FROM rp.cpu",
                  "retention policy not supported at line 1, char 18"}));

INSTANTIATE_TEST_SUITE_P(
    Unsupported, ParseErrorTest,
    ::testing::Values(
        ErrorCase{"SELECT derivative(a) FROM c",
                  "function derivative() is not supported at line 1, char 8"},
        ErrorCase{"SELECT a + b FROM c",
                  "math in SELECT is not supported: a + b at line 1, char 8"},
        ErrorCase{"SELECT 1 FROM c",
                  "1 in SELECT is not supported; expected a field, * or an "
                  "aggregate call at line 1, char 8"},
        ErrorCase{"SELECT /a/ FROM c",
                  "regex fields are not supported at line 1, char 8"},
        ErrorCase{"SELECT a FROM c tz('Europe/Paris')",
                  "tz() is not supported; times are UTC at line 1, char 17"},
        ErrorCase{"SELECT a INTO b FROM c",
                  "SELECT INTO is not supported at line 1, char 10"},
        ErrorCase{"SELECT a FROM (SELECT b FROM c)",
                  "subqueries are not supported at line 1, char 15"},
        ErrorCase{"SELECT a FROM b, c",
                  "multiple sources are not supported at line 1, char 16"},
        ErrorCase{"SELECT mean(a) FROM b GROUP BY /x/",
                  "regex dimensions are not supported at line 1, char 32"},
        ErrorCase{"SHOW MEASUREMENTS ON db",
                  "ON <database> is not supported at line 1, char 19"},
        ErrorCase{"SHOW SERIES CARDINALITY",
                  "SHOW SERIES CARDINALITY is not supported at line 1, char "
                  "13"},
        ErrorCase{"SHOW TAG VALUES EXACT CARDINALITY WITH KEY = a",
                  "SHOW TAG VALUES CARDINALITY is not supported at line 1, "
                  "char 17"}));

TEST(ParseLimitsTest, QueryLength) {
  ParseOptions options;
  options.max_query_bytes = 10;
  absl::StatusOr<Query> q = ParseQuery("SELECT a FROM b", options);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.status().message(),
            "query is 15 bytes, longer than the limit of 10 bytes");
  EXPECT_TRUE(
      ParseQuery("SELECT a F", options).status().message().find("found F") !=
      absl::string_view::npos);

  // The default is 1 MiB.
  std::string big =
      "SELECT a FROM b WHERE c = '" + std::string(1 << 20, 'x') + "'";
  EXPECT_THAT(std::string(ParseQuery(big).status().message()),
              HasSubstr("longer than the limit of 1048576 bytes"));
  EXPECT_FALSE(ParseStatement(big).ok());
  EXPECT_FALSE(ParseExpr(big).ok());
}

std::string Nested(int depth) {
  return "SELECT a FROM b WHERE " + std::string(depth, '(') + "a = 1" +
         std::string(depth, ')');
}

TEST(ParseLimitsTest, NestingDepth) {
  EXPECT_TRUE(ParseQuery(Nested(256)).ok());
  absl::StatusOr<Query> q = ParseQuery(Nested(257));
  ASSERT_FALSE(q.ok());
  // The operand inside the 257th parenthesis is one level too deep.
  EXPECT_EQ(q.status().message(),
            "expression nested too deeply: more than 256 levels at line 1, "
            "char 280");

  ParseOptions options;
  options.max_nesting_depth = 2;
  EXPECT_TRUE(ParseExpr("((a))", options).ok());
  EXPECT_FALSE(ParseExpr("(((a)))", options).ok());
  EXPECT_FALSE(ParseExpr("-(-(-a))", options).ok());
  EXPECT_FALSE(ParseExpr("f(g(h(a)))", options).ok());
}

TEST(ParseLimitsTest, HugeNestingFailsCleanly) {
  // Close to the 1 MiB limit: must fail fast without deep recursion.
  for (const std::string unit : {"(", "-(", "f(", "mean("}) {
    std::string text = "SELECT a FROM b WHERE ";
    while (text.size() + unit.size() < (1 << 20)) text += unit;
    absl::StatusOr<Query> q = ParseQuery(text);
    ASSERT_FALSE(q.ok());
    EXPECT_THAT(std::string(q.status().message()),
                HasSubstr("expression nested too deeply"));
  }
}

TEST(ParseLimitsTest, ExpressionHeight) {
  std::string chain = "a = 1";
  for (int i = 0; i < 5000; ++i) chain += " AND a = 1";
  absl::StatusOr<Expr::Ptr> e = ParseExpr(chain);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("expression too complex: more than 4096 levels"));

  ParseOptions options;
  options.max_expr_height = 100000;
  e = ParseExpr(chain, options);
  ASSERT_TRUE(e.ok()) << e.status();

  // A long but shallow chain that fits the default limit.
  std::string ors = "host = 'h0'";
  for (int i = 1; i < 1000; ++i)
    ors += " OR host = 'h" + std::to_string(i) + "'";
  e = ParseExpr(ors);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->ToString(), ors);
}

TEST(ParseLimitsTest, LongChainNearSizeLimitFailsCleanly) {
  std::string text = "SELECT a FROM b WHERE a = 1";
  while (text.size() < (1 << 20) - 16) text += " OR a = 1";
  absl::StatusOr<Query> q = ParseQuery(text);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(std::string(q.status().message()),
              HasSubstr("expression too complex"));
}

TEST(ParseErrorMessageTest, LongTokenIsTruncated) {
  absl::StatusOr<Query> q =
      ParseQuery("SELECT a FROM b WHERE a = 1 " + std::string(1000, 'z'));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "found " + std::string(64, 'z') +
                                      "..., expected ; at line 1, char 29");
}

TEST(ParseStatementTest, ExactlyOne) {
  EXPECT_TRUE(ParseStatement("SELECT a FROM b;").ok());
  absl::StatusOr<Statement::Ptr> s =
      ParseStatement("SELECT a FROM b; SELECT c FROM d");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "found SELECT, expected EOF at line 1, char 18");
  EXPECT_EQ(ParseStatement("").status().message(),
            "found EOF, expected SELECT, DELETE, SHOW, DROP at line 1, char 1");
}

TEST(ParseExprTest, RequiresEnd) {
  EXPECT_EQ(ParseExpr("a = 1 b").status().message(),
            "found b, expected EOF at line 1, char 7");
}

}  // namespace
}  // namespace strata::influxql
