// Unit tests of the columnar block's building blocks: bit packing, the int
// column (all modes and orders, wrapping values, runs), decimal detection
// and the XOR float codec.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lsm/columnar_bits.h"
#include "lsm/columnar_float_codec.h"
#include "lsm/columnar_format.h"
#include "lsm/columnar_int_codec.h"
#include "util/random.h"

namespace strata {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(ColumnarBitsTest, WriterReaderRoundTripRandomWidths) {
  Random rnd(7);
  std::vector<std::pair<uint64_t, int>> fields;
  std::string buf;
  BitWriter w(&buf);
  for (int i = 0; i < 5000; i++) {
    int width = static_cast<int>(rnd.Uniform(65));
    uint64_t v = rnd.Next() & LowBitsMask(width);
    fields.emplace_back(v, width);
    w.Put(v, width);
  }
  w.Flush();
  EXPECT_EQ(buf.size(), (w.bits_written() + 7) / 8);
  BitReader r(buf);
  for (auto [v, width] : fields) {
    uint64_t got;
    ASSERT_TRUE(r.Get(width, &got));
    ASSERT_EQ(got, v) << "width " << width;
  }
  EXPECT_LT(r.bits_left(), 8u);
  uint64_t extra;
  EXPECT_FALSE(r.Get(8, &extra));
}

TEST(ColumnarBitsTest, PackUnpackEveryWidth) {
  Random rnd(11);
  for (int width = 1; width <= 64; width++) {
    for (size_t m : {size_t{1}, size_t{7}, size_t{64}, kColumnarFrameSize}) {
      std::vector<uint64_t> in(m), out(m);
      for (auto& v : in) v = rnd.Next() & LowBitsMask(width);
      std::string packed;
      PackBits(in.data(), m, width, &packed);
      ASSERT_EQ(packed.size(), PackedBytes(m, width));
      UnpackBits(packed.data(), m, width, out.data());
      ASSERT_EQ(in, out) << "width " << width << " m " << m;
    }
  }
}

// Decodes what EncodeIntColumn wrote and checks every byte was consumed.
std::vector<int64_t> IntRoundTrip(const std::vector<int64_t>& v,
                                  const std::vector<uint32_t>& runs,
                                  std::string* encoded = nullptr) {
  std::string buf;
  EncodeIntColumn(v.data(), v.size(), runs, &buf);
  ByteCursor in(buf, "test");
  std::vector<int64_t> out(v.size(), 12345);
  absl::Status s = DecodeIntColumn(&in, v.size(), runs, out.data());
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(in.empty());
  if (encoded != nullptr) *encoded = buf;
  return out;
}

struct IntCase {
  const char* name;
  std::vector<int64_t> (*make)(Random*, size_t);
  uint8_t expected_mode;  // 0xff: any framed mode
};

const IntCase kIntCases[] = {
    {"constant", [](Random*, size_t n) { return std::vector<int64_t>(n, -42); },
     0},
    {"regular_ts",
     [](Random*, size_t n) {
       std::vector<int64_t> v(n);
       for (size_t i = 0; i < n; i++)
         v[i] = -5'000'000'000 + 10'000'000'000 * i;
       return v;
     },
     3},
    {"random_walk",
     [](Random* r, size_t n) {
       std::vector<int64_t> v(n);
       int64_t x = 1000;
       for (auto& e : v) e = x += static_cast<int64_t>(r->Uniform(201)) - 100;
       return v;
     },
     2},
    {"small_unsorted",
     [](Random* r, size_t n) {
       std::vector<int64_t> v(n);
       for (auto& e : v) e = 1'000'000 + static_cast<int64_t>(r->Uniform(16));
       return v;
     },
     1},
    {"extremes",
     [](Random* r, size_t n) {
       std::vector<int64_t> v(n);
       const int64_t pool[] = {kMin, kMax, 0, -1, 1, kMin + 1, kMax - 1};
       for (auto& e : v) e = pool[r->Uniform(7)];
       return v;
     },
     0xff},
    {"random_bits",
     [](Random* r, size_t n) {
       std::vector<int64_t> v(n);
       for (auto& e : v) e = static_cast<int64_t>(r->Next());
       return v;
     },
     0xff},
};

TEST(ColumnarIntColumnTest, RoundTripsAndPicksExpectedMode) {
  Random rnd(3);
  for (const IntCase& c : kIntCases) {
    for (size_t n : {1, 2, 3, 127, 128, 129, 1000}) {
      std::vector<int64_t> v = c.make(&rnd, n);
      std::string enc;
      EXPECT_EQ(IntRoundTrip(v, {static_cast<uint32_t>(n)}, &enc), v)
          << c.name << " n=" << n;
      // Small columns may prefer another mode for its smaller heads.
      if (c.expected_mode != 0xff && n == 1000) {
        EXPECT_EQ(static_cast<uint8_t>(enc[0]), c.expected_mode)
            << c.name << " n=" << n;
      }
    }
  }
}

TEST(ColumnarIntColumnTest, RunsRestartChains) {
  Random rnd(5);
  for (int iter = 0; iter < 200; iter++) {
    std::vector<uint32_t> runs;
    std::vector<int64_t> v;
    size_t nruns = 1 + rnd.Uniform(20);
    for (size_t r = 0; r < nruns; r++) {
      uint32_t len = 1 + rnd.Uniform(rnd.OneIn(3) ? 3 : 300);
      runs.push_back(len);
      int64_t x = static_cast<int64_t>(rnd.Next() >> rnd.Uniform(64));
      int64_t step = static_cast<int64_t>(rnd.Uniform(1000)) - 500;
      for (uint32_t j = 0; j < len; j++) {
        v.push_back(x);
        x += step + (rnd.OneIn(10) ? static_cast<int64_t>(rnd.Uniform(7)) : 0);
      }
    }
    ASSERT_EQ(IntRoundTrip(v, runs), v) << "iter " << iter;
  }
}

TEST(ColumnarIntColumnTest, RegularSeriesAreTiny) {
  // 10 runs of 1000 regular timestamps: two bytes per frame plus heads.
  std::vector<uint32_t> runs(10, 1000);
  std::vector<int64_t> v;
  for (int r = 0; r < 10; r++) {
    for (int j = 0; j < 1000; j++)
      v.push_back(1'700'000'000'000'000'000 + j * 10'000'000'000);
  }
  std::string enc;
  ASSERT_EQ(IntRoundTrip(v, runs, &enc), v);
  EXPECT_LT(enc.size(), 200u);
}

TEST(ColumnarIntColumnTest, CommonDivisorShrinksFrames) {
  // Millisecond timestamps stored in nanoseconds, with jitter: residuals
  // are multiples of 10^6, which the divisor removes.
  Random rnd(17);
  std::vector<int64_t> v;
  for (int i = 0; i < 1024; i++) {
    v.push_back(1'700'000'000'000'000'000 + i * 10'000'000'000 +
                static_cast<int64_t>(rnd.Uniform(11)) * 1'000'000);
  }
  std::string enc;
  ASSERT_EQ(IntRoundTrip(v, {1024}, &enc), v);
  EXPECT_LT(enc.size(), 1024u * 6 / 8 + 100);  // ~5 bits per residual
}

TEST(ColumnarIntColumnTest, SparseFramesIsolateOutliers) {
  // Regular timestamps with a few missed scrapes: each gap is two large
  // delta-of-delta residuals among zeros.
  std::vector<int64_t> ts;
  for (int i = 0; i < 1100; i++) {
    if (i % 97 == 50) continue;
    ts.push_back(1'700'000'000'000'000'000 + i * 10'000'000'000);
  }
  std::string enc;
  ASSERT_EQ(IntRoundTrip(ts, {static_cast<uint32_t>(ts.size())}, &enc), ts);
  EXPECT_LT(enc.size(), 200u);  // dense frames would need ~35 bits each

  // Mostly one value with extreme exceptions, whose distance from the
  // common value overflows int64: must still round-trip.
  Random rnd(23);
  for (int64_t common : {int64_t{0}, kMin, kMax, int64_t{-7}}) {
    std::vector<int64_t> v(1000, common);
    for (int k = 0; k < 30; k++) {
      // Neighbours of common, wrapping at the int64 limits.
      const int64_t up =
          static_cast<int64_t>(static_cast<uint64_t>(common) + 1);
      const int64_t down =
          static_cast<int64_t>(static_cast<uint64_t>(common) - 1);
      const int64_t pool[] = {kMin, kMax, 0, up, down};
      v[rnd.Uniform(v.size())] = pool[rnd.Uniform(5)];
    }
    ASSERT_EQ(IntRoundTrip(v, {1000}), v) << common;
    ASSERT_EQ(IntRoundTrip(v, {500, 1, 499}), v) << common;
  }
}

TEST(ColumnarIntColumnTest, EmptyColumn) {
  EXPECT_TRUE(IntRoundTrip({}, {}).empty());
}

TEST(ColumnarIntColumnTest, RejectsMalformed) {
  const std::vector<uint32_t> runs = {200};
  struct Case {
    const char* name;
    std::string bytes;
  };
  // Mode 1 (order 0), divisor, then frames of width, base, bits.
  const Case cases[] = {
      {"empty", ""},
      {"unknown_mode", std::string("\x04\x00", 2)},
      {"bad_constant", std::string("\x00\xff", 2)},
      {"missing_divisor", std::string("\x01", 1)},
      {"divisor_zero", std::string("\x01\x00\x00\x00", 4)},
      {"width_65", std::string("\x01\x01\x41\x00", 4)},
      {"truncated_frame", std::string("\x01\x01\x08\x00", 4)},
      {"missing_frame", std::string("\x01\x01", 2)},
      // Sparse frame (0x80 | width 8): truncated bitmap; padding bits set.
      {"sparse_truncated", std::string("\x01\x01\x88\x00\x01", 5)},
      {"sparse_width_65", std::string("\x01\x01\xc1\x00", 4)},
  };
  for (const Case& c : cases) {
    ByteCursor in(c.bytes, "blk");
    std::vector<int64_t> out(200);
    absl::Status s = DecodeIntColumn(&in, 200, runs, out.data());
    EXPECT_TRUE(absl::IsDataLoss(s)) << c.name << ": " << s;
    EXPECT_NE(std::string(s.message()).find("blk"), std::string::npos);
  }
  // A 5-residual sparse frame whose bitmap sets bit 5 (past the frame).
  std::string padding("\x01\x01\x80\x00\x20", 5);
  ByteCursor in(padding, "blk");
  std::vector<int64_t> out(5);
  const uint32_t five = 5;
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeIntColumn(&in, 5, {&five, 1}, out.data())));
}

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

TEST(ColumnarDecimalTest, FindsSmallestScale) {
  struct Case {
    std::vector<double> values;
    int scale;  // -1: not decimal
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {{0, 1, -7, 1e15}, 0},
      {{23.45, 0.01, -99.99}, 2},
      {{1.5, 2.25, 0.125}, 3},
      {{0.000001, 3}, 6},
      {{0.0000001}, -1},
      {{0.1 + 0.2}, -1},
      {{-0.0}, -1},
      {{1.0, nan}, -1},
      {{inf}, -1},
      {{1e300}, -1},
      {{9.1e15}, -1},  // beyond 2^53
  };
  for (const Case& c : cases) {
    std::vector<uint64_t> words;
    for (double d : c.values) words.push_back(Bits(d));
    int scale = -1;
    std::vector<int64_t> ints;
    bool ok = FindDecimalScale(words.data(), words.size(), &scale, &ints);
    EXPECT_EQ(ok ? scale : -1, c.scale) << c.values[0];
    if (!ok) continue;
    for (size_t i = 0; i < words.size(); i++) {
      EXPECT_EQ(DecimalToWord(ints[i], scale), words[i]);
    }
  }
}

TEST(ColumnarDecimalTest, TwoDecimalRandomWalkRoundTrips) {
  Random rnd(9);
  std::vector<uint64_t> words;
  int64_t cents = 5000;
  for (int i = 0; i < 10000; i++) {
    cents += static_cast<int64_t>(rnd.Uniform(201)) - 100;
    words.push_back(Bits(static_cast<double>(cents) / 100));
  }
  int scale;
  std::vector<int64_t> ints;
  ASSERT_TRUE(FindDecimalScale(words.data(), words.size(), &scale, &ints));
  EXPECT_LE(scale, 2);
}

std::vector<uint64_t> XorRoundTrip(const std::vector<uint64_t>& words,
                                   size_t* encoded_size = nullptr) {
  std::string buf;
  EncodeXorColumn(words.data(), words.size(), &buf);
  if (encoded_size != nullptr) *encoded_size = buf.size();
  ByteCursor in(buf, "x");
  std::vector<uint64_t> out(words.size());
  absl::Status s = DecodeXorColumn(&in, words.size(), out.data());
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

TEST(ColumnarXorTest, RoundTripsShapes) {
  Random rnd(13);
  std::vector<std::vector<uint64_t>> inputs;
  std::vector<uint64_t> v;
  for (int i = 0; i < 1000; i++) v.push_back(rnd.Next());
  inputs.push_back(v);
  v.clear();
  for (int i = 0; i < 1000; i++) v.push_back(Bits(20.0 + rnd.NextDouble()));
  inputs.push_back(v);
  v.clear();
  const double specials[] = {0.0, -0.0, std::nan(""), 1e-310, -1e308, 1.0};
  for (int i = 0; i < 1000; i++) v.push_back(Bits(specials[rnd.Uniform(6)]));
  inputs.push_back(v);
  inputs.push_back(std::vector<uint64_t>(1000, Bits(3.25)));
  inputs.push_back({~uint64_t{0}, 0, ~uint64_t{0}, 1, uint64_t{1} << 63});
  inputs.push_back({42});
  inputs.push_back({});
  for (const auto& in : inputs) EXPECT_EQ(XorRoundTrip(in), in);
  size_t constant_size;
  XorRoundTrip(inputs[3], &constant_size);
  EXPECT_LE(constant_size, 8u + 1000 / 8 + 1);
}

TEST(ColumnarXorTest, RejectsTruncatedAndBadWindows) {
  std::vector<uint64_t> words = {1, 3, 7, 15, 31};
  std::string buf;
  EncodeXorColumn(words.data(), words.size(), &buf);
  for (size_t cut = 0; cut < buf.size(); cut++) {
    std::string part = buf.substr(0, cut);
    ByteCursor in(part, "x");
    std::vector<uint64_t> out(words.size());
    EXPECT_TRUE(
        absl::IsDataLoss(DecodeXorColumn(&in, words.size(), out.data())))
        << cut;
  }
  // 64 raw bits, then "1 0": reuse of a window that was never set.
  std::string reuse(8, '\0');
  reuse.push_back('\x01');
  ByteCursor in(reuse, "x");
  std::vector<uint64_t> out(2);
  EXPECT_TRUE(absl::IsDataLoss(DecodeXorColumn(&in, 2, out.data())));
  // Trailing bytes after the last value.
  std::string trailing = buf + std::string(2, '\0');
  ByteCursor in2(trailing, "x");
  std::vector<uint64_t> out2(words.size());
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeXorColumn(&in2, words.size(), out2.data())));
}

