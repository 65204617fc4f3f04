// Bit writer/reader and frame packing for the columnar block codecs.
#include "lsm/columnar_bits.h"

#include <cstring>

#include "lsm/columnar_format.h"
#include "util/coding.h"

namespace strata {

void BitWriter::Put(uint64_t v, int width) {
  if (width == 0) return;
  v &= LowBitsMask(width);
  bits_ += width;
  acc_ |= v << nacc_;
  int total = nacc_ + width;
  if (total < 64) {
    nacc_ = total;
    return;
  }
  char buf[8];
  EncodeFixed64(buf, acc_);
  dst_->append(buf, 8);
  // Bits of v that did not fit; shifting by 64 would be undefined.
  acc_ = nacc_ == 0 ? 0 : v >> (64 - nacc_);
  nacc_ = total - 64;
}

void BitWriter::Flush() {
  int bytes = (nacc_ + 7) / 8;
  for (int i = 0; i < bytes; i++) {
    dst_->push_back(static_cast<char>(acc_ >> (8 * i)));
  }
  acc_ = 0;
  nacc_ = 0;
}

bool BitReader::Get(int width, uint64_t* v) {
  if (width == 0) {
    *v = 0;
    return true;
  }
  if (static_cast<uint64_t>(width) > bits_left()) return false;
  size_t byte = pos_ >> 3;
  int shift = pos_ & 7;
  uint64_t r;
  if (byte + 9 <= data_.size()) {
    std::memcpy(&r, data_.data() + byte, 8);
    r >>= shift;
    if (shift + width > 64) {
      r |= static_cast<uint64_t>(static_cast<unsigned char>(data_[byte + 8]))
           << (64 - shift);
    }
  } else {
    // Near the end: gather the bytes that exist, one at a time.
    unsigned __int128 acc = 0;
    size_t need = (shift + width + 7) / 8;
    for (size_t i = 0; i < need; i++) {
      acc |= static_cast<unsigned __int128>(
                 static_cast<unsigned char>(data_[byte + i]))
             << (8 * i);
    }
    r = static_cast<uint64_t>(acc >> shift);
  }
  *v = r & LowBitsMask(width);
  pos_ += width;
  return true;
}

void PackBits(const uint64_t* values, size_t m, int width, std::string* dst) {
  if (width == 0) return;
  BitWriter w(dst);
  for (size_t i = 0; i < m; i++) w.Put(values[i], width);
  w.Flush();
}

void UnpackBits(const char* src, size_t m, int width, uint64_t* out) {
  // Copy into a zero-padded buffer so every load below may read 9 bytes
  // without a bounds check.
  char buf[kColumnarFrameSize * 8 + 16];
  size_t n = PackedBytes(m, width);
  std::memcpy(buf, src, n);
  std::memset(buf + n, 0, 16);
  uint64_t mask = LowBitsMask(width);
  uint64_t pos = 0;
  for (size_t i = 0; i < m; i++, pos += width) {
    size_t byte = pos >> 3;
    int shift = pos & 7;
    uint64_t r;
    std::memcpy(&r, buf + byte, 8);
    r >>= shift;
    if (shift + width > 64) {
      r |= static_cast<uint64_t>(static_cast<unsigned char>(buf[byte + 8]))
           << (64 - shift);
    }
    out[i] = r & mask;
  }
}

}  // namespace strata
