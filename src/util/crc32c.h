// CRC32C (Castagnoli), hardware-accelerated with SSE4.2 when the CPU has it.
// Stored checksums are masked (see Mask) so that a CRC of data containing
// embedded CRCs is still well distributed.
#ifndef STRATA_UTIL_CRC32C_H_
#define STRATA_UTIL_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::crc32c {

// CRC32C of concat(A, data) where init_crc is the CRC32C of A.
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Value(s.data(), s.size()); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8ul;
inline uint32_t Mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace strata::crc32c

#endif  // STRATA_UTIL_CRC32C_H_
