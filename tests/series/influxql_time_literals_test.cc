// Duration and time-literal tests: parsing, InfluxDB formatting, limits,
// and RFC 3339 round trips including times before 1970.
#include <array>
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "series/influxql/time_literals.h"
#include "util/random.h"

namespace strata::influxql {
namespace {

constexpr int64_t kSec = kNanosPerSecond;
constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();

TEST(DurationTest, Parse) {
  struct Case {
    const char* text;
    int64_t ns;
  } cases[] = {
      {"1ns", 1},
      {"1u", 1000},
      {"1µ", 1000},
      {"1ms", 1000000},
      {"1s", kSec},
      {"1m", 60 * kSec},
      {"1h", 3600 * kSec},
      {"1d", 86400 * kSec},
      {"1w", 7 * 86400 * kSec},
      {"1h30m", 5400 * kSec},
      {"1h1m1s1ms1u1ns", 3661 * kSec + 1001001},
      {"-5m", -300 * kSec},
      {"0s", 0},
      {"106751d", int64_t{106751} * 86400 * kSec},
  };
  for (const Case& c : cases) {
    absl::StatusOr<int64_t> d = ParseDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.ns) << c.text;
  }
}

TEST(DurationTest, ParseErrors) {
  for (const char* text :
       {"", "1", "h", "1x", "1h30", "1mss", "-", "--1s", "1 s", "1.5s", "s1"}) {
    absl::StatusOr<int64_t> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().message(), "invalid duration " + std::string(text));
  }
  for (const char* text :
       {"106752d", "9999999999999999999ns", "9223372036854775807ns1ns"}) {
    absl::StatusOr<int64_t> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().message(), "overflowed duration " + std::string(text));
  }
}

