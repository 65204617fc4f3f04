// Index key encoding: memcmp order equals the sort order null < booleans <
// numbers < strings (property test against a reference comparator written
// here, and against CompareSortValues), round trips, compound keys,
// corruption handling, version-1 conversion, and scan ranges agreeing
// with the matcher (which keeps MongoDB's type bracketing).
#include "docs/index_key.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "docs/filter_sort.h"
#include "gtest/gtest.h"
#include "util/random.h"

static_assert(LDBL_MANT_DIG >= 64, "the reference needs exact long doubles");

namespace strata::docs {
namespace {

// Reference order for scalars (issue 5): null < booleans < numbers <
// strings; numbers exactly via long double; NaN first among numbers.
int RefRank(const JsonValue& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return 0;
    case JsonType::kBool:
      return 1;
    case JsonType::kString:
      return 3;
    default:
      return 2;
  }
}

int RefCompare(const JsonValue& a, const JsonValue& b) {
  int ra = RefRank(a), rb = RefRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 1)
    return a.bool_value() == b.bool_value() ? 0 : (a.bool_value() ? 1 : -1);
  if (ra == 3) {
    const std::string& x = a.string_value();
    const std::string& y = b.string_value();
    int c = std::memcmp(x.data(), y.data(), std::min(x.size(), y.size()));
    if (c != 0) return c < 0 ? -1 : 1;
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
  }
  auto num = [](const JsonValue& v) -> long double {
    // Each branch converts on its own: a plain ?: would go through double.
    if (v.type() == JsonType::kInt64)
      return static_cast<long double>(v.int_value());
    if (v.type() == JsonType::kUint64)
      return static_cast<long double>(v.uint_value());
    return static_cast<long double>(v.double_value());
  };
  long double x = num(a), y = num(b);
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn && yn ? 0 : (xn ? -1 : 1);
  return x < y ? -1 : (x > y ? 1 : 0);
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int MemCompare(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return Sign(c);
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

std::string Encode(const JsonValue& v) {
  std::string out;
  absl::Status st = AppendIndexKey(&out, v);
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

JsonValue RandomScalar(Random& rnd) {
  static const int64_t kInts[] = {0,
                                  1,
                                  -1,
                                  2,
                                  1000,
                                  INT64_MAX,
                                  INT64_MIN,
                                  INT64_MAX - 1,
                                  INT64_MIN + 1,
                                  (int64_t{1} << 53),
                                  (int64_t{1} << 53) + 1,
                                  -(int64_t{1} << 53) - 1,
                                  (int64_t{1} << 62) + 3};
  static const double kDoubles[] = {0.0,
                                    -0.0,
                                    0.5,
                                    -0.5,
                                    1.0,
                                    1e-310,
                                    9007199254740992.0,
                                    9007199254740994.0,
                                    9223372036854775808.0,
                                    -9223372036854775808.0,
                                    18446744073709551616.0,
                                    1.8446744073709550e19,
                                    1e300,
                                    -1e300,
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity()};
  switch (rnd.Uniform(12)) {
    case 0:
      return JsonValue::Null();
    case 1:
      return JsonValue::Bool(rnd.OneIn(2));
    case 2:
      // A neighbour of a boundary, wrapping around at the ends.
      return JsonValue::Int(static_cast<int64_t>(
          static_cast<uint64_t>(kInts[rnd.Uniform(std::size(kInts))]) +
          rnd.Uniform(3) - 1));
    case 3:
      return JsonValue::Int(static_cast<int64_t>(rnd.Next()));
    case 4:
      // uint64 beyond 2^63, often next to a double.
      return JsonValue::Uint(rnd.OneIn(2) ? rnd.Next() | (uint64_t{1} << 63)
                                          : UINT64_MAX - rnd.Uniform(4096));
    case 5:
      return JsonValue::Double(kDoubles[rnd.Uniform(std::size(kDoubles))]);
    case 6: {
      // Any finite double from its bits.
      double d;
      do {
        uint64_t bits = rnd.Next();
        std::memcpy(&d, &bits, 8);
      } while (!std::isfinite(d));
      return JsonValue::Double(d);
    }
    case 7:
      // Integers and doubles at the same magnitude beyond 2^53.
      if (rnd.OneIn(2)) {
        return JsonValue::Double(
            std::ldexp(1.0 + rnd.Uniform(16), 53 + rnd.Uniform(11)));
      }
      return JsonValue::Int((int64_t{1} << (53 + rnd.Uniform(10))) +
                            static_cast<int64_t>(rnd.Uniform(2048)) - 1024);
    case 8:
      return JsonValue::Double(static_cast<double>(rnd.Uniform(20)) / 4 - 2);
    default: {
      // Short strings over a tiny alphabet with 0x00 and 0xff, so that
      // prefixes and escapes collide often.
      static const char kBytes[] = {'\0', '\x01', 'a', 'b', '\xff'};
      std::string s;
      int n = static_cast<int>(rnd.Uniform(5));
      for (int i = 0; i < n; ++i) s.push_back(kBytes[rnd.Uniform(5)]);
      return JsonValue::String(s);
    }
  }
}

TEST(IndexKeyTest, MemcmpOrderEqualsSortOrder) {
  Random rnd(42);
  std::vector<JsonValue> values;
  for (int i = 0; i < 3000; ++i) values.push_back(RandomScalar(rnd));
  std::vector<std::string> keys;
  for (const JsonValue& v : values) keys.push_back(Encode(v));
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    size_t a = rnd.Uniform(values.size());
    size_t b = rnd.Uniform(values.size());
    int want = RefCompare(values[a], values[b]);
    ASSERT_EQ(MemCompare(keys[a], keys[b]), want)
        << ToJson(values[a]) << " vs " << ToJson(values[b]);
    ASSERT_EQ(CompareSortValues(values[a], values[b]), want)
        << ToJson(values[a]) << " vs " << ToJson(values[b]);
    ++checked;
  }
  EXPECT_EQ(checked, 200000);
}

TEST(IndexKeyTest, CompoundKeysOrderComponentWise) {
  Random rnd(7);
  for (int i = 0; i < 100000; ++i) {
    JsonValue a1 = RandomScalar(rnd), a2 = RandomScalar(rnd);
    JsonValue b1 = RandomScalar(rnd), b2 = RandomScalar(rnd);
    if (rnd.OneIn(3)) b1 = a1;  // exercise the second component
    int want = RefCompare(a1, b1);
    if (want == 0) want = RefCompare(a2, b2);
    ASSERT_EQ(MemCompare(Encode(a1) + Encode(a2), Encode(b1) + Encode(b2)),
              want)
        << ToJson(a1) << "," << ToJson(a2) << " vs " << ToJson(b1) << ","
        << ToJson(b2);
  }
}

TEST(IndexKeyTest, RoundTripsToAnEqualCanonicalValue) {
  Random rnd(99);
  for (int i = 0; i < 50000; ++i) {
    JsonValue v = RandomScalar(rnd);
    JsonValue w = RandomScalar(rnd);
    std::string key = Encode(v) + Encode(w);
    absl::StatusOr<std::vector<JsonValue>> back = DecodeIndexKey(key);
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ(RefCompare((*back)[0], v), 0) << ToJson(v);
    EXPECT_EQ(RefCompare((*back)[1], w), 0) << ToJson(w);
    EXPECT_EQ(Encode((*back)[0]), Encode(v));
  }
  // Equal values of different kinds share one encoding.
  EXPECT_EQ(Encode(JsonValue::Int(5)), Encode(JsonValue::Double(5.0)));
  EXPECT_EQ(Encode(JsonValue::Uint(uint64_t{1} << 63)),
            Encode(JsonValue::Double(9223372036854775808.0)));
  EXPECT_EQ(Encode(JsonValue::Double(-0.0)), Encode(JsonValue::Int(0)));
  EXPECT_NE(Encode(JsonValue::Int((int64_t{1} << 53) + 1)),
            Encode(JsonValue::Double(9007199254740992.0)));
  // Canonical kinds on decode.
  absl::StatusOr<std::vector<JsonValue>> d = DecodeIndexKey(
      Encode(JsonValue::Double(5.0)) + Encode(JsonValue::Double(0.5)) +
      Encode(JsonValue::Uint(UINT64_MAX)));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)[0].type(), JsonType::kInt64);
  EXPECT_EQ((*d)[1].type(), JsonType::kDouble);
  EXPECT_EQ((*d)[2].type(), JsonType::kUint64);
  EXPECT_EQ((*d)[2].uint_value(), UINT64_MAX);
}

