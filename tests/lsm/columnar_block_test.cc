// Columnar block round trips: randomized scenarios (table below) are encoded,
// decoded and walked forward, backward and by seeks against a sorted
// std::vector reference; plus targeted checks of sizes, the size estimate
// and corrupt payloads.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/block.h"
#include "lsm/columnar_float_codec.h"
#include "lsm/columnar_format.h"
#include "lsm/columnar_int_codec.h"
#include "lsm/dbformat.h"
#include "util/random.h"

namespace strata {
namespace {

struct Entry {
  std::string ikey;
  int64_t expire;
  std::string value;
};

enum class Ts { kRegular, kIrregular, kNegative, kDuplicates, kExtreme };
enum class Seq { kZero, kReal, kRandom };
enum class Expire { kNever, kTtl, kMixed, kRandom };
enum class Values {
  kDecimal,
  kRandomBits,
  kSpecials,
  kIntegers,
  kVarLen,
  kEmpty,
  kBool,
  kMixedLen,
  kDeletes,
};

struct Scenario {
  const char* name;
  int keys;
  int points;
  Ts ts;
  Seq seq;
  Expire expire;
  Values values;
};

const Scenario kScenarios[] = {
    {"single_series", 1, 2000, Ts::kRegular, Seq::kZero, Expire::kTtl,
     Values::kDecimal},
    {"many_keys_random_bits", 300, 5, Ts::kIrregular, Seq::kReal,
     Expire::kMixed, Values::kRandomBits},
    {"negative_ts_integers", 5, 400, Ts::kNegative, Seq::kRandom,
     Expire::kRandom, Values::kIntegers},
    {"duplicate_ts_specials", 10, 100, Ts::kDuplicates, Seq::kReal,
     Expire::kTtl, Values::kSpecials},
    {"point_deletes", 20, 50, Ts::kIrregular, Seq::kReal, Expire::kNever,
     Values::kDeletes},
    {"variable_length", 50, 20, Ts::kRegular, Seq::kZero, Expire::kMixed,
     Values::kVarLen},
    {"empty_values", 3, 100, Ts::kRegular, Seq::kZero, Expire::kTtl,
     Values::kEmpty},
    {"one_entry", 1, 1, Ts::kRegular, Seq::kReal, Expire::kTtl,
     Values::kDecimal},
    {"booleans", 8, 100, Ts::kIrregular, Seq::kZero, Expire::kNever,
     Values::kBool},
    {"mixed_lengths", 4, 300, Ts::kRegular, Seq::kReal, Expire::kRandom,
     Values::kMixedLen},
    {"one_point_per_key", 1000, 1, Ts::kIrregular, Seq::kRandom, Expire::kTtl,
     Values::kDecimal},
    {"extreme_ts_and_expiry", 6, 200, Ts::kExtreme, Seq::kRandom,
     Expire::kRandom, Values::kIntegers},
    {"decimals_real_seqs", 7, 360, Ts::kRegular, Seq::kReal, Expire::kTtl,
     Values::kDecimal},
};

// a + b without signed overflow (timestamps here reach the int64 limits).
int64_t Add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}

std::string Word(uint64_t w) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &w, 8);
  return s;
}

std::string MakeUserKey(Random* rnd, int i, int keys) {
  if (i == 0 && keys > 2) return "";  // the empty key is valid
  std::string k = absl::StrFormat("cpu,host=h%05d#usage", i);
  if (rnd->OneIn(4)) k.push_back('\0');
  if (rnd->OneIn(4)) k += "\xff\x01";
  return k;
}

