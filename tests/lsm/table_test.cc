// Table builder + reader: round trips against a sorted reference under
// every iterator operation for a table of configurations, properties,
// bloom checks, range tombstones, format-version and misuse errors.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "table_test_util.h"

namespace strata {
namespace {

struct Config {
  const char* name;
  BlockEncodingChoice encoding;
  bool compression;
  size_t block_size;
  bool use_cache;
  // kRow: a format version 1 file, as older builds wrote.
  BlockEncoding row_encoding = BlockEncoding::kRowPacked;
};

class TableRoundTrip : public ::testing::TestWithParam<Config> {};

TEST_P(TableRoundTrip, FiftyThousandEntriesMatchTheReference) {
  const Config& c = GetParam();
  std::vector<TestEntry> ref = RandomEntries(42, 50000);
  ASSERT_GT(ref.size(), 49000u);
  TableBuildOptions opt;
  opt.encoding = c.encoding;
  opt.compression = c.compression;
  opt.block_size = c.block_size;
  opt.row_encoding = c.row_encoding;
  TableProperties built;
  std::string file = BuildTable(opt, ref, {}, &built);

  BlockCache cache(8 << 20);
  ReadStats stats;
  auto table = OpenTable(file, c.use_cache ? &cache : nullptr, &stats);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->properties(), built);
  // The footer's version says whether packed row blocks may be inside.
  const uint32_t version =
      DecodeFixed32(file.data() + file.size() - kFooterSize + 68);
  EXPECT_EQ(version, c.row_encoding == BlockEncoding::kRow ? 1u : 2u);
  EXPECT_EQ((*table)->properties().num_records, ref.size());
  EXPECT_GT((*table)->properties().num_data_blocks, 10u);
  EXPECT_EQ((*table)->index().size(), (*table)->properties().num_data_blocks);