TEST(IndexKeyTest, FixedBytes) {
  EXPECT_EQ(Encode(JsonValue::Null()), "\x10");
  EXPECT_EQ(Encode(JsonValue::Bool(false)), "\x18");
  EXPECT_EQ(Encode(JsonValue::Bool(true)), "\x19");
  EXPECT_EQ(Encode(JsonValue::String(std::string("a\0b", 3))),
            std::string("\x30"
                        "a\0\xff"
                        "b\0\x01",
                        7));
  EXPECT_EQ(Encode(JsonValue::Int(1)),
            std::string("\x20\xbf\xf0\0\0\0\0\0\0\0\0", 11));
  // 2^64 - 1: the double below is 2^64 - 2048, remainder 2047.
  EXPECT_EQ(Encode(JsonValue::Uint(UINT64_MAX)),
            std::string("\x20\xc3\xef\xff\xff\xff\xff\xff\xff\x07\xff", 11));
  // A path that ended at [] (key version 3), below null.
  EXPECT_EQ(Encode(JsonValue::Array()), std::string("\x08", 1));
  std::string out;
  EXPECT_FALSE(
      AppendIndexKey(&out, JsonValue::Array({JsonValue::Int(1)})).ok());
  EXPECT_FALSE(AppendIndexKey(&out, JsonValue::Object()).ok());
}

