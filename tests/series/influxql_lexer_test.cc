// Lexer tests: token types, values and positions, including escapes,
// durations, comments, regexes and malformed input.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "series/influxql/lexer.h"

namespace strata::influxql {
namespace {

struct Tok {
  TokenType type;
  std::string text;
  int line;
  int column;
  bool operator==(const Tok&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Tok& t) {
  return os << "{" << static_cast<int>(t.type) << ", \"" << t.text << "\", "
            << t.line << ":" << t.column << "}";
}

std::vector<Tok> Lex(std::string_view src) {
  Lexer lexer(src);
  std::vector<Tok> out;
  for (int i = 0; i < 1000; ++i) {
    Token t = lexer.Scan();
    out.push_back({t.type, t.text, t.pos.line, t.pos.column});
    if (t.type == TokenType::kEof || t.type == TokenType::kBadString ||
        t.type == TokenType::kBadEscape || t.type == TokenType::kBadComment) {
      break;
    }
  }
  return out;
}

using T = TokenType;

TEST(LexerTest, KeywordsIdentsAndOperators) {
  EXPECT_EQ(Lex("select Foo_1 FROM \"a b\" where x>=1"),
            (std::vector<Tok>{{T::kKeyword, "SELECT", 1, 1},
                              {T::kIdent, "Foo_1", 1, 8},
                              {T::kKeyword, "FROM", 1, 14},
                              {T::kIdent, "a b", 1, 19},
                              {T::kKeyword, "WHERE", 1, 25},
                              {T::kIdent, "x", 1, 31},
                              {T::kGte, "", 1, 32},
                              {T::kInteger, "1", 1, 34},
                              {T::kEof, "", 1, 35}}));
}

TEST(LexerTest, AllOperators) {
  std::vector<T> types;
  for (const Tok& t :
       Lex("+ - * / % & | ^ = != <> =~ !~ < <= > >= ( ) , ; . : ::")) {
    types.push_back(t.type);
  }
  EXPECT_EQ(
      types,
      (std::vector<T>{
          T::kAdd,       T::kSub,     T::kMul,      T::kDiv,         T::kMod,
          T::kBitAnd,    T::kBitOr,   T::kBitXor,   T::kEq,          T::kNeq,
          T::kNeq,       T::kEqRegex, T::kNeqRegex, T::kLt,          T::kLte,
          T::kGt,        T::kGte,     T::kLParen,   T::kRParen,      T::kComma,
          T::kSemicolon, T::kDot,     T::kColon,    T::kDoubleColon, T::kEof}));
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Lex("12 1.5 .25 10s 1h30m 5µs 3ms 7 x"),
            (std::vector<Tok>{{T::kInteger, "12", 1, 1},
                              {T::kNumber, "1.5", 1, 4},
                              {T::kNumber, ".25", 1, 8},
                              {T::kDuration, "10s", 1, 12},
                              {T::kDuration, "1h30m", 1, 16},
                              {T::kDuration, "5µs", 1, 22},
                              {T::kDuration, "3ms", 1, 26},
                              {T::kInteger, "7", 1, 30},
                              {T::kIdent, "x", 1, 32},
                              {T::kEof, "", 1, 33}}));
  // "1." is an integer then a dot, as the dot is not followed by a digit.
  EXPECT_EQ(Lex("1.")[0], (Tok{T::kInteger, "1", 1, 1}));
  EXPECT_EQ(Lex("1.")[1].type, T::kDot);
}

TEST(LexerTest, StringsAndEscapes) {
  EXPECT_EQ(Lex(R"('a\'b' 'c\\d' 'e\nf' "g\"h" 'q"r' "s't")"),
            (std::vector<Tok>{{T::kString, "a'b", 1, 1},
                              {T::kString, "c\\d", 1, 8},
                              {T::kString, "e\nf", 1, 15},
                              {T::kIdent, "g\"h", 1, 22},
                              {T::kString, "q\"r", 1, 29},
                              {T::kIdent, "s't", 1, 35},
                              {T::kEof, "", 1, 40}}));
  EXPECT_EQ(Lex("'abc"), (std::vector<Tok>{{T::kBadString, "abc", 1, 1}}));
  EXPECT_EQ(Lex("'ab\ncd'"), (std::vector<Tok>{{T::kBadString, "ab", 1, 1}}));
  EXPECT_EQ(Lex("x 'a\\tb'"), (std::vector<Tok>{{T::kIdent, "x", 1, 1},
                                                {T::kBadEscape, "\\t", 1, 5}}));
  EXPECT_EQ(Lex("'a\\"), (std::vector<Tok>{{T::kBadEscape, "\\", 1, 3}}));
}

TEST(LexerTest, CommentsAndLines) {
  EXPECT_EQ(Lex("a -- comment\n  b /* multi\nline */ c\r\nd"),
            (std::vector<Tok>{{T::kIdent, "a", 1, 1},
                              {T::kIdent, "b", 2, 3},
                              {T::kIdent, "c", 3, 9},
                              {T::kIdent, "d", 4, 1},
                              {T::kEof, "", 4, 2}}));
  EXPECT_EQ(Lex("a /* open"), (std::vector<Tok>{{T::kIdent, "a", 1, 1},
                                                {T::kBadComment, "/*", 1, 3}}));
  // A single '-' is subtraction, "--" starts a comment.
  EXPECT_EQ(Lex("1 - 2 --3")[1].type, T::kSub);
  EXPECT_EQ(Lex("1 - 2 --3").size(), 4u);
}

TEST(LexerTest, Regex) {
  Lexer lexer(R"(  /a\/b\d+/ x)");
  EXPECT_EQ(lexer.PeekChar(false), '/');
  Token re = lexer.ScanRegex();
  EXPECT_EQ(re.type, T::kRegex);
  EXPECT_EQ(re.text, R"(a/b\d+)");
  EXPECT_EQ(re.pos.column, 3);
  EXPECT_EQ(lexer.Scan().text, "x");

  // Where a regex is expected "/*" starts one, as in InfluxDB.
  Lexer star(" /*x/");
  EXPECT_EQ(star.PeekChar(false), '/');
  EXPECT_EQ(star.PeekChar(true), '\0');  // as a comment: unterminated
  Token t = star.ScanRegex();
  EXPECT_EQ(t.type, T::kRegex);
  EXPECT_EQ(t.text, "*x");
  Lexer comment("/* c */ y");
  EXPECT_EQ(comment.PeekChar(true), 'y');

  Lexer open("/abc");
  EXPECT_EQ(open.ScanRegex().type, T::kBadRegex);
  Lexer newline("/ab\nc/");
  EXPECT_EQ(newline.ScanRegex().type, T::kBadRegex);
}

TEST(LexerTest, IllegalCharactersAndUtf8Columns) {
  EXPECT_EQ(Lex("# \xC3\xA9 x"),
            (std::vector<Tok>{{T::kIllegal, "#", 1, 1},
                              {T::kIllegal, "\xC3\xA9", 1, 3},
                              {T::kIdent, "x", 1, 5},
                              {T::kEof, "", 1, 6}}));
  // A lone '!' is illegal, as in InfluxDB.
  EXPECT_EQ(Lex("!")[0].type, T::kIllegal);
  // A truncated UTF-8 sequence at the end must not read past the input.
  EXPECT_EQ(Lex("\xE2\x82")[0], (Tok{T::kIllegal, "\xE2\x82", 1, 1}));
}

TEST(LexerTest, StateRestore) {
  Lexer lexer("a b");
  Lexer::State start = lexer.state();
  EXPECT_EQ(lexer.Scan().text, "a");
  lexer.Restore(start);
  EXPECT_EQ(lexer.Scan().text, "a");
  EXPECT_EQ(lexer.Scan().text, "b");
}

TEST(TokenTest, PrintableForMessage) {
  EXPECT_EQ(PrintableForMessage("abc \xC2\xB5 \xE2\x82\xAC"),
            "abc \xC2\xB5 \xE2\x82\xAC");
  EXPECT_EQ(PrintableForMessage("a\nb\x01\x7F"), "a\\x0ab\\x01\\x7f");
  // Invalid or truncated UTF-8 is escaped byte by byte.
  EXPECT_EQ(PrintableForMessage("\xFF\xC2"), "\\xff\\xc2");
  EXPECT_EQ(PrintableForMessage("\xE2\x82x"), "\\xe2\\x82x");
  EXPECT_EQ(PrintableForMessage(std::string(100, 'x')),
            std::string(64, 'x') + "...");
}

TEST(TokenTest, KeywordLookup) {
  EXPECT_EQ(LookupKeyword("select"), "SELECT");
  EXPECT_EQ(LookupKeyword("SoFfSeT"), "SOFFSET");
  EXPECT_EQ(LookupKeyword("subscriptions"), "SUBSCRIPTIONS");
  EXPECT_EQ(LookupKeyword("true"), "TRUE");
  EXPECT_EQ(LookupKeyword("time"), "");
  EXPECT_EQ(LookupKeyword("fill"), "");
  EXPECT_EQ(LookupKeyword(""), "");
  EXPECT_EQ(LookupKeyword("subscriptionsx"), "");
}

}  // namespace
}  // namespace strata::influxql
