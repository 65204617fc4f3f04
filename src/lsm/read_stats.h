// Counters bumped on the read path (tables, blocks, filters, cache). Shared
// by all readers of a DB; relaxed atomics because they are only reported.
#ifndef STRATA_LSM_READ_STATS_H_
#define STRATA_LSM_READ_STATS_H_

#include <atomic>
#include <cstdint>

namespace strata {

struct ReadStats {
  std::atomic<uint64_t> blocks_read{0};
  std::atomic<uint64_t> blocks_skipped_time{0};
  std::atomic<uint64_t> blocks_skipped_expired{0};
  std::atomic<uint64_t> files_skipped_time{0};
  std::atomic<uint64_t> files_skipped_expired{0};
  std::atomic<uint64_t> bloom_checks{0};
  std::atomic<uint64_t> bloom_useful{0};
  std::atomic<uint64_t> block_cache_hits{0};
  std::atomic<uint64_t> block_cache_misses{0};

  static void Bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace strata

#endif  // STRATA_LSM_READ_STATS_H_
