// Block skipping: a table of 445 row blocks with increasing timestamps must
// read exactly the blocks overlapping a read's time window, and none of the
// blocks whose records all expired, in every direction and on seeks. File
// reads are counted, so "skipped" means "never read".
#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "table_test_util.h"

namespace strata {
namespace {

// One series, ts = 10 * i. Logical entry size 1 + 16 + 100 + 8 = 125 bytes;
// with 256-byte blocks a row block is cut at 4 block sizes (short of 128
// entries), so it holds 9 entries: block b covers ts [90b, 90b + 80].
constexpr size_t kBlockSize = 256;
constexpr int kEntries = 4000;
constexpr int kPerBlock = 9;
constexpr int kBlocks = (kEntries + kPerBlock - 1) / kPerBlock;  // 445
constexpr int64_t kTtl = 1000;
constexpr int kDeleteIndex = 47;  // in block 5

Timestamp TsOf(int i) { return 10 * i; }

class TableSkip : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kEntries; i++) {
      ValueKind kind = i == kDeleteIndex ? ValueKind::kDelete : ValueKind::kPut;
      entries_.push_back(
          {IKey("s", TsOf(i), 1, kind), TsOf(i) + kTtl, std::string(100, 'v')});
    }
    TableBuildOptions opt;
    opt.encoding = BlockEncodingChoice::kRow;
    opt.block_size = kBlockSize;
    opt.compression = false;
    auto t = OpenTable(BuildTable(opt, entries_), nullptr, &stats_, 1, &reads_);
    ASSERT_TRUE(t.ok()) << t.status();
    table_ = *t;
    ASSERT_EQ(table_->index().size(), static_cast<size_t>(kBlocks));
    ASSERT_EQ(table_->index()[1].count, static_cast<uint32_t>(kPerBlock));
    ResetCounters();
  }

  void ResetCounters() {
    reads_ = 0;
    stats_.blocks_read = 0;
    stats_.blocks_skipped_time = 0;
    stats_.blocks_skipped_expired = 0;
  }

  // Checks the counters after one full pass and resets them.
  void ExpectCounts(int read, int skipped_time, int skipped_expired) {
    EXPECT_EQ(stats_.blocks_read.load(), static_cast<uint64_t>(read));
    EXPECT_EQ(reads_.load(), read) << "file reads";
    EXPECT_EQ(stats_.blocks_skipped_time.load(),
              static_cast<uint64_t>(skipped_time));
    EXPECT_EQ(stats_.blocks_skipped_expired.load(),
              static_cast<uint64_t>(skipped_expired));
    ResetCounters();
  }

  std::vector<TestEntry> entries_;
  ReadStats stats_;
  std::atomic<int> reads_{0};
  std::shared_ptr<Table> table_;
};

TEST_F(TableSkip, WindowReadsOnlyOverlappingBlocksBothWays) {
  TableReadOptions ro;
  ro.t0 = 10000;
  ro.t1 = 20000;
  // Blocks with 90b + 80 >= 10000 and 90b < 20000: 111 ..= 222.
  const int first = 111, last = 222, overlapping = last - first + 1;

  auto it = table_->NewIterator(ro);
  std::vector<TestEntry> got = ReadAll(it.get());
  ExpectCounts(overlapping, kBlocks - overlapping, 0);
  ASSERT_EQ(got.size(), static_cast<size_t>(overlapping * kPerBlock));
  EXPECT_EQ(got.front().key, entries_[first * kPerBlock].key);
  EXPECT_EQ(got.back().key, entries_[(last + 1) * kPerBlock - 1].key);
  // Every record inside the window is among them.
  EXPECT_LE(ExtractTimestamp(got.front().key), ro.t0);
  EXPECT_GE(ExtractTimestamp(got.back().key), ro.t1 - 10);

  size_t n = 0;
  for (it->SeekToLast(); it->Valid(); it->Prev()) n++;
  EXPECT_EQ(n, got.size());
  ExpectCounts(overlapping, kBlocks - overlapping, 0);
}

