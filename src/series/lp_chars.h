// Byte classes of the line protocol, shared by the scanner and the
// formatter so both agree on what must be escaped where.
#ifndef STRATA_SERIES_LP_CHARS_H_
#define STRATA_SERIES_LP_CHARS_H_

#include <array>
#include <cstdint>

namespace strata::lp_internal {

// Bytes that end, or must be escaped in, a measurement: , space backslash.
inline constexpr uint8_t kMeasurementSpecial = 1;
// Same for tag keys, tag values and field keys: , = space backslash.
inline constexpr uint8_t kKeySpecial = 2;
// Bytes escaped inside a string field value: " backslash.
inline constexpr uint8_t kStringSpecial = 4;
// Bytes that end an unquoted field value or a timestamp: , space.
inline constexpr uint8_t kValueEnd = 8;

inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  t[','] = kMeasurementSpecial | kKeySpecial | kValueEnd;
  t[' '] = kMeasurementSpecial | kKeySpecial | kValueEnd;
  t['\\'] = kMeasurementSpecial | kKeySpecial | kStringSpecial;
  t['='] = kKeySpecial;
  t['"'] = kStringSpecial;
  return t;
}();

inline bool HasClass(char c, uint8_t mask) {
  return (kCharClass[static_cast<unsigned char>(c)] & mask) != 0;
}

}  // namespace strata::lp_internal

#endif  // STRATA_SERIES_LP_CHARS_H_