std::string MakeValue(Random* rnd, Values shape, int64_t* walk) {
  switch (shape) {
    case Values::kDecimal:
      *walk += static_cast<int64_t>(rnd->Uniform(201)) - 100;
      return Word(std::bit_cast<uint64_t>(static_cast<double>(*walk) / 100));
    case Values::kRandomBits:
      return Word(rnd->Next());
    case Values::kSpecials: {
      const double pool[] = {std::numeric_limits<double>::quiet_NaN(),
                             -std::numeric_limits<double>::quiet_NaN(),
                             -0.0,
                             0.0,
                             std::numeric_limits<double>::infinity(),
                             5e-324,
                             1.5};
      uint64_t w = std::bit_cast<uint64_t>(pool[rnd->Uniform(7)]);
      if (rnd->OneIn(5)) w = 0x7ff0000000000001ull + rnd->Uniform(1000);
      return Word(w);
    }
    case Values::kIntegers:
      *walk += static_cast<int64_t>(rnd->Uniform(1000));
      return Word(static_cast<uint64_t>(*walk));
    case Values::kVarLen: {
      std::string s(rnd->Uniform(40), '\0');
      for (char& c : s) c = static_cast<char>(rnd->Uniform(256));
      return s;
    }
    case Values::kEmpty:
      return "";
    case Values::kBool:
      return rnd->OneIn(2) ? "\x01" : std::string(1, '\0');
    case Values::kMixedLen:
      return rnd->OneIn(3) ? std::string("abcd") : Word(rnd->Next());
    case Values::kDeletes:
      return Word(rnd->Next());
  }
  return "";
}

int64_t MakeExpire(Random* rnd, Expire mode, int64_t ts) {
  switch (mode) {
    case Expire::kNever:
      return kNeverExpires;
    case Expire::kTtl:
      return Add(ts, 86'400'000'000'000);
    case Expire::kMixed:
      return rnd->OneIn(3) ? kNeverExpires : Add(ts, 3'600'000'000'000);
    case Expire::kRandom: {
      const int64_t pool[] = {kNeverExpires, kMinTimestamp, 0, ts, Add(~ts, 1)};
      return rnd->OneIn(2) ? static_cast<int64_t>(rnd->Next())
                           : pool[rnd->Uniform(5)];
    }
  }
  return 0;
}

std::vector<Entry> Generate(const Scenario& sc, uint64_t seed) {
  Random rnd(seed);
  std::vector<Entry> out;
  uint64_t seq = 1000;
  for (int k = 0; k < sc.keys; k++) {
    std::string user = MakeUserKey(&rnd, k, sc.keys);
    int64_t ts =
        sc.ts == Ts::kNegative ? -1'000'000'000'000 : 1'700'000'000'000'000'000;
    int64_t walk = static_cast<int64_t>(rnd.Uniform(10000));
    for (int p = 0; p < sc.points; p++) {
      switch (sc.ts) {
        case Ts::kRegular:
        case Ts::kNegative:
          ts += 10'000'000'000;
          break;
        case Ts::kIrregular:
          ts += 1 + static_cast<int64_t>(rnd.Uniform(20'000'000'000));
          break;
        case Ts::kDuplicates:
          if (!rnd.OneIn(3)) ts += 1000;
          break;
        case Ts::kExtreme:
          ts = static_cast<int64_t>(rnd.Next());
          if (rnd.OneIn(10)) ts = rnd.OneIn(2) ? kMinTimestamp : kMaxTimestamp;
          break;
      }
      uint64_t s = 0;
      if (sc.seq == Seq::kReal) s = seq += 3;
      if (sc.seq == Seq::kRandom) s = rnd.Next() & kMaxSequenceNumber;
      ValueKind kind = ValueKind::kPut;
      std::string value = MakeValue(&rnd, sc.values, &walk);
      if (sc.values == Values::kDeletes && rnd.OneIn(4)) {
        kind = ValueKind::kDelete;
        value.clear();
      }
      Entry e;
      AppendInternalKey(&e.ikey, user, ts, s, kind);
      e.expire = MakeExpire(&rnd, sc.expire, ts);
      e.value = std::move(value);
      out.push_back(std::move(e));
    }
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return CompareInternalKeys(a.ikey, b.ikey) < 0;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Entry& a, const Entry& b) {
                          return a.ikey == b.ikey;
                        }),
            out.end());
  return out;
}

std::string Build(BlockBuilder* b, const std::vector<Entry>& entries) {
  b->Reset();
  for (const Entry& e : entries) b->Add(e.ikey, e.expire, e.value);
  return std::string(b->Finish());
}

void ExpectAt(const InternalIterator& it, const std::vector<Entry>& ref,
              size_t i, const std::string& ctx) {
  ASSERT_LT(i, ref.size()) << ctx;
  ASSERT_TRUE(it.Valid()) << ctx << " expected entry " << i;
  ASSERT_EQ(it.key(), ref[i].ikey) << ctx << " entry " << i;
  ASSERT_EQ(it.value(), ref[i].value) << ctx << " entry " << i;
  ASSERT_EQ(it.expire_at(), ref[i].expire) << ctx << " entry " << i;
}

