// A shared, thread-safe cache of decoded data blocks, keyed by (file
// number, block offset) and budgeted by Block::MemoryUsage(). Blocks are
// handed out as shared_ptr, so eviction never frees a block in use.
// Replacement is LRU with second chance (CLOCK): a hit only marks its
// entry, and eviction moves marked entries to the front instead of
// dropping them, so hits never relink the list (three cold list nodes per
// lookup when readers hop between blocks).
#ifndef STRATA_LSM_BLOCK_CACHE_H_
#define STRATA_LSM_BLOCK_CACHE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "lsm/block.h"
#include "util/mutex.h"

namespace strata {

class BlockCache {
 public:
  // capacity_bytes is split evenly over 16 shards; a block larger than its
  // shard's share is never cached.
  explicit BlockCache(size_t capacity_bytes);
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // nullptr on a miss. A hit marks the block recently used.
  std::shared_ptr<const Block> Lookup(uint64_t file, uint64_t offset);
  // Replaces any block already cached under the key; evicts least recently
  // used blocks of the shard until it fits its budget.
  void Insert(uint64_t file, uint64_t offset,
              std::shared_ptr<const Block> block);
  // Drops every block of `file` (after the file is deleted).
  void EraseFile(uint64_t file);

  size_t capacity() const { return capacity_; }
  // Sum of MemoryUsage() of the cached blocks.
  size_t charge() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr int kNumShards = 16;
  using Key = std::pair<uint64_t, uint64_t>;
  struct Entry {
    Key key;
    std::shared_ptr<const Block> block;
    size_t charge;
    bool referenced = false;  // hit since it last reached the tail
  };
  struct Shard {
    mutable Mutex mu;
    std::list<Entry> lru ABSL_GUARDED_BY(mu);  // front = most recent
    absl::flat_hash_map<Key, std::list<Entry>::iterator> map
        ABSL_GUARDED_BY(mu);
    size_t charge ABSL_GUARDED_BY(mu) = 0;
  };

  Shard& ShardFor(const Key& key);
  static void EvictTo(Shard& s, size_t budget, std::list<Entry>* dropped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);

  const size_t capacity_;
  const size_t shard_capacity_;
  std::array<Shard, kNumShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace strata

#endif  // STRATA_LSM_BLOCK_CACHE_H_
