// JSON string escaping (see json_escape.h).
#include "util/json_escape.h"

#include <cstdint>

namespace strata {

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<uint8_t>(s[i]);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

namespace {

// The escape for an ASCII byte, or nullptr if it is written as it is.
// Fills buf for \u00XX forms.
const char* AsciiEscape(uint8_t c, bool go, char (&buf)[7]) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\b':
      if (!go) return "\\b";
      break;  // Go writes \u0008
    case '\f':
      if (!go) return "\\f";
      break;  // Go writes \u000c
    default:
      break;
  }
  if (c >= 0x20 && !(go && (c == '<' || c == '>' || c == '&'))) {
    return nullptr;
  }
  buf[0] = '\\';
  buf[1] = 'u';
  buf[2] = '0';
  buf[3] = '0';
  buf[4] = kHex[c >> 4];
  buf[5] = kHex[c & 0xF];
  buf[6] = '\0';
  return buf;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s, JsonEscape mode) {
  const bool go = mode == JsonEscape::kGo;
  const bool check_utf8 = mode != JsonEscape::kUtf8;
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  char buf[7];
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      if (!check_utf8) {
        ++i;
        continue;
      }
      const size_t n = Utf8SequenceLength(s, i);
      const char* replacement = nullptr;
      if (n == 0) {
        replacement = "\\ufffd";
      } else if (go && n == 3 && c == 0xE2 &&
                 static_cast<uint8_t>(s[i + 1]) == 0x80 &&
                 (static_cast<uint8_t>(s[i + 2]) & 0xFE) == 0xA8) {
        // U+2028 and U+2029, escaped for JavaScript's sake as Go does.
        replacement =
            static_cast<uint8_t>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      }
      if (replacement == nullptr) {
        i += n;
        continue;
      }
      out->append(s.data() + run, i - run);
      out->append(replacement);
      i += n == 0 ? 1 : n;
      run = i;
      continue;
    }
    if (const char* e = AsciiEscape(c, go, buf)) {
      out->append(s.data() + run, i - run);
      out->append(e);
      run = i + 1;
    }
    ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

}  // namespace strata
