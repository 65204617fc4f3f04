// Bloom filter codec: k probes by double hashing one 64-bit StableHash64.
// Layout (schema/sst.md, "Filter block"): bits[m/8] | k u8.
#include "lsm/bloom.h"

#include <algorithm>
#include <cmath>

#include "util/hash.h"

namespace strata {
namespace {

constexpr int kMaxProbes = 30;

// The second hash for double hashing: the first rotated by 33 bits.
inline uint64_t Delta(uint64_t h) { return (h >> 33) | (h << 31); }

}  // namespace

BloomFilterBuilder::BloomFilterBuilder(int bits_per_key)
    : bits_per_key_(std::max(0, bits_per_key)) {
  // ln 2 probes per bit of budget minimise the false-positive rate.
  k_ = std::clamp(static_cast<int>(std::lround(bits_per_key_ * 0.69314718)), 1,
                  kMaxProbes);
}

void BloomFilterBuilder::AddKey(std::string_view user_key) {
  if (bits_per_key_ == 0) return;
  hashes_.push_back(StableHash64(user_key));
}

std::string BloomFilterBuilder::Finish() {
  std::string out;
  if (bits_per_key_ == 0) return out;
  uint64_t bits = std::max<uint64_t>(64, hashes_.size() * bits_per_key_);
  bits = (bits + 7) / 8 * 8;
  out.assign(bits / 8, '\0');
  for (uint64_t h : hashes_) {
    uint64_t delta = Delta(h);
    for (int i = 0; i < k_; i++) {
      uint64_t bit = h % bits;
      out[bit / 8] |= static_cast<char>(1 << (bit % 8));
      h += delta;
    }
  }
  out.push_back(static_cast<char>(k_));
  hashes_.clear();
  return out;
}

bool BloomFilterMayMatch(std::string_view filter, std::string_view user_key) {
  if (filter.size() < 2) return true;
  int k = static_cast<unsigned char>(filter.back());
  if (k < 1 || k > kMaxProbes) return true;
  uint64_t bits = (filter.size() - 1) * 8;
  uint64_t h = StableHash64(user_key);
  uint64_t delta = Delta(h);
  for (int i = 0; i < k; i++) {
    uint64_t bit = h % bits;
    if ((filter[bit / 8] & (1 << (bit % 8))) == 0) return false;
    h += delta;
  }
  return true;
}

}  // namespace strata