  auto it = (*table)->NewIterator(TableReadOptions());
  CheckIterator(ref, it.get(), /*seed=*/7, /*stride=*/97,
                /*random_seeks=*/3000);
  EXPECT_TRUE((*table)->VerifyAllBlocks().ok());
  if (c.use_cache) {
    EXPECT_GT(stats.block_cache_hits.load(), 0u);
    EXPECT_GT(cache.charge(), 0u);
  }
  const TableProperties& p = (*table)->properties();
  if (c.encoding == BlockEncodingChoice::kRow) {
    EXPECT_EQ(p.num_columnar_blocks, 0u);
  } else if (c.encoding == BlockEncodingChoice::kColumnar &&
             NewColumnarBlockBuilder() != nullptr) {
    EXPECT_EQ(p.num_columnar_blocks, p.num_data_blocks);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, TableRoundTrip,
    ::testing::Values(
        Config{"AutoLz4Cached", BlockEncodingChoice::kAuto, true, 16 << 10,
               true},
        Config{"RowRawUncached", BlockEncodingChoice::kRow, false, 16 << 10,
               false},
        Config{"RowSmallBlocks", BlockEncodingChoice::kRow, true, 256, true},
        Config{"RowVersion1", BlockEncodingChoice::kRow, true, 256, true,
               BlockEncoding::kRow},
        Config{"AutoVersion1Raw", BlockEncodingChoice::kAuto, false, 16 << 10,
               false, BlockEncoding::kRow},
        Config{"ColumnarOrFallback", BlockEncodingChoice::kColumnar, true,
               16 << 10, true}),
    [](const ::testing::TestParamInfo<Config>& info) {
      return std::string(info.param.name);
    });

// The production path: files from an Env rather than in-test strings.
TEST(Table, RoundTripThroughMemEnv) {
  std::unique_ptr<Env> env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/db").ok());
  const std::string name = "/db/000012.sst";
  std::vector<TestEntry> ref = RandomEntries(21, 5000);
  {
    auto file = env->NewWritableFile(name);
    ASSERT_TRUE(file.ok()) << file.status();
    TableBuilder b(TableBuildOptions(), file->get(), name);
    for (const TestEntry& e : ref) b.Add(e.key, e.expire_at, e.value);
    ASSERT_TRUE(b.Finish().ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Close().ok());
    auto size = env->GetFileSize(name);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, b.FileSize());
  }
  auto size = env->GetFileSize(name);
  auto file = env->NewRandomAccessFile(name);
  ASSERT_TRUE(size.ok() && file.ok());
  BlockCache cache(1 << 20);
  auto table = Table::Open(std::move(*file), *size, name, 12, &cache, nullptr);
  ASSERT_TRUE(table.ok()) << table.status();
  auto it = (*table)->NewIterator(TableReadOptions());
  CheckIterator(ref, it.get(), 3, 13, 500);
  EXPECT_TRUE((*table)->VerifyAllBlocks().ok());
}

TEST(Table, PropertiesDescribeTheFile) {
  std::vector<TestEntry> entries = {
      {IKey("a", 10, 5), 1000, "v1"},
      {IKey("a", 20, 7, ValueKind::kDelete), 15, ""},  // counts as never
      {IKey("b", -3, 2), 500, "value"},
      {IKey("c", 40, 9), kNeverExpires, "xyz"},
  };
  std::vector<RangeTombstone> tombstones = {
      {"p", "q", 0, 100, 12}, {"r", "", kMinTimestamp, kMaxTimestamp, 1}};
  TableBuildOptions opt;
  opt.window_id = 19000;
  opt.creation_time = 123456789;
  std::string file = BuildTable(opt, entries, tombstones);
  auto table = OpenTable(file);
  ASSERT_TRUE(table.ok()) << table.status();
  const TableProperties& p = (*table)->properties();
  EXPECT_EQ(p.smallest_key, entries.front().key);
  EXPECT_EQ(p.largest_key, entries.back().key);
  EXPECT_EQ(p.min_ts, -3);
  EXPECT_EQ(p.max_ts, 40);
  EXPECT_EQ(p.min_expire_at, 500);
  EXPECT_EQ(p.max_expire_at, kNeverExpires);
  EXPECT_EQ(p.num_records, 4u);
  EXPECT_EQ(p.num_puts, 3u);
  EXPECT_EQ(p.num_point_deletes, 1u);
  EXPECT_EQ(p.num_range_tombstones, 2u);
  EXPECT_EQ(p.num_data_blocks, 1u);
  EXPECT_EQ(p.raw_key_bytes, 4 * (1 + kInternalKeyTrailer));
  EXPECT_EQ(p.raw_value_bytes, 10u);
  EXPECT_EQ(p.stored_data_bytes, (*table)->index()[0].handle.size);
  EXPECT_EQ(p.min_seq, 1u);
  EXPECT_EQ(p.max_seq, 12u);
  EXPECT_EQ(p.window_id, 19000);
  EXPECT_EQ(p.creation_time, 123456789);

  const auto& rts = (*table)->range_tombstones();
  ASSERT_EQ(rts.size(), 2u);
  EXPECT_EQ(rts[0].begin, "p");
  EXPECT_EQ(rts[0].end, "q");
  EXPECT_EQ(rts[0].t1, 100);
  EXPECT_EQ(rts[0].seq, 12u);
  EXPECT_EQ(rts[1].end, "");
  EXPECT_EQ(rts[1].t0, kMinTimestamp);
}

TEST(Table, MaxExpireIsExactWithoutRangeTombstones) {
  std::vector<TestEntry> entries = {{IKey("a", 1), 100, "v"},
                                    {IKey("b", 2), 300, "v"}};
  auto table = OpenTable(BuildTable(TableBuildOptions(), entries));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->properties().min_expire_at, 100);
  EXPECT_EQ((*table)->properties().max_expire_at, 300);
  EXPECT_EQ((*table)->index()[0].max_expire_at, 300);
}

TEST(Table, EmptyTableOpensAndIteratesNothing) {
  std::string file = BuildTable(TableBuildOptions(), {});
  auto table = OpenTable(file);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->properties().num_records, 0u);
  EXPECT_EQ((*table)->properties().num_data_blocks, 0u);
  EXPECT_GT((*table)->properties().min_ts, (*table)->properties().max_ts);
  auto it = (*table)->NewIterator(TableReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek(IKey("a", 0));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
  EXPECT_FALSE((*table)->KeyMayMatch("a"));
  EXPECT_EQ((*table)->ApproximateOffsetOf(IKey("a", 0)), 0u);
}

