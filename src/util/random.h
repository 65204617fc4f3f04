// Small, fast, seedable PRNG (splitmix64) for tests, skiplist heights and
// data generators. Deterministic for a given seed on every platform.
#ifndef STRATA_UTIL_RANDOM_H_
#define STRATA_UTIL_RANDOM_H_

#include <cstdint>

namespace strata {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES n > 0.
  uint64_t Uniform(uint64_t n) { return Next() % n; }
  bool OneIn(uint64_t n) { return Uniform(n) == 0; }
  // Uniform double in [0, 1).
  double NextDouble() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

}  // namespace strata

#endif  // STRATA_UTIL_RANDOM_H_
