// Corruption fuzz for columnar blocks: 20k random mutations and truncations
// of valid payloads (every codec and expire mode) must decode, in both the
// decoded and the compact form, to the same error or to blocks consistent
// with themselves; never a crash or an out-of-bounds read (this binary
// also runs under ASan).
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "util/random.h"

namespace strata {
namespace {

enum class Shape { kDecimal, kRandomFloat, kCounter, kStrings, kMixedExpire };

std::string Word(uint64_t w) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &w, 8);
  return s;
}

// A valid payload of a few series in the given shape; *count gets the
// number of entries.
std::string ValidPayload(Shape shape, uint64_t seed, uint32_t* count) {
  Random rnd(seed);
  auto b = NewColumnarBlockBuilder();
  int keys = 1 + rnd.Uniform(5);
  int points = 1 + rnd.Uniform(300);
  uint64_t seq = 100;
  for (int k = 0; k < keys; k++) {
    std::string user = "series" + std::to_string(k) + std::string(k, 'x');
    int64_t ts = -50'000 + static_cast<int64_t>(rnd.Uniform(100'000));
    int64_t walk = 1000;
    for (int p = 0; p < points; p++) {
      ts += 10 + (rnd.OneIn(5) ? rnd.Uniform(7) : 0);
      walk += static_cast<int64_t>(rnd.Uniform(101)) - 50;
      std::string value;
      switch (shape) {
        case Shape::kDecimal:
          value = Word(std::bit_cast<uint64_t>(walk / 100.0));
          break;
        case Shape::kRandomFloat:
          value = Word(std::bit_cast<uint64_t>(rnd.NextDouble() * 100));
          break;
        case Shape::kCounter:
          value = Word(static_cast<uint64_t>(walk * walk));
          break;
        case Shape::kStrings:
        case Shape::kMixedExpire:
          value = std::string(rnd.Uniform(12), 'a' + rnd.Uniform(26));
          break;
      }
      bool del = shape == Shape::kStrings && rnd.OneIn(6);
      std::string ikey;
      AppendInternalKey(&ikey, user, ts, seq += 1 + rnd.Uniform(3),
                        del ? ValueKind::kDelete : ValueKind::kPut);
      int64_t expire = shape == Shape::kMixedExpire && rnd.OneIn(2)
                           ? kNeverExpires
                           : ts + 3600;
      b->Add(ikey, expire, del ? "" : value);
    }
  }
  *count = b->count();
  return std::string(b->Finish());
}

// Walks a decoded block and checks it is consistent with itself: strictly
// increasing well-formed keys, the same entries backward as forward, and
// every key found again by Seek and SeekForPrev.
void CheckSelfConsistent(const Block& block, uint32_t count) {
  auto it = block.NewIterator();
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string k(it->key());
    ParsedInternalKey parsed;
    ASSERT_TRUE(ParseInternalKey(k, &parsed));
    if (!keys.empty()) {
      ASSERT_LT(CompareInternalKeys(keys.back(), k), 0);
    }
    keys.push_back(k);
    values.emplace_back(it->value());
    (void)it->expire_at();
  }
  ASSERT_EQ(keys.size(), count);
  size_t i = keys.size();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(i, 0u);
    --i;
    ASSERT_EQ(it->key(), keys[i]);
    ASSERT_EQ(it->value(), values[i]);
  }
  ASSERT_EQ(i, 0u);
  for (size_t j = 0; j < keys.size(); j += 1 + keys.size() / 16) {
    it->Seek(keys[j]);
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), keys[j]);
    it->SeekForPrev(keys[j]);
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), keys[j]);
  }
}

TEST(ColumnarFuzzTest, MutatedPayloadsNeverCrash) {
  const Shape shapes[] = {Shape::kDecimal, Shape::kRandomFloat, Shape::kCounter,
                          Shape::kStrings, Shape::kMixedExpire};
  std::vector<std::pair<std::string, uint32_t>> seeds;
  for (int i = 0; i < 40; i++) {
    uint32_t count;
    std::string p = ValidPayload(shapes[i % 5], 1000 + i, &count);
    auto block = DecodeColumnarBlock(p, count, "seed");
    ASSERT_TRUE(block.ok()) << block.status();
    CheckSelfConsistent(**block, count);
    auto compact = DecodeCompactColumnarBlock(p, count, "seed");
    ASSERT_TRUE(compact.ok()) << compact.status();
    CheckSelfConsistent(**compact, count);
    seeds.emplace_back(std::move(p), count);
  }

  Random rnd(20240601);
  int rejected = 0, accepted = 0;
  for (int iter = 0; iter < 20000; iter++) {
    const auto& [orig, orig_count] = seeds[rnd.Uniform(seeds.size())];
    std::string p = orig;
    uint32_t count = orig_count;
    switch (rnd.Uniform(6)) {
      case 0:  // flip bits in a few bytes
        for (int k = 1 + rnd.Uniform(4); k > 0; k--) {
          p[rnd.Uniform(p.size())] ^= static_cast<char>(1 << rnd.Uniform(8));
        }
        break;
      case 1:  // overwrite a byte with anything
        p[rnd.Uniform(p.size())] = static_cast<char>(rnd.Uniform(256));
        break;
      case 2:  // truncate
        p.resize(rnd.Uniform(p.size()));
        break;
      case 3:  // insert or delete a byte
        if (rnd.OneIn(2)) {
          p.insert(p.begin() + rnd.Uniform(p.size() + 1),
                   static_cast<char>(rnd.Uniform(256)));
        } else {
          p.erase(p.begin() + rnd.Uniform(p.size()));
        }
        break;
      case 4:  // damage the header region, where counts and modes live
        p[rnd.Uniform(std::min<size_t>(p.size(), 24))] =
            static_cast<char>(rnd.Uniform(256));
        break;
      default:  // wrong count from the block handle, plus a flip
        count = rnd.OneIn(2) ? count + 1 : static_cast<uint32_t>(rnd.Next());
        p[rnd.Uniform(p.size())] ^= 1;
        break;
    }
    auto block = DecodeColumnarBlock(p, count, "fuzz");
    // The compact form checks the payload as fully: same verdict.
    auto compact = DecodeCompactColumnarBlock(p, count, "fuzz");
    ASSERT_EQ(block.status(), compact.status()) << "iteration " << iter;
    if (!block.ok()) {
      ASSERT_TRUE(absl::IsDataLoss(block.status())) << block.status();
      rejected++;
      continue;
    }
    accepted++;
    CheckSelfConsistent(**block, count);
    CheckSelfConsistent(**compact, count);
    if (HasFatalFailure()) FAIL() << "iteration " << iter;
  }
  // Most damage must be detected; some (a flipped value bit) is invisible
  // at this layer and left to the block checksum.
  EXPECT_GT(rejected, 5000);
  printf("columnar fuzz: %d rejected, %d decoded consistently\n", rejected,
         accepted);
}

}  // namespace
}  // namespace strata
