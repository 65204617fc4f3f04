// InfluxQL lexer: turns query text into tokens with line/char positions.
// It never reads past the input and reports malformed strings, escapes,
// regexes and comments as error tokens instead of failing.
#ifndef STRATA_SERIES_INFLUXQL_LEXER_H_
#define STRATA_SERIES_INFLUXQL_LEXER_H_

#include <cstddef>
#include <string_view>

#include "series/influxql/token.h"

namespace strata::influxql {

class Lexer {
 public:
  // Where the lexer is; saved and restored by the parser to look ahead.
  struct State {
    size_t offset = 0;
    Pos pos;
  };

  // `src` must outlive the lexer.
  explicit Lexer(std::string_view src) : src_(src) {}

  // The next token, skipping whitespace and comments.
  Token Scan();

  // Scans a /regex/ after skipping whitespace (not comments: as in
  // InfluxDB, "/*" there starts a regex). Only `\/` is an escape; other
  // backslashes are kept for the regex engine. Returns a kBadRegex token
  // if the regex is unterminated or spans lines.
  // REQUIRES: PeekChar(false) == '/'.
  Token ScanRegex();

  // The next character after whitespace and, if `skip_comments`, comments;
  // '\0' at the end of input. Does not move the lexer.
  char PeekChar(bool skip_comments);

  State state() const { return state_; }
  void Restore(const State& s) { state_ = s; }

 private:
  bool AtEnd() const { return state_.offset >= src_.size(); }
  char Cur() const { return AtEnd() ? '\0' : src_[state_.offset]; }
  char At(size_t ahead) const {
    size_t i = state_.offset + ahead;
    return i < src_.size() ? src_[i] : '\0';
  }
  // Consumes one byte, keeping line/char (code point) positions.
  void Advance();
  // Skips whitespace and comments; false (and an error token in *bad)
  // if a block comment is unterminated.
  bool SkipSpace(Token* bad);

  Token Make(TokenType type, const State& start);
  Token ScanIdentOrKeyword(const State& start);
  Token ScanQuoted(const State& start, TokenType ok_type);
  Token ScanNumber(const State& start);
  Token ScanIllegal(const State& start);

  std::string_view src_;
  State state_;
};

// Whether the lexer treats `c` as whitespace (space, tab, CR, LF).
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
inline bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsIdentChar(char c) {
  return IsLetter(c) || IsDigit(c) || c == '_';
}

// ASCII case-insensitive equality (keywords, function and type names).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_LEXER_H_
