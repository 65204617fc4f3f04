// Parser tests: every supported construct parses to its canonical text,
// the canonical text parses back to itself, and the trees have the
// expected shape.
#include <string>

#include "gtest/gtest.h"
#include "series/influxql/parser.h"

namespace strata::influxql {
namespace {

// Canonical form of a query, or "error: <message>".
std::string Canon(std::string_view text) {
  absl::StatusOr<Query> q = ParseQuery(text);
  if (!q.ok()) return "error: " + std::string(q.status().message());
  return q->ToString();
}

struct CanonCase {
  const char* input;
  const char* canonical;  // nullptr: same as input
};

class CanonicalTest : public ::testing::TestWithParam<CanonCase> {};

TEST_P(CanonicalTest, ParsesToCanonicalFormAndRoundTrips) {
  const CanonCase& c = GetParam();
  const std::string want = c.canonical ? c.canonical : c.input;
  const std::string got = Canon(c.input);
  EXPECT_EQ(got, want) << "input: " << c.input;
  // The canonical text is a fixed point.
  EXPECT_EQ(Canon(got), got);
}

INSTANTIATE_TEST_SUITE_P(
    Select, CanonicalTest,
    ::testing::Values(
        CanonCase{"SELECT value FROM cpu", nullptr},
        CanonCase{"select * from cpu", "SELECT * FROM cpu"},
        CanonCase{"SELECT \"value\", \"my field\", \"a\\\"b\" FROM \"cpu\"",
                  "SELECT value, \"my field\", \"a\\\"b\" FROM cpu"},
        CanonCase{"SELECT \"from\", \"time\" FROM \"select\"",
                  "SELECT \"from\", time FROM \"select\""},
        CanonCase{"SELECT value::float, host::tag, *::field FROM cpu", nullptr},
        CanonCase{"SELECT value AS v, other AS \"my alias\" FROM cpu", nullptr},
        CanonCase{"SELECT count(value), sum(value), mean(value), "
                  "median(value), spread(value), stddev(value) FROM cpu",
                  nullptr},
        CanonCase{"SELECT min(value), max(value), first(value), "
                  "last(value) FROM cpu",
                  nullptr},
        CanonCase{"SELECT MEAN(value) FROM cpu", "SELECT mean(value) FROM cpu"},
        CanonCase{"SELECT count(*) FROM cpu", nullptr},
        CanonCase{"SELECT percentile(value, 95), percentile(value, 99.9) "
                  "FROM cpu",
                  nullptr},
        CanonCase{"SELECT max(value), host FROM cpu", nullptr},
        CanonCase{"SELECT time, value FROM cpu", nullptr},
        CanonCase{"SELECT value FROM \"db\".\"rp\".\"cpu\"",
                  "SELECT value FROM db.rp.cpu"},
        CanonCase{"SELECT value FROM \"db\"..cpu", "SELECT value FROM db..cpu"},
        CanonCase{"SELECT value FROM autogen.cpu", nullptr},
        CanonCase{"SELECT value FROM \"my measurement\"", nullptr},
        CanonCase{"SELECT value FROM /cpu.*/", nullptr},
        CanonCase{"SELECT value FROM /a\\/b/", nullptr},
        CanonCase{"SELECT value FROM cpu LIMIT 10 OFFSET 5 SLIMIT 2 SOFFSET 1",
                  nullptr},
        CanonCase{"SELECT value FROM cpu ORDER BY time DESC", nullptr},
        CanonCase{"SELECT value FROM cpu ORDER BY DESC",
                  "SELECT value FROM cpu ORDER BY time DESC"},
        CanonCase{"SELECT value FROM cpu ORDER BY time",
                  "SELECT value FROM cpu ORDER BY time ASC"},
        CanonCase{"sElEcT value fRoM cpu wHeRe a = 1 LiMiT 3",
                  "SELECT value FROM cpu WHERE a = 1 LIMIT 3"},
        CanonCase{"SELECT value -- trailing comment\nFROM cpu /* block\n"
                  "comment */ WHERE a = 1",
                  "SELECT value FROM cpu WHERE a = 1"},
        CanonCase{"SELECT\tvalue\r\nFROM\ncpu", "SELECT value FROM cpu"},
        CanonCase{"SELECT /* c */ value FROM cpu GROUP BY /* d */ host",
                  "SELECT value FROM cpu GROUP BY host"},
        // As in InfluxDB, "/*" right where a regex may start is a regex.
        CanonCase{"SELECT v FROM /*x/ WHERE a =~ /*y/", nullptr}));

INSTANTIATE_TEST_SUITE_P(
    GroupByFill, CanonicalTest,
    ::testing::Values(
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY time(1m)", nullptr},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY time(1h30m, 15m)",
                  "SELECT mean(value) FROM cpu GROUP BY time(90m, 15m)"},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY time(1d, -2h)",
                  nullptr},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY host, \"region\"",
                  "SELECT mean(value) FROM cpu GROUP BY host, region"},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY host::tag",
                  "SELECT mean(value) FROM cpu GROUP BY host"},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY *", nullptr},
        CanonCase{"SELECT mean(value) FROM cpu GROUP BY time(5m), *", nullptr},
        CanonCase{"SELECT value FROM cpu GROUP BY host", nullptr},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(null)",
                  "SELECT mean(v) FROM cpu GROUP BY time(1m)"},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(none)",
                  nullptr},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(previous)",
                  nullptr},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(LINEAR)",
                  "SELECT mean(v) FROM cpu GROUP BY time(1m) fill(linear)"},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(0)", nullptr},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(-1)",
                  nullptr},
        CanonCase{"SELECT mean(v) FROM cpu GROUP BY time(1m) fill(2.5)",
                  nullptr},
        CanonCase{"SELECT mean(v) FROM cpu WHERE time > now() - 1h GROUP BY "
                  "time(1m), host fill(none) ORDER BY time DESC LIMIT 5",
                  nullptr}));

