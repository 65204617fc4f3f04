// `strata` CLI behaviour made to match InfluxDB 1.x's HTTP API where the
// compat harness (influxdb_compat.sh) found it different: query --epoch
// takes InfluxDB's m and h as well, with Go's truncating integer division;
// write --precision takes n and u.
#include <string>

#include "cli/cli_runner.h"
#include "gtest/gtest.h"

namespace strata::cli_test {
namespace {

TEST(CliCompatTest, EpochMinutesAndHoursTruncateTowardZero) {
  CliHarness h;
  // 1.5 h after and before the epoch, and 59 s.
  const std::string lp =
      h.File("in.lp",
             "m v=1 5400000000000\nm v=2 -5400000000000\nm v=3 59000000000\n");
  CliResult w = h.Run({"write", lp});
  ASSERT_EQ(w.code, 0) << Describe(w);
  struct Case {
    const char* epoch;
    const char* values;
  };
  const Case cases[] = {
      {"h", "[[-1,2],[0,3],[1,1]]"},
      {"m", "[[-90,2],[0,3],[90,1]]"},
      {"s", "[[-5400,2],[59,3],[5400,1]]"},
  };
  for (const Case& c : cases) {
    CliResult r = h.Run(
        {"query", "--format", "json", "--epoch", c.epoch, "SELECT v FROM m"});
    ASSERT_EQ(r.code, 0) << Describe(r);
    EXPECT_EQ(r.out,
              std::string("{\"results\":[{\"statement_id\":0,\"series\":[{"
                          "\"name\":\"m\",\"columns\":[\"time\",\"v\"],"
                          "\"values\":") +
                  c.values + "}]}]}\n")
        << c.epoch;
  }
  // Aggregates: the bucket start, in hours; SHOW output has no time column.
  CliResult r = h.Run({"query", "--format", "json", "--epoch", "h",
                       "SELECT count(v) FROM m WHERE time >= 0 AND time < 3h "
                       "GROUP BY time(1h); SHOW MEASUREMENTS"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"count\"],\"values\":[[0,1],[1,1],[2,0]]}"
            "]},{\"statement_id\":1,\"series\":[{\"name\":\"measurements\","
            "\"columns\":[\"name\"],\"values\":[[\"m\"]]}]}]}\n");
  CliResult bad = h.Run({"query", "--epoch", "d", "SELECT v FROM m"});
  EXPECT_EQ(bad.code, 2) << Describe(bad);
}

// InfluxDB's /write spells the precisions n, u, ms, s (m and h too, which
// Strata's line protocol layer does not have).
TEST(CliCompatTest, WritePrecisionTakesInfluxDbSpellings) {
  CliHarness h;
  const std::string lp = h.File("in.lp", "m v=1 1704067200123456\n");
  CliResult w = h.Run({"write", "--precision", "u", lp});
  ASSERT_EQ(w.code, 0) << Describe(w);
  const std::string lp2 = h.File("in2.lp", "n v=2 5\n");
  w = h.Run({"write", "--precision", "n", lp2});
  ASSERT_EQ(w.code, 0) << Describe(w);
  CliResult r = h.Run({"query", "--format", "json", "--epoch", "ns",
                       "SELECT v FROM m; SELECT v FROM n"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
            "\"columns\":[\"time\",\"v\"],\"values\":[[1704067200123456000,1]]}"
            "]},{\"statement_id\":1,\"series\":[{\"name\":\"n\",\"columns\":["
            "\"time\",\"v\"],\"values\":[[5,2]]}]}]}\n");
  CliResult bad = h.Run({"write", "--precision", "h", lp});
  EXPECT_EQ(bad.code, 2) << Describe(bad);
}

}  // namespace
}  // namespace strata::cli_test
