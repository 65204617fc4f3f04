// Randomized robustness tests for the InfluxQL parser: random bytes,
// random token soups and mutated valid queries must never crash, hang or
// read out of bounds; whatever parses must print canonical text that
// parses back to the same text, and its WHERE clauses must go through
// ExtractTimeRange without crashing. Fixed seeds keep runs reproducible.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "series/influxql/parser.h"
#include "series/influxql/time_literals.h"
#include "series/influxql/time_range.h"
#include "util/random.h"

namespace strata::influxql {
namespace {

constexpr int64_t kNow = 946684800LL * 1000000000LL;

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = {
      "SELECT mean(value) AS m FROM cpu WHERE host = 'a' AND time > now() - "
      "1h GROUP BY time(1m, 10s), host fill(none) ORDER BY time DESC LIMIT 10",
      "SELECT * FROM \"db\".\"rp\".\"cpu\" WHERE region =~ /us-.*/ OR "
      "(x >= -1.5 AND y != 'q\\'r')",
      "SELECT percentile(v, 95), max(v) FROM /m.*/ WHERE time >= "
      "'2024-01-01T00:00:00.5+01:00' AND time <= 1704067200000000000",
      "SHOW TAG VALUES FROM cpu WITH KEY IN (\"a\", b) WHERE c = 'd' LIMIT 3",
      "SHOW MEASUREMENTS WITH MEASUREMENT =~ /x/ LIMIT 2 OFFSET 1",
      "DELETE FROM cpu WHERE time < '2020-01-01' AND host = 'z'",
      "DROP SERIES FROM cpu WHERE a = 'b'; DROP MEASUREMENT \"m m\"",
      "SELECT count(*) FROM m GROUP BY * fill(-3) SLIMIT 1 SOFFSET 2",
      "SHOW FIELD KEYS FROM m; SHOW SERIES WHERE a = 1; SHOW TAG KEYS",
      "SELECT v::float FROM m WHERE -v * 2 + 3 / 4 % 5 > 6 -- c\n/* d */",
  };
  return corpus;
}

// Failure messages show at most the start of huge inputs.
std::string Head(const std::string& s) {
  return s.size() <= 200 ? s : s.substr(0, 200) + "...";
}

// Checks the invariants for one input; returns true if it parsed.
bool CheckOne(const std::string& text) {
  absl::StatusOr<Query> q = ParseQuery(text);
  if (!q.ok()) {
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(q.status().message().empty());
    return false;
  }
  const std::string canonical = q->ToString();
  // Canonical text can be longer than the input ("a,b" -> "a, b").
  ParseOptions options;
  options.max_query_bytes = std::max(options.max_query_bytes, canonical.size());
  absl::StatusOr<Query> again = ParseQuery(canonical, options);
  EXPECT_TRUE(again.ok()) << "input: " << Head(text)
                          << "\ncanonical: " << Head(canonical)
                          << "\nerror: " << again.status().message();
  if (again.ok()) {
    EXPECT_TRUE(again->ToString() == canonical) << "input: " << Head(text);
  }
  for (const Statement::Ptr& s : q->statements) {
    const Expr* cond = nullptr;
    if (const auto* sel = s->As<SelectStatement>()) cond = sel->condition.get();
    if (const auto* del = s->As<DeleteStatement>()) cond = del->condition.get();
    if (const auto* ser = s->As<ShowSeriesStatement>()) {
      cond = ser->condition.get();
    }
    Expr::Ptr rest;
    absl::StatusOr<TimeRange> r = ExtractTimeRange(cond, kNow, &rest);
    if (r.ok() && rest != nullptr) {
      // What is left parses as an expression on its own.
      const std::string rest_text = rest->ToString();
      EXPECT_TRUE(ParseExpr(rest_text, options).ok()) << Head(rest_text);
    }
  }
  return true;
}

TEST(InfluxqlFuzzTest, CorpusIsValid) {
  for (const std::string& q : Corpus()) EXPECT_TRUE(CheckOne(q)) << q;
}

TEST(InfluxqlFuzzTest, RandomBytes) {
  Random rnd(1);
  // Biased toward characters that mean something to the lexer.
  const std::string alphabet =
      "abcSELECTFROMWHEREtime()'\"/\\*.,;:=<>!~+-%&|^ \n\t0123456789_hmsµ";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int len = static_cast<int>(rnd.Uniform(64));
    for (int j = 0; j < len; ++j) {
      text.push_back(rnd.OneIn(8) ? static_cast<char>(rnd.Uniform(256))
                                  : alphabet[rnd.Uniform(alphabet.size())]);
    }
    CheckOne(text);
  }
}