// Index of the first entry >= target (or > target when upper).
size_t RefBound(const std::vector<Entry>& ref, std::string_view target,
                bool upper) {
  auto it = std::partition_point(ref.begin(), ref.end(), [&](const Entry& e) {
    int c = CompareInternalKeys(e.ikey, target);
    return upper ? c <= 0 : c < 0;
  });
  return it - ref.begin();
}

std::string RandomTarget(Random* rnd, const std::vector<Entry>& ref) {
  const Entry& e = ref[rnd->Uniform(ref.size())];
  ParsedInternalKey p;
  EXPECT_TRUE(ParseInternalKey(e.ikey, &p));
  std::string user(p.user_key);
  switch (rnd->Uniform(7)) {
    case 0:
      return e.ikey;
    case 1:
      return SeekKey(user, Add(p.ts, 1), kMaxSequenceNumber);
    case 2:
      return SeekKey(user, Add(p.ts, -1), 0);
    case 3:
      return SeekKey(user, p.ts, p.seq == 0 ? 0 : p.seq - 1);
    case 4:
      return SeekKey(user + '\0', kMinTimestamp);
    case 5:
      return SeekKey(user.substr(0, rnd->Uniform(user.size() + 1)),
                     static_cast<int64_t>(rnd->Next()));
    default:
      return SeekKey(rnd->OneIn(2) ? "" : "\xff\xff\xff", p.ts);
  }
}

void CheckBlock(const Block& block, const std::vector<Entry>& ref,
                uint64_t seed) {
  auto it = block.NewIterator();
  EXPECT_FALSE(it->Valid());
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
    ExpectAt(*it, ref, i, "forward");
  }
  ASSERT_EQ(i, ref.size());
  EXPECT_TRUE(it->status().ok());
  i = ref.size();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ExpectAt(*it, ref, --i, "backward");
  }
  ASSERT_EQ(i, 0u);

  Random rnd(seed);
  for (int s = 0; s < 300; s++) {
    std::string target = RandomTarget(&rnd, ref);
    bool for_prev = rnd.OneIn(2);
    size_t pos;
    if (for_prev) {
      it->SeekForPrev(target);
      pos = RefBound(ref, target, /*upper=*/true);
      if (pos == 0) {
        EXPECT_FALSE(it->Valid());
        continue;
      }
      pos--;
    } else {
      it->Seek(target);
      pos = RefBound(ref, target, /*upper=*/false);
      if (pos == ref.size()) {
        EXPECT_FALSE(it->Valid());
        continue;
      }
    }
    ExpectAt(*it, ref, pos, for_prev ? "seek_for_prev" : "seek");
    // A short random walk from there.
    for (int step = 0; step < 5 && it->Valid(); step++) {
      if (rnd.OneIn(2)) {
        it->Next();
        if (++pos == ref.size()) {
          EXPECT_FALSE(it->Valid());
          break;
        }
      } else {
        it->Prev();
        if (pos-- == 0) {
          EXPECT_FALSE(it->Valid());
          break;
        }
      }
      ExpectAt(*it, ref, pos, "walk");
    }
  }
}

class ColumnarScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(ColumnarScenarioTest, RoundTripAndIterate) {
  const Scenario& sc = GetParam();
  auto builder = NewColumnarBlockBuilder();
  for (uint64_t seed = 1; seed <= 4; seed++) {
    std::vector<Entry> ref = Generate(sc, seed * 1000 + sc.keys);
    ASSERT_FALSE(ref.empty());
    std::string payload = Build(builder.get(), ref);
    EXPECT_EQ(builder->count(), ref.size());

    // The size estimate is roughly right: within 2x plus a small constant.
    double est = static_cast<double>(builder->SizeEstimate());
    EXPECT_LE(est, 2.0 * payload.size() + 64) << sc.name;
    EXPECT_GE(est, 0.5 * payload.size() - 64) << sc.name;

    auto block = DecodeColumnarBlock(payload, ref.size(), "blk");
    ASSERT_TRUE(block.ok()) << sc.name << ": " << block.status();
    EXPECT_GE((*block)->MemoryUsage(), ref.size() * 24);
    CheckBlock(**block, ref, seed);

    // The count in the block handle must match.
    EXPECT_TRUE(absl::IsDataLoss(
        DecodeColumnarBlock(payload, ref.size() + 1, "blk").status()));
  }
}