// Random damage to encoded int and XOR columns must give DataLoss or some
// decoded values, never a crash or a read past the buffer (run under ASan).
TEST(ColumnarCodecFuzzTest, DamagedColumnsNeverCrash) {
  Random rnd(31);
  int rejected = 0;
  for (int iter = 0; iter < 4000; iter++) {
    const size_t n = 1 + rnd.Uniform(400);
    std::vector<int64_t> v(n);
    uint64_t x = rnd.Next();  // unsigned, so the walk may wrap
    for (auto& e : v) {
      x += rnd.OneIn(8) ? rnd.Next() : rnd.Uniform(100);
      e = static_cast<int64_t>(x);
    }
    std::vector<uint32_t> runs = {static_cast<uint32_t>(n)};
    if (n > 10) runs = {5, static_cast<uint32_t>(n - 10), 5};
    const bool xor_column = rnd.OneIn(2);
    std::string buf;
    if (xor_column) {
      EncodeXorColumn(reinterpret_cast<const uint64_t*>(v.data()), n, &buf);
    } else {
      EncodeIntColumn(v.data(), n, runs, &buf);
    }
    if (rnd.OneIn(3)) {
      buf.resize(rnd.Uniform(buf.size()));
    } else {
      for (int k = 1 + rnd.Uniform(3); k > 0; k--) {
        buf[rnd.Uniform(buf.size())] ^= static_cast<char>(1 << rnd.Uniform(8));
      }
    }
    // Decode from an exact-size heap copy so ASan sees any overrun.
    std::unique_ptr<char[]> exact(new char[buf.size() + 1]);
    std::memcpy(exact.get(), buf.data(), buf.size());
    ByteCursor in(std::string_view(exact.get(), buf.size()), "fuzz");
    std::vector<int64_t> out(n);
    absl::Status s =
        xor_column
            ? DecodeXorColumn(&in, n, reinterpret_cast<uint64_t*>(out.data()))
            : DecodeIntColumn(&in, n, runs, out.data());
    if (!s.ok()) {
      ASSERT_TRUE(absl::IsDataLoss(s)) << s;
      rejected++;
    }
  }
  EXPECT_GT(rejected, 500);
}

}  // namespace
}  // namespace strata
