// ExtractTimeRange tests: bounds from time comparisons (inclusive and
// exclusive, flipped operands, now() arithmetic, RFC 3339 strings with
// offsets and fractions, integer and float epochs), intersection, the
// remaining condition, and InfluxDB's errors.
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "series/influxql/parser.h"
#include "series/influxql/time_literals.h"
#include "series/influxql/time_range.h"

namespace strata::influxql {
namespace {

constexpr int64_t kSec = kNanosPerSecond;
constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
// now() in every case: 2000-01-01T00:00:00Z.
constexpr int64_t kNow = 946684800 * kSec;

struct RangeCase {
  const char* where;
  int64_t min;
  int64_t max;
  const char* remaining;  // "" if nothing is left
};

class TimeRangeTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(TimeRangeTest, Extracts) {
  const RangeCase& c = GetParam();
  absl::StatusOr<Expr::Ptr> where = ParseExpr(c.where);
  ASSERT_TRUE(where.ok()) << where.status();
  Expr::Ptr rest;
  absl::StatusOr<TimeRange> r = ExtractTimeRange(where->get(), kNow, &rest);
  ASSERT_TRUE(r.ok()) << c.where << ": " << r.status();
  EXPECT_EQ(r->min, c.min) << c.where << " min " << FormatRfc3339Nano(r->min);
  EXPECT_EQ(r->max, c.max) << c.where << " max " << FormatRfc3339Nano(r->max);
  EXPECT_EQ(rest ? rest->ToString() : "", c.remaining) << c.where;
  // The input is untouched.
  EXPECT_EQ((*where)->ToString(), (*ParseExpr(c.where))->ToString());
}

INSTANTIATE_TEST_SUITE_P(
    Bounds, TimeRangeTest,
    ::testing::Values(
        RangeCase{"host = 'a'", kMin64, kMax64, "host = 'a'"},
        RangeCase{"time > 100", 101, kMax64, ""},
        RangeCase{"time >= 100", 100, kMax64, ""},
        RangeCase{"time < 100", kMin64, 99, ""},
        RangeCase{"time <= 100", kMin64, 100, ""},
        RangeCase{"time = 100", 100, 100, ""},
        RangeCase{"TIME > 5", 6, kMax64, ""},
        RangeCase{"100 < time", 101, kMax64, ""},
        RangeCase{"100 <= time", 100, kMax64, ""},
        RangeCase{"100 > time", kMin64, 99, ""},
        RangeCase{"100 >= time", kMin64, 100, ""},
        RangeCase{"time >= -1000 AND time < 0", -1000, -1, ""},
        RangeCase{"time >= 10s", 10 * kSec, kMax64, ""},
        RangeCase{"time >= 10000000000.0", 10 * kSec, kMax64, ""},
        RangeCase{"time >= 1.9", 1, kMax64, ""},
        RangeCase{"time > 9223372036854775807", kMax64, kMin64, ""},
        RangeCase{"time < -9223372036854775808", kMax64, kMin64, ""},
        RangeCase{"time >= 5 AND time <= 5", 5, 5, ""},
        RangeCase{"time > 5 AND time < 5", 6, 4, ""},
        RangeCase{"time = 1 AND time = 2", 2, 1, ""}));

INSTANTIATE_TEST_SUITE_P(
    Now, TimeRangeTest,
    ::testing::Values(
        RangeCase{"time > now()", kNow + 1, kMax64, ""},
        RangeCase{"time >= now() - 1h", kNow - 3600 * kSec, kMax64, ""},
        RangeCase{"time >= now() - 1h30m AND time < now() + 1d",
                  kNow - 5400 * kSec, kNow + 86400 * kSec - 1, ""},
        RangeCase{"time >= now() - 2 * 1h", kNow - 7200 * kSec, kMax64, ""},
        RangeCase{"time >= now() - (1h + 30m)", kNow - 5400 * kSec, kMax64, ""},
        RangeCase{"time >= 1h + now()", kNow + 3600 * kSec, kMax64, ""},
        RangeCase{"time >= now() - 1000000000", kNow - kSec, kMax64, ""},
        RangeCase{"time <= now() - 1d / 2", kMin64, kNow - 43200 * kSec, ""},
        RangeCase{"now() - 10m <= time", kNow - 600 * kSec, kMax64, ""},
        RangeCase{"time >= now() - (now() - 1s)", kSec, kMax64, ""}));

INSTANTIATE_TEST_SUITE_P(
    Strings, TimeRangeTest,
    ::testing::Values(
        RangeCase{"time >= '2000-01-01T00:00:00Z' AND "
                  "time < '2000-01-01T01:00:00Z'",
                  kNow, kNow + 3600 * kSec - 1, ""},
        RangeCase{"'2000-01-01T00:00:00Z' <= time AND "
                  "'2000-01-01T01:00:00Z' > time",
                  kNow, kNow + 3600 * kSec - 1, ""},
        RangeCase{"'2000-01-01T00:00:00Z' < time AND "
                  "'2000-01-01T01:00:00Z' >= time",
                  kNow + 1, kNow + 3600 * kSec, ""},
        RangeCase{"time = '2000-01-01T00:00:00Z'", kNow, kNow, ""},
        RangeCase{"time >= '2000-01-01T01:00:00.5+01:00'", kNow + kSec / 2,
                  kMax64, ""},
        RangeCase{"time >= '1999-12-31T16:00:00.000000001-08:00'", kNow + 1,
                  kMax64, ""},
        RangeCase{"time >= '2000-01-01'", kNow, kMax64, ""},
        RangeCase{"time >= '2000-01-01 00:00:01.25'", kNow + 1250000000, kMax64,
                  ""},
        RangeCase{"time >= '1969-12-31T23:59:59Z'", -kSec, kMax64, ""},
        RangeCase{"time > '2000-01-01T00:00:00Z' - 1h", kNow - 3600 * kSec + 1,
                  kMax64, ""},
        RangeCase{"time < 1d + '2000-01-01'", kMin64, kNow + 86400 * kSec - 1,
                  ""}));

INSTANTIATE_TEST_SUITE_P(
    Remaining, TimeRangeTest,
    ::testing::Values(
        RangeCase{"host = 'a' AND (region = 'w' AND time >= now() - 10m)",
                  kNow - 600 * kSec, kMax64, "host = 'a' AND (region = 'w')"},
        RangeCase{"(host = 'a' AND region = 'w') AND time >= now() - 10m",
                  kNow - 600 * kSec, kMax64, "(host = 'a' AND region = 'w')"},
        RangeCase{"host = 'a' AND (time >= 1 AND time < 10)", 1, 9,
                  "host = 'a'"},
        RangeCase{"(time >= 1 AND time < 10) AND host = 'a'", 1, 9,
                  "host = 'a'"},
        RangeCase{"time > 1 AND host = 'a' AND time < 10 AND v > 2", 2, 9,
                  "host = 'a' AND v > 2"},
        RangeCase{"(a = 1 OR b = 2) AND time > 0", 1, kMax64,
                  "(a = 1 OR b = 2)"},
        RangeCase{"a =~ /x/ OR b !~ /y/", kMin64, kMax64,
                  "a =~ /x/ OR b !~ /y/"},
        RangeCase{"((time > 0))", 1, kMax64, ""},
        RangeCase{"true AND time > 0", 1, kMax64, "true"},
        RangeCase{"value * 2 > 10 AND time < 0", kMin64, -1,
                  "value * 2 > 10"}));

struct ErrorCase {
  const char* where;
  const char* message;
};

class TimeRangeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(TimeRangeErrorTest, Fails) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<Expr::Ptr> where = ParseExpr(c.where);
  ASSERT_TRUE(where.ok()) << where.status();
  Expr::Ptr rest;
  absl::StatusOr<TimeRange> r = ExtractTimeRange(where->get(), kNow, &rest);
  ASSERT_FALSE(r.ok()) << c.where << " -> " << r->ToString();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), c.message) << c.where;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, TimeRangeErrorTest,
    ::testing::Values(
        ErrorCase{"host = 'a' OR time > 5",
                  "cannot use OR with time conditions at line 1, char 12"},
        ErrorCase{"host = 'a' OR (time >= now() - 10m AND host = 'b')",
                  "cannot use OR with time conditions at line 1, char 12"},
        ErrorCase{"time > 1 OR time < 0",
                  "cannot use OR with time conditions at line 1, char 10"},
        ErrorCase{"time != 5",
                  "invalid time comparison operator: != at line 1, char 6"},
        ErrorCase{"time <> '2000-01-01T00:00:00Z'",
                  "invalid time comparison operator: != at line 1, char 6"},
        ErrorCase{"time =~ /x/",
                  "invalid time comparison operator: =~ at line 1, char 6"},
        ErrorCase{"time >= 'today'",
                  "invalid operation: time and 'today' are not compatible at "
                  "line 1, char 9"},
        ErrorCase{"time >= host",
                  "invalid operation: time and host are not compatible at "
                  "line 1, char 9"},
        ErrorCase{"time >= true",
                  "invalid operation: time and true are not compatible at "
                  "line 1, char 9"},
        ErrorCase{"time >= mean(x)",
                  "invalid operation: time and mean(x) are not compatible at "
                  "line 1, char 9"},
        ErrorCase{"time >= now() + 'x'",
                  "invalid operation: time and now() + 'x' are not compatible "
                  "at line 1, char 15"},
        ErrorCase{"time >= now() * 2",
                  "invalid operation: time and now() * 2 are not compatible "
                  "at line 1, char 15"},
        ErrorCase{"time >= '2024-13-01'",
                  "invalid time literal '2024-13-01': expected "
                  "2006-01-02T15:04:05Z, 2006-01-02 15:04:05 or 2006-01-02 "
                  "at line 1, char 9"},
        ErrorCase{"time > '2262-04-12T00:00:00Z'",
                  "time 2262-04-12T00:00:00Z overflows time literal at line "
                  "1, char 8"},
        ErrorCase{"time > '1677-09-20 19:12:43'",
                  "time 1677-09-20T19:12:43Z underflows time literal at line "
                  "1, char 8"},
        ErrorCase{"time > now() + 9223372036854775807",
                  "time arithmetic overflows in now() + 9223372036854775807 "
                  "at line 1, char 14"},
        ErrorCase{"time > 1h / 0", "division by zero at line 1, char 11"},
        ErrorCase{"time > 99999999999999999999.0",
                  "time 100000000000000000000.0 is out of range at line 1, "
                  "char 8"},
        ErrorCase{"value",
                  "invalid condition expression: value at line 1, "
                  "char 1"},
        ErrorCase{"4", "invalid condition expression: 4 at line 1, char 1"},
        ErrorCase{"value AND host = 'a'",
                  "invalid condition expression: value at line 1, char 1"},
        ErrorCase{"host = 'a' OR (value)",
                  "invalid condition expression: value at line 1, char 16"}));