TEST(IndexKeyTest, DamagedKeysAreDataLoss) {
  struct Case {
    std::string key;
    std::string message;
  };
  const Case cases[] = {
      {"\x99", "at offset 0: unknown type tag 0x99"},
      {std::string("\x10\x20\x3f\xf0", 4), "at offset 1: truncated number"},
      {"\x30"
       "abc",
       "at offset 0: unterminated string"},
      {std::string("\x30"
                   "a\0",
                   3),
       "at offset 0: unterminated string"},
      {std::string("\x30"
                   "a\0\x05",
                   4),
       "at offset 2: bad escape in string"},
      // R != 0 with a small D: no value encodes this way.
      {std::string("\x20\xbf\xf0\0\0\0\0\0\0\0\x01", 11),
       "at offset 0: non-canonical number"},
      // -0.0 is always written as 0.0.
      {std::string("\x20\x7f\xff\xff\xff\xff\xff\xff\xff\0\0", 11),
       "at offset 0: non-canonical number"},
      // R at or above the gap to the next double.
      {std::string("\x20\xc3\xef\xff\xff\xff\xff\xff\xff\x08\x00", 11),
       "at offset 0: non-canonical number"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<JsonValue>> d = DecodeIndexKey(c.key);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(std::string(d.status().message()).find("corruption in index key"),
              std::string::npos);
    EXPECT_NE(std::string(d.status().message()).find(c.message),
              std::string::npos)
        << d.status();
  }
  std::string_view empty;
  EXPECT_FALSE(DecodeIndexKeyComponent(&empty).ok());
}

TEST(IndexKeyTest, TypeOrderOfTheIssue) {
  // null < false < true < numbers (int or float by value) < strings.
  const JsonValue ordered[] = {
      JsonValue::Null(),           JsonValue::Bool(false),
      JsonValue::Bool(true),       JsonValue::Double(-1e300),
      JsonValue::Int(-1),          JsonValue::Double(0.5),
      JsonValue::Int(1),           JsonValue::Double(1.5),
      JsonValue::Uint(UINT64_MAX), JsonValue::String(""),
      JsonValue::String("a")};
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_LT(Encode(ordered[i]), Encode(ordered[i + 1]))
        << ToJson(ordered[i]) << " vs " << ToJson(ordered[i + 1]);
    EXPECT_LT(CompareSortValues(ordered[i], ordered[i + 1]), 0);
  }
}

TEST(IndexKeyTest, ComponentSizeFramesEveryType) {
  struct Case {
    std::string bytes;
    size_t size;
  };
  const Case cases[] = {
      {"\x10", 1},
      {"\x18", 1},
      {"\x19"
       "rest",
       1},
      {Encode(JsonValue::Int(7)) + "x", kIndexNumberSize},
      {std::string("\x20\x01", 2), 0},  // truncated number
      {std::string("\x30"
                   "a\0\xff"
                   "b\0\x01"
                   "z",
                   8),
       7},
      {std::string("\x30"
                   "a\0",
                   3),
       0},  // unterminated
      {std::string("\x30"
                   "\0\x05",
                   3),
       0},          // bad escape
      {"\x60", 0},  // version 1 only
      {"", 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IndexComponentSize(c.bytes), c.size)
        << testing::PrintToString(c.bytes);
  }
}

