// Block cache: CLOCK eviction within the byte budget, hit/miss counting,
// replacement, EraseFile, concurrent use, and how tables use it (hits on
// re-reads, fill_cache=false, blocks outliving eviction).
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lsm/block_cache.h"
#include "table_test_util.h"
#include "util/random.h"

namespace strata {
namespace {

class FakeBlock final : public Block {
 public:
  explicit FakeBlock(size_t usage) : usage_(usage) {}
  size_t MemoryUsage() const override { return usage_; }
  std::unique_ptr<InternalIterator> NewIterator() const override {
    return NewEmptyIterator();
  }

 private:
  size_t usage_;
};

std::shared_ptr<const Block> Fake(size_t usage) {
  return std::make_shared<FakeBlock>(usage);
}

TEST(BlockCache, LookupFindsWhatWasInserted) {
  BlockCache cache(1 << 20);
  auto b = Fake(100);
  EXPECT_EQ(cache.Lookup(1, 0), nullptr);
  cache.Insert(1, 0, b);
  EXPECT_EQ(cache.Lookup(1, 0), b);
  EXPECT_EQ(cache.Lookup(1, 1), nullptr);  // other offset
  EXPECT_EQ(cache.Lookup(2, 0), nullptr);  // other file
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_EQ(cache.charge(), 100u);
}

TEST(BlockCache, ReplacingAKeyKeepsTheChargeRight) {
  BlockCache cache(1 << 20);
  cache.Insert(1, 0, Fake(100));
  auto b = Fake(300);
  cache.Insert(1, 0, b);
  EXPECT_EQ(cache.charge(), 300u);
  EXPECT_EQ(cache.Lookup(1, 0), b);
}

TEST(BlockCache, ChargeStaysWithinCapacityAndRecentBlocksSurvive) {
  const size_t kCapacity = 16 * 1000;  // 1000 bytes per shard
  BlockCache cache(kCapacity);
  auto hot = Fake(100);
  cache.Insert(7, 7, hot);
  for (uint64_t i = 0; i < 2000; i++) {
    cache.Insert(1, i, Fake(100));
    ASSERT_LE(cache.charge(), kCapacity);
    // Touching the hot block keeps it most recently used in its shard.
    ASSERT_EQ(cache.Lookup(7, 7), hot) << i;
  }
  // The oldest blocks are gone, the newest are mostly there.
  int old_present = 0, new_present = 0;
  for (uint64_t i = 0; i < 100; i++) {
    old_present += cache.Lookup(1, i) != nullptr;
    new_present += cache.Lookup(1, 1999 - i) != nullptr;
  }
  EXPECT_EQ(old_present, 0);
  EXPECT_GT(new_present, 50);
  EXPECT_GT(cache.charge(), kCapacity / 2);
}

// Keys hash unevenly over the shards: a working set under the capacity
// must stay whole (a strict per-shard split dropped some of it).
TEST(BlockCache, AWorkingSetUnderCapacityStaysWhole) {
  const size_t kCapacity = 16 * 10'000;
  BlockCache cache(kCapacity);
  const int kBlocks = 400;  // 25 per shard on average, 90% of the capacity
  const size_t kSize = kCapacity * 97 / 100 / kBlocks;
  for (int round = 0; round < 3; round++) {
    for (uint64_t i = 0; i < kBlocks; i++) {
      if (cache.Lookup(3, i) == nullptr) cache.Insert(3, i, Fake(kSize));
      ASSERT_LE(cache.charge(), kCapacity);
    }
  }
  for (uint64_t i = 0; i < kBlocks; i++) {
    EXPECT_NE(cache.Lookup(3, i), nullptr) << i;
  }
  EXPECT_EQ(cache.charge(), kBlocks * kSize);
}

// When the working set moves on, the new one takes the room the old one
// held, whichever shards either hashes to, and the budget holds throughout.
TEST(BlockCache, ANewWorkingSetReplacesTheOld) {
  const size_t kCapacity = 16 * 10'000;
  BlockCache cache(kCapacity);
  const int kBlocks = 400;
  const size_t kSize = kCapacity * 97 / 100 / kBlocks;
  for (uint64_t file : {3, 4}) {
    for (int round = 0; round < 6; round++) {
      for (uint64_t i = 0; i < kBlocks; i++) {
        if (cache.Lookup(file, i) == nullptr) {
          cache.Insert(file, i, Fake(kSize));
        }
        ASSERT_LE(cache.charge(), kCapacity);
      }
    }
  }
  int present = 0;
  for (uint64_t i = 0; i < kBlocks; i++)
    present += cache.Lookup(4, i) != nullptr;
  EXPECT_EQ(present, kBlocks);
}

TEST(BlockCache, BlocksLargerThanAShardAreNotCached) {
  BlockCache cache(16 * 1000);
  cache.Insert(1, 0, Fake(1001));
  EXPECT_EQ(cache.Lookup(1, 0), nullptr);
  EXPECT_EQ(cache.charge(), 0u);
  BlockCache none(0);
  none.Insert(1, 0, Fake(1));
  EXPECT_EQ(none.Lookup(1, 0), nullptr);
}

TEST(BlockCache, EraseFileDropsOnlyThatFile) {
  BlockCache cache(1 << 20);
  for (uint64_t i = 0; i < 50; i++) {
    cache.Insert(1, i, Fake(10));
    cache.Insert(2, i, Fake(20));
  }
  EXPECT_EQ(cache.charge(), 1500u);
  cache.EraseFile(1);
  EXPECT_EQ(cache.charge(), 1000u);
  for (uint64_t i = 0; i < 50; i++) {
    EXPECT_EQ(cache.Lookup(1, i), nullptr);
    EXPECT_NE(cache.Lookup(2, i), nullptr);
  }
}

// LookupMany answers, marks and counts as one Lookup per key would: two
// caches fed the same blocks, one read through LookupMany and one through
// Lookup (keys of every shard, repeats, misses), then filled past their
// budget, keep the same blocks.
TEST(BlockCache, LookupManyIsLookupPerKey) {
  const size_t kCapacity = 16 * 200;  // 20 blocks per shard
  BlockCache many(kCapacity), one(kCapacity);
  std::vector<std::shared_ptr<const Block>> blocks;
  for (uint64_t i = 0; i < 200; i++) {
    blocks.push_back(Fake(10));
    many.Insert(1, i, blocks.back());
    one.Insert(1, i, blocks.back());
    many.Insert(2, i, Fake(10));
    one.Insert(2, i, Fake(10));
  }
  std::vector<uint64_t> offsets;
  for (uint64_t i = 0; i < 600; i += 7) offsets.push_back(i % 300);
  std::vector<std::shared_ptr<const Block>> out(offsets.size(), Fake(1));
  size_t want_hits = 0;
  for (uint64_t off : offsets) want_hits += one.Lookup(1, off) != nullptr;
  EXPECT_EQ(many.LookupMany(1, offsets, out), want_hits);
  for (size_t k = 0; k < offsets.size(); k++) {
    EXPECT_EQ(out[k], one.Lookup(1, offsets[k])) << k;
  }
  EXPECT_EQ(many.hits(), want_hits);
  EXPECT_EQ(many.misses(), offsets.size() - want_hits);
  for (uint64_t i = 0; i < 150; i++) {
    many.Insert(3, i, Fake(10));
    one.Insert(3, i, Fake(10));
  }
  size_t kept = 0;
  for (uint64_t i = 0; i < 200; i++) {
    const bool in_one = one.Lookup(1, i) != nullptr;
    EXPECT_EQ(many.Lookup(1, i) != nullptr, in_one) << i;
    kept += in_one;
  }
  EXPECT_GT(kept, 0u);    // some survived by their marks...
  EXPECT_LT(kept, 200u);  // ...and the fill evicted
}

// A replaced block keeps its key's turn on the clock: it is still evicted
// once it goes unused, and the budget holds throughout.
TEST(BlockCache, ReplacedBlocksAreStillEvicted) {
  const size_t kCapacity = 16 * 1000;  // 1000 bytes per shard
  BlockCache cache(kCapacity);
  for (int r = 0; r < 5; r++) cache.Insert(9, 9, Fake(100 + r));
  for (uint64_t i = 0; i < 3000; i++) {
    cache.Insert(1, i, Fake(100));
    ASSERT_LE(cache.charge(), kCapacity);
    if (i % 7 == 0) cache.Insert(1, i / 2, Fake(120));  // more replacing
  }
  EXPECT_EQ(cache.Lookup(9, 9), nullptr);
}

// Erasing files leaves stale keys on the clock; they are skipped, and
// whatever is cached afterwards still keeps to the budget.
TEST(BlockCache, EraseFileThenRefillKeepsTheBudget) {
  const size_t kCapacity = 16 * 1000;
  BlockCache cache(kCapacity);
  for (uint64_t f = 0; f < 50; f++) {
    for (uint64_t i = 0; i < 40; i++) cache.Insert(f, i, Fake(60));
    cache.EraseFile(f);
    EXPECT_EQ(cache.Lookup(f, 0), nullptr);
  }
  EXPECT_EQ(cache.charge(), 0u);
  for (uint64_t i = 0; i < 2000; i++) {
    cache.Insert(100, i, Fake(90));
    ASSERT_LE(cache.charge(), kCapacity);
  }
  EXPECT_GT(cache.charge(), kCapacity / 2);
}

TEST(BlockCache, EvictedBlocksStayAliveWhileUsed) {
  BlockCache cache(16 * 100);
  cache.Insert(1, 0, Fake(100));
  std::shared_ptr<const Block> held = cache.Lookup(1, 0);
  ASSERT_NE(held, nullptr);
  cache.EraseFile(1);
  EXPECT_EQ(cache.Lookup(1, 0), nullptr);
  EXPECT_EQ(held->MemoryUsage(), 100u);  // still valid (ASan would object)
}

TEST(BlockCache, ConcurrentUseKeepsTheBudget) {
  const size_t kCapacity = 16 * 4096;
  BlockCache cache(kCapacity);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&cache, t] {
      Random rnd(t + 1);
      for (int i = 0; i < 20000; i++) {
        uint64_t file = rnd.Uniform(4), off = rnd.Uniform(500);
        if (rnd.OneIn(3)) {
          cache.Insert(file, off, Fake(64 + rnd.Uniform(512)));
        } else if (rnd.OneIn(500)) {
          cache.EraseFile(file);
        } else {
          auto b = cache.Lookup(file, off);
          if (b != nullptr) {
            ASSERT_GE(b->MemoryUsage(), 64u);
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.charge(), kCapacity);
  EXPECT_GT(cache.hits() + cache.misses(), 0u);
}

class TableWithCache : public ::testing::Test {
 protected:
  void SetUp() override {
    ref_ = RandomEntries(5, 3000);
    TableBuildOptions opt;
    opt.block_size = 256;
    file_ = BuildTable(opt, ref_);
  }
  std::vector<TestEntry> ref_;
  std::string file_;
};

TEST_F(TableWithCache, SecondReadHitsEveryBlock) {
  BlockCache cache(64 << 20);
  ReadStats stats;
  std::atomic<int> reads{0};
  auto t = OpenTable(file_, &cache, &stats, 3, &reads);
  ASSERT_TRUE(t.ok());
  const uint64_t blocks = (*t)->index().size();
  reads = 0;
  EXPECT_EQ(ReadAll((*t)->NewIterator(TableReadOptions()).get()).size(),
            ref_.size());
  EXPECT_EQ(stats.block_cache_misses.load(), blocks);
  EXPECT_EQ(stats.block_cache_hits.load(), 0u);
  EXPECT_EQ(reads.load(), static_cast<int>(blocks));
  EXPECT_GT(cache.charge(), file_.size() / 2);

  EXPECT_EQ(ReadAll((*t)->NewIterator(TableReadOptions()).get()).size(),
            ref_.size());
  EXPECT_EQ(stats.block_cache_hits.load(), blocks);
  EXPECT_EQ(stats.block_cache_misses.load(), blocks);
  EXPECT_EQ(stats.blocks_read.load(), 2 * blocks);
  EXPECT_EQ(reads.load(), static_cast<int>(blocks)) << "no new file reads";

  // Another file number never sees this table's blocks.
  ReadStats other_stats;
  auto other = OpenTable(file_, &cache, &other_stats, 4);
  ASSERT_TRUE(other.ok());
  ReadAll((*other)->NewIterator(TableReadOptions()).get());
  EXPECT_EQ(other_stats.block_cache_hits.load(), 0u);
}

TEST_F(TableWithCache, FillCacheFalseLooksUpButDoesNotInsert) {
  BlockCache cache(64 << 20);
  ReadStats stats;
  auto t = OpenTable(file_, &cache, &stats, 3);
  ASSERT_TRUE(t.ok());
  const uint64_t blocks = (*t)->index().size();
  TableReadOptions no_fill;
  no_fill.fill_cache = false;
  for (int pass = 0; pass < 2; pass++) {
    EXPECT_EQ(ReadAll((*t)->NewIterator(no_fill).get()).size(), ref_.size());
  }
  EXPECT_EQ(cache.charge(), 0u);
  EXPECT_EQ(stats.block_cache_misses.load(), 2 * blocks);
  EXPECT_EQ(stats.block_cache_hits.load(), 0u);

  // Blocks cached by a filling read are then found by non-filling reads.
  ReadAll((*t)->NewIterator(TableReadOptions()).get());
  ReadAll((*t)->NewIterator(no_fill).get());
  EXPECT_EQ(stats.block_cache_hits.load(), blocks);
}

TEST_F(TableWithCache, SmallCacheEvictsButReadsStayCorrect) {
  BlockCache cache(16 * 2048);  // about one block per shard
  ReadStats stats;
  auto t = OpenTable(file_, &cache, &stats, 3);
  ASSERT_TRUE(t.ok());
  for (int pass = 0; pass < 3; pass++) {
    auto it = (*t)->NewIterator(TableReadOptions());
    CheckIterator(ref_, it.get(), pass, 31, 200);
  }
  EXPECT_LE(cache.charge(), 16u * 2048);
  EXPECT_GT(stats.block_cache_misses.load(), (*t)->index().size());
}

}  // namespace
}  // namespace strata
