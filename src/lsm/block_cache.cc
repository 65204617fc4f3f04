// Sharded block cache (LRU with second chance): one mutex, list and hash
// map per shard so that readers of different blocks rarely contend.
#include "lsm/block_cache.h"

#include "absl/hash/hash.h"

namespace strata {

BlockCache::BlockCache(size_t capacity_bytes)
    : capacity_(capacity_bytes), shard_capacity_(capacity_bytes / kNumShards) {}

BlockCache::Shard& BlockCache::ShardFor(const Key& key) {
  // The low bits of absl::Hash pick the bucket inside the shard's map; take
  // the shard from the high bits so the two stay independent.
  size_t h = absl::Hash<Key>()(key);
  return shards_[(h >> 32) % kNumShards];
}

std::shared_ptr<const Block> BlockCache::Lookup(uint64_t file,
                                                uint64_t offset) {
  Key key(file, offset);
  Shard& s = ShardFor(key);
  MutexLock lock(&s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  it->second->referenced = true;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second->block;
}

void BlockCache::EvictTo(Shard& s, size_t budget, std::list<Entry>* dropped) {
  while (s.charge > budget && !s.lru.empty()) {
    auto victim = std::prev(s.lru.end());
    if (victim->referenced) {  // second chance: it was hit since queued
      victim->referenced = false;
      s.lru.splice(s.lru.begin(), s.lru, victim);
      continue;
    }
    s.charge -= victim->charge;
    s.map.erase(victim->key);
    dropped->splice(dropped->end(), s.lru, victim);
  }
}

void BlockCache::Insert(uint64_t file, uint64_t offset,
                        std::shared_ptr<const Block> block) {
  if (block == nullptr) return;
  size_t charge = block->MemoryUsage();
  Key key(file, offset);
  Shard& s = ShardFor(key);
  // Destroy evicted blocks outside the lock: freeing can be slow.
  std::list<Entry> dropped;
  {
    MutexLock lock(&s.mu);
    auto it = s.map.find(key);
    if (it != s.map.end()) {
      s.charge -= it->second->charge;
      dropped.splice(dropped.end(), s.lru, it->second);
      s.map.erase(it);
    }
    if (charge > shard_capacity_) return;
    EvictTo(s, shard_capacity_ - charge, &dropped);
    s.lru.push_front(Entry{key, std::move(block), charge});
    s.map.emplace(key, s.lru.begin());
    s.charge += charge;
  }
}

void BlockCache::EraseFile(uint64_t file) {
  for (Shard& s : shards_) {
    std::list<Entry> dropped;
    MutexLock lock(&s.mu);
    for (auto it = s.lru.begin(); it != s.lru.end();) {
      auto next = std::next(it);
      if (it->key.first == file) {
        s.charge -= it->charge;
        s.map.erase(it->key);
        dropped.splice(dropped.end(), s.lru, it);
      }
      it = next;
    }
  }
}

size_t BlockCache::charge() const {
  size_t total = 0;
  for (const Shard& s : shards_) {
    MutexLock lock(&s.mu);
    total += s.charge;
  }
  return total;
}

}  // namespace strata