TEST(InfluxqlFuzzTest, TokenSoup) {
  Random rnd(2);
  const std::vector<std::string> vocab = {"SELECT",      "FROM",
                                          "WHERE",       "GROUP",
                                          "BY",          "ORDER",
                                          "LIMIT",       "OFFSET",
                                          "SLIMIT",      "SOFFSET",
                                          "SHOW",        "TAG",
                                          "KEYS",        "VALUES",
                                          "WITH",        "KEY",
                                          "IN",          "FIELD",
                                          "SERIES",      "MEASUREMENTS",
                                          "MEASUREMENT", "DELETE",
                                          "DROP",        "AND",
                                          "OR",          "AS",
                                          "ASC",         "DESC",
                                          "true",        "false",
                                          "time",        "now()",
                                          "fill(",       "time(",
                                          "mean(",       "percentile(",
                                          "count(",      "tz(",
                                          "cpu",         "host",
                                          "value",       "\"quoted id\"",
                                          "'str'",       "'2024-01-01'",
                                          "/re/",        "1",
                                          "-1",          "2.5",
                                          "10s",         "1h30m",
                                          "*",           "(",
                                          ")",           ",",
                                          ";",           ".",
                                          "::",          "::tag",
                                          "=",           "!=",
                                          "<>",          "<",
                                          "<=",          ">",
                                          ">=",          "=~",
                                          "!~",          "+",
                                          "-",           "/",
                                          "%",           "none",
                                          "null",        "previous",
                                          "linear"};
  int parsed = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(rnd.Uniform(24));
    for (int j = 0; j < n; ++j) {
      if (j > 0 && !rnd.OneIn(4)) text.push_back(' ');
      text += vocab[rnd.Uniform(vocab.size())];
    }
    parsed += CheckOne(text);
  }
  // Some soups are valid; zero would mean the generator is broken.
  EXPECT_GT(parsed, 0);
  RecordProperty("parsed", parsed);
}

TEST(InfluxqlFuzzTest, MutatedQueries) {
  Random rnd(3);
  int parsed = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text = Corpus()[rnd.Uniform(Corpus().size())];
    const int edits = 1 + static_cast<int>(rnd.Uniform(4));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rnd.Uniform(text.size());
      switch (rnd.Uniform(4)) {
        case 0:
          text.erase(at, 1 + rnd.Uniform(4));
          break;
        case 1:
          text.insert(at, 1, static_cast<char>(rnd.Uniform(128)));
          break;
        case 2:
          text[at] = static_cast<char>(rnd.Uniform(256));
          break;
        default: {  // splice in a piece of another query
          const std::string& other = Corpus()[rnd.Uniform(Corpus().size())];
          const size_t from = rnd.Uniform(other.size());
          text.insert(at, other.substr(from, rnd.Uniform(16)));
        }
      }
    }
    parsed += CheckOne(text);
  }
  EXPECT_GT(parsed, 0);
  RecordProperty("parsed", parsed);
}

// Generates random valid queries from the grammar, quoting by its own
// rules (not the library's), so every one must parse and round-trip.
class QueryGenerator {
 public:
  explicit QueryGenerator(uint64_t seed) : rnd_(seed) {}

