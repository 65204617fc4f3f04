// Bit-level packing for the columnar block: an appending bit writer, a
// bounds-checked bit reader, and fixed-width frame packing. Bit order is
// little-endian (schema/columnar-block.md, "Notation"). Readers never touch
// bytes outside the view they were given.
#ifndef STRATA_LSM_COLUMNAR_BITS_H_
#define STRATA_LSM_COLUMNAR_BITS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

// Bits needed to hold v (0 for 0, 64 for values with the top bit set).
inline int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

inline uint64_t LowBitsMask(int w) {
  return w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
}

// Appends bit fields to a string.
class BitWriter {
 public:
  explicit BitWriter(std::string* dst) : dst_(dst) {}
  // Appends the low `width` (0..64) bits of v.
  void Put(uint64_t v, int width);
  // Writes the partial last byte (zero-padded). Call once at the end.
  void Flush();
  uint64_t bits_written() const { return bits_; }

 private:
  std::string* dst_;
  uint64_t acc_ = 0;
  int nacc_ = 0;  // bits pending in acc_, always < 64
  uint64_t bits_ = 0;
};

// Reads bit fields from a byte view; every read is checked against its end.
class BitReader {
 public:
  explicit BitReader(std::string_view data) : data_(data) {}
  // Reads `width` (0..64) bits; false if fewer remain.
  bool Get(int width, uint64_t* v);
  bool GetBit(bool* b) {
    uint64_t v;
    if (!Get(1, &v)) return false;
    *b = v != 0;
    return true;
  }
  uint64_t bits_left() const { return data_.size() * 8 - pos_; }
  uint64_t bit_position() const { return pos_; }

 private:
  std::string_view data_;
  uint64_t pos_ = 0;
};

// Bytes used by m values packed at `width` bits each.
inline size_t PackedBytes(size_t m, int width) {
  return (m * static_cast<size_t>(width) + 7) / 8;
}

// Appends m values (each < 2^width) packed at `width` bits.
void PackBits(const uint64_t* values, size_t m, int width, std::string* dst);

// Unpacks m <= kColumnarFrameSize values of `width` (1..64) bits from
// `src`, which must hold exactly PackedBytes(m, width) bytes.
void UnpackBits(const char* src, size_t m, int width, uint64_t* out);

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_BITS_H_
