// End-to-end tests of `strata docs ...` and `strata shell`: every docs
// subcommand's happy path, imports (NDJSON and arrays), invalid JSON with
// its position, and shell scripts mixing InfluxQL and docs statements.
#include <string>
#include <vector>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::cli_test {
namespace {

using ::testing::HasSubstr;

class CliDocsTest : public ::testing::Test {
 protected:
  CliResult Docs(std::vector<std::string> args, std::string_view in = "") {
    args.insert(args.begin(), "docs");
    return h_.Run(args, in);
  }
  void Ok(const CliResult& r) { ASSERT_EQ(r.code, 0) << Describe(r); }
  CliHarness h_;
};

TEST_F(CliDocsTest, CollectionLifecycle) {
  Ok(Docs({"create", "users", "--key", "name"}));
  CliResult r = Docs({"put", "users", R"({"name":"ann","age":31})"});
  Ok(r);
  EXPECT_EQ(r.out, "\"ann\"\n");
  Ok(Docs({"insert", "users", R"({"name":"bob","age":45,"tags":["x","y"]})"}));
  r = Docs({"get", "users", "ann"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"name\":\"ann\",\"age\":31}\n");
  r = Docs({"patch", "users", "bob", R"({"age":46,"tags":null})"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"name\":\"bob\",\"age\":46}\n");
  Ok(Docs({"index", "users", "by_age", "age", "--unique"}));
  r = Docs({"list"});
  Ok(r);
  EXPECT_EQ(r.out,
            "{\"name\":\"users\",\"key\":\"name\",\"auto_id\":false,"
            "\"ttl_ns\":0,\"indexes\":[{\"name\":\"by_age\",\"paths\":[\"age\"]"
            ",\"unique\":true}]}\n");
  r = Docs({"find", "users", R"({"age":{"$gt":40}})"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"name\":\"bob\",\"age\":46}\n");
  r = Docs({"count", "users"});
  Ok(r);
  EXPECT_EQ(r.out, "2\n");
  r = Docs({"explain", "users", R"({"age":{"$gt":40}})"});
  Ok(r);
  EXPECT_THAT(r.out, HasSubstr("by_age"));
  EXPECT_EQ(r.out.front(), '{');

  // Unique index violation and duplicate insert are errors.
  r = Docs({"put", "users", R"({"name":"cat","age":46})"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  r = Docs({"insert", "users", R"({"name":"ann"})"});
  EXPECT_EQ(r.code, 1) << Describe(r);

  Ok(Docs({"delete", "users", "ann"}));
  r = Docs({"get", "users", "ann"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no document with key \"ann\""));
  Ok(Docs({"unindex", "users", "by_age"}));
  Ok(Docs({"drop", "users"}));
  r = Docs({"list"});
  Ok(r);
  EXPECT_EQ(r.out, "");
  r = Docs({"get", "users", "bob"});
  EXPECT_EQ(r.code, 1);
}

TEST_F(CliDocsTest, FindOptionsAndTimeWindow) {
  Ok(Docs({"create", "ev", "--auto-id", "--time", "ts", "--ttl", "36500d"}));
  for (int i = 0; i < 6; ++i) {
    Ok(Docs({"put", "ev",
             "{\"ts\":\"2024-01-01T00:0" + std::to_string(i) +
                 ":00Z\",\"n\":" + std::to_string(i) + ",\"pad\":\"x\"}"}));
  }
  CliResult r =
      Docs({"find", "ev", "--from", "2024-01-01T00:02:00Z", "--to",
            "2024-01-01T00:04:00Z", "--project", R"({"n":1,"_id":0})"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"n\":2}\n{\"n\":3}\n");
  r = Docs({"find", "ev", "{}", "--sort", R"({"n":-1})", "--skip", "1",
            "--limit", "2", "--project", R"({"n":1,"_id":0})"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"n\":4}\n{\"n\":3}\n");
  // Integer nanoseconds work as times too.
  r = Docs(
      {"count", "ev", R"({"n":{"$gte":1}})", "--to", "1704067260000000000"});
  Ok(r);
  EXPECT_EQ(r.out, "0\n");
}

TEST_F(CliDocsTest, ImportNdjsonAndArray) {
  Ok(Docs({"create", "items", "--key", "id"}));
  std::string ndjson;
  for (int i = 0; i < 2500; ++i) {
    ndjson += "{\"id\":" + std::to_string(i) +
              ",\"even\":" + (i % 2 == 0 ? "true" : "false") + "}\n";
    if (i % 100 == 0) ndjson += "\n";  // blank lines are skipped
  }
  CliResult r = Docs({"import", "items", h_.File("items.ndjson", ndjson)});
  Ok(r);
  EXPECT_THAT(r.out, HasSubstr("imported 2500 documents into items"));
  r = Docs({"count", "items", R"({"even":true})"});
  EXPECT_EQ(r.out, "1250\n");

  r = Docs({"import", "items", "-"},
           "[\n {\"id\": \"a\", \"v\": [1, {\"x\": \"]\"}]},\n"
           " {\"id\": \"b\"}\n]\n");
  Ok(r);
  EXPECT_THAT(r.out, HasSubstr("imported 2 documents"));
  r = Docs({"get", "items", "a"});
  Ok(r);
  EXPECT_EQ(r.out, "{\"id\":\"a\",\"v\":[1,{\"x\":\"]\"}]}\n");

  // --insert refuses existing keys; the error names the input line.
  r = Docs({"import", "items", "--insert", "-"},
           "{\"id\":\"new\"}\n{\"id\":\"b\"}\n");
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("stdin: line 2"));
  EXPECT_THAT(r.err, HasSubstr("nothing was imported"));
  r = Docs({"get", "items", "new"});
  EXPECT_EQ(r.code, 1) << "the failed batch must not be half-applied";
}

TEST_F(CliDocsTest, InvalidJsonNamesThePlace) {
  Ok(Docs({"create", "c"}));
  CliResult r = Docs({"put", "c", R"({"_id":1,"a":})"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("strata docs put: "));
  EXPECT_THAT(r.err, HasSubstr("offset"));

  const std::string bad =
      h_.File("bad.ndjson", "{\"_id\":1}\n{\"_id\":2}\n{\"_id\":3,}\n");
  r = Docs({"import", "c", bad});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 3: invalid JSON"));
  EXPECT_THAT(r.err, HasSubstr("nothing was imported"));
  r = Docs({"count", "c"});
  EXPECT_EQ(r.out, "0\n") << "a malformed file must write nothing";

  r = Docs({"import", "c", "-"}, "[{\"_id\":1}, {\"_id\":2]");
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("invalid JSON array"));

  r = Docs({"find", "c", R"({"a":{"$bogus":1}})"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("$bogus"));

  r = Docs({"get", "nosuch", "1"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("nosuch"));
  r = Docs({"import", "c", h_.Path("missing.ndjson")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot open"));
}

TEST_F(CliDocsTest, ShellScriptMixesStatements) {
  const std::string script =
      "# a comment\n"
      "insert cpu,host=a value=1 1000000000\n"
      "insert cpu,host=a value=2 2000000000\n"
      "format csv\n"
      "epoch s\n"
      "SELECT value FROM cpu\n"
      "docs create notes --key id\n"
      "docs put notes {\"id\": \"n1\", \"text\": \"hello world\"}\n"
      "docs find notes {\"text\": {\"$gte\": \"h\"}}\n"
      "docs get notes 'n1'\n"
      "exit\n"
      "SELECT never FROM ran\n";
  CliResult r = h_.Run({"shell"}, script);
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_EQ(r.out,
            "name,tags,time,value\n"
            "cpu,,1,1\n"
            "cpu,,2,2\n"
            "created collection notes\n"
            "\"n1\"\n"
            "{\"id\":\"n1\",\"text\":\"hello world\"}\n"
            "{\"id\":\"n1\",\"text\":\"hello world\"}\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliDocsTest, ShellKeepsGoingAfterAnErrorAndExitsOne) {
  CliResult r = h_.Run({"shell"},
                       "insert m v=1 1\n"
                       "SELECT FROM\n"
                       "docs get nosuch 1\n"
                       "docs put x {unterminated\n"
                       "format yaml\n"
                       "check\n"
                       "SELECT v FROM m\n");
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("strata query: "));
  EXPECT_THAT(r.err, HasSubstr("nosuch"));
  EXPECT_THAT(r.err, HasSubstr("unterminated bracket"));
  EXPECT_THAT(r.err, HasSubstr("unknown format 'yaml'"));
  EXPECT_THAT(r.err, HasSubstr("not available inside the shell"));
  EXPECT_THAT(r.out, HasSubstr("1970-01-01T00:00:00.000000001Z 1"));
}

}  // namespace
}  // namespace strata::cli_test
