// Decimal-scaling detection and the XOR (Gorilla-style) float64 codec.
#include "lsm/columnar_float_codec.h"

#include <bit>
#include <cmath>

#include "lsm/columnar_bits.h"

namespace strata {
namespace {

constexpr double kPow10[kMaxDecimalScale + 1] = {1e0, 1e1, 1e2, 1e3,
                                                 1e4, 1e5, 1e6};
// Doubles below this magnitude are exact integers, so llround is exact.
constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

}  // namespace

bool DecimalAtScale(uint64_t word, int scale, int64_t* out) {
  double v = std::bit_cast<double>(word);
  double x = v * kPow10[scale];
  if (!(std::fabs(x) < kMaxExactInt)) return false;  // also NaN and inf
  int64_t i = std::llround(x);
  // Compare bit patterns with the decoder's exact expression, so -0.0 and
  // any rounding surprise fall back instead of changing a value.
  if (DecimalToWord(i, scale) != word) return false;
  *out = i;
  return true;
}

uint64_t DecimalToWord(int64_t i, int scale) {
  return std::bit_cast<uint64_t>(static_cast<double>(i) / kPow10[scale]);
}

bool FindDecimalScale(const uint64_t* words, size_t n, int* scale,
                      std::vector<int64_t>* ints) {
  // Smallest scale each value needs; the block needs the largest of them.
  int need = 0;
  int64_t unused;
  for (size_t i = 0; i < n; i++) {
    while (!DecimalAtScale(words[i], need, &unused)) {
      if (++need > kMaxDecimalScale) return false;
    }
  }
  // A value fitting at a smaller scale nearly always fits at a larger one;
  // verify rather than assume.
  for (int s = need; s <= kMaxDecimalScale; s++) {
    ints->resize(n);
    size_t i = 0;
    while (i < n && DecimalAtScale(words[i], s, &(*ints)[i])) i++;
    if (i == n) {
      *scale = s;
      return true;
    }
  }
  return false;
}

void EncodeXorColumn(const uint64_t* words, size_t n, std::string* dst) {
  if (n == 0) return;
  BitWriter w(dst);
  w.Put(words[0], 64);
  int win_lead = 0, win_len = 0;  // win_len == 0: no window yet
  for (size_t i = 1; i < n; i++) {
    uint64_t x = words[i] ^ words[i - 1];
    if (x == 0) {
      w.Put(0, 1);
      continue;
    }
    int lead = __builtin_clzll(x);
    int trail = __builtin_ctzll(x);
    w.Put(1, 1);
    if (win_len != 0 && lead >= win_lead && trail >= 64 - win_lead - win_len) {
      w.Put(0, 1);
      w.Put(x >> (64 - win_lead - win_len), win_len);
      continue;
    }
    int len = 64 - lead - trail;
    w.Put(1, 1);
    w.Put(lead, 6);
    w.Put(len - 1, 6);
    w.Put(x >> trail, len);
    win_lead = lead;
    win_len = len;
  }
  w.Flush();
}

absl::Status DecodeXorColumn(ByteCursor* in, size_t n, uint64_t* out) {
  const size_t start = in->offset();
  std::string_view data;
  in->ReadBytes(in->remaining(), &data);
  if (n == 0) {
    if (!data.empty()) return in->Error("xor column: trailing bytes");
    return absl::OkStatus();
  }
  BitReader r(data);
  auto fail = [&](std::string_view what) {
    return in->ErrorAt(start + r.bit_position() / 8, what);
  };
  auto truncated = [&] { return fail("xor column: truncated"); };
  uint64_t prev;
  if (!r.Get(64, &prev)) return truncated();
  out[0] = prev;
  int win_lead = 0, win_len = 0;
  for (size_t i = 1; i < n; i++) {
    bool nonzero, new_window;
    if (!r.GetBit(&nonzero)) return truncated();
    if (nonzero) {
      if (!r.GetBit(&new_window)) return truncated();
      if (new_window) {
        uint64_t lead, len_minus_1;
        if (!r.Get(6, &lead) || !r.Get(6, &len_minus_1)) return truncated();
        if (lead + len_minus_1 + 1 > 64) {
          return fail("xor column: window wider than 64 bits");
        }
        win_lead = static_cast<int>(lead);
        win_len = static_cast<int>(len_minus_1) + 1;
      } else if (win_len == 0) {
        return fail("xor column: window reused before it was set");
      }
      uint64_t bits;
      if (!r.Get(win_len, &bits)) return truncated();
      prev ^= bits << (64 - win_lead - win_len);
    }
    out[i] = prev;
  }
  if (r.bits_left() >= 8) return fail("xor column: trailing bytes");
  return absl::OkStatus();
}

}  // namespace strata
