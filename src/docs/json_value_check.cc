// A strict RFC 8259 grammar checker that finds the byte offset and reason
// of the first error. It runs only after simdjson has rejected an input,
// so that the user sees "byte offset 17: expected ',' or '}'" instead of a
// bare error code. It never allocates per byte and never recurses deeper
// than max_depth.
#include <cstdint>

#include "absl/strings/str_format.h"
#include "docs/json_value_ondemand.h"

namespace strata::docs::internal {

namespace {

class Checker {
 public:
  Checker(std::string_view text, int max_depth)
      : s_(text), max_depth_(max_depth) {}

  JsonSyntaxError Run() {
    SkipSpace();
    if (pos_ == s_.size()) {
      Fail("empty input");
    } else if (Value(0)) {
      SkipSpace();
      if (pos_ != s_.size()) Fail("unexpected content after the JSON value");
    }
    return error_;
  }

 private:
  bool Fail(std::string reason) {
    if (!error_.found) {
      error_.found = true;
      error_.offset = pos_;
      error_.reason = std::move(reason);
    }
    return false;
  }

  bool AtEnd() const { return pos_ >= s_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(s_[pos_]); }

  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' ||
                        Peek() == '\r')) {
      ++pos_;
    }
  }

  bool Unexpected() {
    if (AtEnd()) return Fail("unexpected end of input");
    unsigned char c = Peek();
    if (c >= 0x20 && c < 0x7f) {
      return Fail(absl::StrFormat("unexpected character '%c'", c));
    }
    return Fail(absl::StrFormat("unexpected byte 0x%02x", c));
  }

  bool Value(int depth) {
    if (AtEnd()) return Unexpected();
    switch (Peek()) {
      case '{':
      case '[':
        if (depth + 1 > max_depth_) {
          return Fail(
              absl::StrFormat("nesting deeper than %d levels", max_depth_));
        }
        return Peek() == '{' ? Object(depth + 1) : Array(depth + 1);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) return Number();
        return Unexpected();
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) {
      return Fail(absl::StrFormat("invalid literal, expected %s", word));
    }
    pos_ += word.size();
    return true;
  }

  bool Digits() {
    if (AtEnd() || Peek() < '0' || Peek() > '9') {
      return Fail("invalid number: expected a digit");
    }
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
    return true;
  }

  bool Number() {
    if (Peek() == '-') ++pos_;
    if (!AtEnd() && Peek() == '0') {
      ++pos_;
      if (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
        return Fail("invalid number: leading zero");
      }
    } else if (!Digits()) {
      return false;
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digits()) return false;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }

  int Hex4() {
    if (pos_ + 4 > s_.size()) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + i];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  bool Escape() {
    ++pos_;  // the backslash
    if (AtEnd()) return Fail("unterminated string");
    char c = s_[pos_];
    if (c != 'u') {
      if (std::string_view("\"\\/bfnrt").find(c) == std::string_view::npos) {
        return Fail(absl::StrFormat("invalid escape '\\%c'", c));
      }
      ++pos_;
      return true;
    }
    ++pos_;
    int cp = Hex4();
    if (cp < 0) return Fail("invalid \\u escape: expected 4 hex digits");
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Fail("invalid \\u escape: unpaired low surrogate");
    }
    pos_ += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (s_.substr(pos_, 2) != "\\u") {
        return Fail("invalid \\u escape: unpaired high surrogate");
      }
      pos_ += 2;
      int lo = Hex4();
      if (lo < 0xDC00 || lo > 0xDFFF) {
        return Fail("invalid \\u escape: unpaired high surrogate");
      }
      pos_ += 4;
    }
    return true;
  }

  // One UTF-8 sequence starting at a byte >= 0x80 (RFC 3629: no overlong
  // forms, no surrogates, nothing above U+10FFFF).
  bool Utf8() {
    unsigned char c = Peek();
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return Fail("invalid UTF-8");
    }
    for (int i = 1; i < len; ++i) {
      if (pos_ + i >= s_.size()) return Fail("invalid UTF-8");
      unsigned char b = static_cast<unsigned char>(s_[pos_ + i]);
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) {
        return Fail("invalid UTF-8");
      }
    }
    pos_ += len;
    return true;
  }

  bool String() {
    size_t start = pos_;
    ++pos_;  // opening quote
    while (true) {
      if (AtEnd()) {
        pos_ = start;
        return Fail("unterminated string");
      }
      unsigned char c = Peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!Escape()) return false;
      } else if (c < 0x20) {
        return Fail("control character in string (escape it)");
      } else if (c >= 0x80) {
        if (!Utf8()) return false;
      } else {
        ++pos_;
      }
    }
  }

  bool Array(int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (AtEnd()) return Fail("unexpected end of input, expected ',' or ']'");
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      if (Peek() != ',') return Fail("expected ',' or ']'");
      ++pos_;
    }
  }

  bool Object(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (AtEnd() || Peek() != '"') return Fail("expected a string key");
      if (!String()) return false;
      SkipSpace();
      if (AtEnd() || Peek() != ':') return Fail("expected ':' after key");
      ++pos_;
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (AtEnd()) return Fail("unexpected end of input, expected ',' or '}'");
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      if (Peek() != ',') return Fail("expected ',' or '}'");
      ++pos_;
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t pos_ = 0;
  JsonSyntaxError error_;
};

}  // namespace

JsonSyntaxError FindJsonSyntaxError(std::string_view text, int max_depth) {
  return Checker(text, max_depth).Run();
}

}  // namespace strata::docs::internal
