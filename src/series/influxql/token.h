// InfluxQL tokens and source positions, shared by the lexer and the parser.
// Keywords are case-insensitive and are reported in upper case, the way
// InfluxDB 1.x names them in errors ("found FROM, expected identifier").
#ifndef STRATA_SERIES_INFLUXQL_TOKEN_H_
#define STRATA_SERIES_INFLUXQL_TOKEN_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::influxql {

// 1-based line and character (Unicode code point) of a place in a query.
struct Pos {
  int line = 1;
  int column = 1;
};

enum class TokenType {
  kEof,
  // Lexical errors; `text` holds what was read so far.
  kIllegal,     // a character that starts no token
  kBadString,   // unterminated string or quoted identifier
  kBadEscape,   // unknown backslash escape in a string or identifier
  kBadRegex,    // unterminated regular expression
  kBadComment,  // unterminated /* comment
  // Literals; `text` holds the value (unescaped for strings/identifiers).
  kIdent,
  kKeyword,  // `text` holds the upper-case keyword
  kString,
  kInteger,
  kNumber,
  kDuration,
  kRegex,
  // Operators and punctuation.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kBitAnd,
  kBitOr,
  kBitXor,
  kEq,
  kNeq,
  kEqRegex,
  kNeqRegex,
  kLt,
  kLte,
  kGt,
  kGte,
  kLParen,
  kRParen,
  kComma,
  kSemicolon,
  kDot,
  kColon,
  kDoubleColon,
};

struct Token {
  TokenType type = TokenType::kEof;
  std::string text;
  Pos pos;
  size_t offset = 0;  // byte offset of the first character
  size_t end = 0;     // byte offset just past the token
};

// The upper-case keyword for `word` if it is an InfluxQL keyword (any
// case), else an empty view. Identifiers spelled like keywords must be
// double-quoted.
std::string_view LookupKeyword(std::string_view word);

// How a token is named in "found X" error messages: the literal for
// identifiers, strings and numbers, the keyword, or the operator symbol.
// Passed through PrintableForMessage.
std::string TokenDisplay(const Token& tok);

// `s` made safe to embed in an error message (and so in JSON or a
// terminal): control bytes and invalid UTF-8 become \xNN, and anything
// past 64 bytes becomes "...".
std::string PrintableForMessage(std::string_view s);

// The symbol of an operator or punctuation token ("=~", "(", ...).
std::string_view TokenSymbol(TokenType type);

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_TOKEN_H_
