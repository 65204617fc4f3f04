// Row block codec: round trips with random entries under every iterator
// operation, expiry edge values, and hostile payloads (truncated, flipped,
// random) that must be rejected or decode safely, never crash.
#include "lsm/block.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/key_prefix.h"
#include "table_test_util.h"
#include "util/coding.h"
#include "util/random.h"

namespace strata {
namespace {

std::string Encode(const std::vector<TestEntry>& entries, int interval,
                   BlockEncoding encoding) {
  auto b = NewRowBlockBuilder(interval, encoding);
  EXPECT_EQ(b->encoding(), encoding);
  for (const TestEntry& e : entries) b->Add(e.key, e.expire_at, e.value);
  EXPECT_EQ(b->count(), entries.size());
  size_t estimate = b->SizeEstimate();
  std::string out(b->Finish());
  // Packed entries are encoded at Finish(): until then sizes are guesses.
  if (encoding == BlockEncoding::kRow) {
    EXPECT_EQ(estimate, out.size());
  }
  return out;
}

std::string EncodingName(BlockEncoding e) {
  return e == BlockEncoding::kRow ? "Row" : "Packed";
}

// Block::ReadPoint against the sorted entries it was built from: targets
// at every kind of place (a version the block holds, other sequences of
// its (user key, ts), keys it lacks), with the visitor sometimes stopping
// early. Blocks without a point index have no such path.
void CheckReadPoint(const std::vector<TestEntry>& ref, const Block& block,
                    uint64_t seed, int rounds) {
  const bool indexed = RowBlockHasPointIndex(block);
  Random rnd(seed);
  std::string scratch;
  for (int r = 0; r < rounds; r++) {
    std::string user;
    Timestamp ts;
    SequenceNumber seq = kMaxSequenceNumber;
    if (!ref.empty() && !rnd.OneIn(5)) {
      const std::string& k = ref[rnd.Uniform(ref.size())].key;
      user = std::string(ExtractUserKey(k));
      ts = ExtractTimestamp(k);
      if (rnd.OneIn(2)) seq = ExtractSequence(k) + rnd.Uniform(2);
    } else {
      user = absl::StrFormat("user%06d", rnd.Uniform(300));
      if (rnd.OneIn(3)) user.append(rnd.Uniform(20), 'x');
      ts = static_cast<Timestamp>(rnd.Uniform(1000)) - 500;
    }
    const std::string target = SeekKey(user, ts, seq);
    auto it = std::lower_bound(ref.begin(), ref.end(), target,
                               [](const TestEntry& e, std::string_view k) {
                                 return CompareInternalKeys(e.key, k) < 0;
                               });
    std::vector<const TestEntry*> want;
    for (; it != ref.end() && ExtractUserKey(it->key) == user &&
           ExtractTimestamp(it->key) == ts;
         ++it) {
      want.push_back(&*it);
    }
    const size_t stop =
        rnd.OneIn(3) ? 1 + rnd.Uniform(want.size() + 1) : SIZE_MAX;
    std::vector<TestEntry> got;
    size_t visited = 0;
    const Block::PointRead result = block.ReadPoint(
        target, PointKeyHash(user), &scratch,
        [&](std::string_view ikey, int64_t expire_at, std::string_view value) {
          got.push_back(
              TestEntry{std::string(ikey), expire_at, std::string(value)});
          return got.size() < stop;
        },
        &visited);
    SCOPED_TRACE(DescribeKey(target));
    if (!indexed) {
      EXPECT_EQ(result, Block::PointRead::kUnsupported);
      EXPECT_TRUE(got.empty());
      continue;
    }
    ASSERT_NE(result, Block::PointRead::kCorrupt);
    ASSERT_NE(result, Block::PointRead::kUnsupported);
    const size_t n = std::min(want.size(), stop);
    ASSERT_EQ(got.size(), n);
    EXPECT_EQ(visited, n);
    for (size_t j = 0; j < n; j++) {
      EXPECT_EQ(DescribeKey(got[j].key), DescribeKey(want[j]->key));
      EXPECT_EQ(got[j].expire_at, want[j]->expire_at);
      EXPECT_EQ(got[j].value, want[j]->value);
    }
    const bool ran_off = !want.empty() && it == ref.end() && stop > n;
    EXPECT_EQ(result == Block::PointRead::kRanOff, ran_off);
  }
}

struct RoundTripCase {
  size_t entries;
  int restart_interval;
  size_t max_value;
  // Blocks of large entries seek by a point index (row_block_point.cc), the
  // others by a search: the case says which it exercises.
  bool point_index = false;
};

class RowBlockRoundTrip : public ::testing::TestWithParam<
                              std::tuple<RoundTripCase, BlockEncoding>> {};

TEST_P(RowBlockRoundTrip, MatchesReferenceUnderEveryOperation) {
  const RoundTripCase& c = std::get<0>(GetParam());
  const BlockEncoding encoding = std::get<1>(GetParam());
  std::vector<TestEntry> ref = RandomEntries(
      c.entries * 31 + c.restart_interval, c.entries, c.max_value);
  std::string payload = Encode(ref, c.restart_interval, encoding);
  auto block = DecodeRowBlock(payload, ref.size(), "blk", encoding);
  ASSERT_TRUE(block.ok()) << block.status();
  EXPECT_GE((*block)->MemoryUsage(), payload.size());
  EXPECT_EQ(RowBlockHasPointIndex(**block), c.point_index);
  auto it = (*block)->NewIterator();
  CheckIterator(ref, it.get(), /*seed=*/c.entries, /*stride=*/1,
                /*random_seeks=*/500);
  CheckReadPoint(ref, **block, /*seed=*/c.entries, /*rounds=*/1000);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, RowBlockRoundTrip,
    ::testing::Combine(
        ::testing::Values(RoundTripCase{0, 16, 8}, RoundTripCase{1, 16, 8},
                          RoundTripCase{15, 16, 8}, RoundTripCase{16, 16, 8},
                          RoundTripCase{17, 16, 8}, RoundTripCase{500, 16, 64},
                          // Restarts at (nearly) every entry: the point index
                          // is the cheaper structure.
                          RoundTripCase{250, 1, 8, true},
                          RoundTripCase{500, 2, 0, true},
                          RoundTripCase{500, 1, 8, true},
                          // Versions of a key spread over runs and restarts;
                          // blocks of 100-300 KiB (run offsets past 64 KiB).
                          RoundTripCase{600, 16, 300, true},
                          RoundTripCase{240, 1, 600, true},
                          RoundTripCase{2000, 16, 300, true},
                          RoundTripCase{300, 4, 900, true}),
        ::testing::Values(BlockEncoding::kRow, BlockEncoding::kRowPacked)));

// The other cases, for both row encodings.
class RowBlockCodec : public ::testing::TestWithParam<BlockEncoding> {
 protected:
  std::string Encode(const std::vector<TestEntry>& entries, int interval) {
    return strata::Encode(entries, interval, GetParam());
  }
  absl::StatusOr<std::shared_ptr<Block>> Decode(std::string payload,
                                                uint32_t count,
                                                std::string_view where) {
    return DecodeRowBlock(std::move(payload), count, where, GetParam());
  }
  // Document keys under `head` (DocumentBlocksSeekLikeTheReference).
  void CheckDocumentBlock(const std::string& head);
  // Decoding may succeed on damaged input only if the result is still a
  // well-formed block; walking it must then be safe (ASan checks bounds).
  void ExpectSafe(const std::string& payload, uint32_t count) {
    auto block = Decode(payload, count, "blk");
    if (!block.ok()) {
      EXPECT_TRUE(absl::IsDataLoss(block.status())) << block.status();
      return;
    }
    auto it = (*block)->NewIterator();
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
    EXPECT_TRUE(it->status().ok());
    EXPECT_EQ(n, count);
    for (it->SeekToLast(); it->Valid(); it->Prev()) n--;
    EXPECT_EQ(n, 0u);
    it->Seek(IKey("user000010", 0));
    it->SeekForPrev(IKey("user000010", 0));
  }
};

INSTANTIATE_TEST_SUITE_P(
    Encodings, RowBlockCodec,
    ::testing::Values(BlockEncoding::kRow, BlockEncoding::kRowPacked),
    [](const ::testing::TestParamInfo<BlockEncoding>& info) {
      return EncodingName(info.param);
    });

// CurrentKeyRun hands out the entries after the current one up to `max`,
// stopping at the first user key at or past the limit (AscendingLimit
// compares each key only past what it shares with the previous one).
TEST_P(RowBlockCodec, KeyRunsStopAtTheLimit) {
  std::vector<TestEntry> ref = RandomEntries(77, 600, 16);
  for (int interval : {1, 3, 16}) {
    auto block = Decode(Encode(ref, interval), ref.size(), "blk");
    ASSERT_TRUE(block.ok()) << block.status();
    auto it = (*block)->NewIterator();
    Random rnd(interval);
    for (int round = 0; round < 2000; ++round) {
      const size_t at = rnd.Uniform(ref.size());
      std::string limit;
      switch (rnd.Uniform(4)) {
        case 0:  // a user key of the block, or just past one
          limit = ExtractUserKey(ref[rnd.Uniform(ref.size())].key);
          if (rnd.OneIn(2)) limit += rnd.OneIn(2) ? "x" : "\x01";
          break;
        case 1:  // a prefix of many keys
          limit = std::string(ExtractUserKey(ref[rnd.Uniform(ref.size())].key)
                                  .substr(0, 4 + rnd.Uniform(6)));
          break;
        case 2:  // no limit
          break;
        default:  // at or below the current key
          limit = ExtractUserKey(ref[at].key);
          if (rnd.OneIn(2)) limit.resize(limit.size() - 1);
      }
      const size_t max = 1 + rnd.Uniform(70);
      it->Seek(ref[at].key);
      ASSERT_TRUE(it->Valid());
      KeyRun run;
      ASSERT_TRUE(it->CurrentKeyRun(&run, max, limit));
      size_t want = 1;
      while (want < max && at + want < ref.size() &&
             (limit.empty() || ExtractUserKey(ref[at + want].key) < limit)) {
        ++want;
      }
      ASSERT_EQ(run.size, want) << "at " << at << " limit " << limit;
      for (size_t i = 0; i < run.size; ++i) {
        ASSERT_EQ(run.entries[i].key, ref[at + i].key);
        ASSERT_EQ(run.entries[i].value, ref[at + i].value);
      }
    }
  }
}

TEST(AscendingLimit, AgreesWithWholeKeyCompares) {
  Random rnd(5);
  for (int round = 0; round < 300; ++round) {
    // Ascending keys over a small alphabet (long shared prefixes, keys that
    // are prefixes of others).
    std::vector<std::string> keys;
    for (int i = 0; i < 60; ++i) {
      std::string k(rnd.Uniform(8), 'a');
      for (char& c : k) c = static_cast<char>('a' + rnd.Uniform(3));
      keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    std::string limit(rnd.Uniform(8), 'a');
    for (char& c : limit) c = static_cast<char>('a' + rnd.Uniform(3));
    AscendingLimit below(limit);
    ASSERT_EQ(below.First(keys[0]), keys[0] < limit);
    if (keys[0] >= limit) continue;
    for (size_t i = 1; i < keys.size(); ++i) {
      // Any lower bound of the shared prefix will do (restarts say 0).
      const size_t shared = CommonPrefix(keys[i - 1], keys[i]);
      const size_t told = rnd.OneIn(3) ? rnd.Uniform(shared + 1) : shared;
      const bool is_below = keys[i] < limit;
      ASSERT_EQ(below.Next(keys[i], told), is_below)
          << keys[i] << " vs " << limit << " told " << told;
      if (!is_below) break;
    }
  }
}

// Document-shaped blocks: keys with a long shared prefix and ~260-byte
// values restart every entry or two, so seeks use the point index (and, for
// keys the block lacks, the restart search and the one-entry-per-restart
// shortcut). Targets inside, between, before and
// after the keys, and ones that differ inside or outside the prefix. The
// point index names entries that share at most the block's common prefix
// (the short head's case) and runs for the others; a long head makes
// every key's shared bytes overrun the prefix the index keeps.
TEST_P(RowBlockCodec, DocumentBlocksSeekLikeTheReference) {
  for (const std::string& head :
       {std::string("!events\x00\x01\x30"
                    "e",
                    11),
        std::string("!a_much_longer_collection_name\x00\x01\x30", 33)}) {
    SCOPED_TRACE(head.size());
    CheckDocumentBlock(head);
  }
}

void RowBlockCodec::CheckDocumentBlock(const std::string& head) {
  std::vector<TestEntry> ref;
  for (int i = 0; i < 60; ++i) {
    std::string user = head + absl::StrFormat("%09d", 1000 + 3 * i);
    if (i % 7 == 3) user += std::string("\x00\x01", 2);
    ref.push_back(TestEntry{IKey(user, 1700000000 + i, 10 + i), kNeverExpires,
                            std::string(230 + i, 'v')});
    if (i % 11 == 5) {  // a second version: same user key and ts
      ref.push_back(TestEntry{IKey(user, 1700000000 + i, 5), kNeverExpires,
                              std::string(250, 'w')});
    }
  }
  SortEntries(&ref);
  for (int interval : {16, 1}) {
    std::string payload = Encode(ref, interval);
    auto block = Decode(payload, ref.size(), "blk");
    ASSERT_TRUE(block.ok()) << block.status();
    EXPECT_TRUE(RowBlockHasPointIndex(**block));
    auto it = (*block)->NewIterator();
    CheckIterator(ref, it.get(), /*seed=*/7, /*stride=*/1,
                  /*random_seeks=*/2000);
    CheckReadPoint(ref, **block, /*seed=*/interval, /*rounds=*/2000);
    std::vector<std::string> users = {
        "",
        "!",
        "!events",
        head.substr(0, 10),
        head,
        head + "0",
        head + "000001",
        head + "000001003",
        head + "9",
        "\xff\xff",
        head + "000001003" + std::string(20, 'z')};
    for (int i = 0; i < 200; i += 1) {
      users.push_back(head + absl::StrFormat("%09d", 995 + i));
    }
    for (const std::string& u : users) {
      for (Timestamp ts :
           {kMinTimestamp, Timestamp{1700000005}, kMaxTimestamp}) {
        std::string target = SeekKey(u, ts);
        auto lb = std::lower_bound(ref.begin(), ref.end(), target,
                                   [](const TestEntry& e, std::string_view k) {
                                     return CompareInternalKeys(e.key, k) < 0;
                                   });
        it->Seek(target);
        if (lb == ref.end()) {
          EXPECT_FALSE(it->Valid()) << interval << " " << u;
        } else {
          ASSERT_TRUE(it->Valid()) << interval << " " << u;
          EXPECT_EQ(it->key(), lb->key) << interval << " " << u;
          EXPECT_EQ(it->value(), lb->value);
        }
      }
    }
  }
}

// An iterator of one block rebound to another reads the other exactly,
// whatever state it was left in; nothing else can be rebound.
TEST_P(RowBlockCodec, RebindMovesAnIteratorToAnotherBlock) {
  std::vector<TestEntry> a = RandomEntries(1, 300, 40);
  std::vector<TestEntry> b = RandomEntries(2, 200, 300);
  auto block_a = Decode(Encode(a, 16), a.size(), "a");
  auto block_b = Decode(Encode(b, 1), b.size(), "b");
  ASSERT_TRUE(block_a.ok() && block_b.ok());
  auto it = (*block_a)->NewIterator();
  it->Seek(a[150].key);
  ASSERT_TRUE(it->Valid());
  ASSERT_TRUE((*block_b)->Rebind(it.get()));
  EXPECT_FALSE(it->Valid());
  CheckIterator(b, it.get(), /*seed=*/3, /*stride=*/1, /*random_seeks=*/300);
  ASSERT_TRUE((*block_a)->Rebind(it.get()));
  CheckIterator(a, it.get(), /*seed=*/4, /*stride=*/1, /*random_seeks=*/300);
  EXPECT_FALSE((*block_a)->Rebind(nullptr));
  std::unique_ptr<InternalIterator> other = NewEmptyIterator(absl::OkStatus());
  EXPECT_FALSE((*block_a)->Rebind(other.get()));
}

TEST_P(RowBlockCodec, EmptyBlockIsFourOr28Bytes) {
  std::string payload = Encode({}, 16);
  if (GetParam() == BlockEncoding::kRow) {
    EXPECT_EQ(payload, std::string(4, '\0'));
  } else {
    // base_ts 0, ts_unit 1, base_seq 0, num_restarts 0.
    std::string want(28, '\0');
    want[8] = 1;
    EXPECT_EQ(payload, want);
  }
  auto block = Decode(payload, 0, "blk");
  ASSERT_TRUE(block.ok());
  auto it = (*block)->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek(IKey("a", 0));
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev(IKey("a", 0));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_P(RowBlockCodec, ExpiryEdgeValuesRoundTrip) {
  const int64_t kMin = kMinTimestamp, kMax = kMaxTimestamp;
  struct Case {
    Timestamp ts;
    int64_t expire_at;
  };
  const Case cases[] = {
      {0, kNeverExpires}, {0, 0},        {0, -1},      {kMin, kMax - 1},
      {kMax, kMin},       {kMin, kMin},  {kMax, kMax}, {-5, kNeverExpires},
      {100, 50},          {1, kMax - 1}, {kMin, 0},
  };
  std::vector<TestEntry> ref;
  int i = 0;
  for (const Case& c : cases) {
    ref.push_back(
        TestEntry{IKey(absl::StrFormat("k%02d", i++), c.ts), c.expire_at, "v"});
  }
  std::string payload = Encode(ref, 4);
  auto block = Decode(payload, ref.size(), "blk");
  ASSERT_TRUE(block.ok()) << block.status();
  auto it = (*block)->NewIterator();
  std::vector<TestEntry> got = ReadAll(it.get());
  ASSERT_EQ(got.size(), ref.size());
  for (size_t j = 0; j < ref.size(); j++) {
    EXPECT_EQ(got[j].expire_at, ref[j].expire_at) << j;
  }
}

TEST_P(RowBlockCodec, NeverExpiringEntriesCostNoExpiryBytes) {
  std::vector<TestEntry> never = {{IKey("a", 1), kNeverExpires, "v"}};
  std::vector<TestEntry> ttl = {{IKey("a", 1), 1000, "v"}};
  EXPECT_LT(Encode(never, 16).size(), Encode(ttl, 16).size());
}

TEST_P(RowBlockCodec, CountMismatchIsCorruption) {
  std::vector<TestEntry> ref = RandomEntries(3, 40);
  std::string payload = Encode(ref, 16);
  for (uint32_t count : {uint32_t{0}, uint32_t(ref.size() - 1),
                         uint32_t(ref.size() + 1), uint32_t{1000000}}) {
    auto block = Decode(payload, count, "blk@7");
    ASSERT_FALSE(block.ok()) << count;
    EXPECT_TRUE(absl::IsDataLoss(block.status())) << block.status();
    EXPECT_NE(std::string(block.status().message()).find("blk@7"),
              std::string::npos);
  }
}

TEST_P(RowBlockCodec, TruncatedPayloadsAreRejected) {
  std::vector<TestEntry> ref = RandomEntries(5, 60);
  std::string payload = Encode(ref, 16);
  for (size_t len = 0; len < payload.size(); len++) {
    auto block = Decode(payload.substr(0, len), ref.size(), "blk");
    EXPECT_FALSE(block.ok()) << "accepted a prefix of " << len << " bytes";
  }
}

TEST_P(RowBlockCodec, FlippedBytesAreRejectedOrDecodeSafely) {
  std::vector<TestEntry> ref = RandomEntries(6, 80);
  std::string payload = Encode(ref, 16);
  int rejected = 0;
  for (size_t pos = 0; pos < payload.size(); pos++) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string bad = payload;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      ExpectSafe(bad, ref.size());
      if (!Decode(bad, ref.size(), "blk").ok()) rejected++;
      if (HasFailure()) return;
    }
  }
  // Structure bytes (lengths, restarts) are a good share of the payload.
  EXPECT_GT(rejected, 0);
}

TEST_P(RowBlockCodec, RandomGarbageNeverCrashes) {
  Random rnd(99);
  for (int i = 0; i < 3000; i++) {
    std::string junk(rnd.Uniform(200), '\0');
    for (char& c : junk) c = static_cast<char>(rnd.Next());
    if (junk.size() >= 4 && rnd.OneIn(2)) {
      // Plausible restart count so decoding gets past the trailer.
      EncodeFixed32(junk.data() + junk.size() - 4,
                    static_cast<uint32_t>(rnd.Uniform(4)));
    }
    ExpectSafe(junk, static_cast<uint32_t>(rnd.Uniform(8)));
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace strata
