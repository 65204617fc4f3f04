// The compact form of a columnar block (columnar_compact.cc) against the
// decoded form: for a table of block shapes, the same random walks of
// seeks, steps, value reads and run reads must see the same entries. Also
// that the compact form is small, that landing on a run's end decodes
// nothing it cannot answer, and that damaged payloads fail the same way.
#include <bit>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "util/random.h"

namespace strata {
namespace {

struct Entry {
  std::string ikey;
  int64_t expire;
  std::string value;
};

enum class Values { kDecimal, kVarLen, kMixed };

struct Shape {
  const char* name;
  int keys;
  int points;
  bool dup_ts;      // several versions of some timestamps
  bool real_seqs;   // else sequence 0 (compacted)
  int expire_mode;  // 0 never, 1 TTL, 2 mixed
  bool deletes;
  Values values;
};

const Shape kShapes[] = {
    {"one_long_series", 1, 3000, false, false, 0, false, Values::kDecimal},
    {"series_tails", 3, 1000, false, false, 1, false, Values::kDecimal},
    {"versions_and_deletes", 6, 80, true, true, 2, true, Values::kDecimal},
    {"one_point_per_key", 200, 1, false, true, 1, false, Values::kDecimal},
    {"two_points_per_key", 100, 2, true, true, 0, false, Values::kDecimal},
    {"byte_values", 20, 50, true, true, 2, false, Values::kVarLen},
    {"mixed_lengths", 4, 300, false, true, 1, true, Values::kMixed},
};

std::string Word(uint64_t w) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &w, 8);
  return s;
}

std::vector<Entry> MakeEntries(const Shape& shape, uint64_t seed) {
  Random rnd(seed);
  std::vector<Entry> out;
  uint64_t seq = 1000;
  for (int k = 0; k < shape.keys; k++) {
    const std::string user = absl::StrFormat("cpu,host=h%04d#usage_user", k);
    int64_t ts = 1'700'000'000'000'000'000 + k;
    int64_t walk = 5000;
    for (int p = 0; p < shape.points; p++) {
      ts += 10'000'000'000;
      // Versions of one timestamp go newest (largest seq) first.
      const int versions = shape.dup_ts && rnd.OneIn(3) ? 2 : 1;
      for (int v = versions; v-- > 0;) {
        const uint64_t s = shape.real_seqs ? seq + v : 0;
        const bool del = shape.deletes && rnd.OneIn(7);
        Entry e;
        AppendInternalKey(&e.ikey, user, ts, s,
                          del ? ValueKind::kDelete : ValueKind::kPut);
        e.expire = shape.expire_mode == 0 ? kNeverExpires
                   : shape.expire_mode == 2 && rnd.OneIn(3)
                       ? kNeverExpires
                       : ts + 86'400'000'000'000;
        walk += static_cast<int64_t>(rnd.Uniform(201)) - 100;
        switch (shape.values) {
          case Values::kDecimal:
            e.value = Word(std::bit_cast<uint64_t>(walk / 100.0));
            break;
          case Values::kVarLen:
            e.value = std::string(rnd.Uniform(30), 'a' + rnd.Uniform(26));
            break;
          case Values::kMixed:
            e.value = rnd.OneIn(3) ? std::string("abc") : Word(rnd.Next());
            break;
        }
        out.push_back(std::move(e));
      }
      seq += 2;
    }
  }
  return out;
}

std::string Encode(const std::vector<Entry>& entries) {
  auto b = NewColumnarBlockBuilder();
  for (const Entry& e : entries) b->Add(e.ikey, e.expire, e.value);
  return std::string(b->Finish());
}

// A target near entry i: the entry itself, just before or after it, the
// end or start of its user key, or a key between user keys.
std::string Target(const std::vector<Entry>& ref, Random* rnd) {
  const Entry& e = ref[rnd->Uniform(ref.size())];
  const std::string_view user = ExtractUserKey(e.ikey);
  const Timestamp ts = ExtractTimestamp(e.ikey);
  switch (rnd->Uniform(7)) {
    case 0:
      return e.ikey;
    case 1:
      return SeekKey(user, ts);  // before every version of ts
    case 2:
      return SeekKey(user, ts, 0);  // after every version of ts
    case 3:
      return SeekKey(user, kMaxTimestamp, 0);  // past the key's last entry
    case 4:
      return SeekKey(user, kMinTimestamp);
    case 5:
      return SeekKey(std::string(user) + '\0', kMinTimestamp);
    default:
      return std::string(user).substr(0, user.size() / 2);  // short target
  }
}

