// JsonValue/JsonView construction, MongoDB-order comparison and minified
// serialization. Parsing lives in json_value_parse.cc.
#include "docs/json_value.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace strata::docs {

TypeBracket BracketOf(JsonType t) {
  switch (t) {
    case JsonType::kNull:
      return TypeBracket::kNull;
    case JsonType::kBool:
      return TypeBracket::kBool;
    case JsonType::kInt64:
    case JsonType::kUint64:
    case JsonType::kDouble:
      return TypeBracket::kNumber;
    case JsonType::kString:
      return TypeBracket::kString;
    case JsonType::kArray:
      return TypeBracket::kArray;
    case JsonType::kObject:
      return TypeBracket::kObject;
  }
  return TypeBracket::kNull;
}

const char* JsonTypeName(JsonType t) {
  switch (t) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "a boolean";
    case JsonType::kInt64:
    case JsonType::kUint64:
    case JsonType::kDouble:
      return "a number";
    case JsonType::kString:
      return "a string";
    case JsonType::kArray:
      return "an array";
    case JsonType::kObject:
      return "an object";
  }
  return "?";
}

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = JsonType::kBool;
  v.scalar_.b = b;
  return v;
}

JsonValue JsonValue::Int(int64_t i) {
  JsonValue v;
  v.type_ = JsonType::kInt64;
  v.scalar_.i = i;
  return v;
}

JsonValue JsonValue::Uint(uint64_t u) {
  if (u <= static_cast<uint64_t>(INT64_MAX)) {
    return Int(static_cast<int64_t>(u));
  }
  JsonValue v;
  v.type_ = JsonType::kUint64;
  v.scalar_.u = u;
  return v;
}

