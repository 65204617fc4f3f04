// Shared-prefix arithmetic for sorted keys: the common prefix of two keys,
// and an upper bound checked against ascending keys by the bytes each adds
// to its predecessor (block entries store exactly that split).
#ifndef STRATA_LSM_KEY_PREFIX_H_
#define STRATA_LSM_KEY_PREFIX_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace strata {

// Length of the common prefix of a and b, eight bytes at a step (keys of
// one scan share long prefixes; formats are little-endian, util/coding.h).
inline size_t CommonPrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return i + (std::countr_zero(x ^ y) >> 3);
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Whether ascending user keys sort below `limit`, each compared only past
// the prefix it shares with the previous key: a key that shares more with
// its predecessor than the predecessor shares with the limit is below it
// without reading a byte (the usual case in a scan's run of keys).
class AscendingLimit {
 public:
  explicit AscendingLimit(std::string_view limit) : limit_(limit) {}

  // The first key: compared whole.
  bool First(std::string_view key) { return CompareFrom(key, 0); }

  // A key after the previous one passed to First/Next (which was below the
  // limit, and <= key); `shared`: a length of prefix it is known to share
  // with that key (any lower bound is correct; longer is faster).
  bool Next(std::string_view key, size_t shared) {
    // key[0, lcp_] == prev[0, lcp_] and prev[lcp_] < limit_[lcp_].
    if (shared > lcp_) return true;
    // key[0, shared) == prev[0, shared) == limit_[0, shared).
    return CompareFrom(key, shared);
  }

 private:
  // Whether key < limit_, given their first `from` bytes are equal;
  // records their common prefix.
  bool CompareFrom(std::string_view key, size_t from) {
    lcp_ = from + CommonPrefix(key.substr(from), limit_.substr(from));
    if (lcp_ == limit_.size()) return false;  // key >= limit_
    return lcp_ == key.size() || static_cast<unsigned char>(key[lcp_]) <
                                     static_cast<unsigned char>(limit_[lcp_]);
  }

  const std::string_view limit_;
  size_t lcp_ = 0;  // common prefix of the last key and limit_
};

}  // namespace strata

#endif  // STRATA_LSM_KEY_PREFIX_H_
