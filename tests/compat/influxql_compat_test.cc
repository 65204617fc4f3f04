// InfluxQL accepted the way InfluxDB 1.x accepts it, where the compat
// harness (influxdb_compat.sh) found Strata's parser stricter: tz('UTC').
#include <string>

#include "gtest/gtest.h"
#include "series/influxql/parser.h"

namespace strata::influxql {
namespace {

// tz('UTC') changes nothing for UTC times: accepted, and the statement is
// the same as without it.
TEST(InfluxqlCompatTest, TzUtcIsAccepted) {
  const char* with_tz[] = {
      "SELECT v FROM m tz('UTC')",
      "SELECT mean(v) FROM m WHERE time >= 0 AND time < 1h GROUP BY time(10m) "
      "fill(0) LIMIT 2 tz('UTC')",
      "SELECT v FROM m ORDER BY time DESC SLIMIT 1 TZ('UTC')",
  };
  const char* without[] = {
      "SELECT v FROM m",
      "SELECT mean(v) FROM m WHERE time >= 0 AND time < 1h GROUP BY time(10m) "
      "fill(0) LIMIT 2",
      "SELECT v FROM m ORDER BY time DESC SLIMIT 1",
  };
  for (size_t i = 0; i < std::size(with_tz); ++i) {
    absl::StatusOr<Statement::Ptr> a = ParseStatement(with_tz[i]);
    absl::StatusOr<Statement::Ptr> b = ParseStatement(without[i]);
    ASSERT_TRUE(a.ok()) << with_tz[i] << ": " << a.status();
    ASSERT_TRUE(b.ok()) << without[i] << ": " << b.status();
    EXPECT_EQ((*a)->ToString(), (*b)->ToString()) << with_tz[i];
  }
}

// Other zones would move day buckets and printed offsets: still rejected,
// as are malformed tz clauses.
TEST(InfluxqlCompatTest, OtherTzIsRejected) {
  const char* cases[] = {
      "SELECT v FROM m tz('Europe/Paris')",
      "SELECT v FROM m tz('utc')",
      "SELECT v FROM m tz(\"UTC\")",
      "SELECT v FROM m tz('UTC', 'UTC')",
      "SELECT v FROM m tz()",
      "SELECT v FROM m tz",
      "SELECT v FROM m tz('UTC') tz('UTC')",
      "SELECT v FROM m tz('UTC') LIMIT 1",
  };
  for (const char* q : cases) {
    EXPECT_FALSE(ParseStatement(q).ok()) << q;
  }
  absl::StatusOr<Statement::Ptr> s =
      ParseStatement("SELECT v FROM m tz('Europe/Paris')");
  EXPECT_EQ(std::string(s.status().message()),
            "tz() is not supported; times are UTC at line 1, char 17");
}

}  // namespace
}  // namespace strata::influxql
