// InfluxQL lexer. Follows InfluxDB 1.x's scanner: bare identifiers are
// ASCII letters, digits and '_'; "quoted" identifiers and 'strings' accept
// the escapes \n \\ \" \'; a number followed by letters is a duration.
#include "series/influxql/lexer.h"

#include <string>

namespace strata::influxql {

namespace {

// UTF-8 for 'µ' (U+00B5), accepted as the microsecond duration unit.
constexpr char kMicro0 = '\xC2';
constexpr char kMicro1 = '\xB5';

}  // namespace

void Lexer::Advance() {
  if (AtEnd()) return;
  char c = src_[state_.offset++];
  if (c == '\n') {
    ++state_.pos.line;
    state_.pos.column = 1;
  } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
    // Count code points, not bytes: continuation bytes don't move the
    // column, so "char N" matches what an editor shows.
    ++state_.pos.column;
  }
}

bool Lexer::SkipSpace(Token* bad) {
  while (!AtEnd()) {
    char c = Cur();
    if (IsSpace(c)) {
      Advance();
    } else if (c == '-' && At(1) == '-') {
      while (!AtEnd() && Cur() != '\n') Advance();
    } else if (c == '/' && At(1) == '*') {
      State start = state_;
      Advance();
      Advance();
      while (!AtEnd() && !(Cur() == '*' && At(1) == '/')) Advance();
      if (AtEnd()) {
        *bad = Make(TokenType::kBadComment, start);
        bad->text = "/*";
        return false;
      }
      Advance();
      Advance();
    } else {
      break;
    }
  }
  return true;
}

char Lexer::PeekChar(bool skip_comments) {
  State saved = state_;
  Token bad;
  char c;
  if (skip_comments) {
    c = SkipSpace(&bad) ? Cur() : '\0';
  } else {
    while (IsSpace(Cur())) Advance();
    c = Cur();
  }
  state_ = saved;
  return c;
}

Token Lexer::Make(TokenType type, const State& start) {
  Token t;
  t.type = type;
  t.pos = start.pos;
  t.offset = start.offset;
  t.end = state_.offset;
  return t;
}

Token Lexer::Scan() {
  Token bad;
  if (!SkipSpace(&bad)) return bad;
  const State start = state_;
  if (AtEnd()) return Make(TokenType::kEof, start);

  const char c = Cur();
  if (IsLetter(c) || c == '_') return ScanIdentOrKeyword(start);
  if (IsDigit(c) || (c == '.' && IsDigit(At(1)))) return ScanNumber(start);

  // Single and two-character operators.
  auto op = [&](TokenType type, int len) {
    for (int i = 0; i < len; ++i) Advance();
    return Make(type, start);
  };
  switch (c) {
    case '"':
      return ScanQuoted(start, TokenType::kIdent);
    case '\'':
      return ScanQuoted(start, TokenType::kString);
    case '.':
      return op(TokenType::kDot, 1);
    case '+':
      return op(TokenType::kAdd, 1);
    case '-':
      return op(TokenType::kSub, 1);
    case '*':
      return op(TokenType::kMul, 1);
    case '/':
      return op(TokenType::kDiv, 1);
    case '%':
      return op(TokenType::kMod, 1);
    case '&':
      return op(TokenType::kBitAnd, 1);
    case '|':
      return op(TokenType::kBitOr, 1);
    case '^':
      return op(TokenType::kBitXor, 1);
    case '(':
      return op(TokenType::kLParen, 1);
    case ')':
      return op(TokenType::kRParen, 1);
    case ',':
      return op(TokenType::kComma, 1);
    case ';':
      return op(TokenType::kSemicolon, 1);
    case '=':
      return At(1) == '~' ? op(TokenType::kEqRegex, 2) : op(TokenType::kEq, 1);
    case '!':
      if (At(1) == '=') return op(TokenType::kNeq, 2);
      if (At(1) == '~') return op(TokenType::kNeqRegex, 2);
      break;
    case '<':
      if (At(1) == '=') return op(TokenType::kLte, 2);
      if (At(1) == '>') return op(TokenType::kNeq, 2);
      return op(TokenType::kLt, 1);
    case '>':
      return At(1) == '=' ? op(TokenType::kGte, 2) : op(TokenType::kGt, 1);
    case ':':
      return At(1) == ':' ? op(TokenType::kDoubleColon, 2)
                          : op(TokenType::kColon, 1);
    default:
      break;
  }
  return ScanIllegal(start);
}

