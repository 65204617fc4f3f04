// Byte encodings shared by every on-disk format: little-endian fixed ints,
// LEB128 varints, zigzag, and order-preserving big-endian forms for keys.
// Decoders never read past the input and report failure instead.
#ifndef STRATA_UTIL_CODING_H_
#define STRATA_UTIL_CODING_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace strata {

inline void EncodeFixed32(char* dst, uint32_t v) { std::memcpy(dst, &v, 4); }
inline void EncodeFixed64(char* dst, uint64_t v) { std::memcpy(dst, &v, 8); }
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "on-disk formats are little-endian; port the codecs");

void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);
// Varint length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view s);

char* EncodeVarint32(char* dst, uint32_t v);
char* EncodeVarint64(char* dst, uint64_t v);
int VarintLength(uint64_t v);

// Each Get* consumes from the front of *in; false if it is malformed or
// too short (then *in is unspecified).
bool GetFixed32(std::string_view* in, uint32_t* v);
bool GetFixed64(std::string_view* in, uint64_t* v);
bool GetVarint32(std::string_view* in, uint32_t* v);
bool GetVarint64(std::string_view* in, uint64_t* v);
bool GetLengthPrefixed(std::string_view* in, std::string_view* out);
bool GetVarsignedint64(std::string_view* in, int64_t* v);
void PutVarsignedint64(std::string* dst, int64_t v);

// Pointer forms: parse from [p, limit); nullptr on failure.
const char* GetVarint32Ptr(const char* p, const char* limit, uint32_t* v);
const char* GetVarint64Ptr(const char* p, const char* limit, uint64_t* v);

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Big-endian, so memcmp order equals numeric order for unsigned values.
inline void EncodeBigEndian64(char* dst, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(dst, &v, 8);
}
inline uint64_t DecodeBigEndian64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
// The 8 bytes of s from offset `from`, zero-padded, big-endian: if
// KeyWindow(a, i) < KeyWindow(b, i) for strings equal before i, then a < b
// (a string that ends reads as zeros, and is then a prefix of the other).
// Equal windows decide nothing. Lets searches compare integers.
inline uint64_t KeyWindow(std::string_view s, size_t from) {
  if (s.size() >= from + 8) return DecodeBigEndian64(s.data() + from);
  char buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (s.size() > from) {
    std::memcpy(buf, s.data() + from, std::min<size_t>(8, s.size() - from));
  }
  return DecodeBigEndian64(buf);
}
// Signed ints with the sign bit flipped, so memcmp order is numeric order.
inline void EncodeOrderedInt64(char* dst, int64_t v) {
  EncodeBigEndian64(dst, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}
inline int64_t DecodeOrderedInt64(const char* p) {
  return static_cast<int64_t>(DecodeBigEndian64(p) ^ (uint64_t{1} << 63));
}
void PutOrderedInt64(std::string* dst, int64_t v);

}  // namespace strata

#endif  // STRATA_UTIL_CODING_H_