TEST(DurationTest, Format) {
  struct Case {
    int64_t ns;
    const char* text;
  } cases[] = {
      {0, "0s"},
      {1, "1ns"},
      {1500, "1500ns"},
      {2000, "2u"},
      {3000000, "3ms"},
      {kSec, "1s"},
      {90 * kSec, "90s"},
      {5400 * kSec, "90m"},
      {7200 * kSec, "2h"},
      {86400 * kSec, "1d"},
      {14 * 86400 * kSec, "2w"},
      {-3600 * kSec, "-1h"},
      {kMax64, "9223372036854775807ns"},
      {kMin64, "-9223372036854775808ns"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatDuration(c.ns), c.text);
}

TEST(DurationTest, FormatParseRoundTrip) {
  Random rnd(42);
  for (int i = 0; i < 10000; ++i) {
    int64_t ns = static_cast<int64_t>(rnd.Next() >> (1 + rnd.Uniform(63)));
    if (rnd.OneIn(2)) ns = -ns;
    absl::StatusOr<int64_t> back = ParseDuration(FormatDuration(ns));
    ASSERT_TRUE(back.ok()) << ns << " " << FormatDuration(ns);
    EXPECT_EQ(*back, ns);
  }
}

TEST(TimeStringTest, Parse) {
  const int64_t jan1 = 1704067200 * kSec;  // 2024-01-01T00:00:00Z
  struct Case {
    const char* text;
    int64_t ns;
  } cases[] = {
      {"2024-01-01T00:00:00Z", jan1},
      {"2024-01-01T00:00:00.5Z", jan1 + 500000000},
      {"2024-01-01T00:00:00.123456789Z", jan1 + 123456789},
      {"2024-01-01T00:00:00.1234567891Z", jan1 + 123456789},
      {"2024-01-01T00:00:00.000000001Z", jan1 + 1},
      {"2024-01-01T05:30:00+05:30", jan1},
      {"2023-12-31T16:00:00-08:00", jan1},
      {"2024-01-01T00:00:00.25-00:00", jan1 + 250000000},
      {"2024-01-01", jan1},
      {"2024-01-01 12:30:00", jan1 + (12 * 3600 + 1800) * kSec},
      {"2024-01-01 00:00:00.25", jan1 + 250000000},
      {"2024-02-29T00:00:00Z", jan1 + 59 * 86400 * kSec},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.999999999Z", -1},
      {"1969-12-31", -86400 * kSec},
      {"1900-01-01T00:00:00Z", -2208988800 * kSec},
      {"1677-09-21T00:12:43.145224192Z", kMin64},
      {"2262-04-11T23:47:16.854775807Z", kMax64},
  };
  for (const Case& c : cases) {
    absl::StatusOr<int64_t> t = ParseTimeString(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status();
    EXPECT_EQ(*t, c.ns) << c.text;
  }
}

TEST(TimeStringTest, ParseErrors) {
  for (const char* text : {"today",
                           "",
                           "2024-1-01",
                           "2024-01-1",
                           "2024-02-30",
                           "2023-02-29",
                           "2024-13-01",
                           "2024-01-01T25:00:00Z",
                           "2024-01-01T00:60:00Z",
                           "2024-01-01T00:00:60Z",
                           "2024-01-01T00:00:00",
                           "2024-01-01T00:00Z",
                           "2024-01-01T00:00:00+0530",
                           "2024-01-01T00:00:00+24:00",
                           "2024-01-01T00:00:00+05:60",
                           "2024-01-01T00:00:00.Z",
                           "2024-01-01T00:00:00z",
                           "2024-01-01t00:00:00Z",
                           "2024-01-01 12:30:00Z",
                           "2024-01-01 12:30",
                           "2024-01-01X",
                           "2024-01-01T00:00:00Zjunk",
                           "20240-01-01"}) {
    absl::StatusOr<int64_t> t = ParseTimeString(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().message(),
              "invalid time literal '" + std::string(text) +
                  "': expected 2006-01-02T15:04:05Z, 2006-01-02 15:04:05 or "
                  "2006-01-02")
        << text;
  }
}

TEST(TimeStringTest, Range) {
  EXPECT_EQ(
      ParseTimeString("2262-04-11T23:47:16.854775808Z").status().message(),
      "time 2262-04-11T23:47:16Z overflows time literal");
  EXPECT_EQ(ParseTimeString("2262-04-12").status().message(),
            "time 2262-04-12T00:00:00Z overflows time literal");
  EXPECT_EQ(
      ParseTimeString("1677-09-21T00:12:43.145224191Z").status().message(),
      "time 1677-09-21T00:12:43Z underflows time literal");
  EXPECT_EQ(ParseTimeString("0001-01-01T00:00:00Z").status().message(),
            "time 0001-01-01T00:00:00Z underflows time literal");
  EXPECT_EQ(ParseTimeString("9999-12-31T23:59:59-23:59").status().message(),
            "time 10000-01-01T23:58:59Z overflows time literal");
}

TEST(TimeStringTest, LooksLikeTimeString) {
  EXPECT_TRUE(LooksLikeTimeString("2024-01-01"));
  EXPECT_TRUE(LooksLikeTimeString("2024-01-01 junk"));
  EXPECT_FALSE(LooksLikeTimeString("2024-1-01"));
  EXPECT_FALSE(LooksLikeTimeString("today"));
  EXPECT_FALSE(LooksLikeTimeString("2024-01-0"));
}

TEST(FormatRfc3339NanoTest, Table) {
  struct Case {
    int64_t ns;
    const char* text;
  } cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {1, "1970-01-01T00:00:00.000000001Z"},
      {-1, "1969-12-31T23:59:59.999999999Z"},
      {1500000000, "1970-01-01T00:00:01.5Z"},
      {-1500000000, "1969-12-31T23:59:58.5Z"},
      {1704067200123000000, "2024-01-01T00:00:00.123Z"},
      {1704067200 * kSec + 120, "2024-01-01T00:00:00.00000012Z"},
      {951782400 * kSec, "2000-02-29T00:00:00Z"},
      {kMin64, "1677-09-21T00:12:43.145224192Z"},
      {kMax64, "2262-04-11T23:47:16.854775807Z"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatRfc3339Nano(c.ns), c.text);
}

TEST(FormatRfc3339NanoTest, RoundTrip) {
  Random rnd(7);
  for (int i = 0; i < 20000; ++i) {
    int64_t ns = static_cast<int64_t>(rnd.Next());
    if (i % 4 == 0) ns /= kSec;               // near the epoch
    if (i % 4 == 1) ns = (ns / kSec) * kSec;  // whole seconds
    if (i < 8)
      ns = std::array<int64_t, 8>{kMin64, kMin64 + 1, kMax64, kMax64 - 1,
                                  0,      -1,         1,      -kSec}[i];
    const std::string text = FormatRfc3339Nano(ns);
    absl::StatusOr<int64_t> back = ParseTimeString(text);
    ASSERT_TRUE(back.ok()) << ns << " " << text << ": " << back.status();
    ASSERT_EQ(*back, ns) << text;
  }
}

}  // namespace
}  // namespace strata::influxql
