// Constants and the bounds-checked reader shared by the columnar block
// encoder and decoder. Byte format: schema/columnar-block.md. Nothing here
// may read outside the payload it was given.
#ifndef STRATA_LSM_COLUMNAR_FORMAT_H_
#define STRATA_LSM_COLUMNAR_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "util/coding.h"
#include "util/errors.h"

namespace strata {

inline constexpr uint8_t kColumnarVersion = 1;
// Hard cap on entries per columnar block, checked before the decoder
// allocates. The SST writer must cut blocks below it.
inline constexpr uint32_t kMaxColumnarEntries = 1u << 20;
// Residuals per bit-packed frame.
inline constexpr size_t kColumnarFrameSize = 128;
// Frame header bit: the frame is sparse (bitmap of exceptions).
inline constexpr uint8_t kSparseFrame = 0x80;
// Decoded user keys may total at most this multiple of the payload size
// (plus one maximal key).
inline constexpr size_t kMaxKeyExpansion = 64;

// Persisted: never renumber.
enum class IntColumnMode : uint8_t {
  kConstant = 0,
  kOrder0 = 1,
  kOrder1 = 2,
  kOrder2 = 3,
};
enum class ExpireMode : uint8_t {
  kAllNever = 0,
  kAllTtl = 1,
  kMixed = 2,
};
enum class ValueCodec : uint8_t {
  kBytes = 0,
  kDecimal = 1,
  kXor = 2,
  kInt64 = 3,
};
inline constexpr int kMaxDecimalScale = 6;

// Reads a window [pos, limit) of a payload. Errors name the absolute offset
// in the payload, so nested sections report where the damage is.
class ByteCursor {
 public:
  ByteCursor(std::string_view payload, std::string_view where)
      : data_(payload.data()),
        payload_start_(payload.data()),
        limit_(payload.data() + payload.size()),
        where_(where) {}

  size_t offset() const { return data_ - payload_start_; }
  size_t remaining() const { return limit_ - data_; }
  bool empty() const { return data_ == limit_; }
  const char* data() const { return data_; }

  bool ReadByte(uint8_t* v) {
    if (data_ == limit_) return false;
    *v = static_cast<uint8_t>(*data_++);
    return true;
  }
  bool ReadVarint(uint64_t* v) {
    const char* p = GetVarint64Ptr(data_, limit_, v);
    if (p == nullptr) return false;
    data_ = p;
    return true;
  }
  bool ReadSigned(int64_t* v) {
    uint64_t u;
    if (!ReadVarint(&u)) return false;
    *v = ZigZagDecode(u);
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* out) {
    if (n > remaining()) return false;
    *out = std::string_view(data_, n);
    data_ += n;
    return true;
  }
  // Splits off the next n bytes as a cursor of their own.
  bool ReadSection(size_t n, ByteCursor* out) {
    if (n > remaining()) return false;
    *out = *this;
    out->limit_ = data_ + n;
    data_ += n;
    return true;
  }

  // A DataLoss error at the current offset.
  absl::Status Error(std::string_view what) const {
    return CorruptionError(where_, offset(), what);
  }
  // A DataLoss error at an absolute payload offset (for bit streams).
  absl::Status ErrorAt(size_t offset, std::string_view what) const {
    return CorruptionError(where_, offset, what);
  }

 private:
  const char* data_;
  const char* payload_start_;
  const char* limit_;
  std::string_view where_;
};

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_FORMAT_H_