TEST_F(TableSkip, SeeksLandPastSkippedBlocksWithoutReadingThem) {
  TableReadOptions ro;
  ro.t0 = 10000;
  ro.t1 = 20000;
  auto it = table_->NewIterator(ro);
  it->Seek(SeekKey("s", 0));  // block 0 is outside the window
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), entries_[111 * kPerBlock].key);
  ExpectCounts(1, 111, 0);

  it->SeekForPrev(SeekKey("s", 1000000));  // past the last block
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), entries_[223 * kPerBlock - 1].key);
  ExpectCounts(1, kBlocks - 223, 0);

  it->Seek(SeekKey("s", 15000));  // inside the window: block 166
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(ExtractTimestamp(it->key()), 15000);
  ExpectCounts(1, 0, 0);

  // Stepping off either edge of the window skips the rest unread.
  it->Seek(SeekKey("s", 20050));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(ExtractTimestamp(it->key()), 20050);
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(ExtractTimestamp(it->key()), 20060);
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
  ExpectCounts(1, kBlocks - 223, 0);
  it->Seek(SeekKey("s", 9990));
  ASSERT_TRUE(it->Valid());
  it->Prev();
  EXPECT_FALSE(it->Valid());
  ExpectCounts(1, 111, 0);
}

TEST_F(TableSkip, ExpiredBlocksAreSkippedButNotThoseWithDeletes) {
  TableReadOptions ro;
  ro.now = 20000;
  // Block max_expire_at = 90b + 80 + 1000 <= 20000 for b <= 210, except
  // block 5 which holds a delete (never expires).
  const int expired = 211 - 1;
  auto it = table_->NewIterator(ro);
  std::vector<TestEntry> got = ReadAll(it.get());
  ExpectCounts(kBlocks - expired, 0, expired);
  EXPECT_EQ(got.front().key, entries_[5 * kPerBlock].key);
  EXPECT_EQ(got[kPerBlock].key, entries_[211 * kPerBlock].key);
  // Every unexpired record is still there.
  size_t live = 0;
  for (const TestEntry& e : entries_) live += e.expire_at > ro.now;
  size_t got_live = 0;
  for (const TestEntry& e : got) got_live += e.expire_at > ro.now;
  EXPECT_EQ(got_live, live);

  size_t n = 0;
  for (it->SeekToLast(); it->Valid(); it->Prev()) n++;
  EXPECT_EQ(n, got.size());
  ExpectCounts(kBlocks - expired, 0, expired);
}

TEST_F(TableSkip, WindowAndExpiryCombine) {
  TableReadOptions ro;
  ro.t0 = 10000;
  ro.t1 = 20000;
  ro.now = 15000;  // blocks b <= 154 expired
  auto it = table_->NewIterator(ro);
  std::vector<TestEntry> got = ReadAll(it.get());
  // Time is checked first: 0..110 and 223.. skip on time, 111..154 expired.
  ExpectCounts(222 - 155 + 1, kBlocks - 112, 154 - 111 + 1);
  EXPECT_EQ(got.size(), static_cast<size_t>((222 - 155 + 1) * kPerBlock));
}

TEST_F(TableSkip, CachedBlocksAreSkippedToo) {
  BlockCache cache(64 << 20);
  ReadStats stats;
  std::atomic<int> reads{0};
  TableBuildOptions opt;
  opt.encoding = BlockEncodingChoice::kRow;
  opt.block_size = kBlockSize;
  auto t = OpenTable(BuildTable(opt, entries_), &cache, &stats, 9, &reads);
  ASSERT_TRUE(t.ok());
  ReadAll((*t)->NewIterator(TableReadOptions()).get());
  EXPECT_EQ(stats.block_cache_misses.load(), static_cast<uint64_t>(kBlocks));
  TableReadOptions ro;
  ro.t0 = 0;
  ro.t1 = 900;  // blocks 0..9
  ReadAll((*t)->NewIterator(ro).get());
  EXPECT_EQ(stats.block_cache_hits.load(), 10u);
  EXPECT_EQ(stats.blocks_read.load(), static_cast<uint64_t>(kBlocks + 10));
  EXPECT_EQ(stats.blocks_skipped_time.load(),
            static_cast<uint64_t>(kBlocks - 10));
}

TEST(TableSkipEdges, MaxTimestampUpperBoundIsOpenEnded) {
  std::vector<TestEntry> entries = {{IKey("a", kMaxTimestamp), 0, "v"}};
  auto t = OpenTable(BuildTable(TableBuildOptions(), entries));
  ASSERT_TRUE(t.ok());
  TableReadOptions ro;
  ro.t0 = 5;
  auto it = (*t)->NewIterator(ro);
  it->SeekToFirst();
  EXPECT_TRUE(it->Valid());
  ro.t0 = kMinTimestamp;
  ro.t1 = kMaxTimestamp - 1;
  it = (*t)->NewIterator(ro);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

}  // namespace
}  // namespace strata