TEST(Table, BloomFilterAnswersForUserKeys) {
  std::vector<TestEntry> entries;
  for (int i = 0; i < 2000; i++) {
    for (int ts = 0; ts < 3; ts++) {
      entries.push_back({IKey(absl::StrFormat("key%05d", i * 2), ts), 0, "v"});
    }
  }
  ReadStats stats;
  auto table =
      OpenTable(BuildTable(TableBuildOptions(), entries), nullptr, &stats);
  ASSERT_TRUE(table.ok());
  for (int i = 0; i < 2000; i++) {
    ASSERT_TRUE((*table)->KeyMayMatch(absl::StrFormat("key%05d", i * 2)));
  }
  EXPECT_EQ(stats.bloom_useful.load(), 0u);
  int may = 0;
  for (int i = 0; i < 2000; i++) {
    if ((*table)->KeyMayMatch(absl::StrFormat("key%05d", i * 2 + 1))) may++;
  }
  EXPECT_LT(may, 60);  // ~1% expected
  EXPECT_EQ(stats.bloom_checks.load(), 4000u);
  EXPECT_EQ(stats.bloom_useful.load(), 2000u - may);
}

TEST(Table, NoFilterWhenBitsPerKeyIsZero) {
  TableBuildOptions opt;
  opt.bloom_bits_per_key = 0;
  auto table = OpenTable(BuildTable(opt, {{IKey("a", 1), 0, "v"}}));
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE((*table)->KeyMayMatch("a"));
  EXPECT_TRUE((*table)->KeyMayMatch("zzz"));
}

TEST(Table, ApproximateOffsetGrowsWithTheKey) {
  std::vector<TestEntry> ref = RandomEntries(11, 5000);
  TableBuildOptions opt;
  opt.block_size = 256;
  std::string file = BuildTable(opt, ref);
  auto table = OpenTable(file);
  ASSERT_TRUE(table.ok());
  uint64_t prev = 0;
  for (size_t i = 0; i < ref.size(); i += 50) {
    uint64_t off = (*table)->ApproximateOffsetOf(ref[i].key);
    EXPECT_GE(off, prev);
    prev = off;
  }
  EXPECT_GT(prev, file.size() / 2);
  EXPECT_EQ((*table)->ApproximateOffsetOf(IKey("\xff\xff", 0)),
            (*table)->properties().stored_data_bytes);
}

TEST(Table, NewerFormatVersionIsAClearError) {
  std::string file = BuildTable(TableBuildOptions(), {{IKey("a", 1), 0, "v"}});
  Footer footer;
  std::string_view tail(file.data() + file.size() - kFooterSize, kFooterSize);
  ASSERT_TRUE(DecodeFooter(tail, "t", file.size(), &footer).ok());
  footer.format_version = 7;
  std::string newer = file.substr(0, file.size() - kFooterSize);
  EncodeFooter(footer, &newer);
  auto table = OpenTable(newer);
  ASSERT_FALSE(table.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(table.status())) << table.status();
  EXPECT_NE(std::string(table.status().message())
                .find("written by a newer Strata: format version 7 > 2"),
            std::string::npos)
      << table.status();
}

TEST(Table, NotAnSstIsDataLoss) {
  auto table = OpenTable(std::string(4096, 'x'));
  ASSERT_FALSE(table.ok());
  EXPECT_TRUE(absl::IsDataLoss(table.status()));
  EXPECT_NE(std::string(table.status().message()).find("test.sst"),
            std::string::npos);
}

TEST(TableBuilder, RejectsOutOfOrderAndMalformedKeys) {
  struct Case {
    const char* name;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {"descending", {IKey("b", 1), IKey("a", 1)}},
      {"duplicate", {IKey("a", 1), IKey("a", 1)}},
      {"older seq after newer ts", {IKey("a", 2), IKey("a", 1)}},
      {"too short", {"short"}},
      {"bad kind", {IKey("a", 1).substr(0, 16) + std::string(7, '\xff') + "x"}},
  };
  for (const Case& c : cases) {
    StringSink sink;
    TableBuilder b(TableBuildOptions(), &sink, "bad.sst");
    for (const std::string& k : c.keys) b.Add(k, kNeverExpires, "v");
    EXPECT_TRUE(absl::IsInvalidArgument(b.status())) << c.name;
    EXPECT_TRUE(absl::IsInvalidArgument(b.Finish())) << c.name;
  }
}

