// End-to-end tests of the strata binary's time-series side and its general
// contract: write and query (table, csv, json validated against
// schema/influx-json.schema.json), bad input with documented errors and
// exit codes (0 ok, 1 error, 2 usage), --help everywhere, the locked
// directory, $STRATA_DB, and the progress bar staying off a pipe.
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json_schema_check.h"
#include "strata/db.h"

namespace strata::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPoints[] =
    "cpu,host=a value=1.5 1704067200000000000\n"
    "cpu,host=b value=2.5 1704067200000000000\n"
    "cpu,host=a value=3 1704067260000000000\n"
    "mem,host=a free=10i 1704067200000000000\n";

class CliSeriesTest : public ::testing::Test {
 protected:
  void Load() {
    CliResult r = h_.Run({"write", h_.File("points.lp", kPoints)});
    ASSERT_EQ(r.code, 0) << Describe(r);
  }
  std::string SchemaError(const std::string& json) {
    JsonSchemaCheck check(std::string(STRATA_SCHEMA_DIR) +
                          "/influx-json.schema.json");
    EXPECT_TRUE(check.ok()) << check.error();
    return check.Validate(json);
  }
  CliHarness h_;
};

TEST_F(CliSeriesTest, WriteReportsPointsAndRate) {
  CliResult r = h_.Run({"write", h_.File("points.lp", kPoints)});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("wrote 4 points (4 values)"));
  EXPECT_THAT(r.out, HasSubstr("points/s"));
  // stderr is a file, not a terminal: no progress bar.
  EXPECT_EQ(r.err, "");
}