Token Lexer::ScanIdentOrKeyword(const State& start) {
  while (!AtEnd() && IsIdentChar(Cur())) Advance();
  std::string_view word =
      src_.substr(start.offset, state_.offset - start.offset);
  std::string_view keyword = LookupKeyword(word);
  Token t =
      Make(keyword.empty() ? TokenType::kIdent : TokenType::kKeyword, start);
  t.text = std::string(keyword.empty() ? word : keyword);
  return t;
}

Token Lexer::ScanQuoted(const State& start, TokenType ok_type) {
  const char quote = Cur();
  Advance();
  std::string value;
  while (true) {
    if (AtEnd() || Cur() == '\n') {
      Token t = Make(TokenType::kBadString, start);
      t.text = std::move(value);
      return t;
    }
    char c = Cur();
    if (c == quote) {
      Advance();
      break;
    }
    if (c == '\\') {
      const State esc = state_;
      Advance();
      char e = Cur();
      if (e == 'n') {
        value.push_back('\n');
      } else if (e == '\\' || e == '"' || e == '\'') {
        value.push_back(e);
      } else {
        if (!AtEnd()) Advance();
        Token t = Make(TokenType::kBadEscape, esc);
        t.text = src_.substr(esc.offset, state_.offset - esc.offset);
        return t;
      }
      Advance();
      continue;
    }
    value.push_back(c);
    Advance();
  }
  Token t = Make(ok_type, start);
  t.text = std::move(value);
  return t;
}

Token Lexer::ScanNumber(const State& start) {
  while (IsDigit(Cur())) Advance();
  TokenType type = TokenType::kInteger;
  if (Cur() == '.' && IsDigit(At(1))) {
    Advance();
    while (IsDigit(Cur())) Advance();
    type = TokenType::kNumber;
  } else if (start.offset < state_.offset &&
             (IsLetter(Cur()) || (Cur() == kMicro0 && At(1) == kMicro1))) {
    // A duration such as 10s or 1h30m: letters, 'µ' and digits run on.
    while (true) {
      if (IsLetter(Cur()) || IsDigit(Cur())) {
        Advance();
      } else if (Cur() == kMicro0 && At(1) == kMicro1) {
        Advance();
        Advance();
      } else {
        break;
      }
    }
    type = TokenType::kDuration;
  }
  Token t = Make(type, start);
  t.text = src_.substr(start.offset, state_.offset - start.offset);
  return t;
}

Token Lexer::ScanIllegal(const State& start) {
  Advance();
  // Take a whole UTF-8 sequence so the message shows the real character.
  for (int i = 0;
       i < 3 && !AtEnd() && (static_cast<unsigned char>(Cur()) & 0xC0) == 0x80;
       ++i) {
    Advance();
  }
  Token t = Make(TokenType::kIllegal, start);
  t.text = src_.substr(start.offset, state_.offset - start.offset);
  return t;
}

Token Lexer::ScanRegex() {
  while (IsSpace(Cur())) Advance();
  const State start = state_;
  Advance();  // the opening '/'
  std::string pattern;
  while (true) {
    if (AtEnd() || Cur() == '\n') {
      Token t = Make(TokenType::kBadRegex, start);
      t.text = "/" + pattern;
      return t;
    }
    char c = Cur();
    if (c == '/') {
      Advance();
      break;
    }
    if (c == '\\' && At(1) == '/') {
      pattern.push_back('/');
      Advance();
      Advance();
      continue;
    }
    pattern.push_back(c);
    Advance();
  }
  Token t = Make(TokenType::kRegex, start);
  t.text = std::move(pattern);
  return t;
}

}  // namespace strata::influxql