TEST(TableBuilder, CountsAndSizes) {
  std::vector<TestEntry> ref = RandomEntries(12, 3000);
  StringSink sink;
  TableBuildOptions opt;
  opt.block_size = 512;
  TableBuilder b(opt, &sink, "t.sst");
  for (const TestEntry& e : ref) b.Add(e.key, e.expire_at, e.value);
  EXPECT_EQ(b.NumEntries(), ref.size());
  EXPECT_GT(b.FileSize(), 0u);  // full blocks were written already
  EXPECT_LT(b.FileSize(), sink.contents().size() + 1);
  ASSERT_TRUE(b.Finish().ok());
  EXPECT_EQ(b.FileSize(), sink.contents().size());
  EXPECT_FALSE(b.Finish().ok());  // twice
}

TEST(TableBuilder, AbandonWritesNothingMore) {
  StringSink sink;
  TableBuilder b(TableBuildOptions(), &sink, "t.sst");
  b.Add(IKey("a", 1), kNeverExpires, "v");
  b.Abandon();
  EXPECT_FALSE(b.Finish().ok());
  EXPECT_TRUE(sink.contents().empty());
}

// n entries of distinct keys (never time-series shaped) with values of
// value_size bytes, built into a table of 4 KiB row blocks; the entries of
// its first block.
uint64_t FirstRowBlockCount(int n, size_t value_size, uint64_t* blocks) {
  std::vector<TestEntry> entries;
  for (int i = 0; i < n; i++) {
    entries.push_back({IKey(absl::StrFormat("k%04d", i), 0), kNeverExpires,
                       std::string(value_size, 'v')});
  }
  TableBuildOptions opt;
  opt.block_size = 4096;
  opt.compression = false;
  std::string file = BuildTable(opt, entries);
  auto table = OpenTable(file);
  EXPECT_TRUE(table.ok());
  if (!table.ok()) return 0;
  EXPECT_EQ((*table)->properties().num_columnar_blocks, 0u);
  *blocks = (*table)->properties().num_data_blocks;
  return (*table)->index()[0].count;
}

TEST(TableBuilder, RowBlocksOfSmallEntriesAreCutAtBlockSize) {
  // Logical entry size 5 + 16 + 2 + 8 = 31 bytes: 133 fill 4 KiB.
  uint64_t blocks = 0;
  EXPECT_EQ(FirstRowBlockCount(1000, 2, &blocks), 133u);
  EXPECT_EQ(blocks, (1000 + 132) / 133);
}

TEST(TableBuilder, RowBlocksOfLargeEntriesHoldAtLeast128) {
  // 79-byte entries: 52 fill 4 KiB; the block goes on to 128 entries
  // (10 KiB, under the 16 KiB cap).
  uint64_t blocks = 0;
  EXPECT_EQ(FirstRowBlockCount(1000, 50, &blocks), 128u);
  EXPECT_EQ(blocks, (1000 + 127) / 128);
  // 1029-byte entries: cut at 4 block sizes (16 entries), before 128.
  EXPECT_EQ(FirstRowBlockCount(100, 1000, &blocks), 16u);
  EXPECT_EQ(blocks, (100 + 15) / 16);
}