TEST_F(CliSeriesTest, QueryTable) {
  Load();
  CliResult r = h_.Run({"query", "SELECT value FROM cpu GROUP BY host"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "name: cpu\n"
            "tags: host=a\n"
            "time                 value\n"
            "----                 -----\n"
            "2024-01-01T00:00:00Z 1.5\n"
            "2024-01-01T00:01:00Z 3\n"
            "\n"
            "name: cpu\n"
            "tags: host=b\n"
            "time                 value\n"
            "----                 -----\n"
            "2024-01-01T00:00:00Z 2.5\n");
}

TEST_F(CliSeriesTest, QueryCsvWithEpoch) {
  Load();
  CliResult r = h_.Run({"query", "--format", "csv", "--epoch=s",
                        "SELECT free FROM mem; SELECT count(value) FROM cpu"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "name,tags,time,free\n"
            "mem,,1704067200,10\n"
            "name,tags,time,count\n"
            "cpu,,0,3\n");
}

TEST_F(CliSeriesTest, QueryJsonIsInfluxShapeAndMatchesSchema) {
  Load();
  CliResult r = h_.Run(
      {"query", "--format=json", "SELECT value FROM cpu WHERE host = 'b'"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
            "\"columns\":[\"time\",\"value\"],\"values\":[[\"2024-01-01T00:00:"
            "00Z\",2.5]]}]}]}\n");
  EXPECT_EQ(SchemaError(r.out), "");

  // Several statements, GROUP BY tags, an epoch, an empty result and a
  // failed statement: all still valid InfluxDB JSON.
  r = h_.Run({"query", "--format", "json", "--epoch", "ms",
              "SELECT * FROM cpu GROUP BY host; SELECT * FROM nothing; "
              "SELECT value FROM cpu WHERE time > 'abc'"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("{\"statement_id\":1}"));
  EXPECT_THAT(r.out, HasSubstr("{\"statement_id\":2,\"error\":"));
  EXPECT_THAT(r.out, HasSubstr("\"tags\":{\"host\":\"a\"}"));
  EXPECT_THAT(r.out, HasSubstr("[1704067200000,1.5]"));
  EXPECT_EQ(SchemaError(r.out), "") << r.out;
}

TEST_F(CliSeriesTest, SchemaCheckerRejectsWrongShapes) {
  // The checker must be able to fail, or the schema test proves nothing.
  EXPECT_EQ(SchemaError("{\"results\":[{\"statement_id\":0}]}"), "");
  EXPECT_NE(SchemaError("{\"results\":[{\"series\":[]}]}"), "");
  EXPECT_NE(SchemaError("{\"results\":[{\"statement_id\":\"0\"}]}"), "");
  EXPECT_NE(SchemaError("{\"results\":[{\"statement_id\":0,\"series\":[{"
                        "\"columns\":[\"time\"],\"values\":[[{}]]}]}]}"),
            "");
  EXPECT_NE(SchemaError("{\"results\":[],\"extra\":1}"), "");
  EXPECT_NE(SchemaError("not json"), "");
}

TEST_F(CliSeriesTest, WriteFromStdinWithPrecision) {
  CliResult r = h_.Run({"write", "--precision", "s", "-"},
                       "t,k=v x=1i 1700000000\nt,k=v x=2i 1700000001\n");
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("wrote 2 points"));
  r = h_.Run({"query", "--format=csv", "--epoch=ns", "SELECT x FROM t"});
  EXPECT_EQ(r.out,
            "name,tags,time,x\n"
            "t,,1700000000000000000,1\n"
            "t,,1700000001000000000,2\n");
}

TEST_F(CliSeriesTest, MalformedLineProtocolWritesNothing) {
  const std::string file =
      h_.File("bad.lp", "cpu value=1 1\ncpu value=2 2\ncpu value= 3\n");
  CliResult r = h_.Run({"write", file});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("strata write: "));
  EXPECT_THAT(r.err, HasSubstr("line 3, column"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written"));
  EXPECT_EQ(r.out, "");
  // Not even the DB was created.
  r = h_.Run({"query", "SELECT * FROM cpu"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no database"));
}

TEST_F(CliSeriesTest, SkipInvalidWritesTheRest) {
  const std::string file = h_.File(
      "mixed.lp", "cpu value=1 1\nbroken line\ncpu value=2 2\ncpu v=\"x 3\n");
  CliResult r = h_.Run({"write", "--skip-invalid", file});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("wrote 2 points"));
  EXPECT_THAT(r.out, HasSubstr("skipped 2 invalid lines"));
  EXPECT_THAT(r.err, HasSubstr("line 2, column"));
  EXPECT_THAT(r.err, HasSubstr("line 4, column"));
  r = h_.Run({"query", "--format=csv", "--epoch=ns", "SELECT value FROM cpu"});
  EXPECT_EQ(r.out, "name,tags,time,value\ncpu,,1,1\ncpu,,2,2\n");
}

TEST_F(CliSeriesTest, MalformedStdinStopsAtItsChunk) {
  CliResult r = h_.Run({"write", "-"}, "cpu value=1 1\ncpu value=oops 2\n");
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("stdin: line 2, column"));
}

TEST_F(CliSeriesTest, FieldTypeConflictIsAnError) {
  Load();
  CliResult r = h_.Run({"write", "-"}, "cpu,host=a value=\"text\" 5\n");
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 1"));
  EXPECT_THAT(r.err, HasSubstr("value"));
}

TEST_F(CliSeriesTest, BadQueriesNameThePosition) {
  Load();
  CliResult r = h_.Run({"query", "SELECT value FROM"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("strata query: "));
  EXPECT_THAT(r.err, HasSubstr("line 1, char"));
  EXPECT_EQ(r.out, "");

  // A statement that parses but fails: the others still print, exit 1.
  r = h_.Run({"query", "--format=json",
              "SELECT value FROM cpu WHERE host='b'; SELECT value FROM cpu "
              "WHERE time > 'abc'"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("\"statement_id\":1,\"error\":"));
  EXPECT_THAT(r.err, HasSubstr("statement 1: "));
  EXPECT_EQ(SchemaError(r.out), "") << r.out;
}

TEST_F(CliSeriesTest, QueryFromStdin) {
  Load();
  CliResult r = h_.Run({"query", "--format=csv", "-"},
                       "SELECT free FROM mem;\nSHOW MEASUREMENTS\n");
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("mem,,2024-01-01T00:00:00Z,10"));
  EXPECT_THAT(r.out, HasSubstr("cpu"));
}

TEST_F(CliSeriesTest, MissingFile) {
  CliResult r = h_.Run({"write", h_.Path("nope.lp")});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("cannot open"));
  EXPECT_THAT(r.err, HasSubstr("nope.lp"));
  r = h_.Run({"write", h_.dir()});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("is a directory"));
}

TEST_F(CliSeriesTest, LockedDirectory) {
  Load();
  Options options;
  auto db = DB::Open(options, h_.db());
  ASSERT_TRUE(db.ok()) << db.status();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"query", "SELECT * FROM cpu"},
                                             {"write", "-"},
                                             {"docs", "list"},
                                             {"stats"},
                                             {"check"}}) {
    CliResult r = h_.Run(args, "cpu value=1 1\n");
    EXPECT_EQ(r.code, 1) << args[0] << "\n" << Describe(r);
    EXPECT_THAT(r.err, HasSubstr("in use")) << args[0];
  }
  db->reset();
  CliResult r =
      h_.Run({"query", "--format=csv", "SELECT count(value) FROM cpu"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr(",3\n"));
}

TEST_F(CliSeriesTest, DbFromEnvironmentAndDefault) {
  const std::string lp = "env value=1 1\n";
  CliResult r = h_.Run({"write", "-"}, lp, {{"STRATA_DB", h_.Path("envdb")}},
                       /*use_db=*/false);
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_TRUE(std::filesystem::exists(h_.Path("envdb/CURRENT")));
  // Without --db or $STRATA_DB: ./strata-data (the harness runs in dir()).
  r = h_.Run({"write", "-"}, lp, {}, /*use_db=*/false);
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_TRUE(std::filesystem::exists(h_.Path("strata-data/CURRENT")));
  // --db after the command word works too.
  r = h_.Run({"query", "--db", h_.Path("envdb"), "--format=csv",
              "SELECT value FROM env"},
             "", {}, /*use_db=*/false);
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("env,,1970-01-01T00:00:00.000000001Z,1"));
}