// The payload with its values section (the last one) replaced by `codec`'s
// encoding of the entries' 8-byte values; empty if the codec cannot hold
// them. Lets every codec be checked in the block path, not only the one the
// builder picks as smallest.
std::string WithValueCodec(const std::string& payload,
                           const std::vector<Entry>& ref, ValueCodec codec) {
  std::vector<uint64_t> words;
  std::vector<uint32_t> runs;
  std::string_view prev_user;
  for (const Entry& e : ref) {
    if (e.value.size() != 8) return "";
    uint64_t w;
    std::memcpy(&w, e.value.data(), 8);
    words.push_back(w);
    std::string_view user = ExtractUserKey(e.ikey);
    if (runs.empty() || user != prev_user) runs.push_back(0);
    runs.back()++;
    prev_user = user;
  }
  std::string section(1, static_cast<char>(codec));
  const uint32_t n = words.size();
  switch (codec) {
    case ValueCodec::kBytes: {
      std::vector<int64_t> lens(n, 8);
      EncodeIntColumn(lens.data(), n, {&n, 1}, &section);
      for (uint64_t w : words) section.append(reinterpret_cast<char*>(&w), 8);
      break;
    }
    case ValueCodec::kDecimal: {
      int scale;
      std::vector<int64_t> ints;
      if (!FindDecimalScale(words.data(), n, &scale, &ints)) return "";
      section.push_back(static_cast<char>(scale));
      EncodeIntColumn(ints.data(), n, runs, &section);
      break;
    }
    case ValueCodec::kXor:
      EncodeXorColumn(words.data(), n, &section);
      break;
    case ValueCodec::kInt64:
      EncodeIntColumn(reinterpret_cast<const int64_t*>(words.data()), n, runs,
                      &section);
      break;
  }
  // Skip version, count and the first four sections.
  std::string_view in(payload);
  uint64_t v;
  in.remove_prefix(1);
  EXPECT_TRUE(GetVarint64(&in, &v));
  for (int i = 0; i < 4; i++) {
    EXPECT_TRUE(GetVarint64(&in, &v));
    in.remove_prefix(v);
  }
  std::string out = payload.substr(0, payload.size() - in.size());
  PutVarint64(&out, section.size());
  return out + section;
}

TEST_P(ColumnarScenarioTest, EveryValueCodecDecodes) {
  const Scenario& sc = GetParam();
  auto builder = NewColumnarBlockBuilder();
  std::vector<Entry> ref = Generate(sc, 99);
  std::string payload = Build(builder.get(), ref);
  for (ValueCodec codec : {ValueCodec::kBytes, ValueCodec::kDecimal,
                           ValueCodec::kXor, ValueCodec::kInt64}) {
    std::string p = WithValueCodec(payload, ref, codec);
    if (p.empty()) continue;
    auto block = DecodeColumnarBlock(p, ref.size(), "blk");
    ASSERT_TRUE(block.ok())
        << static_cast<int>(codec) << ": " << block.status();
    CheckBlock(**block, ref, 4);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ColumnarScenarioTest,
                         ::testing::ValuesIn(kScenarios),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return std::string(info.param.name);
                         });

TEST(ColumnarBlockTest, EmptyBlock) {
  auto builder = NewColumnarBlockBuilder();
  std::string payload(builder->Finish());
  auto block = DecodeColumnarBlock(payload, 0, "blk");
  ASSERT_TRUE(block.ok()) << block.status();
  auto it = (*block)->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek(SeekKey("a", 0));
  EXPECT_FALSE(it->Valid());
}

