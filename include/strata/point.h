// Point: one time-series sample as the series layer sees it: a measurement,
// a tag set, a field set and a timestamp. Two flavours share one shape:
// Point owns its strings; PointView borrows them (e.g. from a parser's
// input) so hot paths need no per-point allocation. Plain data, no I/O.
#ifndef STRATA_POINT_H_
#define STRATA_POINT_H_

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/types.h"

namespace strata {

// Range of point timestamps, as in InfluxDB: the two lowest int64 values
// and the highest are reserved, so kMinTimestamp / kMaxTimestamp stay free
// as open scan bounds.
inline constexpr Timestamp kMinPointTime =
    std::numeric_limits<int64_t>::min() + 2;
inline constexpr Timestamp kMaxPointTime =
    std::numeric_limits<int64_t>::max() - 1;

// Type of a field value. Values are stable; never renumber (other layers
// may persist them).
enum class FieldType : uint8_t {
  kFloat = 0,
  kInteger = 1,
  kUnsigned = 2,
  kBoolean = 3,
  kString = 4,
};

// The numeric payload of a field value; which member is live is the type.
union FieldNumber {
  double f;
  int64_t i;
  uint64_t u;
  bool b;
};

// A typed field value. S is std::string (owning) or std::string_view.
template <typename S>
class BasicFieldValue {
 public:
  BasicFieldValue() = default;
  static BasicFieldValue Float(double v) {
    BasicFieldValue r(FieldType::kFloat);
    r.num_.f = v;
    return r;
  }
  static BasicFieldValue Integer(int64_t v) {
    BasicFieldValue r(FieldType::kInteger);
    r.num_.i = v;
    return r;
  }
  static BasicFieldValue Unsigned(uint64_t v) {
    BasicFieldValue r(FieldType::kUnsigned);
    r.num_.u = v;
    return r;
  }
  static BasicFieldValue Boolean(bool v) {
    BasicFieldValue r(FieldType::kBoolean);
    r.num_.b = v;
    return r;
  }
  static BasicFieldValue String(S v) {
    BasicFieldValue r(FieldType::kString);
    r.str_ = std::move(v);
    return r;
  }
  // Converts between the owning and the borrowing flavour.
  template <typename T>
  explicit BasicFieldValue(const BasicFieldValue<T>& o)
      : type_(o.type()), num_(o.raw_number()), str_(o.raw_string()) {}

  FieldType type() const { return type_; }
  // Each accessor REQUIRES type() to match.
  double float_value() const { return num_.f; }
  int64_t integer_value() const { return num_.i; }
  uint64_t unsigned_value() const { return num_.u; }
  bool bool_value() const { return num_.b; }
  const S& string_value() const { return str_; }

  // Exact equality: floats compare by bit pattern, so -0.0 != 0.0 and a
  // round trip must preserve the sign of zero.
  template <typename T>
  bool operator==(const BasicFieldValue<T>& o) const {
    if (type_ != o.type()) return false;
    switch (type_) {
      case FieldType::kFloat: {
        double a = num_.f, b = o.float_value();
        return std::memcmp(&a, &b, sizeof(a)) == 0;
      }
      case FieldType::kInteger:
        return num_.i == o.integer_value();
      case FieldType::kUnsigned:
        return num_.u == o.unsigned_value();
      case FieldType::kBoolean:
        return num_.b == o.bool_value();
      case FieldType::kString:
        return std::string_view(str_) == std::string_view(o.string_value());
    }
    return false;
  }

  // Internal: the untyped parts, for the converting constructor.
  FieldNumber raw_number() const { return num_; }
  const S& raw_string() const { return str_; }

 private:
  explicit BasicFieldValue(FieldType t) : type_(t) {}

  FieldType type_ = FieldType::kFloat;
  FieldNumber num_{.u = 0};
  S str_{};
};

using FieldValue = BasicFieldValue<std::string>;
using FieldValueView = BasicFieldValue<std::string_view>;

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};
struct TagView {
  std::string_view key;
  std::string_view value;
  bool operator==(const TagView&) const = default;
};

struct Field {
  std::string key;
  FieldValue value;
  bool operator==(const Field& o) const {
    return key == o.key && value == o.value;
  }
};
struct FieldView {
  std::string_view key;
  FieldValueView value;
  bool operator==(const FieldView& o) const {
    return key == o.key && value == o.value;
  }
};

// An owned point. Tag keys must be unique and non-empty, tag values
// non-empty, field keys unique and non-empty, at least one field. Parsers
// return tags sorted by key (bytewise); fields keep their input order.
struct Point {
  std::string measurement;
  std::vector<Tag> tags;
  std::vector<Field> fields;
  Timestamp timestamp = 0;
  bool operator==(const Point& o) const = default;
};

// A point whose strings point elsewhere; valid while that memory is.
struct PointView {
  std::string_view measurement;
  std::vector<TagView> tags;
  std::vector<FieldView> fields;
  Timestamp timestamp = 0;

  Point ToPoint() const {
    Point p;
    p.measurement = std::string(measurement);
    p.tags.reserve(tags.size());
    for (const TagView& t : tags) {
      p.tags.push_back(Tag{std::string(t.key), std::string(t.value)});
    }
    p.fields.reserve(fields.size());
    for (const FieldView& f : fields) {
      p.fields.push_back(Field{std::string(f.key), FieldValue(f.value)});
    }
    p.timestamp = timestamp;
    return p;
  }
};

}  // namespace strata

#endif  // STRATA_POINT_H_
