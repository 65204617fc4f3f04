// Corruption sweep: flip bytes all over a small table and truncate it at
// every length. Each read must return DataLoss (naming the file and the
// damaged block's offset) or exactly the original data; never wrong data,
// never a crash. Every byte of an SST is checksummed, so every flip must
// be noticed by Open or by a full read.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "table_test_util.h"

namespace strata {
namespace {

struct SweepCase {
  const char* name;
  bool compression;
  BlockEncodingChoice encoding;
};

class CorruptionSweep : public ::testing::TestWithParam<SweepCase> {
 protected:
  void SetUp() override {
    ref_ = RandomEntries(77, 300, 24);
    TableBuildOptions opt;
    opt.compression = GetParam().compression;
    opt.encoding = GetParam().encoding;
    // Small blocks (cut at 4x this size, 512 bytes, short of 128
    // entries) make many of them.
    opt.block_size = 128;
    tombstones_ = {{"user000003", "user000009", 5, 50, 900},
                   {"b", "", kMinTimestamp, kMaxTimestamp, 3}};
    file_ = BuildTable(opt, ref_, tombstones_, &props_);
    auto t = OpenTable(file_);
    ASSERT_TRUE(t.ok()) << t.status();
    index_ = (*t)->index();
    ASSERT_GT(index_.size(), 10u);
  }

  // The offset an error must name for damage at byte pos: the start of the
  // data block holding it, or -1 for meta blocks and the footer.
  int64_t DataBlockOffsetOf(size_t pos) const {
    for (const IndexEntry& e : index_) {
      if (pos >= e.handle.offset && pos < e.handle.offset + e.handle.size) {
        return static_cast<int64_t>(e.handle.offset);
      }
    }
    return -1;
  }

  static void ExpectDataLoss(const absl::Status& s, int64_t offset,
                             std::string_view what) {
    EXPECT_TRUE(absl::IsDataLoss(s)) << what << ": " << s;
    std::string msg(s.message());
    EXPECT_NE(msg.find("test.sst"), std::string::npos) << msg;
    if (offset >= 0) {
      EXPECT_NE(msg.find(absl::StrFormat("at offset %d", offset)),
                std::string::npos)
          << what << ": " << msg;
    }
  }

  // Reads everything from a damaged copy; true if damage was reported.
  bool ReadDamaged(const std::string& bad, size_t pos, BlockCache* cache) {
    int64_t block_offset = DataBlockOffsetOf(pos);
    auto t = OpenTable(bad, cache, nullptr, /*file_number=*/pos + 100);
    if (!t.ok()) {
      ExpectDataLoss(t.status(), -1, "open");
      return true;
    }
    // Meta blocks were checksummed at open: they must be intact.
    EXPECT_EQ((*t)->properties(), props_) << pos;
    EXPECT_EQ((*t)->range_tombstones().size(), tombstones_.size()) << pos;
    bool detected = false;

    auto it = (*t)->NewIterator(TableReadOptions());
    size_t i = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
      EXPECT_LT(i, ref_.size());
      if (i >= ref_.size() ||
          !SameEntry(ref_[i], TestEntry{std::string(it->key()), it->expire_at(),
                                        std::string(it->value())})) {
        ADD_FAILURE() << "wrong data at entry " << i << " flip at " << pos;
        return true;
      }
    }
    if (!it->status().ok()) {
      ExpectDataLoss(it->status(), block_offset, "forward");
      detected = true;
      // The damaged block did not enter the cache: reading again fails too.
      absl::Status again;
      ReadAll(it.get(), &again);
      ExpectDataLoss(again, block_offset, "second read");
    } else {
      EXPECT_EQ(i, ref_.size()) << pos;
    }

    i = ref_.size();
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      if (i == 0 || it->key() != ref_[i - 1].key ||
          it->value() != ref_[i - 1].value) {
        ADD_FAILURE() << "wrong data backward at " << i << " flip at " << pos;
        return true;
      }
      i--;
    }
    EXPECT_EQ(it->status().ok(), !detected) << pos;

