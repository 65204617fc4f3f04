// Val: a borrowed, typed field or tag value as the executor's row and
// condition code sees it (strings point into iterator or catalog memory),
// plus decoding from the stored bytes of value_codec.h. No allocation.
#ifndef STRATA_SERIES_EXEC_VALUE_H_
#define STRATA_SERIES_EXEC_VALUE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "strata/point.h"
#include "strata/series.h"

namespace strata::series {

struct Val {
  enum class Type : uint8_t { kNull, kFloat, kInt, kUint, kBool, kString };
  Type type = Type::kNull;
  union {
    double f;
    int64_t i;
    uint64_t u;
    bool b;
  };
  std::string_view s;

  Val() : i(0) {}
  static Val Float(double v) {
    Val r;
    r.type = Type::kFloat;
    r.f = v;
    return r;
  }
  static Val Int(int64_t v) {
    Val r;
    r.type = Type::kInt;
    r.i = v;
    return r;
  }
  static Val Uint(uint64_t v) {
    Val r;
    r.type = Type::kUint;
    r.u = v;
    return r;
  }
  static Val Bool(bool v) {
    Val r;
    r.type = Type::kBool;
    r.b = v;
    return r;
  }
  static Val String(std::string_view v) {
    Val r;
    r.type = Type::kString;
    r.s = v;
    return r;
  }
  bool is_null() const { return type == Type::kNull; }
  bool is_number() const {
    return type == Type::kFloat || type == Type::kInt || type == Type::kUint;
  }
};

// Decodes stored bytes of a field of type `t`; false if malformed.
inline bool DecodeVal(FieldType t, std::string_view bytes, Val* out) {
  switch (t) {
    case FieldType::kFloat:
      if (bytes.size() != 8) return false;
      out->type = Val::Type::kFloat;
      std::memcpy(&out->f, bytes.data(), 8);
      return true;
    case FieldType::kInteger:
      if (bytes.size() != 8) return false;
      out->type = Val::Type::kInt;
      std::memcpy(&out->i, bytes.data(), 8);
      return true;
    case FieldType::kUnsigned:
      if (bytes.size() != 8) return false;
      out->type = Val::Type::kUint;
      std::memcpy(&out->u, bytes.data(), 8);
      return true;
    case FieldType::kBoolean:
      if (bytes.size() != 1 || static_cast<uint8_t>(bytes[0]) > 1) {
        return false;
      }
      out->type = Val::Type::kBool;
      out->b = bytes[0] == 1;
      return true;
    case FieldType::kString:
      out->type = Val::Type::kString;
      out->s = bytes;
      return true;
  }
  return false;
}

// An owning copy for a result cell.
inline QueryValue ToQueryValue(const Val& v) {
  switch (v.type) {
    case Val::Type::kNull:
      return QueryValue();
    case Val::Type::kFloat:
      return QueryValue(v.f);
    case Val::Type::kInt:
      return QueryValue(v.i);
    case Val::Type::kUint:
      return QueryValue(v.u);
    case Val::Type::kBool:
      return QueryValue(v.b);
    case Val::Type::kString:
      return QueryValue(std::string(v.s));
  }
  return QueryValue();
}

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_VALUE_H_