INSTANTIATE_TEST_SUITE_P(
    Where, CanonicalTest,
    ::testing::Values(
        CanonCase{"SELECT v FROM m WHERE host = 'a'", nullptr},
        CanonCase{"SELECT v FROM m WHERE host != 'a' AND host <> 'b'",
                  "SELECT v FROM m WHERE host != 'a' AND host != 'b'"},
        CanonCase{"SELECT v FROM m WHERE a < 1 AND b <= 2 AND c > 3 AND "
                  "d >= 4",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE host =~ /^server\\/[0-9]+$/ AND "
                  "dc !~ /west/",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE a = 1 OR b = 2 AND c = 3", nullptr},
        CanonCase{"SELECT v FROM m WHERE (a = 1 OR b = 2) AND c = 3", nullptr},
        CanonCase{"SELECT v FROM m WHERE ((a = 1))", nullptr},
        CanonCase{"SELECT v FROM m WHERE s = 'it\\'s' AND t = 'a\\nb\\\\c'",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE s = 'say \\\"hi\\\"'",
                  "SELECT v FROM m WHERE s = 'say \"hi\"'"},
        CanonCase{"SELECT v FROM m WHERE v > 1.5 AND v < -1.5 AND w = 10 "
                  "AND x = -10",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE v >= .5 AND w = 3.0 AND x = 0.1",
                  "SELECT v FROM m WHERE v >= 0.5 AND w = 3.0 AND x = 0.1"},
        CanonCase{"SELECT v FROM m WHERE v = -9223372036854775808", nullptr},
        CanonCase{"SELECT v FROM m WHERE ok = true AND bad = FALSE",
                  "SELECT v FROM m WHERE ok = true AND bad = false"},
        CanonCase{"SELECT v FROM m WHERE -v > 1",
                  "SELECT v FROM m WHERE -1 * v > 1"},
        CanonCase{"SELECT v FROM m WHERE v * 2 + 1 > 10 % 3", nullptr},
        CanonCase{"SELECT v FROM m WHERE \"host name\" = 'a'", nullptr},
        CanonCase{"SELECT v FROM m WHERE \"and\" = 'x'", nullptr},
        CanonCase{"SELECT v FROM m WHERE time > now() - 1h AND time < now()",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE time > now() - 1h30m",
                  "SELECT v FROM m WHERE time > now() - 90m"},
        CanonCase{"SELECT v FROM m WHERE time > now() - 10µ AND "
                  "time < now() - 5000ms AND time > now() - 7d",
                  "SELECT v FROM m WHERE time > now() - 10u AND "
                  "time < now() - 5s AND time > now() - 1w"},
        CanonCase{"SELECT v FROM m WHERE time >= '2024-01-01T00:00:00Z' AND "
                  "time <= 1704067200000000000",
                  nullptr},
        CanonCase{"SELECT v FROM m WHERE time > now() - -5m",
                  "SELECT v FROM m WHERE time > now() - -5m"}));

INSTANTIATE_TEST_SUITE_P(
    OtherStatements, CanonicalTest,
    ::testing::Values(
        CanonCase{"SHOW MEASUREMENTS", nullptr},
        CanonCase{"show measurements limit 5 offset 2",
                  "SHOW MEASUREMENTS LIMIT 5 OFFSET 2"},
        CanonCase{"SHOW MEASUREMENTS WITH MEASUREMENT =~ /cpu/", nullptr},
        CanonCase{"SHOW MEASUREMENTS WITH MEASUREMENT = cpu WHERE host = 'a'",
                  nullptr},
        CanonCase{"SHOW TAG KEYS", nullptr},
        CanonCase{"SHOW TAG KEYS FROM \"cpu\" WHERE host = 'a' LIMIT 1 "
                  "OFFSET 2 SLIMIT 3 SOFFSET 4",
                  "SHOW TAG KEYS FROM cpu WHERE host = 'a' LIMIT 1 OFFSET 2 "
                  "SLIMIT 3 SOFFSET 4"},
        CanonCase{"SHOW TAG VALUES FROM cpu WITH KEY = \"host\"",
                  "SHOW TAG VALUES FROM cpu WITH KEY = host"},
        CanonCase{"SHOW TAG VALUES WITH KEY IN (\"host\", \"region name\")",
                  "SHOW TAG VALUES WITH KEY IN (host, \"region name\")"},
        CanonCase{"SHOW TAG VALUES FROM cpu WITH KEY =~ /ho.*/ WHERE a = 'b' "
                  "LIMIT 3",
                  nullptr},
        CanonCase{"SHOW TAG VALUES WITH KEY != host", nullptr},
        CanonCase{"SHOW TAG VALUES WITH KEY !~ /x/", nullptr},
        CanonCase{"SHOW FIELD KEYS", nullptr},
        CanonCase{"SHOW FIELD KEYS FROM cpu LIMIT 1", nullptr},
        CanonCase{"SHOW SERIES", nullptr},
        CanonCase{"SHOW SERIES FROM cpu WHERE host = 'a' LIMIT 10", nullptr},
        CanonCase{"DELETE FROM cpu", nullptr},
        CanonCase{"DELETE FROM cpu WHERE time < '2020-01-01'", nullptr},
        CanonCase{"DELETE WHERE host = 'a' AND time > now() - 1d", nullptr},
        CanonCase{"DELETE FROM rp.cpu", nullptr},
        CanonCase{"DROP MEASUREMENT cpu", nullptr},
        CanonCase{"DROP MEASUREMENT \"my m\"", nullptr},
        CanonCase{"DROP SERIES FROM cpu WHERE host = 'a'", nullptr},
        CanonCase{"DROP SERIES WHERE host = 'a'", nullptr},
        CanonCase{"DROP SERIES FROM /c.*/", nullptr},
        CanonCase{"SELECT a FROM b; SHOW MEASUREMENTS;",
                  "SELECT a FROM b;\nSHOW MEASUREMENTS"},
        CanonCase{";;SELECT a FROM b;;;DROP MEASUREMENT c;",
                  "SELECT a FROM b;\nDROP MEASUREMENT c"},
        CanonCase{"", nullptr}, CanonCase{"  -- only a comment\n", ""}));

// ---------------------------------------------------------------------------
// Structure

const SelectStatement& MustSelect(const absl::StatusOr<Statement::Ptr>& s) {
  EXPECT_TRUE(s.ok()) << s.status();
  const SelectStatement* sel = (*s)->As<SelectStatement>();
  EXPECT_NE(sel, nullptr);
  return *sel;
}

TEST(ParserStructureTest, SelectParts) {
  auto parsed = ParseStatement(
      "SELECT mean(\"value\") AS avg, percentile(v, 99.5) FROM db.rp.cpu "
      "WHERE host = 'a' GROUP BY time(10m, 1m), region fill(-2.5) "
      "ORDER BY time DESC LIMIT 4 OFFSET 3 SLIMIT 2 SOFFSET 1");
  const SelectStatement& s = MustSelect(parsed);
  ASSERT_EQ(s.fields.size(), 2u);
  const Call* mean = s.fields[0].expr->As<Call>();
  ASSERT_NE(mean, nullptr);
  EXPECT_EQ(mean->name, "mean");
  ASSERT_EQ(mean->args.size(), 1u);
  EXPECT_EQ(mean->args[0]->As<VarRef>()->name, "value");
  EXPECT_EQ(s.fields[0].alias, "avg");
  EXPECT_EQ(s.fields[0].Name(), "avg");
  EXPECT_EQ(s.fields[1].Name(), "percentile");
  EXPECT_DOUBLE_EQ(
      s.fields[1].expr->As<Call>()->args[1]->As<NumberLiteral>()->value, 99.5);
  EXPECT_EQ(s.source.database, "db");
  EXPECT_EQ(s.source.retention_policy, "rp");
  EXPECT_EQ(s.source.name, "cpu");
  EXPECT_FALSE(s.source.regex.has_value());
  ASSERT_NE(s.condition, nullptr);
  EXPECT_EQ(s.condition->As<BinaryExpr>()->op, BinaryOp::kEq);
  ASSERT_EQ(s.dimensions.size(), 2u);
  ASSERT_NE(s.GroupByTime(), nullptr);
  EXPECT_EQ(s.GroupByTime()->interval, 600'000'000'000);
  EXPECT_EQ(s.GroupByTime()->offset, 60'000'000'000);
  EXPECT_EQ(s.dimensions[1].kind, Dimension::Kind::kTag);
  EXPECT_EQ(s.dimensions[1].tag, "region");
  EXPECT_EQ(s.fill, FillOption::kNumber);
  EXPECT_EQ(std::get<double>(s.fill_value), -2.5);
  EXPECT_TRUE(s.order_specified);
  EXPECT_TRUE(s.descending);
  EXPECT_EQ(s.limit, 4);
  EXPECT_EQ(s.offset, 3);
  EXPECT_EQ(s.slimit, 2);
  EXPECT_EQ(s.soffset, 1);
  EXPECT_FALSE(s.IsRawQuery());
}

TEST(ParserStructureTest, RawQueryDefaults) {
  auto parsed = ParseStatement("SELECT a, * FROM m");
  const SelectStatement& s = MustSelect(parsed);
  EXPECT_TRUE(s.IsRawQuery());
  EXPECT_EQ(s.fields[1].expr->kind, ExprKind::kWildcard);
  EXPECT_EQ(s.condition, nullptr);
  EXPECT_TRUE(s.dimensions.empty());
  EXPECT_EQ(s.fill, FillOption::kNull);
  EXPECT_FALSE(s.order_specified);
  EXPECT_EQ(s.limit, 0);
}

TEST(ParserStructureTest, FillInteger) {
  auto parsed =
      ParseStatement("SELECT sum(a) FROM m GROUP BY time(1s) fill(7)");
  const SelectStatement& s = MustSelect(parsed);
  EXPECT_EQ(s.fill, FillOption::kNumber);
  EXPECT_EQ(std::get<int64_t>(s.fill_value), 7);
}

TEST(ParserStructureTest, WildcardDimensionAndRegexSource) {
  auto parsed = ParseStatement("SELECT count(a) FROM /cpu\\/.*/ GROUP BY *");
  const SelectStatement& s = MustSelect(parsed);
  ASSERT_TRUE(s.source.regex.has_value());
  EXPECT_EQ(*s.source.regex, "cpu/.*");
  EXPECT_EQ(s.dimensions[0].kind, Dimension::Kind::kWildcard);
  EXPECT_EQ(s.GroupByTime(), nullptr);
}

TEST(ParserStructureTest, Precedence) {
  // OR binds loosest, then AND, comparisons, + -, * /.
  auto e = ParseExpr("a = 1 OR b = 2 AND c + 2 * 3 > 4");
  ASSERT_TRUE(e.ok()) << e.status();
  const BinaryExpr* root = (*e)->As<BinaryExpr>();
  ASSERT_EQ(root->op, BinaryOp::kOr);
  const BinaryExpr* band = root->rhs->As<BinaryExpr>();
  ASSERT_EQ(band->op, BinaryOp::kAnd);
  const BinaryExpr* gt = band->rhs->As<BinaryExpr>();
  ASSERT_EQ(gt->op, BinaryOp::kGt);
  const BinaryExpr* add = gt->lhs->As<BinaryExpr>();
  ASSERT_EQ(add->op, BinaryOp::kAdd);
  EXPECT_EQ(add->rhs->As<BinaryExpr>()->op, BinaryOp::kMul);
}

TEST(ParserStructureTest, LeftAssociative) {
  auto e = ParseExpr("a - b - c");
  ASSERT_TRUE(e.ok());
  const BinaryExpr* root = (*e)->As<BinaryExpr>();
  EXPECT_EQ(root->rhs->As<VarRef>()->name, "c");
  EXPECT_EQ(root->lhs->As<BinaryExpr>()->op, BinaryOp::kSub);
  auto chain = ParseExpr("a = 1 AND b = 2 AND c = 3");
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ((*chain)->As<BinaryExpr>()->rhs->ToString(), "c = 3");
}

TEST(ParserStructureTest, Literals) {
  auto e = ParseExpr(
      "s = 'x\\'y' AND d = 1h30m AND i = -42 AND f = 2.25 AND b = true AND "
      "r =~ /a\\/b\\d/");
  ASSERT_TRUE(e.ok()) << e.status();
  std::vector<const Expr*> rhs;
  const Expr* node = e->get();
  for (const BinaryExpr* b = node->As<BinaryExpr>();
       b != nullptr && b->op == BinaryOp::kAnd; b = node->As<BinaryExpr>()) {
    rhs.insert(rhs.begin(), b->rhs->As<BinaryExpr>()->rhs.get());
    node = b->lhs.get();
  }
  rhs.insert(rhs.begin(), node->As<BinaryExpr>()->rhs.get());
  ASSERT_EQ(rhs.size(), 6u);
  EXPECT_EQ(rhs[0]->As<StringLiteral>()->value, "x'y");
  EXPECT_EQ(rhs[1]->As<DurationLiteral>()->value, 5'400'000'000'000);
  EXPECT_EQ(rhs[2]->As<IntegerLiteral>()->value, -42);
  EXPECT_EQ(rhs[3]->As<NumberLiteral>()->value, 2.25);
  EXPECT_TRUE(rhs[4]->As<BooleanLiteral>()->value);
  EXPECT_EQ(rhs[5]->As<RegexLiteral>()->pattern, "a/b\\d");
}

TEST(ParserStructureTest, QuotedIdentifierEscapes) {
  auto e = ParseExpr("\"a\\\"b\\\\c\\nd\" = 1");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->As<BinaryExpr>()->lhs->As<VarRef>()->name, "a\"b\\c\nd");
}

TEST(ParserStructureTest, CallNeedsAdjacentParenthesis) {
  // As in InfluxDB, "now ()" is the field now followed by a parenthesis.
  EXPECT_TRUE(ParseExpr("now()").ok());
  EXPECT_EQ((*ParseExpr("now()"))->kind, ExprKind::kCall);
  EXPECT_FALSE(ParseExpr("now ()").ok());
}

TEST(ParserStructureTest, Positions) {
  auto e = ParseExpr("a = 1 AND\n  mean(b) > 2");
  ASSERT_TRUE(e.ok());
  const BinaryExpr* root = (*e)->As<BinaryExpr>();
  EXPECT_EQ(root->pos.line, 1);
  EXPECT_EQ(root->pos.column, 7);  // the AND
  const BinaryExpr* gt = root->rhs->As<BinaryExpr>();
  EXPECT_EQ(gt->lhs->pos.line, 2);
  EXPECT_EQ(gt->lhs->pos.column, 3);  // mean
}

TEST(ParserStructureTest, ShowTagValuesKeyFilters) {
  auto in = ParseStatement("SHOW TAG VALUES FROM cpu WITH KEY IN (a, \"b c\")");
  ASSERT_TRUE(in.ok()) << in.status();
  const auto* s = (*in)->As<ShowTagValuesStatement>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->source->name, "cpu");
  EXPECT_EQ(s->key.op, TagKeyFilter::Op::kIn);
  EXPECT_EQ(s->key.keys, (std::vector<std::string>{"a", "b c"}));

  auto re = ParseStatement("SHOW TAG VALUES WITH KEY =~ /h.*/");
  ASSERT_TRUE(re.ok());
  const auto* r = (*re)->As<ShowTagValuesStatement>();
  EXPECT_FALSE(r->source.has_value());
  EXPECT_EQ(r->key.op, TagKeyFilter::Op::kEqRegex);
  EXPECT_EQ(r->key.regex, "h.*");
}

TEST(ParserStructureTest, StatementKinds) {
  auto q = ParseQuery(
      "SHOW MEASUREMENTS; SHOW TAG KEYS; SHOW TAG VALUES WITH KEY = k; "
      "SHOW FIELD KEYS; SHOW SERIES; DELETE WHERE a = 'b'; "
      "DROP MEASUREMENT m; DROP SERIES FROM m; SELECT a FROM b");
  ASSERT_TRUE(q.ok()) << q.status();
  std::vector<StatementKind> kinds;
  for (const auto& s : q->statements) kinds.push_back(s->kind);
  EXPECT_EQ(kinds,
            (std::vector<StatementKind>{
                StatementKind::kShowMeasurements, StatementKind::kShowTagKeys,
                StatementKind::kShowTagValues, StatementKind::kShowFieldKeys,
                StatementKind::kShowSeries, StatementKind::kDelete,
                StatementKind::kDropMeasurement, StatementKind::kDropSeries,
                StatementKind::kSelect}));
  EXPECT_EQ(q->statements[6]->As<DropMeasurementStatement>()->name, "m");
  EXPECT_EQ(q->statements[5]->As<DeleteStatement>()->condition->ToString(),
            "a = 'b'");
  EXPECT_EQ(q->statements[8]->pos.column, 157);
}

TEST(ParserStructureTest, CloneIsDeepAndEqual) {
  auto e = ParseExpr("(a = 1 OR b =~ /x/) AND mean(c) > -2.5 AND d = 'q'");
  ASSERT_TRUE(e.ok());
  Expr::Ptr copy = (*e)->Clone();
  EXPECT_EQ(copy->ToString(), (*e)->ToString());
  e->reset();  // the copy owns its own nodes
  EXPECT_EQ(copy->ToString(),
            "(a = 1 OR b =~ /x/) AND mean(c) > -2.5 AND d = 'q'");
}

TEST(ParserStructureTest, QuoteHelpers) {
  EXPECT_EQ(QuoteIdent("cpu_1"), "cpu_1");
  EXPECT_EQ(QuoteIdent("_x"), "_x");
  EXPECT_EQ(QuoteIdent("1cpu"), "\"1cpu\"");
  EXPECT_EQ(QuoteIdent("select"), "\"select\"");
  EXPECT_EQ(QuoteIdent(""), "\"\"");
  EXPECT_EQ(QuoteIdent("a\"b\nc"), "\"a\\\"b\\nc\"");
  EXPECT_EQ(QuoteString("it's\\"), "'it\\'s\\\\'");
}

}  // namespace
}  // namespace strata::influxql
