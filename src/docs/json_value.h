// A small owned JSON value (JsonValue), a non-owning view of one (JsonView),
// MongoDB's total order over JSON values, minified serialization, and a
// parser built on simdjson. Used for filter constants, projections, merge
// patches and values extracted from documents; never for scanning documents
// (the matcher streams them with simdjson On-Demand instead).
//
// Numbers keep their JSON kind: integers in [-2^63, 2^63) are kInt64,
// integers in [2^63, 2^64) are kUint64, everything else is kDouble (integers
// beyond 2^64 become the nearest double, as in JavaScript and MongoDB).
// Comparisons between numbers are exact whatever the kinds.
#ifndef STRATA_DOCS_JSON_VALUE_H_
#define STRATA_DOCS_JSON_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "util/json_escape.h"

namespace strata::docs {

enum class JsonType : uint8_t {
  kNull,
  kBool,
  kInt64,
  kUint64,  // only values >= 2^63; smaller ones are kInt64
  kDouble,
  kString,
  kArray,
  kObject,
};

// Type brackets in MongoDB's sort order: values of different brackets
// compare by bracket; $gt/$lt only match values of the operand's bracket.
enum class TypeBracket : uint8_t {
  kNull = 1,
  kNumber = 2,
  kString = 3,
  kObject = 4,
  kArray = 5,
  kBool = 6,
};

TypeBracket BracketOf(JsonType t);
// "null", "a boolean", "a number", "a string", "an array", "an object".
const char* JsonTypeName(JsonType t);

class JsonValue {
 public:
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() = default;  // null
  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Int(int64_t i);
  // Values below 2^63 are stored as kInt64 so each integer has one form.
  static JsonValue Uint(uint64_t u);
  static JsonValue Double(double d);
  static JsonValue String(std::string s);
  static JsonValue Array(std::vector<JsonValue> items = {});
  static JsonValue Object(std::vector<Member> members = {});

  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::kNull; }
  bool is_number() const {
    return type_ == JsonType::kInt64 || type_ == JsonType::kUint64 ||
           type_ == JsonType::kDouble;
  }
  bool is_array() const { return type_ == JsonType::kArray; }
  bool is_object() const { return type_ == JsonType::kObject; }

  // Each accessor REQUIRES the matching type().
  bool bool_value() const { return scalar_.b; }
  int64_t int_value() const { return scalar_.i; }
  uint64_t uint_value() const { return scalar_.u; }
  double double_value() const { return scalar_.d; }
  const std::string& string_value() const { return str_; }
  const std::vector<JsonValue>& array() const { return array_; }
  std::vector<JsonValue>& mutable_array() { return array_; }
  const std::vector<Member>& object() const { return object_; }
  std::vector<Member>& mutable_object() { return object_; }

  // The first member named key of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  JsonValue* FindMutable(std::string_view key);
  // Replaces the first member named key, or appends one.
  void Set(std::string_view key, JsonValue value);
  // Removes every member named key; true if one existed.
  bool Remove(std::string_view key);

 private:
  JsonType type_ = JsonType::kNull;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
  } scalar_{.i = 0};
  std::string str_;
  std::vector<JsonValue> array_;
  std::vector<Member> object_;
};

// A cheap, non-owning view of a JSON value: scalars are held inline,
// strings by std::string_view, arrays and objects by pointer to a
// JsonValue. The viewed bytes must outlive the view.
class JsonView {
 public:
  JsonView() = default;          // null
  JsonView(const JsonValue& v);  // NOLINT: implicit by design
  static JsonView Null() { return JsonView(); }
  static JsonView Bool(bool b);
  static JsonView Int(int64_t i);
  static JsonView Uint(uint64_t u);  // < 2^63 becomes kInt64
  static JsonView Double(double d);
  static JsonView String(std::string_view s);

  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::kNull; }
  bool is_number() const {
    return type_ == JsonType::kInt64 || type_ == JsonType::kUint64 ||
           type_ == JsonType::kDouble;
  }
  bool bool_value() const { return scalar_.b; }
  int64_t int_value() const { return scalar_.i; }
  uint64_t uint_value() const { return scalar_.u; }
  double double_value() const { return scalar_.d; }
  std::string_view string_value() const { return {str_, scalar_.len}; }
  // REQUIRES: type() is kArray or kObject.
  const JsonValue& node() const { return *node_; }

  // An owned copy.
  JsonValue ToValue() const;

 private:
  JsonType type_ = JsonType::kNull;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    size_t len;
  } scalar_{.i = 0};
  union {
    const char* str_ = nullptr;
    const JsonValue* node_;
  };
};

// Exact numeric comparison (-1, 0, 1). REQUIRES both are numbers. NaN
// (never produced from JSON text) sorts below every other number and
// equals itself, as in MongoDB.
int CompareNumbers(JsonView a, JsonView b);

// MongoDB's total order: by TypeBracket, then numbers by value, strings
// bytewise (no collation), booleans false < true, arrays element-wise,
// objects member-wise (bracket of value, then name, then value); a prefix
// sorts first. Equality under this order is MongoDB's $eq: 1 == 1.0, and
// objects are equal only with the same member order.
int CompareJson(JsonView a, JsonView b);
inline bool JsonEquals(JsonView a, JsonView b) {
  return CompareJson(a, b) == 0;
}

// Minified JSON. Doubles use the shortest form that reads back exactly,
// with ".0" added to integral values so they stay doubles; NaN and
// infinities (not representable in JSON) are written as null.
void AppendJson(std::string* out, JsonView v);
std::string ToJson(JsonView v);
// String literals: strata::AppendJsonString (util/json_escape.h).

// Deepest nesting of arrays and objects any JSON here may have (MongoDB
// allows 100 levels in documents). Parsing and matching recurse once per
// level, so this also bounds stack use.
inline constexpr int kMaxJsonDepth = 200;

struct JsonParseOptions {
  // Inputs longer than this are rejected. Default: kMaxValueSize (64 MiB).
  size_t max_bytes = size_t{64} << 20;
  // Deepest nesting of arrays/objects accepted; the root container is
  // depth 1. [1, 1024], default kMaxJsonDepth.
  int max_depth = kMaxJsonDepth;
  // Reject objects that name a member twice (RFC 8259 leaves them
  // undefined; for queries and patches they are almost always mistakes).
  bool reject_duplicate_keys = true;
  // Names the input in error messages, e.g. "filter" or "patch".
  std::string_view what = "JSON";
};

// Parses one JSON text (RFC 8259, UTF-8). Malformed input is
// InvalidArgument "<what>: malformed JSON at byte offset N: <reason>".
[[nodiscard]] absl::StatusOr<JsonValue> ParseJson(
    std::string_view text, const JsonParseOptions& options = {});

// Bytes simdjson may read past the end of its input; callers offering
// padded buffers (MatchesPadded and friends) guarantee this many.
inline constexpr size_t kJsonPadding = 64;

}  // namespace strata::docs

#endif  // STRATA_DOCS_JSON_VALUE_H_