  std::string Query() {
    switch (rnd_.Uniform(8)) {
      case 0:
        return "SHOW MEASUREMENTS" + Where() + Limits();
      case 1:
        return "SHOW TAG KEYS" + From() + Where() + Limits();
      case 2:
        return "SHOW TAG VALUES" + From() + " WITH KEY " +
               (rnd_.OneIn(2) ? "= " + Ident()
                              : "IN (" + Ident() + ", " + Ident() + ")") +
               Where() + Limits();
      case 3:
        return "SHOW SERIES" + From() + Where() + Limits();
      case 4:
        return "DELETE FROM " + Ident() + Where();
      default:
        return Select();
    }
  }

 private:
  std::string Pick(const std::vector<std::string>& v) {
    return v[rnd_.Uniform(v.size())];
  }

  // Random text with the characters quoting must handle.
  std::string RawText() {
    static const std::string chars = "abcXYZ09_ -'\"\\\n\t/.*$\xC2\xB5";
    std::string out;
    const int n = static_cast<int>(rnd_.Uniform(8));
    for (int i = 0; i < n; ++i)
      out.push_back(chars[rnd_.Uniform(chars.size())]);
    return out;
  }

  static std::string Quote(const std::string& s, char q) {
    std::string out(1, q);
    for (char c : s) {
      if (c == '\n') {
        out += "\\n";
      } else {
        if (c == '\\' || c == q) out.push_back('\\');
        out.push_back(c);
      }
    }
    out.push_back(q);
    return out;
  }

  std::string Ident() {
    if (rnd_.OneIn(2)) return Pick({"cpu", "host", "value", "_x", "Region9"});
    if (rnd_.OneIn(3))
      return Quote(Pick({"select", "from", "key", "and"}), '"');
    return Quote(RawText(), '"');
  }

  std::string Regex() {
    std::string pattern = RawText();
    std::string out = "/";
    for (char c : pattern) {
      if (c == '\n') continue;  // regexes cannot span lines
      if (c == '/') out.push_back('\\');
      out.push_back(c);
    }
    if (!out.empty() && out.back() == '\\') out.push_back('d');
    return out + "/";
  }

  std::string Literal() {
    switch (rnd_.Uniform(8)) {
      case 0:
        return Quote(RawText(), '\'');
      case 1:
        return std::to_string(static_cast<int64_t>(rnd_.Next()));
      case 2:
        return absl::StrFormat(
            "%.*f", static_cast<int>(1 + rnd_.Uniform(20)),
            (rnd_.NextDouble() - 0.5) * std::pow(10.0, rnd_.Uniform(30)));
      case 3:
        return std::to_string(rnd_.Uniform(1000)) +
               Pick({"ns", "u", "µ", "ms", "s", "m", "h", "d", "w"});
      case 4:
        return rnd_.OneIn(2) ? "true" : "FALSE";
      case 5:
        return "now()";
      case 6:
        return "'" + FormatRfc3339Nano(static_cast<int64_t>(rnd_.Next())) + "'";
      default:
        return "-9223372036854775808";
    }
  }

  std::string Expr(int depth) {
    if (depth <= 0 || rnd_.OneIn(4)) {
      return rnd_.OneIn(2) ? Ident() : Literal();
    }
    switch (rnd_.Uniform(6)) {
      case 0:
        return "(" + Expr(depth - 1) + ")";
      case 1:
        return Ident() + (rnd_.OneIn(2) ? " =~ " : " !~ ") + Regex();
      case 2:
        return "-" + Ident();
      case 3:
        return Pick({"mean", "MAX", "f"}) + "(" + Expr(depth - 1) + ")";
      default:
        return Expr(depth - 1) + " " +
               Pick({"AND", "or", "=", "!=", "<>", "<", "<=", ">", ">=", "+",
                     "-", "*", "/", "%", "&", "|", "^"}) +
               " " + Expr(depth - 1);
    }
  }

  std::string Where() { return rnd_.OneIn(3) ? "" : " WHERE " + Expr(4); }

  std::string From() { return rnd_.OneIn(2) ? "" : " FROM " + Ident(); }