TEST(IndexKeyTest, ConvertsVersion1Keys) {
  // Version 1 wrote false/true as 0x60/0x61; every other byte stays.
  const std::string num = Encode(JsonValue::Int(3));
  const std::string str = Encode(JsonValue::String("x"));
  struct Case {
    std::string v1;
    std::string v2;
  };
  const Case cases[] = {
      {"\x60", "\x18"},
      {"\x61" + num, "\x19" + num},
      {str + "\x60" + "\x10" + num, str + "\x18" + "\x10" + num},
      {num + str, num + str},
      {"\x19\x10", "\x19\x10"},  // already version 2
      {"", ""},
  };
  for (const Case& c : cases) {
    std::string out = "junk";
    ASSERT_TRUE(ConvertV1IndexKey(c.v1, &out));
    EXPECT_EQ(out, c.v2);
    absl::StatusOr<std::vector<JsonValue>> d = DecodeIndexKey(out);
    EXPECT_TRUE(d.ok()) << d.status();
  }
  std::string out;
  EXPECT_FALSE(ConvertV1IndexKey("\x99", &out));
  EXPECT_FALSE(ConvertV1IndexKey(std::string("\x60\x30"
                                             "ab",
                                             4),
                                 &out));
  // Version 1 tags are unknown to the version 2 decoder.
  EXPECT_FALSE(DecodeIndexKey("\x60").ok());
}

TEST(IndexKeyTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixSuccessor("\xff"), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
}

// Every range must hold exactly the index entries whose value the matcher
// accepts for the same predicate.
TEST(IndexKeyTest, RangesAgreeWithTheMatcher) {
  Random rnd(5);
  const std::string prefix = "ix\x01";
  std::vector<JsonValue> values;
  for (int i = 0; i < 400; ++i) values.push_back(RandomScalar(rnd));
  // Index entries: prefix | value | a trailing component (the doc id).
  std::vector<std::string> entries;
  for (size_t i = 0; i < values.size(); ++i) {
    entries.push_back(prefix + Encode(values[i]) +
                      Encode(JsonValue::Int(static_cast<int64_t>(i))));
  }
  const std::pair<FilterOp, const char*> ops[] = {{FilterOp::kEq, "$eq"},
                                                  {FilterOp::kGt, "$gt"},
                                                  {FilterOp::kGte, "$gte"},
                                                  {FilterOp::kLt, "$lt"},
                                                  {FilterOp::kLte, "$lte"}};
  for (int q = 0; q < 300; ++q) {
    JsonValue operand = values[rnd.Uniform(values.size())];
    if (operand.type() == JsonType::kDouble &&
        !std::isfinite(operand.double_value())) {
      continue;  // not expressible in a JSON filter
    }
    const auto& [op, name] = ops[rnd.Uniform(5)];
    absl::StatusOr<IndexKeyRange> range = IndexRangeForOp(prefix, op, operand);
    ASSERT_TRUE(range.ok()) << range.status();
    JsonValue filter_doc =
        JsonValue::Object({{"v", JsonValue::Object({{name, operand}})}});
    absl::StatusOr<Filter> filter = ParseFilterValue(filter_doc);
    ASSERT_TRUE(filter.ok()) << filter.status();
    Matcher m(*filter);
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i].type() == JsonType::kDouble &&
          std::isnan(values[i].double_value())) {
        continue;
      }
      bool in_range = entries[i] >= range->start && entries[i] < range->limit;
      bool matches = m.MatchesValue(JsonValue::Object({{"v", values[i]}}));
      ASSERT_EQ(in_range, matches)
          << ToJson(filter_doc) << " value " << ToJson(values[i]);
    }
  }
  // Null bounds and mixed brackets.
  absl::StatusOr<IndexKeyRange> r =
      IndexRangeForOp(prefix, FilterOp::kGt, JsonValue::Null());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = IndexRangeForOp(prefix, FilterOp::kLte, JsonValue::Null());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start, prefix + "\x10");
  EXPECT_FALSE(IndexRange(prefix, IndexBound{JsonValue::Int(1), true},
                          IndexBound{JsonValue::String("z"), true})
                   .ok());
  EXPECT_FALSE(IndexRangeForOp(prefix, FilterOp::kIn, JsonValue::Int(1)).ok());
  r = IndexRange(prefix, IndexBound{JsonValue::Int(5), true},
                 IndexBound{JsonValue::Double(1.5), false});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace strata::docs
