// Sharded block cache (CLOCK): one mutex, hash map and clock ring per
// shard so that readers of different blocks rarely contend.
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
  it->second.referenced = true;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second.block;
}

void BlockCache::PrefetchEntry(uint64_t file, uint64_t offset) {
  Key key(file, offset);
  Shard& s = ShardFor(key);
  MutexLock lock(&s.mu);
  s.map.prefetch(key);
}

void BlockCache::PrefetchBlock(uint64_t file, uint64_t offset) {
  Key key(file, offset);
  Shard& s = ShardFor(key);
  MutexLock lock(&s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return;
  // Blocks made by make_shared sit right after their reference counts;
  // a row block keeps what a point read needs in its first 80 bytes.
  const char* p = reinterpret_cast<const char*>(it->second.block.get());
  __builtin_prefetch(p - 16, 1);
  __builtin_prefetch(p + 40);
  __builtin_prefetch(p + 79);
}

void BlockCache::EvictTo(Shard& s, size_t budget,
                         std::vector<std::shared_ptr<const Block>>* dropped) {
  while (s.charge > budget && !s.clock.empty()) {
    Key key = s.clock.front();
    s.clock.pop_front();
    auto it = s.map.find(key);
    if (it == s.map.end()) continue;  // erased since it was queued
    if (it->second.referenced) {      // second chance: hit since queued
      it->second.referenced = false;
      s.clock.push_back(key);
      continue;
    }
    s.charge -= it->second.charge;
    dropped->push_back(std::move(it->second.block));
    s.map.erase(it);
  }
}

void BlockCache::DropStaleKeys(Shard& s) {
  std::deque<Key> live;
  for (const Key& k : s.clock) {
    if (s.map.contains(k)) live.push_back(k);
  }
  s.clock.swap(live);
}

void BlockCache::Insert(uint64_t file, uint64_t offset,
                        std::shared_ptr<const Block> block) {
  if (block == nullptr) return;
  size_t charge = block->MemoryUsage();
  Key key(file, offset);
  Shard& s = ShardFor(key);
  // Destroy evicted blocks outside the lock: freeing can be slow.
  std::vector<std::shared_ptr<const Block>> dropped;
  {
    MutexLock lock(&s.mu);
    auto it = s.map.find(key);
    if (it != s.map.end()) {
      // Replaced in place: the key keeps its place on the clock, marked so
      // that it survives its next turn.
      s.charge -= it->second.charge;
      dropped.push_back(std::move(it->second.block));
      if (charge > shard_capacity_) {
        s.map.erase(it);
        return;
      }
      it->second = Entry{std::move(block), charge, true};
      s.charge += charge;
      EvictTo(s, shard_capacity_, &dropped);
      return;
    }
    if (charge > shard_capacity_) return;
    EvictTo(s, shard_capacity_ - charge, &dropped);
    s.map.emplace(key, Entry{std::move(block), charge, false});
    s.charge += charge;
    s.clock.push_back(key);
    if (s.clock.size() > 2 * s.map.size() + 64) DropStaleKeys(s);
  }
}

void BlockCache::EraseFile(uint64_t file) {
  for (Shard& s : shards_) {
    std::vector<std::shared_ptr<const Block>> dropped;
    MutexLock lock(&s.mu);
    for (auto it = s.map.begin(); it != s.map.end();) {
      if (it->first.first == file) {
        s.charge -= it->second.charge;
        dropped.push_back(std::move(it->second.block));
        s.map.erase(it++);
      } else {
        ++it;
      }
    }
    if (s.clock.size() > 2 * s.map.size() + 64) DropStaleKeys(s);
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
