#include "util/coding.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "util/random.h"

namespace strata {
namespace {

TEST(Coding, VarintRoundTripsEdgeValues) {
  const uint64_t values[] = {0, 1, 127, 128, 16383, 16384, (1ull << 32) - 1,
                             1ull << 32, std::numeric_limits<uint64_t>::max()};
  std::string buf;
  for (uint64_t v : values) PutVarint64(&buf, v);
  std::string_view in(buf);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
}

TEST(Coding, TruncatedVarintIsRejected) {
  std::string buf;
  PutVarint64(&buf, 1ull << 40);
  for (size_t n = 0; n < buf.size(); n++) {
    std::string_view in(buf.data(), n);
    uint64_t v;
    EXPECT_FALSE(GetVarint64(&in, &v)) << n;
  }
}

TEST(Coding, OverlongVarintIsRejected) {
  std::string buf(11, '\xff');
  std::string_view in(buf);
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&in, &v));
}

TEST(Coding, OrderedInt64PreservesOrder) {
  Random rnd(7);
  for (int i = 0; i < 10000; i++) {
    int64_t a = static_cast<int64_t>(rnd.Next());
    int64_t b = static_cast<int64_t>(rnd.Next());
    char ea[8], eb[8];
    EncodeOrderedInt64(ea, a);
    EncodeOrderedInt64(eb, b);
    int c = std::string_view(ea, 8).compare(std::string_view(eb, 8));
    EXPECT_EQ(c < 0, a < b);
    EXPECT_EQ(DecodeOrderedInt64(ea), a);
  }
}

TEST(Coding, ZigZag) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1},
                    std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(v)), v);
  }
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
}

}  // namespace
}  // namespace strata