  std::string Limits() {
    std::string out;
    if (rnd_.OneIn(2)) out += " LIMIT " + std::to_string(rnd_.Uniform(100));
    if (rnd_.OneIn(2)) out += " OFFSET " + std::to_string(rnd_.Uniform(100));
    return out;
  }

  std::string Select() {
    const bool aggregate = rnd_.OneIn(2);
    std::string out = "SELECT ";
    const int n = 1 + static_cast<int>(rnd_.Uniform(3));
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ", ";
      if (aggregate) {
        out += rnd_.OneIn(4)
                   ? "percentile(" + Ident() + ", " +
                         std::to_string(rnd_.Uniform(100)) + ")"
                   : Pick({"count", "sum", "mean", "median", "min", "max",
                           "first", "last", "spread", "stddev"}) +
                         "(" + (rnd_.OneIn(5) ? "*" : Ident()) + ")";
      } else {
        out += rnd_.OneIn(5) ? "*" : Ident();
      }
      if (rnd_.OneIn(3)) out += " AS " + Ident();
    }
    out += " FROM " + (rnd_.OneIn(5) ? Regex() : Ident()) + Where();
    std::vector<std::string> dims;
    if (aggregate && rnd_.OneIn(2)) {
      dims.push_back(
          "time(" + std::to_string(1 + rnd_.Uniform(100)) + "m" +
          (rnd_.OneIn(2) ? ", -" + std::to_string(rnd_.Uniform(9)) + "s" : "") +
          ")");
    }
    if (rnd_.OneIn(2)) dims.push_back(rnd_.OneIn(4) ? "*" : Ident());
    if (!dims.empty()) {
      out += " GROUP BY " + dims[0];
      for (size_t i = 1; i < dims.size(); ++i) out += ", " + dims[i];
      if (rnd_.OneIn(2)) {
        out += " fill(" +
               Pick({"null", "none", "previous", "linear", "0", "-7", "2.5"}) +
               ")";
      }
    }
    if (rnd_.OneIn(3)) out += Pick({" ORDER BY time DESC", " ORDER BY ASC"});
    out += Limits();
    if (rnd_.OneIn(3)) out += " SLIMIT 3 SOFFSET 4";
    return out;
  }

  Random rnd_;
};

TEST(InfluxqlFuzzTest, GeneratedQueriesParseAndRoundTrip) {
  QueryGenerator gen(4);
  for (int i = 0; i < 5000; ++i) {
    std::string text = gen.Query();
    if (i % 3 == 0) text += "; " + gen.Query();
    EXPECT_TRUE(CheckOne(text)) << Head(text) << "\n"
                                << ParseQuery(text).status().message();
  }
}

TEST(InfluxqlFuzzTest, LargeInputsAreFast) {
  // Worst cases near the 1 MiB limit finish quickly and without recursion
  // problems, whether they parse or not.
  std::vector<std::string> inputs;
  inputs.push_back(std::string(1 << 20, '('));
  inputs.push_back(std::string(1 << 20, '\''));
  inputs.push_back("SELECT a FROM b WHERE c = '" +
                   std::string((1 << 20) - 40, 'x') + "'");
  inputs.push_back("SELECT " + std::string((1 << 20) - 20, 'a') + " FROM b");
  std::string commas = "SELECT a";
  while (commas.size() < (1 << 20) - 16) commas += ",a";
  inputs.push_back(commas + " FROM b");
  std::string args = "SELECT a FROM b WHERE f(1";
  while (args.size() < (1 << 20) - 16) args += ",1";
  inputs.push_back(args + ") = 1");
  inputs.push_back(std::string((1 << 20) - 1, '-'));
  inputs.push_back(std::string(1 << 20, ';'));
  std::string comments;
  while (comments.size() < (1 << 20) - 8) comments += "/* */";
  inputs.push_back(comments);

  for (const std::string& text : inputs) {
    const auto start = std::chrono::steady_clock::now();
    CheckOne(text);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Generous so sanitizer builds pass; only super-linear work fails.
    EXPECT_LT(seconds, 20.0) << text.substr(0, 40);
  }
}

}  // namespace
}  // namespace strata::influxql
