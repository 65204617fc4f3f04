// Int column encoder and decoder. The encoder tries every mode and keeps the
// smallest; the decoder validates widths and lengths before reading.
// Arithmetic is on uint64_t so that any int64 difference wraps instead of
// overflowing.
#include "lsm/columnar_int_codec.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "lsm/columnar_bits.h"
#include "util/coding.h"

namespace strata {
namespace {

// Splits v into heads and residuals for the given order (0..2).
void ComputeResiduals(const int64_t* v, std::span<const uint32_t> runs,
                      int order, std::vector<uint64_t>* heads,
                      std::vector<uint64_t>* residuals) {
  uint64_t prev_head = 0, prev_first_delta = 0;
  size_t i = 0;
  for (uint32_t len : runs) {
    const int64_t* r = v + i;
    i += len;
    if (order == 0) {
      for (uint32_t j = 0; j < len; j++) {
        residuals->push_back(static_cast<uint64_t>(r[j]));
      }
      continue;
    }
    uint64_t v0 = static_cast<uint64_t>(r[0]);
    heads->push_back(v0 - prev_head);
    prev_head = v0;
    if (order == 1) {
      for (uint32_t j = 1; j < len; j++) {
        residuals->push_back(static_cast<uint64_t>(r[j]) -
                             static_cast<uint64_t>(r[j - 1]));
      }
      continue;
    }
    if (len < 2) continue;
    uint64_t d = static_cast<uint64_t>(r[1]) - v0;
    heads->push_back(d - prev_first_delta);
    prev_first_delta = d;
    for (uint32_t j = 2; j < len; j++) {
      uint64_t nd =
          static_cast<uint64_t>(r[j]) - static_cast<uint64_t>(r[j - 1]);
      residuals->push_back(nd - d);
      d = nd;
    }
  }
}

// The largest g such that every residual is congruent modulo g (1 if they
// are all equal), so frames can pack (r - base) / g. Catches timestamps
// with millisecond or second precision stored in nanoseconds.
uint64_t CommonDivisor(const std::vector<uint64_t>& residuals) {
  uint64_t g = 0;
  if (residuals.empty()) return 1;
  const int64_t r0 = static_cast<int64_t>(residuals[0]);
  for (uint64_t u : residuals) {
    int64_t r = static_cast<int64_t>(u);
    // |r - r0| always fits in uint64_t.
    uint64_t d =
        r >= r0 ? u - static_cast<uint64_t>(r0) : static_cast<uint64_t>(r0) - u;
    g = std::gcd(g, d);
    if (g == 1) break;
  }
  return g == 0 ? 1 : g;
}

// Appends one frame of m residuals: dense (frame of reference) or, when
// most residuals share one value, sparse (bitmap of the others).
void EncodeFrame(const uint64_t* r, size_t m, uint64_t divisor,
                 std::string* dst) {
  // Dense: the signed minimum as base, so small negative and large
  // positive residuals both pack tightly.
  int64_t lo = static_cast<int64_t>(r[0]), hi = lo;
  for (size_t j = 1; j < m; j++) {
    lo = std::min(lo, static_cast<int64_t>(r[j]));
    hi = std::max(hi, static_cast<int64_t>(r[j]));
  }
  const int dense_width = BitWidth(
      (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / divisor);
  const size_t dense_cost =
      VarintLength(ZigZagEncode(lo)) + PackedBytes(m, dense_width);

  // Sparse: the majority value (Boyer-Moore vote) and the exceptions as
  // zigzagged multiples of the divisor away from it.
  uint64_t common = r[0];
  size_t votes = 0;
  for (size_t j = 0; j < m; j++) {
    if (votes == 0) common = r[j];
    if (r[j] == common) {
      votes++;
    } else {
      votes--;
    }
  }
  uint64_t exceptions[kColumnarFrameSize];
  size_t k = 0;
  int sparse_width = 0;
  bool sparse_ok = true;
  for (size_t j = 0; j < m && sparse_ok; j++) {
    if (r[j] == common) continue;
    // The distance must fit int64 after division; give up on sparse for
    // the rare frame where it does not.
    int64_t d, q = 0;
    sparse_ok = k < m / 2 && divisor <= INT64_MAX &&
                !__builtin_sub_overflow(static_cast<int64_t>(r[j]),
                                        static_cast<int64_t>(common), &d);
    if (sparse_ok) q = divisor == 1 ? d : d / static_cast<int64_t>(divisor);
    exceptions[k] = ZigZagEncode(static_cast<int64_t>(q));
    sparse_width = std::max(sparse_width, BitWidth(exceptions[k++]));
  }
  const size_t sparse_cost = VarintLength(ZigZagEncode(common)) + (m + 7) / 8 +
                             PackedBytes(k, sparse_width);
  if (sparse_ok && sparse_cost < dense_cost) {
    dst->push_back(static_cast<char>(kSparseFrame | sparse_width));
    PutVarsignedint64(dst, common);
    std::string bitmap((m + 7) / 8, '\0');
    for (size_t j = 0; j < m; j++) {
      if (r[j] != common) bitmap[j / 8] |= static_cast<char>(1 << (j % 8));
    }
    dst->append(bitmap);
    PackBits(exceptions, k, sparse_width, dst);
    return;
  }
  uint64_t packed[kColumnarFrameSize];
  dst->push_back(static_cast<char>(dense_width));
  PutVarsignedint64(dst, lo);
  for (size_t j = 0; j < m; j++) {
    packed[j] = (r[j] - static_cast<uint64_t>(lo)) / divisor;
  }
  PackBits(packed, m, dense_width, dst);
}

void EncodeFrames(const std::vector<uint64_t>& residuals, std::string* dst) {
  const uint64_t divisor = CommonDivisor(residuals);
  PutVarint64(dst, divisor);
  for (size_t start = 0; start < residuals.size();
       start += kColumnarFrameSize) {
    EncodeFrame(residuals.data() + start,
                std::min(kColumnarFrameSize, residuals.size() - start), divisor,
                dst);
  }
}

// Decodes one frame of m residuals into dst.
absl::Status DecodeFrame(ByteCursor* in, size_t m, uint64_t divisor,
                         uint64_t* dst) {
  uint8_t header;
  int64_t base;
  if (!in->ReadByte(&header)) return in->Error("int column: missing frame");
  const int width = header & 0x7f;
  if (width > 64) return in->Error("int column: frame width > 64");
  if (!in->ReadSigned(&base)) return in->Error("int column: bad frame base");
  const uint64_t b = static_cast<uint64_t>(base);
  uint64_t packed[kColumnarFrameSize];
  std::string_view bits;
  if ((header & kSparseFrame) == 0) {
    if (!in->ReadBytes(PackedBytes(m, width), &bits)) {
      return in->Error("int column: truncated frame");
    }
    if (width == 0) {
      std::fill(dst, dst + m, b);
      return absl::OkStatus();
    }
    UnpackBits(bits.data(), m, width, packed);
    for (size_t j = 0; j < m; j++) dst[j] = b + packed[j] * divisor;
    return absl::OkStatus();
  }
  std::string_view bitmap;
  if (!in->ReadBytes((m + 7) / 8, &bitmap)) {
    return in->Error("int column: truncated frame bitmap");
  }
  size_t k = 0;
  for (unsigned char c : bitmap) k += __builtin_popcount(c);
  if (m % 8 != 0 && (static_cast<unsigned char>(bitmap.back()) >> (m % 8))) {
    return in->Error("int column: frame bitmap padding not zero");
  }
  if (!in->ReadBytes(PackedBytes(k, width), &bits)) {
    return in->Error("int column: truncated frame exceptions");
  }
  if (width > 0) {
    UnpackBits(bits.data(), k, width, packed);
  } else {
    std::fill(packed, packed + k, 0);
  }
  for (size_t j = 0, e = 0; j < m; j++) {
    bool exception = (static_cast<unsigned char>(bitmap[j / 8]) >> (j % 8)) & 1;
    dst[j] = exception ? b + static_cast<uint64_t>(ZigZagDecode(packed[e++])) *
                                 divisor
                       : b;
  }
  return absl::OkStatus();
}

}  // namespace

void EncodeIntColumn(const int64_t* v, size_t n, std::span<const uint32_t> runs,
                     std::string* dst) {
  bool constant = true;
  for (size_t i = 1; i < n && constant; i++) constant = v[i] == v[0];
  if (constant) {
    dst->push_back(static_cast<char>(IntColumnMode::kConstant));
    PutVarsignedint64(dst, n == 0 ? 0 : v[0]);
    return;
  }
  std::string best, candidate;
  std::vector<uint64_t> heads, residuals;
  heads.reserve(runs.size() * 2);
  residuals.reserve(n);
  for (int order = 0; order <= 2; order++) {
    heads.clear();
    residuals.clear();
    candidate.clear();
    ComputeResiduals(v, runs, order, &heads, &residuals);
    candidate.push_back(static_cast<char>(
        static_cast<uint8_t>(IntColumnMode::kOrder0) + order));
    for (uint64_t h : heads) PutVarint64(&candidate, ZigZagEncode(h));
    EncodeFrames(residuals, &candidate);
    if (order == 0 || candidate.size() < best.size()) best.swap(candidate);
  }
  dst->append(best);
}

absl::Status DecodeIntColumn(ByteCursor* in, size_t n,
                             std::span<const uint32_t> runs, int64_t* out) {
  uint8_t mode;
  if (!in->ReadByte(&mode)) return in->Error("int column: missing mode");
  if (mode == static_cast<uint8_t>(IntColumnMode::kConstant)) {
    int64_t c;
    if (!in->ReadSigned(&c)) return in->Error("int column: bad constant");
    std::fill(out, out + n, c);
    return absl::OkStatus();
  }
  if (mode > static_cast<uint8_t>(IntColumnMode::kOrder2)) {
    return in->Error("int column: unknown mode");
  }
  const int order = mode - static_cast<uint8_t>(IntColumnMode::kOrder0);

  size_t num_heads = 0;
  for (uint32_t len : runs) num_heads += std::min<uint32_t>(order, len);
  std::vector<uint64_t> heads(num_heads);
  for (size_t h = 0; h < num_heads; h++) {
    uint64_t z;
    if (!in->ReadVarint(&z)) return in->Error("int column: bad head");
    heads[h] = static_cast<uint64_t>(ZigZagDecode(z));
  }

  uint64_t divisor;
  if (!in->ReadVarint(&divisor) || divisor == 0) {
    return in->Error("int column: bad divisor");
  }

  // Residuals go to the tail of out; the in-place reconstruction below only
  // overwrites a slot after its residual has been read.
  uint64_t* res = reinterpret_cast<uint64_t*>(out) + num_heads;
  const size_t num_res = n - num_heads;
  for (size_t start = 0; start < num_res; start += kColumnarFrameSize) {
    absl::Status s =
        DecodeFrame(in, std::min(kColumnarFrameSize, num_res - start), divisor,
                    res + start);
    if (!s.ok()) return s;
  }

  uint64_t* o = reinterpret_cast<uint64_t*>(out);
  if (order == 0) return absl::OkStatus();  // residuals are the values
  size_t i = 0, hi = 0, ri = 0;
  uint64_t prev_head = 0, prev_first_delta = 0;
  for (uint32_t len : runs) {
    uint64_t v = prev_head + heads[hi++];
    prev_head = v;
    o[i++] = v;
    if (order == 1) {
      for (uint32_t j = 1; j < len; j++) {
        v += res[ri++];
        o[i++] = v;
      }
      continue;
    }
    if (len < 2) continue;
    uint64_t d = prev_first_delta + heads[hi++];
    prev_first_delta = d;
    v += d;
    o[i++] = v;
    for (uint32_t j = 2; j < len; j++) {
      d += res[ri++];
      v += d;
      o[i++] = v;
    }
  }
  return absl::OkStatus();
}

}  // namespace strata
