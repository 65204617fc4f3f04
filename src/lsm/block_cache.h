// A shared, thread-safe cache of decoded data blocks, keyed by (file
// number, block offset) and budgeted by Block::MemoryUsage(). Blocks are
// handed out as shared_ptr, so eviction never frees a block in use.
// Replacement is CLOCK (LRU with second chance): a hit only marks its
// entry; eviction walks a ring of keys in insertion order and gives marked
// entries another turn. Entries live in the hash map's own slots, so a hit
// reads the slot and then the block, nothing in between; batched readers
// look up many blocks at once (LookupMany), loading all their slots, then
// all their blocks, under one lock per shard and step.
#ifndef STRATA_LSM_BLOCK_CACHE_H_
#define STRATA_LSM_BLOCK_CACHE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "lsm/block.h"
#include "util/mutex.h"

namespace strata {

class BlockCache {
 public:
  // capacity_bytes bounds the whole cache. Each of the 16 shards has a fair
  // share (a sixteenth) and may hold up to twice that while others need
  // less: keys hash unevenly, and a strict split left a working set a few
  // percent under the capacity missing. A block larger than a fair share
  // is never cached.
  explicit BlockCache(size_t capacity_bytes);
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // nullptr on a miss. A hit marks the block recently used.
  std::shared_ptr<const Block> Lookup(uint64_t file, uint64_t offset);
  // Replaces any block already cached under the key; then evicts blocks not
  // used since their last turn until the cache fits its budget, taking
  // them in turn from the shards holding more than their fair share.
  void Insert(uint64_t file, uint64_t offset,
              std::shared_ptr<const Block> block);
  // Drops every block of `file` (after the file is deleted).
  void EraseFile(uint64_t file);

  // out[i] = Lookup(file, offsets[i]) for every i (same marks and
  // counters), for point reads of many keys: each step (start loading the
  // keys' slots; find them and start loading their blocks; take the
  // blocks) runs for every key before the next, so the memory loads of
  // different keys overlap, and locks each shard once. Returns the hits.
  size_t LookupMany(uint64_t file, std::span<const uint64_t> offsets,
                    std::span<std::shared_ptr<const Block>> out);

  size_t capacity() const { return capacity_; }
  // Sum of MemoryUsage() of the cached blocks.
  size_t charge() const { return total_.load(std::memory_order_relaxed); }
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr int kNumShards = 16;
  // The most a shard may hold, in fair shares.
  static constexpr size_t kMaxShares = 2;
  size_t shard_limit() const { return kMaxShares * fair_share_; }
  using Key = std::pair<uint64_t, uint64_t>;
  struct Entry {
    std::shared_ptr<const Block> block;
    size_t charge = 0;
    bool referenced = false;  // hit since its last turn on the clock
  };
  struct Shard {
    mutable Mutex mu;
    absl::flat_hash_map<Key, Entry> map ABSL_GUARDED_BY(mu);
    // Every cached key once, oldest turn first; may also hold keys erased
    // since (skipped when met, and compacted away when they pile up).
    std::deque<Key> clock ABSL_GUARDED_BY(mu);
    size_t charge ABSL_GUARDED_BY(mu) = 0;
  };

  static size_t ShardIndex(const Key& key);
  static size_t ShardOfHash(size_t hash) { return (hash >> 32) % kNumShards; }
  Shard& ShardFor(const Key& key) { return shards_[ShardIndex(key)]; }
  // Evicts the next block on s's clock not used since its last turn; false
  // if s holds none.
  bool EvictOne(Shard& s, std::vector<std::shared_ptr<const Block>>* dropped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  // Evicts from shards holding more than their fair share, in turn, until
  // the cache fits its capacity.
  void EvictToCapacity(std::vector<std::shared_ptr<const Block>>* dropped);
  static void DropStaleKeys(Shard& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);

  const size_t capacity_;
  const size_t fair_share_;  // capacity_ / kNumShards
  std::array<Shard, kNumShards> shards_;
  std::atomic<size_t> total_{0};          // sum of the shards' charges
  std::atomic<uint32_t> next_victim_{0};  // EvictToCapacity's next victim
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace strata

#endif  // STRATA_LSM_BLOCK_CACHE_H_