    absl::Status v = (*t)->VerifyAllBlocks();
    if (!v.ok()) ExpectDataLoss(v, block_offset, "verify");
    EXPECT_EQ(v.ok(), !detected) << pos;
    return detected;
  }

  std::vector<TestEntry> ref_;
  std::vector<RangeTombstone> tombstones_;
  TableProperties props_;
  std::string file_;
  std::vector<IndexEntry> index_;
};

TEST_P(CorruptionSweep, EveryFlippedByteIsCaught) {
  BlockCache cache(1 << 20);
  int flips = 0;
  for (size_t pos = 0; pos < file_.size(); pos += 3) {
    for (uint8_t mask : {0x01, 0xa5}) {
      std::string bad = file_;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      EXPECT_TRUE(ReadDamaged(bad, pos, mask == 0x01 ? &cache : nullptr))
          << "flip of byte " << pos << " went unnoticed";
      flips++;
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(flips, 1000);
  EXPECT_GT(cache.charge(), 0u);  // intact blocks of damaged files were cached
}

TEST_P(CorruptionSweep, EveryTruncationIsDataLoss) {
  for (size_t len = 0; len < file_.size(); len++) {
    auto t = OpenTable(file_.substr(0, len));
    ASSERT_FALSE(t.ok()) << len;
    ExpectDataLoss(t.status(), -1, "truncated");
  }
}

TEST_P(CorruptionSweep, ShortReadsAndTrailingGarbageAreDataLoss) {
  // The caller believes the file is longer than it is.
  auto t = Table::Open(
      std::make_unique<StringSource>(file_.substr(0, file_.size() - 10)),
      file_.size(), "test.sst", 1, nullptr, nullptr);
  ASSERT_FALSE(t.ok());
  ExpectDataLoss(t.status(), file_.size() - kFooterSize, "short read");
  t = OpenTable(file_ + "junk");
  ASSERT_FALSE(t.ok());
  ExpectDataLoss(t.status(), file_.size() + 4 - kFooterSize, "appended");
  // A file glued in front of another keeps the second's footer but its
  // handles no longer tile the meta region.
  t = OpenTable(std::string(100, '\0') + file_);
  ASSERT_FALSE(t.ok());
  ExpectDataLoss(t.status(), -1, "prepended");
}

TEST_P(CorruptionSweep, DamagedBlockFailsOnlyReadsThatTouchIt) {
  // Zero the payload of block 3: reads of other blocks still work.
  std::string bad = file_;
  const IndexEntry& e = index_[3];
  for (uint64_t p = e.handle.offset + kBlockHeaderSize;
       p < e.handle.offset + e.handle.size; p++) {
    bad[p] = 0;
  }
  auto t = OpenTable(bad);
  ASSERT_TRUE(t.ok());
  auto it = (*t)->NewIterator(TableReadOptions());
  it->Seek(index_[5].first_key);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), index_[5].first_key);
  it->Seek(index_[3].first_key);
  EXPECT_FALSE(it->Valid());
  ExpectDataLoss(it->status(), e.handle.offset, "seek into damage");
  // A new seek clears the error.
  it->Seek(index_[1].first_key);
  ASSERT_TRUE(it->Valid());
  EXPECT_TRUE(it->status().ok());
  // Walking forward into the damaged block stops with the error.
  while (it->Valid()) it->Next();
  ExpectDataLoss(it->status(), e.handle.offset, "walk into damage");
}

INSTANTIATE_TEST_SUITE_P(
    Variants, CorruptionSweep,
    ::testing::Values(SweepCase{"Lz4", true, BlockEncodingChoice::kAuto},
                      SweepCase{"Raw", false, BlockEncodingChoice::kRow}),
    [](const ::testing::TestParamInfo<SweepCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace strata