TEST(TableBuilder, TimeSeriesBlocksGrowOnlyWithAColumnarCodec) {
  // One series, many points: time-series shaped.
  std::vector<TestEntry> entries;
  for (int i = 0; i < 20000; i++) {
    entries.push_back({IKey("cpu,host=a", i * 1000), kNeverExpires,
                       std::string(8, static_cast<char>('0' + i % 10))});
  }
  TableBuildOptions opt;
  opt.compression = false;
  std::string file = BuildTable(opt, entries);
  auto table = OpenTable(file);
  ASSERT_TRUE(table.ok()) << table.status();
  const TableProperties& p = (*table)->properties();
  // Logical entry size 10 + 16 + 8 + 8 = 42 bytes.
  if (NewColumnarBlockBuilder() == nullptr) {
    EXPECT_EQ(p.num_columnar_blocks, 0u);
    const uint64_t per_block = (16384 + 41) / 42;  // 391
    EXPECT_EQ((*table)->index()[0].count, per_block);
    EXPECT_EQ(p.num_data_blocks, (20000 + per_block - 1) / per_block);
  } else {
    EXPECT_EQ(p.num_columnar_blocks, p.num_data_blocks);
    // Cut at 128 KiB logical (3121 entries) before 8192 entries.
    EXPECT_EQ((*table)->index()[0].count, (128u << 10) / 42 + 1);
  }
  auto it = (*table)->NewIterator(TableReadOptions());
  absl::Status s;
  std::vector<TestEntry> got = ReadAll(it.get(), &s);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(got.size(), entries.size());
  for (size_t i = 0; i < got.size(); i++) {
    ASSERT_TRUE(SameEntry(got[i], entries[i])) << i;
  }
}

// The index search (outward from a guess, then bisecting) lands where a
// plain scan of the index says, from any guess: keys that share long runs
// of bytes, differ only in ts or sequence, lie before or after every block.
TEST(Table, IndexSearchMatchesAScanOfTheIndex) {
  Random rnd(29);
  std::vector<TestEntry> entries;
  for (int i = 0; i < 3000; i++) {
    // "pre/" + a long shared filler, then the part that differs; some keys
    // short.
    const std::string uk =
        rnd.OneIn(10)
            ? absl::StrFormat("pre/%d", rnd.Uniform(10))
            : absl::StrFormat("pre/%s%04d",
                              std::string(rnd.OneIn(2) ? 10 : 30, 'x'),
                              rnd.Uniform(400));
    entries.push_back(TestEntry{
        IKey(uk, static_cast<Timestamp>(rnd.Uniform(5)), 1 + rnd.Uniform(9)),
        kNeverExpires, std::string(rnd.Uniform(40), 'v')});
  }
  SortUniqueEntries(&entries);
  TableBuildOptions bo;
  bo.block_size = 128;
  bo.encoding = BlockEncodingChoice::kRow;
  auto table = OpenTable(BuildTable(bo, entries));
  ASSERT_TRUE(table.ok()) << table.status();
  const std::vector<IndexEntry>& index = (*table)->index();
  ASSERT_GT(index.size(), 50u);
  for (int i = 0; i < 5000; i++) {
    std::string uk;
    switch (rnd.Uniform(4)) {
      case 0:  // before or after every key
        uk = rnd.OneIn(2) ? "pra" : "prf";
        break;
      case 1:  // a prefix of every key
        uk = "pr";
        break;
      default:
        uk = ExtractUserKey(entries[rnd.Uniform(entries.size())].key);
        if (rnd.OneIn(3)) uk += "0";
    }
    const std::string target =
        IKey(uk, static_cast<Timestamp>(rnd.Uniform(6)), rnd.Uniform(11));
    size_t want = 0;
    while (want < index.size() &&
           CompareInternalKeys(index[want].last_key, target) < 0) {
      want++;
    }
    const size_t near = rnd.Uniform(index.size() + 1);
    ASSERT_EQ((*table)->FirstBlockEndingAtOrAfter(target, near), want)
        << DescribeKey(target) << " from " << near;
    // Sorted targets: any start at or before the answer, near it or far.
    const size_t from =
        rnd.OneIn(2) ? want - std::min<size_t>(want, 2) : rnd.Uniform(want + 1);
    ASSERT_EQ((*table)->NextBlockEndingAtOrAfter(target, from), want)
        << DescribeKey(target) << " from " << from;
  }
}

TEST(TableIterator, KeepsTheTableAlive) {
  std::vector<TestEntry> ref = RandomEntries(13, 500);
  auto table = OpenTable(BuildTable(TableBuildOptions(), ref));
  ASSERT_TRUE(table.ok());
  auto it = (*table)->NewIterator(TableReadOptions());
  table->reset();
  std::vector<TestEntry> got = ReadAll(it.get());
  EXPECT_EQ(got.size(), ref.size());
}

}  // namespace
}  // namespace strata
