// Sharded block cache (CLOCK): one mutex, hash map and clock ring per
// shard so that readers of different blocks rarely contend.
#include "lsm/block_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace strata {

BlockCache::BlockCache(size_t capacity_bytes)
    : capacity_(capacity_bytes), fair_share_(capacity_bytes / kNumShards) {}

size_t BlockCache::ShardIndex(const Key& key) {
  // The low bits of absl::Hash pick the bucket inside the shard's map; take
  // the shard from the high bits so the two stay independent.
  return ShardOfHash(absl::Hash<Key>()(key));
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

size_t BlockCache::LookupMany(uint64_t file, std::span<const uint64_t> offsets,
                              std::span<std::shared_ptr<const Block>> out) {
  const size_t n = offsets.size();
  // The keys' positions grouped by shard (a counting sort). Each key is
  // hashed once: the shard comes from the hash's high bits, the probes
  // below take it whole.
  std::array<uint32_t, kNumShards + 1> begin{};
  std::vector<size_t> hash(n);
  for (size_t i = 0; i < n; ++i) {
    hash[i] = absl::Hash<Key>()(Key(file, offsets[i]));
    ++begin[ShardOfHash(hash[i]) + 1];
  }
  for (int s = 0; s < kNumShards; ++s) begin[s + 1] += begin[s];
  std::vector<uint32_t> order(n);
  std::array<uint32_t, kNumShards> fill;
  std::copy(begin.begin(), begin.end() - 1, fill.begin());
  for (size_t i = 0; i < n; ++i)
    order[fill[ShardOfHash(hash[i])]++] = static_cast<uint32_t>(i);
  // Each step runs for every key, shard by shard, each shard locked once.
  size_t hits = 0;
  for (int step = 0; step < 3; ++step) {
    for (int sh = 0; sh < kNumShards; ++sh) {
      if (begin[sh] == begin[sh + 1]) continue;
      Shard& s = shards_[sh];
      MutexLock lock(&s.mu);
      for (uint32_t j = begin[sh]; j < begin[sh + 1]; ++j) {
        const uint32_t i = order[j];
        const Key key(file, offsets[i]);
        if (step == 0) {  // start loading the slot
          s.map.prefetch(key);
          continue;
        }
        auto it = s.map.find(key, hash[i]);
        if (step == 1) {  // start loading the block and its counts
          if (it == s.map.end()) continue;
          // Blocks made by make_shared sit right after their reference
          // counts (written: the block is taken); then the head a point
          // read needs.
          const char* p = reinterpret_cast<const char*>(it->second.block.get());
          __builtin_prefetch(p - 16, 1);
          __builtin_prefetch(p + Block::kPointHeadBytes / 2);
          __builtin_prefetch(p + Block::kPointHeadBytes - 1);
          continue;
        }
        if (it == s.map.end()) {
          out[i] = nullptr;
          continue;
        }
        it->second.referenced = true;
        out[i] = it->second.block;
        ++hits;
      }
    }
  }
  hits_.fetch_add(hits, std::memory_order_relaxed);
  misses_.fetch_add(n - hits, std::memory_order_relaxed);
  return hits;
}

bool BlockCache::EvictOne(Shard& s,
                          std::vector<std::shared_ptr<const Block>>* dropped) {
  while (!s.clock.empty()) {
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
    total_.fetch_sub(it->second.charge, std::memory_order_relaxed);
    dropped->push_back(std::move(it->second.block));
    s.map.erase(it);
    return true;
  }
  return false;
}

void BlockCache::EvictToCapacity(
    std::vector<std::shared_ptr<const Block>>* dropped) {
  // Victims in turn among the shards over their fair share, one block
  // each (the oldest unused one on its clock), so that the cache as a
  // whole ages like one clock. Two rounds at most: a concurrent insert
  // that overshoots evicts for itself.
  for (int turn = 0; turn < 2 * kNumShards; ++turn) {
    if (total_.load(std::memory_order_relaxed) <= capacity_) return;
    Shard& v = shards_[next_victim_.fetch_add(1, std::memory_order_relaxed) %
                       kNumShards];
    MutexLock lock(&v.mu);
    if (v.charge > fair_share_) EvictOne(v, dropped);
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
      total_.fetch_sub(it->second.charge, std::memory_order_relaxed);
      dropped.push_back(std::move(it->second.block));
      if (charge > fair_share_) {
        s.map.erase(it);
        return;
      }
      it->second = Entry{std::move(block), charge, true};
      s.charge += charge;
      total_.fetch_add(charge, std::memory_order_relaxed);
      // The new block may be larger than the old.
      while (s.charge > shard_limit() && EvictOne(s, &dropped)) {
      }
    } else {
      if (charge > fair_share_) return;
      while (s.charge + charge > shard_limit() && EvictOne(s, &dropped)) {
      }
      s.map.emplace(key, Entry{std::move(block), charge, false});
      s.clock.push_back(key);
      s.charge += charge;
      total_.fetch_add(charge, std::memory_order_relaxed);
      if (s.clock.size() > 2 * s.map.size() + 64) DropStaleKeys(s);
    }
  }
  EvictToCapacity(&dropped);
}

void BlockCache::EraseFile(uint64_t file) {
  for (Shard& s : shards_) {
    std::vector<std::shared_ptr<const Block>> dropped;
    MutexLock lock(&s.mu);
    for (auto it = s.map.begin(); it != s.map.end();) {
      if (it->first.first == file) {
        s.charge -= it->second.charge;
        total_.fetch_sub(it->second.charge, std::memory_order_relaxed);
        dropped.push_back(std::move(it->second.block));
        s.map.erase(it++);
      } else {
        ++it;
      }
    }
    if (s.clock.size() > 2 * s.map.size() + 64) DropStaleKeys(s);
  }
}

}  // namespace strata
