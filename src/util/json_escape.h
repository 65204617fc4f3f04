// JSON string literals, written the one way every layer shares: the
// document store's canonical form, the CLI's JSON output and InfluxDB's
// /query response (which escapes as Go's encoding/json does).
#ifndef STRATA_UTIL_JSON_ESCAPE_H_
#define STRATA_UTIL_JSON_ESCAPE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace strata {

enum class JsonEscape {
  // Input is known-valid UTF-8 (parsed documents): bytes >= 0x80 are
  // copied as they are.
  kUtf8,
  // Input may hold any bytes (keys, tag values): an invalid UTF-8 byte
  // becomes U+FFFD, so the output is always valid JSON.
  kReplaceInvalid,
  // As kReplaceInvalid, and also <, >, & and U+2028/U+2029 as \u escapes,
  // byte for byte what Go's encoding/json (and so InfluxDB) prints.
  kGo,
};

// Appends s as a quoted JSON string: ", \ and control characters escaped
// (\n \r \t short forms, \b \f too except in kGo, others \u00XX).
void AppendJsonString(std::string* out, std::string_view s,
                      JsonEscape mode = JsonEscape::kUtf8);
inline std::string JsonQuote(std::string_view s,
                             JsonEscape mode = JsonEscape::kReplaceInvalid) {
  std::string out;
  AppendJsonString(&out, s, mode);
  return out;
}

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if
// it is not one (overlong, surrogate, above U+10FFFF, truncated).
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace strata

#endif  // STRATA_UTIL_JSON_ESCAPE_H_
