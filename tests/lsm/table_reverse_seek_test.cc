// Reverse seeks over columnar SSTs (the last point of every series): they
// read blocks in the compact form (BlockForm::kCompact), which the cache
// holds at about the encoded size, so a second pass reads no file; scans,
// forward or backward, still cache decoded blocks; both forms cached side by
// side read the same entries; and a damaged block still fails naming the file
// and offset.
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/block_cache.h"
#include "lsm/read_stats.h"
#include "table_test_util.h"

namespace strata {
namespace {

constexpr int kSeries = 60;
constexpr int kPoints = 700;

std::string SeriesKey(int s) {
  return absl::StrFormat("cpu,host=host_%03d#usage_user", s);
}

// kSeries regular series; block ends fall inside series.
std::vector<TestEntry> SeriesEntries() {
  std::vector<TestEntry> out;
  Random rnd(42);
  for (int s = 0; s < kSeries; s++) {
    int64_t v = 1000 + s;
    for (int p = 0; p < kPoints; p++) {
      const int64_t ts = 1'700'000'000'000'000'000 + p * 10'000'000'000;
      v += static_cast<int64_t>(rnd.Uniform(21)) - 10;
      std::string value(8, '\0');
      const double d = v / 100.0;
      std::memcpy(value.data(), &d, 8);
      out.push_back(TestEntry{IKey(SeriesKey(s), ts, 0), kNeverExpires, value});
    }
  }
  return out;
}

struct Fixture {
  std::vector<TestEntry> ref = SeriesEntries();
  std::string file;
  Fixture() {
    TableBuildOptions opt;
    opt.columnar_block_size = 32 << 10;  // ~700 entries: several per series
    file = BuildTable(opt, ref);
  }
};

// The fixture's table opened over a 64 MiB cache, counting file reads.
struct CachedFixture : Fixture {
  BlockCache cache{64 << 20};
  ReadStats stats;
  std::atomic<int> reads{0};
  absl::StatusOr<std::shared_ptr<Table>> Open() {
    return OpenTable(file, &cache, &stats, 7, &reads);
  }
};

// Seeks to each series' last point and steps back once, as a DB iterator
// reading last() does; checks both against the reference.
void ReadLastPoints(const std::vector<TestEntry>& ref, InternalIterator* it) {
  for (int s = 0; s < kSeries; s++) {
    const size_t last = (s + 1) * kPoints - 1;
    it->SeekForPrev(SeekKey(SeriesKey(s), kMaxTimestamp, 0));
    ExpectAt(ref, it, last, "last point");
    it->Prev();
    ExpectAt(ref, it, last - 1, "the point before");
  }
  it->SeekToLast();
  ExpectAt(ref, it, ref.size() - 1, "SeekToLast");
}

TEST(TableReverseSeek, SecondPassOfLastPointsReadsNoFile) {
  CachedFixture f;
  auto t = f.Open();
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_GT((*t)->properties().num_columnar_blocks, 40u);
  f.reads = 0;
  ReadLastPoints(f.ref, (*t)->NewIterator(TableReadOptions()).get());
  const int first_reads = f.reads.load();
  EXPECT_GT(first_reads, kSeries / 2);
  const uint64_t misses = f.stats.block_cache_misses.load();
  // The blocks stay cached at about their stored size (LZ4 barely shrinks
  // columnar payloads), far below the ~32 bytes per entry decoded.
  const size_t charge = f.cache.charge();
  EXPECT_LT(charge, 3 * f.file.size());

  ReadLastPoints(f.ref, (*t)->NewIterator(TableReadOptions()).get());
  EXPECT_EQ(f.reads.load(), first_reads) << "no new file reads";
  EXPECT_EQ(f.stats.block_cache_misses.load(), misses);
  EXPECT_EQ(f.cache.charge(), charge);

  // A scan caches decoded blocks, much bigger than the compact ones.
  ReadAll((*t)->NewIterator(TableReadOptions()).get());
  EXPECT_GT(f.cache.charge(), charge + 16 * f.ref.size());
}

TEST(TableReverseSeek, ReverseSeeksUseACachedDecodedBlock) {
  CachedFixture f;
  auto t = f.Open();
  ASSERT_TRUE(t.ok());
  ReadAll((*t)->NewIterator(TableReadOptions()).get());
  const size_t charge = f.cache.charge();
  f.reads = 0;
  const uint64_t hits = f.stats.block_cache_hits.load();
  ReadLastPoints(f.ref, (*t)->NewIterator(TableReadOptions()).get());
  EXPECT_EQ(f.reads.load(), 0);
  EXPECT_EQ(f.cache.charge(), charge) << "no compact copies added";
  EXPECT_GT(f.stats.block_cache_hits.load(), hits);
}

// Stepping back across blocks is a reverse scan: those blocks are cached
// decoded, as a forward scan caches them, so repeating it decodes nothing.
TEST(TableReverseSeek, ReverseScansCacheDecodedBlocks) {
  Fixture f;
  BlockCache cache(64 << 20);
  auto t = OpenTable(f.file, &cache, nullptr, 7);
  ASSERT_TRUE(t.ok());
  auto it = (*t)->NewIterator(TableReadOptions());
  size_t i = f.ref.size();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(i, 0u);
    ASSERT_EQ(it->key(), f.ref[--i].key);
  }
  EXPECT_EQ(i, 0u);
  // Only the last block, where SeekToLast landed, is compact.
  EXPECT_GT(cache.charge(), 24 * f.ref.size());
}

// Every iterator operation, over passes that leave compact, decoded or
// both forms cached (and a cache so small that forms evict each other).
TEST(TableReverseSeek, MixedFormsReadTheSameEntries) {
  Fixture f;
  for (size_t capacity : {size_t{64} << 20, size_t{16} * 4096}) {
    BlockCache cache(capacity);
    auto t = OpenTable(f.file, &cache, nullptr, 9);
    ASSERT_TRUE(t.ok());
    for (int pass = 0; pass < 3; pass++) {
      SCOPED_TRACE(absl::StrFormat("capacity %d pass %d", capacity, pass));
      auto it = (*t)->NewIterator(TableReadOptions());
      if (pass == 0) ReadLastPoints(f.ref, it.get());
      CheckIterator(f.ref, it.get(), 100 + pass, 97, 300);
      ReadLastPoints(f.ref, it.get());
      if (HasFatalFailure()) return;
    }
  }
}

TEST(TableReverseSeek, DamagedBlockFailsNamingFileAndOffset) {
  Fixture f;
  auto clean = OpenTable(f.file);
  ASSERT_TRUE(clean.ok());
  const IndexEntry& e = (*clean)->index()[3];
  std::string bad = f.file;
  bad[e.handle.offset + e.handle.size - 5] ^= 0x40;  // inside the payload
  auto t = OpenTable(bad);
  ASSERT_TRUE(t.ok());
  auto it = (*t)->NewIterator(TableReadOptions());
  it->SeekForPrev(e.last_key);
  EXPECT_FALSE(it->Valid());
  ASSERT_TRUE(absl::IsDataLoss(it->status())) << it->status();
  const std::string msg(it->status().message());
  EXPECT_NE(msg.find("test.sst"), std::string::npos) << msg;
  EXPECT_NE(msg.find(absl::StrFormat("%d", e.handle.offset)), std::string::npos)
      << msg;
}

}  // namespace
}  // namespace strata