void ExpectSame(InternalIterator* want, InternalIterator* got,
                const std::string& where) {
  ASSERT_EQ(want->Valid(), got->Valid()) << where;
  ASSERT_TRUE(got->status().ok()) << where << ": " << got->status();
  if (!want->Valid()) return;
  ASSERT_EQ(want->key(), got->key()) << where;
}

class CompactBlockTest : public ::testing::TestWithParam<Shape> {};

TEST_P(CompactBlockTest, RandomWalksMatchTheDecodedBlock) {
  const Shape& shape = GetParam();
  for (uint64_t seed = 1; seed <= 3; seed++) {
    const std::vector<Entry> ref = MakeEntries(shape, seed);
    const std::string payload = Encode(ref);
    const uint32_t n = static_cast<uint32_t>(ref.size());
    auto decoded = DecodeColumnarBlock(payload, n, "decoded");
    auto compact = DecodeCompactColumnarBlock(payload, n, "compact");
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    ASSERT_TRUE(compact.ok()) << compact.status();
    EXPECT_TRUE((*compact)->IsCompact());
    EXPECT_FALSE((*decoded)->IsCompact());

    Random rnd(seed * 7919);
    std::unique_ptr<InternalIterator> want = (*decoded)->NewIterator();
    std::unique_ptr<InternalIterator> got = (*compact)->NewIterator();
    for (int op = 0; op < 3000; op++) {
      const std::string where =
          absl::StrFormat("%s seed %d op %d", shape.name, seed, op);
      const uint64_t pick = rnd.Uniform(100);
      if (!want->Valid() || pick < 35) {
        // Reverse landings dominate: they are what the compact form is for.
        switch (rnd.Uniform(4)) {
          case 0:
            want->SeekToLast();
            got->SeekToLast();
            break;
          case 1: {
            const std::string t = Target(ref, &rnd);
            want->SeekForPrev(t);
            got->SeekForPrev(t);
            break;
          }
          case 2: {
            const std::string t = Target(ref, &rnd);
            want->Seek(t);
            got->Seek(t);
            break;
          }
          default:
            want->SeekToFirst();
            got->SeekToFirst();
        }
      } else if (pick < 65) {
        want->Prev();
        got->Prev();
      } else if (pick < 85) {
        want->Next();
        got->Next();
      } else {
        EntryRun a, b;
        ASSERT_TRUE(want->CurrentRun(&a));
        ASSERT_TRUE(got->CurrentRun(&b)) << where;
        ASSERT_EQ(a.user_key, b.user_key) << where;
        ASSERT_EQ(a.begin, b.begin) << where;
        ASSERT_EQ(a.end, b.end) << where;
        for (size_t i = a.begin; i < a.end; i++) {
          ASSERT_EQ(a.ts[i], b.ts[i]) << where;
          ASSERT_EQ(a.packed[i], b.packed[i]) << where;
          ASSERT_EQ(a.expire[i], b.expire[i]) << where;
          ASSERT_EQ(a.value(i), b.value(i)) << where;
        }
        const size_t i = a.begin + rnd.Uniform(a.end - a.begin);
        want->MoveInRun(i);
        got->MoveInRun(i);
      }
      ExpectSame(want.get(), got.get(), where);
      // Values are read after some moves only, so positions whose value
      // is never asked for stay undecoded.
      if (want->Valid() && rnd.OneIn(2)) {
        ASSERT_EQ(want->value(), got->value()) << where;
        ASSERT_EQ(want->expire_at(), got->expire_at()) << where;
      }
    }
  }
}

TEST_P(CompactBlockTest, ReverseWalkFromTheEndMatches) {
  const Shape& shape = GetParam();
  const std::vector<Entry> ref = MakeEntries(shape, 11);
  const std::string payload = Encode(ref);
  auto compact = DecodeCompactColumnarBlock(
      payload, static_cast<uint32_t>(ref.size()), "compact");
  ASSERT_TRUE(compact.ok()) << compact.status();
  std::unique_ptr<InternalIterator> it = (*compact)->NewIterator();
  size_t i = ref.size();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(i, 0u);
    i--;
    ASSERT_EQ(it->key(), ref[i].ikey) << i;
    ASSERT_EQ(it->value(), ref[i].value) << i;
    ASSERT_EQ(it->expire_at(), ref[i].expire) << i;
  }
  EXPECT_EQ(i, 0u);
  EXPECT_TRUE(it->status().ok());
}