TEST_F(CliSeriesTest, ProgressBarOnlyWhenWanted) {
  std::string lp;
  for (int i = 0; i < 2000; ++i) {
    lp += "p,host=h" + std::to_string(i % 7) + " v=" + std::to_string(i) + " " +
          std::to_string(i) + "\n";
  }
  const std::string file = h_.File("many.lp", lp);
  CliResult quiet = h_.Run({"write", file});
  EXPECT_EQ(quiet.code, 0) << Describe(quiet);
  EXPECT_EQ(quiet.err, "");
  CliResult shown =
      h_.Run({"write", file}, "", {{"STRATA_PROGRESS", "always"}});
  EXPECT_EQ(shown.code, 0) << Describe(shown);
  EXPECT_THAT(shown.err, HasSubstr("\r"));
  EXPECT_THAT(shown.err, HasSubstr("points"));
  EXPECT_THAT(shown.out, HasSubstr("wrote 2000 points"));
}

TEST_F(CliSeriesTest, UsageErrorsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{}, "usage: strata"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"write"}, "missing arguments"},
      {{"write", "a", "b"}, "unexpected argument 'b'"},
      {{"write", "--precision", "h", "-"}, "--precision takes one of"},
      {{"query", "--format", "xml", "SELECT 1"}, "--format takes one of"},
      {{"query", "--bogus", "x"}, "unknown flag --bogus"},
      {{"docs"}, "subcommands"},
      {{"docs", "explode"}, "unknown subcommand 'explode'"},
      {{"docs", "find", "c", "--limit", "-1"}, "non-negative integer"},
      {{"docs", "find", "c", "--from", "soon"}, "not a time"},
      {{"docs", "create", "c", "--ttl", "forever"}, "not a duration"},
      {{"dump", "tables"}, "unknown file kind"},
      {{"stats", "extra"}, "unexpected argument"},
  };
  for (const Case& c : cases) {
    CliResult r = h_.Run(c.args);
    std::string label;
    for (const auto& a : c.args) label += a + " ";
    EXPECT_EQ(r.code, 2) << label << "\n" << Describe(r);
    EXPECT_THAT(r.err, HasSubstr(c.err)) << label;
  }
}

TEST_F(CliSeriesTest, HelpOnEveryCommand) {
  const std::vector<std::vector<std::string>> commands = {
      {"write"},          {"query"},
      {"stats"},          {"compact"},
      {"check"},          {"dump"},
      {"shell"},          {"demo"},
      {"docs"},           {"docs", "create"},
      {"docs", "drop"},   {"docs", "list"},
      {"docs", "index"},  {"docs", "unindex"},
      {"docs", "import"}, {"docs", "put"},
      {"docs", "insert"}, {"docs", "get"},
      {"docs", "delete"}, {"docs", "patch"},
      {"docs", "find"},   {"docs", "count"},
      {"docs", "explain"}};
  for (auto args : commands) {
    args.push_back("--help");
    CliResult r = h_.Run(args);
    EXPECT_EQ(r.code, 0) << args[0] << "\n" << Describe(r);
    EXPECT_THAT(r.out, HasSubstr("usage: strata " + args[0])) << args[0];
    EXPECT_EQ(r.err, "");
  }
  CliResult r = h_.Run({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* c : {"write", "query", "docs", "stats", "compact", "check",
                        "dump", "shell", "demo"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("  ") + c + " "));
  }
  r = h_.Run({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("strata "));
  // --help must not create the data directory.
  EXPECT_FALSE(std::filesystem::exists(h_.db()));
}

TEST_F(CliSeriesTest, DemoFlagsReachTheDemo) {
  CliResult r = h_.Run({"demo", "--scale", "0"});
  EXPECT_EQ(r.code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--scale"));
  r = h_.Run({"demo", "--scale=tiny"});
  EXPECT_EQ(r.code, 2) << Describe(r);
  r = h_.Run({"demo", "--dir", h_.Path("demo"), "--scale", "0.01"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  // It wrote where --dir said (not to --db), and the CLI can read it.
  EXPECT_FALSE(std::filesystem::exists(h_.db()));
  r = h_.Run({"--db", h_.Path("demo"), "query", "SHOW MEASUREMENTS"}, "", {},
             /*use_db=*/false);
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("cpu"));
}

}  // namespace
}  // namespace strata::cli_test
