// Int column encoder and decoder. The encoder tries every mode and keeps the
// smallest; the decoder validates widths and lengths before reading.
// Arithmetic is on uint64_t so that any int64 difference wraps instead of
// overflowing.
#include "lsm/columnar_int_codec.h"

#include <algorithm>
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

void EncodeFrames(const std::vector<uint64_t>& residuals, std::string* dst) {
  uint64_t packed[kColumnarFrameSize];
  for (size_t start = 0; start < residuals.size();
       start += kColumnarFrameSize) {
    size_t m = std::min(kColumnarFrameSize, residuals.size() - start);
    // Frame of reference: the signed minimum, so small negative and large
    // positive residuals both pack tightly.
    int64_t lo = static_cast<int64_t>(residuals[start]);
    int64_t hi = lo;
    for (size_t j = 1; j < m; j++) {
      int64_t r = static_cast<int64_t>(residuals[start + j]);
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    }
    int width = BitWidth(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo));
    dst->push_back(static_cast<char>(width));
    PutVarsignedint64(dst, lo);
    for (size_t j = 0; j < m; j++) {
      packed[j] = residuals[start + j] - static_cast<uint64_t>(lo);
    }
    PackBits(packed, m, width, dst);
  }
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

  // Residuals go to the tail of out; the in-place reconstruction below only
  // overwrites a slot after its residual has been read.
  uint64_t* res = reinterpret_cast<uint64_t*>(out) + num_heads;
  const size_t num_res = n - num_heads;
  uint64_t packed[kColumnarFrameSize];
  for (size_t start = 0; start < num_res; start += kColumnarFrameSize) {
    size_t m = std::min(kColumnarFrameSize, num_res - start);
    uint8_t width;
    int64_t base;
    if (!in->ReadByte(&width)) return in->Error("int column: missing frame");
    if (width > 64) return in->Error("int column: frame width > 64");
    if (!in->ReadSigned(&base)) return in->Error("int column: bad frame base");
    std::string_view bits;
    if (!in->ReadBytes(PackedBytes(m, width), &bits)) {
      return in->Error("int column: truncated frame");
    }
    uint64_t* dst = res + start;
    if (width == 0) {
      std::fill(dst, dst + m, static_cast<uint64_t>(base));
      continue;
    }
    UnpackBits(bits.data(), m, width, packed);
    for (size_t j = 0; j < m; j++)
      dst[j] = packed[j] + static_cast<uint64_t>(base);
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
