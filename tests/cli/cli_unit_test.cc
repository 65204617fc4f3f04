// Unit tests of the CLI's pieces that need no process: the flag parser,
// time/duration arguments, table/CSV writers, JSON quoting, byte escaping,
// progress rendering, line-chunked input with absolute line numbers, shell
// word splitting and docs key arguments.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cmd_docs.h"
#include "cli/flags.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/shell_words.h"
#include "cli_runner.h"
#include "gtest/gtest.h"

namespace strata::cli {
namespace {

using cli_test::CliHarness;

struct FlagCase {
  std::vector<std::string> args;
  FlagSet::Result result;
  std::string name;  // --name value after parsing
  bool on = false;   // --on
  uint64_t n = 7;    // --n
  std::vector<std::string> positional;
};

TEST(FlagSetTest, Table) {
  using R = FlagSet::Result;
  const FlagCase cases[] = {
      {{}, R::kOk, "", false, 7, {}},
      {{"a", "b"}, R::kOk, "", false, 7, {"a", "b"}},
      {{"--name=x", "a"}, R::kOk, "x", false, 7, {"a"}},
      {{"--name", "x", "a"}, R::kOk, "x", false, 7, {"a"}},
      {{"a", "--on", "b"}, R::kOk, "", true, 7, {"a", "b"}},
      {{"--on=false"}, R::kOk, "", false, 7, {}},
      {{"--n", "12"}, R::kOk, "", false, 12, {}},
      {{"--", "--on", "-"}, R::kOk, "", false, 7, {"--on", "-"}},
      {{"-", "-5", "-1.5"}, R::kOk, "", false, 7, {"-", "-5", "-1.5"}},
      {{"--help"}, R::kHelp, "", false, 7, {}},
      {{"a", "-h"}, R::kHelp, "", false, 7, {}},
      {{"--nope"}, R::kError, "", false, 7, {}},
      {{"-x"}, R::kError, "", false, 7, {}},
      {{"--name"}, R::kError, "", false, 7, {}},
      {{"--n", "-3"}, R::kError, "", false, 7, {}},
      {{"--n=abc"}, R::kError, "", false, 7, {}},
      {{"--on=maybe"}, R::kError, "", false, 7, {}},
      {{"--mode=csv"}, R::kOk, "", false, 7, {}},
      {{"--mode=xml"}, R::kError, "", false, 7, {}},
  };
  for (const FlagCase& c : cases) {
    std::string name, mode = "table";
    bool on = false;
    uint64_t n = 7;
    FlagSet flags("strata t", "test");
    flags.AddString("name", &name, "NAME", "a name");
    flags.AddBool("on", &on, "a switch");
    flags.AddUint("n", &n, "N", "a count");
    flags.AddChoice("mode", &mode, {"table", "csv"}, "a choice");
    std::string label;
    for (const auto& a : c.args) label += a + " ";
    SCOPED_TRACE(label);
    EXPECT_EQ(flags.Parse(c.args), c.result) << flags.error();
    if (c.result == R::kError) {
      EXPECT_FALSE(flags.error().empty());
      continue;
    }
    if (c.result != R::kOk) continue;
    EXPECT_EQ(name, c.name);
    EXPECT_EQ(on, c.on);
    EXPECT_EQ(n, c.n);
    EXPECT_EQ(flags.positional(), c.positional);
  }
}

TEST(FlagSetTest, HelpListsEveryFlag) {
  std::string s;
  bool b = false;
  FlagSet flags("strata x [--alpha A]", "Does x.");
  flags.AddString("alpha", &s, "A", "the alpha");
  flags.AddBool("beta", &b, "the beta");
  const std::string help = flags.Help();
  EXPECT_NE(help.find("usage: strata x [--alpha A]"), std::string::npos);
  EXPECT_NE(help.find("--alpha A"), std::string::npos);
  EXPECT_NE(help.find("the beta"), std::string::npos);
  EXPECT_NE(help.find("--help"), std::string::npos);
}

TEST(ArgParseTest, TimesAndDurations) {
  int64_t v = 0;
  std::string err;
  EXPECT_TRUE(ParseTimeArg("1700000000000000000", &v, &err));
  EXPECT_EQ(v, 1700000000000000000);
  EXPECT_TRUE(ParseTimeArg("2024-01-01T00:00:00Z", &v, &err));
  EXPECT_EQ(v, 1704067200000000000);
  EXPECT_TRUE(ParseTimeArg("-5", &v, &err));
  EXPECT_EQ(v, -5);
  EXPECT_FALSE(ParseTimeArg("yesterday", &v, &err));
  EXPECT_NE(err.find("yesterday"), std::string::npos);

  EXPECT_TRUE(ParseDurationArg("7d", &v, &err));
  EXPECT_EQ(v, 7 * 86400 * 1000000000LL);
  EXPECT_TRUE(ParseDurationArg("1h30m", &v, &err));
  EXPECT_EQ(v, 5400 * 1000000000LL);
  EXPECT_TRUE(ParseDurationArg("250", &v, &err));
  EXPECT_EQ(v, 250);
  EXPECT_FALSE(ParseDurationArg("-1h", &v, &err));
  EXPECT_FALSE(ParseDurationArg("-3", &v, &err));
  EXPECT_FALSE(ParseDurationArg("7 days", &v, &err));

  uint64_t u = 0;
  EXPECT_TRUE(ParseUint64("18446744073709551615", &u));
  EXPECT_FALSE(ParseUint64("18446744073709551616", &u));
  EXPECT_FALSE(ParseUint64("", &u));
  EXPECT_FALSE(ParseUint64("1x", &u));
  EXPECT_EQ(StripWhitespace(" \t a b\r\n"), "a b");
}

QueryResult SampleResult() {
  QueryResult r;
  StatementResult st;
  ResultSeries s;
  s.name = "cpu";
  s.tags = {{"host", "a,b"}, {"region", "eu"}};
  s.columns = {"time", "value", "note"};
  s.values.push_back({int64_t{1704067200000000000}, 1.5, std::string("ok")});
  s.values.push_back(
      {int64_t{1704067200500000000}, std::monostate(), std::string("x\"y")});
  st.series.push_back(s);
  r.results.push_back(st);
  StatementResult failed;
  failed.statement_id = 1;
  failed.error = absl::InvalidArgumentError("boom");
  ResultSeries hidden;
  hidden.name = "hidden";
  hidden.columns = {"time"};
  failed.series.push_back(hidden);
  r.results.push_back(failed);
  return r;
}

TEST(OutputTest, Table) {
  EXPECT_EQ(FormatTable(SampleResult(), EpochFormat::kRfc3339),
            "name: cpu\n"
            "tags: host=a,b, region=eu\n"
            "time                   value note\n"
            "----                   ----- ----\n"
            "2024-01-01T00:00:00Z   1.5   ok\n"
            "2024-01-01T00:00:00.5Z       x\"y\n");
  EXPECT_EQ(FormatTable(SampleResult(), EpochFormat::kMilliseconds),
            "name: cpu\n"
            "tags: host=a,b, region=eu\n"
            "time          value note\n"
            "----          ----- ----\n"
            "1704067200000 1.5   ok\n"
            "1704067200500       x\"y\n");
}

TEST(OutputTest, Csv) {
  EXPECT_EQ(FormatCsv(SampleResult(), EpochFormat::kNanoseconds),
            "name,tags,time,value,note\n"
            "cpu,\"host=a,b,region=eu\",1704067200000000000,1.5,ok\n"
            "cpu,\"host=a,b,region=eu\",1704067200500000000,,\"x\"\"y\"\n");
}

TEST(OutputTest, Values) {
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
  EXPECT_EQ(FormatValue(int64_t{-3}), "-3");
  EXPECT_EQ(FormatValue(uint64_t{18446744073709551615u}),
            "18446744073709551615");
  EXPECT_EQ(FormatValue(true), "true");
  EXPECT_EQ(FormatValue(std::monostate()), "");
  EXPECT_EQ(FormatTime(-1, EpochFormat::kRfc3339),
            "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(FormatTime(1999999999, EpochFormat::kSeconds), "1");
}

TEST(OutputTest, JsonQuoteAndEscape) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(JsonQuote("bad\xff"), "\"bad\\ufffd\"");
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"\\ufffd\\ufffd\"");  // cut sequence
  EXPECT_EQ(EscapeBytes(std::string("a\\\x00\x7f z", 6)), "a\\\\\\x00\\x7f z");
}

TEST(OutputTest, ProgressLine) {
  const std::string half =
      RenderProgress("write", "points", 512 << 10, 1 << 20, 5000, 2.0);
  EXPECT_NE(half.find("write ["), std::string::npos) << half;
  EXPECT_NE(half.find(" 50%"), std::string::npos) << half;
  EXPECT_NE(half.find("512.0 KiB/1.0 MiB"), std::string::npos) << half;
  EXPECT_NE(half.find("5.0k points (2.5k/s)"), std::string::npos) << half;
  EXPECT_NE(half.find("ETA 0:02"), std::string::npos) << half;
  // Unknown total (stdin): no bar, no ETA.
  const std::string open = RenderProgress("write", "points", 100, 0, 10, 1.0);
  EXPECT_EQ(open.find('['), std::string::npos) << open;
  EXPECT_EQ(open.find("ETA"), std::string::npos) << open;
}

TEST(OutputTest, DisabledProgressPrintsNothing) {
  CliHarness h;
  const std::string path = h.Path("progress");
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  {
    Progress p(f, /*enabled=*/false, "write", "points", 100);
    p.Update(50, 5);
    p.Finish();
  }
  {
    Progress p(f, /*enabled=*/true, "draw", "points", 100);
    p.Update(50, 5);
  }
  std::fclose(f);
  const std::string text = cli_test::ReadWholeFile(path);
  EXPECT_EQ(text.find("write"), std::string::npos);
  EXPECT_NE(text.find("draw"), std::string::npos);
  EXPECT_NE(text.find('\r'), std::string::npos);
}

// Reads everything through a reader with small chunks.
std::vector<std::pair<uint64_t, std::string>> ReadChunks(
    const std::string& path, size_t chunk, size_t max_line,
    absl::Status* status) {
  auto r = LineChunkReader::Open(path, chunk, max_line);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<std::pair<uint64_t, std::string>> out;
  std::string_view c;
  uint64_t line = 0;
  while ((*r)->Next(&c, &line)) out.emplace_back(line, std::string(c));
  *status = (*r)->status();
  return out;
}

TEST(InputTest, ChunksEndAtLinesAndCountThem) {
  CliHarness h;
  std::string text;
  for (int i = 1; i <= 50; ++i) text += "line" + std::to_string(i) + "\n";
  text += "tail-without-newline";
  const std::string path = h.File("in.txt", text);
  for (size_t chunk : {1, 7, 64, 1 << 20}) {
    SCOPED_TRACE(chunk);
    absl::Status s;
    auto chunks = ReadChunks(path, chunk, 1 << 10, &s);
    ASSERT_TRUE(s.ok()) << s;
    std::string joined;
    uint64_t expect_line = 1;
    for (const auto& [line, c] : chunks) {
      EXPECT_EQ(line, expect_line);
      expect_line += CountLines(c);
      joined += c;
      if (&c != &chunks.back().second) {
        EXPECT_EQ(c.back(), '\n');
      }
    }
    EXPECT_EQ(joined, text);
  }
}

TEST(InputTest, OverlongLineIsAnErrorNotAnAllocation) {
  CliHarness h;
  const std::string path =
      h.File("long.txt", "ok\n" + std::string(5000, 'x') + "\nafter\n");
  absl::Status s;
  ReadChunks(path, 16, 1000, &s);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(std::string(s.message()).find("line 2"), std::string::npos) << s;
}

TEST(InputTest, MissingFileAndRewind) {
  auto missing = LineChunkReader::Open("/nonexistent/strata/x.lp");
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  CliHarness h;
  auto r = LineChunkReader::Open(h.File("a", "1\n2\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->rewindable());
  EXPECT_EQ((*r)->total_bytes(), 4u);
  std::string_view c;
  uint64_t line;
  ASSERT_TRUE((*r)->Next(&c, &line));
  EXPECT_FALSE((*r)->Next(&c, &line));
  ASSERT_TRUE((*r)->Rewind().ok());
  ASSERT_TRUE((*r)->Next(&c, &line));
  EXPECT_EQ(c, "1\n2\n");
  EXPECT_EQ(line, 1u);
}

TEST(InputTest, RebaseLineNumber) {
  EXPECT_EQ(RebaseLineNumber("line 3, column 4: bad", 101),
            "line 103, column 4: bad");
  EXPECT_EQ(RebaseLineNumber("line 3, column 4: bad", 1),
            "line 3, column 4: bad");
  EXPECT_EQ(RebaseLineNumber("point 3: bad", 50), "point 3: bad");
  EXPECT_EQ(RebaseLineNumber("line x", 50), "line x");
}

TEST(ShellWordsTest, Table) {
  struct Case {
    std::string in;
    std::vector<std::string> out;
  };
  const Case cases[] = {
      {"", {}},
      {"  a  b\t c ", {"a", "b", "c"}},
      {"put users {\"a\": 1, \"b\": [1, 2]}",
       {"put", "users", "{\"a\": 1, \"b\": [1, 2]}"}},
      {"get users \"a b\"", {"get", "users", "\"a b\""}},
      {"get users 'a b' x", {"get", "users", "a b", "x"}},
      {"{\"s\":\"}\"} next", {"{\"s\":\"}\"}", "next"}},
      {"\"esc\\\"aped\" z", {"\"esc\\\"aped\"", "z"}},
      {"--limit 3", {"--limit", "3"}},
  };
  for (const Case& c : cases) {
    auto words = SplitShellWords(c.in);
    ASSERT_TRUE(words.ok()) << c.in << ": " << words.status();
    EXPECT_EQ(*words, c.out) << c.in;
  }
  for (const char* bad : {"'open", "{\"a\":1", "\"unterminated"}) {
    auto words = SplitShellWords(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(words.status())) << bad;
    EXPECT_NE(std::string(words.status().message()).find("column 1"),
              std::string::npos)
        << words.status();
  }
}

TEST(DocsArgsTest, KeyArgAndRename) {
  EXPECT_EQ(KeyArg("alice"), "\"alice\"");
  EXPECT_EQ(KeyArg("\"alice\""), "\"alice\"");
  EXPECT_EQ(KeyArg("42"), "42");
  EXPECT_EQ(KeyArg("-1.5e3"), "-1.5e3");
  EXPECT_EQ(KeyArg("42abc"), "\"42abc\"");
  EXPECT_EQ(KeyArg("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(RenameDocumentIndex("document 1: no key", "line", {4, 9}),
            "line 9: no key");
  EXPECT_EQ(RenameDocumentIndex("document 5: no key", "line", {4, 9}),
            "document 5: no key");
  EXPECT_EQ(RenameDocumentIndex("other", "line", {4}), "other");
}

}  // namespace
}  // namespace strata::cli