TEST(ColumnarBlockTest, CompactedRegularSeriesIsTiny) {
  // One series, regular ts, zeroed seqs, one TTL, a constant gauge: every
  // column takes its constant or zero-residual form.
  std::vector<Entry> ref;
  for (int i = 0; i < 5000; i++) {
    Entry e;
    int64_t ts = 1'700'000'000'000'000'000 + i * 10'000'000'000;
    AppendInternalKey(&e.ikey, "mem,host=a#used", ts, 0, ValueKind::kPut);
    e.expire = ts + 86'400'000'000'000;
    e.value = Word(std::bit_cast<uint64_t>(42.5));
    ref.push_back(e);
  }
  auto builder = NewColumnarBlockBuilder();
  std::string payload = Build(builder.get(), ref);
  EXPECT_LT(payload.size(), 200u);
  auto block = DecodeColumnarBlock(payload, ref.size(), "blk");
  ASSERT_TRUE(block.ok()) << block.status();
  CheckBlock(**block, ref, 1);
}

TEST(ColumnarBlockTest, BuilderReuseAfterReset) {
  auto builder = NewColumnarBlockBuilder();
  for (const Scenario& sc : kScenarios) {
    std::vector<Entry> ref = Generate(sc, 77);
    std::string payload = Build(builder.get(), ref);
    auto block = DecodeColumnarBlock(payload, ref.size(), sc.name);
    ASSERT_TRUE(block.ok()) << block.status();
    CheckBlock(**block, ref, 2);
  }
}

TEST(ColumnarBlockTest, LongSharedKeysStayWithinDecodeBound) {
  // Long keys differing only at the end, one entry each: prefix sharing
  // would expand far beyond the payload, so the builder stores whole keys.
  std::vector<Entry> ref;
  std::string base(60000, 'k');
  for (int i = 0; i < 200; i++) {
    Entry e;
    AppendInternalKey(&e.ikey, base + absl::StrFormat("%04d", i), 0, 0,
                      ValueKind::kPut);
    e.expire = kNeverExpires;
    ref.push_back(e);
  }
  auto builder = NewColumnarBlockBuilder();
  std::string payload = Build(builder.get(), ref);
  auto block = DecodeColumnarBlock(payload, ref.size(), "blk");
  ASSERT_TRUE(block.ok()) << block.status();
  CheckBlock(**block, ref, 3);
}

TEST(ColumnarBlockTest, RejectsMalformedPayloads) {
  std::vector<Entry> ref = Generate(kScenarios[0], 5);
  auto builder = NewColumnarBlockBuilder();
  std::string good = Build(builder.get(), ref);
  const uint32_t n = ref.size();
  struct Case {
    const char* name;
    std::string payload;
    uint32_t count;
  };
  std::string bad_version = good;
  bad_version[0] = 2;
  const Case cases[] = {
      {"empty", "", n},
      {"bad_version", bad_version, n},
      {"count_mismatch", good, n - 1},
      {"count_over_limit", good, kMaxColumnarEntries + 1},
      {"trailing_byte", good + "x", n},
      {"truncated", good.substr(0, good.size() - 1), n},
      {"header_only", good.substr(0, 3), n},
  };
  for (const Case& c : cases) {
    auto block = DecodeColumnarBlock(c.payload, c.count, "000123.sst#7");
    EXPECT_TRUE(absl::IsDataLoss(block.status())) << c.name;
    EXPECT_NE(std::string(block.status().message()).find("000123.sst#7"),
              std::string::npos)
        << c.name << ": " << block.status();
  }
}

TEST(ColumnarBlockTest, RejectsOutOfOrderEntries) {
  // Same (key, ts) twice with the same sequence: not strictly increasing.
  auto builder = NewColumnarBlockBuilder();
  std::string k1, k2;
  AppendInternalKey(&k1, "a", 5, 9, ValueKind::kPut);
  AppendInternalKey(&k2, "a", 5, 9, ValueKind::kPut);
  builder->Add(k1, kNeverExpires, "x");
  builder->Add(k2, kNeverExpires, "y");
  std::string payload(builder->Finish());
  EXPECT_TRUE(absl::IsDataLoss(DecodeColumnarBlock(payload, 2, "b").status()));

  // An unknown value kind.
  builder->Reset();
  std::string k3;
  AppendInternalKey(&k3, "a", 5, 9, uint8_t{7});
  builder->Add(k3, kNeverExpires, "x");
  payload = std::string(builder->Finish());
  EXPECT_TRUE(absl::IsDataLoss(DecodeColumnarBlock(payload, 1, "b").status()));
}

}  // namespace
}  // namespace strata
