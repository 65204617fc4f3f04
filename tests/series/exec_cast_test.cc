// CastNumeric: InfluxDB 1.x's ::float / ::integer / ::unsigned conversions
// of numeric fields, including the edges C++ would leave undefined.
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "series/exec_condition.h"

namespace strata::series {
namespace {

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

TEST(ExecCastTest, FloatToIntegerTruncatesTowardZeroAndSaturates) {
  const struct {
    double in;
    int64_t want;
  } cases[] = {
      {31.9, 31},
      {-2.5, -2},
      {-0.9, 0},
      {0, 0},
      {1e300, kI64Max},
      {-1e300, kI64Min},
      {9.3e18, kI64Max},
      {-9.3e18, kI64Min},
      {-9223372036854775808.0, kI64Min},
      {4503599627370497.0, 4503599627370497},
  };
  for (const auto& c : cases) {
    const Val v = CastNumeric(Val::Float(c.in), FieldType::kInteger);
    ASSERT_EQ(v.type, Val::Type::kInt) << c.in;
    EXPECT_EQ(v.i, c.want) << c.in;
  }
}

TEST(ExecCastTest, FloatToUnsignedSaturates) {
  const struct {
    double in;
    uint64_t want;
  } cases[] = {
      {31.9, 31},
      {-2.5, 0},
      {1.8e19, 18000000000000000000u},
      {2e19, kU64Max},
  };
  for (const auto& c : cases) {
    const Val v = CastNumeric(Val::Float(c.in), FieldType::kUnsigned);
    ASSERT_EQ(v.type, Val::Type::kUint) << c.in;
    EXPECT_EQ(v.u, c.want) << c.in;
  }
}

TEST(ExecCastTest, IntegersConvertAsGoDoes) {
  Val v = CastNumeric(Val::Int(-3), FieldType::kUnsigned);
  ASSERT_EQ(v.type, Val::Type::kUint);
  EXPECT_EQ(v.u, kU64Max - 2);  // wraps
  v = CastNumeric(Val::Uint(kU64Max), FieldType::kInteger);
  ASSERT_EQ(v.type, Val::Type::kInt);
  EXPECT_EQ(v.i, -1);
  v = CastNumeric(Val::Int(7), FieldType::kFloat);
  ASSERT_EQ(v.type, Val::Type::kFloat);
  EXPECT_EQ(v.f, 7.0);
  v = CastNumeric(Val::Uint(kU64Max), FieldType::kFloat);
  ASSERT_EQ(v.type, Val::Type::kFloat);
  EXPECT_EQ(v.f, 18446744073709551615.0);
}

TEST(ExecCastTest, SameTypeAndNonNumbersAreUnchanged) {
  EXPECT_EQ(CastNumeric(Val::Int(5), FieldType::kInteger).i, 5);
  EXPECT_EQ(CastNumeric(Val::Float(2.5), FieldType::kFloat).f, 2.5);
  EXPECT_EQ(CastNumeric(Val::String("x"), FieldType::kInteger).type,
            Val::Type::kString);
  EXPECT_EQ(CastNumeric(Val::Bool(true), FieldType::kFloat).type,
            Val::Type::kBool);
  EXPECT_TRUE(CastNumeric(Val(), FieldType::kInteger).is_null());
}

}  // namespace
}  // namespace strata::series