JsonValue JsonValue::Double(double d) {
  JsonValue v;
  v.type_ = JsonType::kDouble;
  v.scalar_.d = d;
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = JsonType::kString;
  v.str_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = JsonType::kArray;
  v.array_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(std::vector<Member> members) {
  JsonValue v;
  v.type_ = JsonType::kObject;
  v.object_ = std::move(members);
  return v;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const Member& m : object_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

JsonValue* JsonValue::FindMutable(std::string_view key) {
  for (Member& m : object_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

void JsonValue::Set(std::string_view key, JsonValue value) {
  if (JsonValue* existing = FindMutable(key)) {
    *existing = std::move(value);
    return;
  }
  object_.emplace_back(std::string(key), std::move(value));
}

bool JsonValue::Remove(std::string_view key) {
  size_t before = object_.size();
  std::erase_if(object_, [&](const Member& m) { return m.first == key; });
  return object_.size() != before;
}

JsonView::JsonView(const JsonValue& v) : type_(v.type()) {
  switch (v.type()) {
    case JsonType::kNull:
      break;
    case JsonType::kBool:
      scalar_.b = v.bool_value();
      break;
    case JsonType::kInt64:
      scalar_.i = v.int_value();
      break;
    case JsonType::kUint64:
      scalar_.u = v.uint_value();
      break;
    case JsonType::kDouble:
      scalar_.d = v.double_value();
      break;
    case JsonType::kString:
      str_ = v.string_value().data();
      scalar_.len = v.string_value().size();
      break;
    case JsonType::kArray:
    case JsonType::kObject:
      node_ = &v;
      break;
  }
}

JsonView JsonView::Bool(bool b) {
  JsonView v;
  v.type_ = JsonType::kBool;
  v.scalar_.b = b;
  return v;
}

JsonView JsonView::Int(int64_t i) {
  JsonView v;
  v.type_ = JsonType::kInt64;
  v.scalar_.i = i;
  return v;
}

JsonView JsonView::Uint(uint64_t u) {
  if (u <= static_cast<uint64_t>(INT64_MAX)) {
    return Int(static_cast<int64_t>(u));
  }
  JsonView v;
  v.type_ = JsonType::kUint64;
  v.scalar_.u = u;
  return v;
}

JsonView JsonView::Double(double d) {
  JsonView v;
  v.type_ = JsonType::kDouble;
  v.scalar_.d = d;
  return v;
}

JsonView JsonView::String(std::string_view s) {
  JsonView v;
  v.type_ = JsonType::kString;
  v.str_ = s.data();
  v.scalar_.len = s.size();
  return v;
}

JsonValue JsonView::ToValue() const {
  switch (type_) {
    case JsonType::kNull:
      return JsonValue::Null();
    case JsonType::kBool:
      return JsonValue::Bool(scalar_.b);
    case JsonType::kInt64:
      return JsonValue::Int(scalar_.i);
    case JsonType::kUint64:
      return JsonValue::Uint(scalar_.u);
    case JsonType::kDouble:
      return JsonValue::Double(scalar_.d);
    case JsonType::kString:
      return JsonValue::String(std::string(string_value()));
    case JsonType::kArray:
    case JsonType::kObject:
      return *node_;
  }
  return JsonValue::Null();
}

namespace {

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Exact comparison of an integer in [-2^63, 2^64) with a double. Every
// double in that range truncates to an integer that fits __int128, so the
// integer parts compare exactly and the fraction breaks ties.
int CompareIntegerDouble(__int128 i, double d) {
  if (std::isnan(d)) return 1;
  if (d >= 18446744073709551616.0) return -1;  // 2^64
  if (d < -9223372036854775808.0) return 1;    // -2^63
  double t = std::trunc(d);
  __int128 ti = static_cast<__int128>(t);
  if (i != ti) return i < ti ? -1 : 1;
  double frac = d - t;  // exact
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

__int128 IntegerOf(JsonView v) {
  return v.type() == JsonType::kUint64 ? static_cast<__int128>(v.uint_value())
                                       : static_cast<__int128>(v.int_value());
}

}  // namespace

int CompareNumbers(JsonView a, JsonView b) {
  bool a_double = a.type() == JsonType::kDouble;
  bool b_double = b.type() == JsonType::kDouble;
  if (!a_double && !b_double) return Sign(IntegerOf(a), IntegerOf(b));
  if (!a_double) return CompareIntegerDouble(IntegerOf(a), b.double_value());
  if (!b_double) return -CompareIntegerDouble(IntegerOf(b), a.double_value());
  double x = a.double_value();
  double y = b.double_value();
  bool xn = std::isnan(x);
  bool yn = std::isnan(y);
  if (xn || yn) return xn && yn ? 0 : (xn ? -1 : 1);
  return Sign(x, y);
}

int CompareJson(JsonView a, JsonView b) {
  TypeBracket ba = BracketOf(a.type());
  TypeBracket bb = BracketOf(b.type());
  if (ba != bb) return ba < bb ? -1 : 1;
  switch (ba) {
    case TypeBracket::kNull:
      return 0;
    case TypeBracket::kNumber:
      return CompareNumbers(a, b);
    case TypeBracket::kString: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeBracket::kBool:
      return Sign(a.bool_value(), b.bool_value());
    case TypeBracket::kArray: {
      const auto& x = a.node().array();
      const auto& y = b.node().array();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = CompareJson(x[i], y[i]); c != 0) return c;
      }
      return Sign(x.size(), y.size());
    }
    case TypeBracket::kObject: {
      // Member by member as BSON does: value bracket, then name, then value.
      const auto& x = a.node().object();
      const auto& y = b.node().object();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        TypeBracket bx = BracketOf(x[i].second.type());
        TypeBracket by = BracketOf(y[i].second.type());
        if (bx != by) return bx < by ? -1 : 1;
        int c = x[i].first.compare(y[i].first);
        if (c != 0) return c < 0 ? -1 : 1;
        if (int d = CompareJson(x[i].second, y[i].second); d != 0) return d;
      }
      return Sign(x.size(), y.size());
    }
  }
  return 0;
}

namespace {

void AppendDouble(std::string* out, double d) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view s(buf, end - buf);
  out->append(s);
  // Keep integral doubles doubles when read back ("2" would be an int).
  if (s.find_first_of(".e") == std::string_view::npos) out->append(".0");
}

template <typename T>
void AppendInteger(std::string* out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end - buf);
}

}  // namespace

void AppendJson(std::string* out, JsonView v) {
  switch (v.type()) {
    case JsonType::kNull:
      out->append("null");
      return;
    case JsonType::kBool:
      out->append(v.bool_value() ? "true" : "false");
      return;
    case JsonType::kInt64:
      AppendInteger(out, v.int_value());
      return;
    case JsonType::kUint64:
      AppendInteger(out, v.uint_value());
      return;
    case JsonType::kDouble:
      AppendDouble(out, v.double_value());
      return;
    case JsonType::kString:
      AppendJsonString(out, v.string_value());
      return;
    case JsonType::kArray: {
      out->push_back('[');
      bool first = true;
      for (const JsonValue& item : v.node().array()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(out, item);
      }
      out->push_back(']');
      return;
    }
    case JsonType::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, value] : v.node().object()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, key);
        out->push_back(':');
        AppendJson(out, value);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string ToJson(JsonView v) {
  std::string out;
  AppendJson(&out, v);
  return out;
}

}  // namespace strata::docs
