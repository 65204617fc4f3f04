// Bloom filter: no false negatives, a false-positive rate near the design
// point, safe answers for malformed filters, and a pinned on-disk format.
#include "lsm/bloom.h"

#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "util/crc32c.h"

namespace strata {
namespace {

std::string Key(int i) { return absl::StrFormat("key%08d", i); }

std::string Build(int bits_per_key, int n) {
  BloomFilterBuilder b(bits_per_key);
  for (int i = 0; i < n; i++) b.AddKey(Key(i));
  EXPECT_EQ(b.num_keys(), bits_per_key > 0 ? static_cast<size_t>(n) : 0u);
  return b.Finish();
}

double FalsePositiveRate(const std::string& filter, int n) {
  int fp = 0;
  const int kProbes = 100000;
  for (int i = 0; i < kProbes; i++) {
    if (BloomFilterMayMatch(filter, Key(n + 1000000 + i))) fp++;
  }
  return static_cast<double>(fp) / kProbes;
}

TEST(Bloom, NoFalseNegatives) {
  for (int n : {1, 10, 100, 1000, 20000}) {
    std::string f = Build(10, n);
    for (int i = 0; i < n; i++) {
      ASSERT_TRUE(BloomFilterMayMatch(f, Key(i))) << n << " " << i;
    }
  }
}

TEST(Bloom, FalsePositiveRateNearOnePercentAtTenBits) {
  std::string f = Build(10, 20000);
  double rate = FalsePositiveRate(f, 20000);
  // Theory for k = 7, 10 bits/key: ~0.82%.
  EXPECT_GT(rate, 0.003);
  EXPECT_LT(rate, 0.015);
  EXPECT_EQ(f.size(), 20000 * 10 / 8 + 1);
  EXPECT_EQ(f.back(), 7);  // k = round(10 ln 2)
}

TEST(Bloom, MoreBitsMeanFewerFalsePositives) {
  double r5 = FalsePositiveRate(Build(5, 10000), 10000);
  double r10 = FalsePositiveRate(Build(10, 10000), 10000);
  double r20 = FalsePositiveRate(Build(20, 10000), 10000);
  EXPECT_GT(r5, r10);
  EXPECT_GT(r10, r20);
  EXPECT_LT(r20, 0.001);
}

TEST(Bloom, SmallFiltersHaveAFloorOf64Bits) {
  std::string f = Build(10, 1);
  EXPECT_EQ(f.size(), 64 / 8 + 1);
  EXPECT_TRUE(BloomFilterMayMatch(f, Key(0)));
  // Even an empty key set gives a valid filter that rejects everything.
  std::string empty = Build(10, 0);
  EXPECT_EQ(empty.size(), 9u);
  EXPECT_FALSE(BloomFilterMayMatch(empty, Key(0)));
}

TEST(Bloom, ZeroBitsPerKeyMeansNoFilter) {
  std::string f = Build(0, 100);
  EXPECT_TRUE(f.empty());
  EXPECT_TRUE(BloomFilterMayMatch(f, "anything"));
}

TEST(Bloom, MalformedFiltersAnswerMayMatch) {
  std::string good = Build(10, 100);
  struct Case {
    const char* name;
    std::string filter;
  };
  std::string k0 = good, k31 = good;
  k0.back() = 0;
  k31.back() = 31;
  const Case cases[] = {{"empty", ""},
                        {"only k", std::string(1, 7)},
                        {"k = 0", k0},
                        {"k = 31", k31}};
  for (const Case& c : cases) {
    for (int i = 0; i < 50; i++) {
      EXPECT_TRUE(BloomFilterMayMatch(c.filter, Key(100000 + i))) << c.name;
    }
  }
}

TEST(Bloom, ProbeCountIsClamped) {
  EXPECT_EQ(Build(1, 10).back(), 1);
  EXPECT_EQ(Build(100, 10).back(), 30);
}

// The filter bytes are persisted: any change to hashing or layout breaks
// every existing file. If this fails, bump the SST format version.
TEST(Bloom, FormatIsPinned) {
  std::string f = Build(10, 100);
  EXPECT_EQ(f.size(), 126u);
  EXPECT_EQ(crc32c::Value(f), 0x75b348c0u) << std::hex << crc32c::Value(f);
}

}  // namespace
}  // namespace strata
