// A partition point searched outward from a guess: seeks into a sorted
// index usually move forward a little from the previous one (sorted point
// lookups, window edges, the next series' last point), so a few doubling
// probes near the guess, then bisection, beat a full binary search over
// cold entries.
#ifndef STRATA_LSM_PARTITION_NEAR_H_
#define STRATA_LSM_PARTITION_NEAR_H_

#include <algorithm>
#include <cstddef>

namespace strata {

// The first i in [0, n) for which before(i) is false (n if none); before
// must be true for a prefix of [0, n). `near` is the guess (n: none).
template <class Before>
size_t PartitionNear(size_t n, size_t near, const Before& before) {
  size_t lo = 0, hi = n;  // answer in [lo, hi]
  if (near < n) {
    if (before(near)) {
      lo = near + 1;
      for (size_t step = 1; lo < hi; step *= 2) {
        const size_t probe = std::min(near + step, hi - 1);
        if (!before(probe)) {
          hi = probe;
          break;
        }
        lo = probe + 1;
      }
    } else if (near == 0 || before(near - 1)) {
      return near;
    } else {
      hi = near - 1;
    }
  }
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (before(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace strata

#endif  // STRATA_LSM_PARTITION_NEAR_H_