TEST(TimeRangeApiTest, NullConditionIsUnbounded) {
  Expr::Ptr rest = std::make_unique<VarRef>("stale");
  absl::StatusOr<TimeRange> r = ExtractTimeRange(nullptr, kNow, &rest);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->HasMin());
  EXPECT_FALSE(r->HasMax());
  EXPECT_FALSE(r->Empty());
  EXPECT_EQ(*r, TimeRange());
  EXPECT_EQ(rest, nullptr);
  EXPECT_EQ(r->ToString(), "[-inf, +inf]");
}

TEST(TimeRangeApiTest, RemainingIsOptional) {
  auto where = ParseExpr("time > 0 AND a = 1");
  ASSERT_TRUE(where.ok());
  absl::StatusOr<TimeRange> r = ExtractTimeRange(where->get(), kNow, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, 1);
}

TEST(TimeRangeApiTest, Helpers) {
  TimeRange r{10, 20};
  EXPECT_TRUE(r.Contains(10));
  EXPECT_TRUE(r.Contains(20));
  EXPECT_FALSE(r.Contains(21));
  r.Intersect(TimeRange{15, kMax64});
  EXPECT_EQ(r, (TimeRange{15, 20}));
  EXPECT_EQ(r.ToString(),
            "[1970-01-01T00:00:00.000000015Z, 1970-01-01T00:00:00.00000002Z]");
  r.Intersect(TimeRange{30, 40});
  EXPECT_TRUE(r.Empty());
  EXPECT_EQ((TimeRange{kNow, kMax64}).ToString(),
            "[2000-01-01T00:00:00Z, +inf]");
}