INSTANTIATE_TEST_SUITE_P(Shapes, CompactBlockTest, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return info.param.name; });

TEST(CompactBlock, CostsAboutItsEncodedSize) {
  const std::vector<Entry> ref = MakeEntries(kShapes[1], 5);  // 3 x 1000
  const std::string payload = Encode(ref);
  const uint32_t n = static_cast<uint32_t>(ref.size());
  auto decoded = DecodeColumnarBlock(payload, n, "decoded");
  auto compact = DecodeCompactColumnarBlock(payload, n, "compact");
  ASSERT_TRUE(decoded.ok() && compact.ok());
  EXPECT_LT((*compact)->MemoryUsage(), payload.size() + 1024);
  EXPECT_GT((*decoded)->MemoryUsage(), 8 * (*compact)->MemoryUsage());
}

// Rebinding an iterator to another block forgets the first block's
// decoded arrays.
TEST(CompactBlock, RebindForgetsTheOldBlock) {
  const std::vector<Entry> a = MakeEntries(kShapes[1], 1);
  const std::vector<Entry> b = MakeEntries(kShapes[3], 2);
  const std::string pa = Encode(a), pb = Encode(b);
  auto ba = DecodeCompactColumnarBlock(pa, a.size(), "a");
  auto bb = DecodeCompactColumnarBlock(pb, b.size(), "b");
  ASSERT_TRUE(ba.ok() && bb.ok());
  std::unique_ptr<InternalIterator> it = (*ba)->NewIterator();
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), a[0].value);
  ASSERT_TRUE((*bb)->Rebind(it.get()));
  EXPECT_FALSE(it->Valid());
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), b[0].ikey);
  EXPECT_EQ(it->value(), b[0].value);
  it->SeekToLast();
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), b[b.size() - 2].ikey);
  EXPECT_EQ(it->value(), b[b.size() - 2].value);
  // Another encoding's iterator is refused.
  auto decoded = DecodeColumnarBlock(pb, b.size(), "decoded");
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE((*decoded)->Rebind(it.get()));
}

// A damaged payload fails at load exactly as the decoded form fails: the
// compact form checks everything once, so later lazy decodes cannot meet
// malformed bytes.
TEST(CompactBlock, DamagedPayloadsFailLikeTheDecodedForm) {
  const std::vector<Entry> ref = MakeEntries(kShapes[2], 3);
  const std::string payload = Encode(ref);
  const uint32_t n = static_cast<uint32_t>(ref.size());
  Random rnd(99);
  int failures = 0;
  for (int trial = 0; trial < 400; trial++) {
    std::string bad = payload;
    if (trial % 4 == 0) {
      bad.resize(rnd.Uniform(payload.size()));
    } else {
      bad[rnd.Uniform(bad.size())] ^= static_cast<char>(1 + rnd.Uniform(255));
    }
    auto d = DecodeColumnarBlock(bad, n, "blk");
    auto c = DecodeCompactColumnarBlock(bad, n, "blk");
    ASSERT_EQ(d.ok(), c.ok()) << trial;
    if (!d.ok()) {
      failures++;
      EXPECT_EQ(d.status(), c.status()) << trial;
      EXPECT_TRUE(absl::IsDataLoss(c.status()));
      EXPECT_NE(c.status().message().find("blk"), absl::string_view::npos);
      continue;
    }
    // Damage the decoder accepts must read back identically.
    auto w = (*d)->NewIterator();
    auto g = (*c)->NewIterator();
    for (w->SeekToLast(), g->SeekToLast(); w->Valid(); w->Prev(), g->Prev()) {
      ASSERT_TRUE(g->Valid());
      ASSERT_EQ(w->key(), g->key());
      ASSERT_EQ(w->value(), g->value());
    }
    EXPECT_FALSE(g->Valid());
  }
  EXPECT_GT(failures, 100);
}

}  // namespace
}  // namespace strata