// TimeOrPolicy::kIntersect: InfluxDB 1.x's SELECT rule, found by
// tests/compat/influxdb_compat.sh against InfluxDB 1.6 (which returns rows
// or nothing for these, never an error).
class TimeRangeOrIntersectTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(TimeRangeOrIntersectTest, IntersectsAcrossOr) {
  const RangeCase& c = GetParam();
  absl::StatusOr<Expr::Ptr> where = ParseExpr(c.where);
  ASSERT_TRUE(where.ok()) << where.status();
  Expr::Ptr rest;
  absl::StatusOr<TimeRange> r =
      ExtractTimeRange(where->get(), kNow, &rest, TimeOrPolicy::kIntersect);
  ASSERT_TRUE(r.ok()) << c.where << ": " << r.status();
  EXPECT_EQ(r->min, c.min) << c.where << " min " << FormatRfc3339Nano(r->min);
  EXPECT_EQ(r->max, c.max) << c.where << " max " << FormatRfc3339Nano(r->max);
  EXPECT_EQ(rest ? rest->ToString() : "", c.remaining) << c.where;
  // The default policy still rejects the same condition.
  EXPECT_FALSE(ExtractTimeRange(where->get(), kNow, &rest).ok()) << c.where;
}

INSTANTIATE_TEST_SUITE_P(
    Or, TimeRangeOrIntersectTest,
    ::testing::Values(
        // Two time bounds under OR are intersected: an empty range here.
        RangeCase{"time > 100 OR time < 50", 101, 49, ""},
        RangeCase{"time >= 10 OR time <= 20", 10, 20, ""},
        // A time-only side disappears; the other side stays the condition.
        RangeCase{"host = 'a' OR time > 5", 6, kMax64, "host = 'a'"},
        RangeCase{"region = 'w' OR host = 'a' AND time >= 5 AND time < 9", 5, 8,
                  "region = 'w' OR host = 'a'"},
        RangeCase{"(time < 1 OR host = 'x') AND time >= 3", 3, 0,
                  "(host = 'x')"},
        RangeCase{"(host = 'a' AND time > 5) OR (host = 'b' AND time < 9)", 6,
                  8, "(host = 'a') OR (host = 'b')"}));

TEST(TimeRangeApiTest, FromDeleteStatement) {
  auto stmt = ParseStatement(
      "DELETE FROM cpu WHERE host = 'a' AND time < '2020-01-01T00:00:00Z'");
  ASSERT_TRUE(stmt.ok()) << stmt.status();
  const auto* del = (*stmt)->As<DeleteStatement>();
  Expr::Ptr rest;
  absl::StatusOr<TimeRange> r =
      ExtractTimeRange(del->condition.get(), kNow, &rest);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->min, kMin64);
  EXPECT_EQ(r->max, 1577836800 * kSec - 1);
  EXPECT_EQ(rest->ToString(), "host = 'a'");
}

}  // namespace
}  // namespace strata::influxql
