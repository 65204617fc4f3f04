// Index key encoding, version 3 (format: schema/index-key.md).
//
//   empty   := 0x08          (a path that ended at an empty array)
//   null    := 0x10
//   false   := 0x18          true := 0x19
//   number  := 0x20 | ordered(D) (8 B, big-endian) | R (2 B, big-endian)
//   string  := 0x30 | bytes with 0x00 -> 0x00 0xff | 0x00 0x01
//
// Version 1 differed in the booleans (0x60/0x61, after strings);
// ConvertV1IndexKey rewrites its keys. Versions 1 and 2 wrote null where
// version 3 writes 0x08; only the document tells them apart, so the
// catalog re-derives those entries (catalog.cc).
//
// Numbers: D is the largest double <= the value (the value itself for a
// double), R = value - D, an integer in [0, 2048) because D is only below
// an integer value when |value| >= 2^53, where doubles are integers spaced
// at most 2^11 apart below 2^64. Ordering by (D, R) is ordering by value:
// if D(a) < D(b) then a < next double after D(a) <= D(b) <= b. ordered()
// flips the sign bit of non-negative doubles and all bits of negative
// ones, so memcmp order is numeric order; -0.0 is encoded as 0.0 and NaN
// as all zeros (below -inf, as MongoDB orders it).
#include "docs/index_key.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "absl/strings/str_format.h"
#include "util/coding.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

constexpr uint8_t Tag(IndexKeyTag t) { return static_cast<uint8_t>(t); }

uint64_t OrderedDoubleBits(double d) {
  if (std::isnan(d)) return 0;
  if (d == 0) d = 0.0;  // -0.0 == 0.0
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

double DoubleFromOrderedBits(uint64_t u) {
  uint64_t bits = (u >> 63) ? u & ~(uint64_t{1} << 63) : ~u;
  return std::bit_cast<double>(bits);
}

// (D, R) for an integer value (see the file comment).
void SplitInteger(JsonView v, double* d, uint32_t* r) {
  __int128 n = v.type() == JsonType::kUint64
                   ? static_cast<__int128>(v.uint_value())
                   : static_cast<__int128>(v.int_value());
  double x = static_cast<double>(n);  // nearest; may be above n
  if (CompareNumbers(v, JsonView::Double(x)) < 0) {
    x = std::nextafter(x, -INFINITY);
  }
  *d = x;
  *r = static_cast<uint32_t>(n - static_cast<__int128>(x));
}

void AppendNumber(std::string* dst, JsonView v) {
  double d;
  uint32_t r = 0;
  if (v.type() == JsonType::kDouble) {
    d = v.double_value();
  } else {
    SplitInteger(v, &d, &r);
  }
  char buf[kIndexNumberSize];
  buf[0] = static_cast<char>(IndexKeyTag::kNumber);
  EncodeBigEndian64(buf + 1, OrderedDoubleBits(d));
  buf[9] = static_cast<char>(r >> 8);
  buf[10] = static_cast<char>(r & 0xff);
  dst->append(buf, sizeof(buf));
}

void AppendString(std::string* dst, std::string_view s) {
  dst->push_back(static_cast<char>(IndexKeyTag::kString));
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\0') continue;
    dst->append(s.data() + run, i - run);
    dst->append("\0\xff", 2);
    run = i + 1;
  }
  dst->append(s.data() + run, s.size() - run);
  dst->append("\0\x01", 2);
}

}  // namespace

absl::Status AppendIndexKey(std::string* dst, JsonView v) {
  switch (v.type()) {
    case JsonType::kNull:
      dst->push_back(static_cast<char>(IndexKeyTag::kNull));
      return absl::OkStatus();
    case JsonType::kBool:
      dst->push_back(static_cast<char>(v.bool_value() ? IndexKeyTag::kTrue
                                                      : IndexKeyTag::kFalse));
      return absl::OkStatus();
    case JsonType::kInt64:
    case JsonType::kUint64:
    case JsonType::kDouble:
      AppendNumber(dst, v);
      return absl::OkStatus();
    case JsonType::kString:
      AppendString(dst, v.string_value());
      return absl::OkStatus();
    case JsonType::kArray:
      if (v.node().array().empty()) {
        dst->push_back(static_cast<char>(IndexKeyTag::kEmptyArray));
        return absl::OkStatus();
      }
      break;
    case JsonType::kObject:
      break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "index keys hold scalars, got %s", JsonTypeName(v.type())));
}

absl::Status IndexPathComponents(const PathValues& pv, bool multi,
                                 std::string_view index, std::string_view path,
                                 std::vector<std::string>* out) {
  out->clear();
  for (const PathValue& v : pv.values) {
    const JsonType t = v.value.type();
    if (v.array_itself) {
      // Its elements came separately; an empty one has none, and stands
      // for itself (MongoDB's undefined key, below null).
      if (v.value.node().array().empty()) {
        out->emplace_back(1, static_cast<char>(IndexKeyTag::kEmptyArray));
      }
      continue;
    }
    if (t == JsonType::kArray || t == JsonType::kObject) {
      if (!multi) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "index \"%s\" is not multi-entry but path '%s' reaches %s", index,
            path, JsonTypeName(t)));
      }
      continue;
    }
    out->emplace_back();
    if (auto st = AppendIndexKey(&out->back(), v.value); !st.ok()) return st;
  }
  if (pv.missing || out->empty()) {
    out->emplace_back(1, static_cast<char>(IndexKeyTag::kNull));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return absl::OkStatus();
}

namespace {

// The canonical value for (D, R); nullopt if no value encodes that way.
std::optional<JsonValue> JoinNumber(double d, uint32_t r) {
  std::optional<JsonValue> v;
  if (r == 0) {
    if (std::isnan(d) || std::trunc(d) != d) {
      v = JsonValue::Double(d);
    } else if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
      v = JsonValue::Int(static_cast<int64_t>(d));
    } else if (d >= 0 && d < 18446744073709551616.0) {
      v = JsonValue::Uint(static_cast<uint64_t>(d));
    } else {
      v = JsonValue::Double(d);
    }
    return v;
  }
  if (!std::isfinite(d) || std::fabs(d) < 9007199254740992.0 ||
      d < -9223372036854775808.0 || d >= 18446744073709551616.0) {
    return std::nullopt;
  }
  __int128 n = static_cast<__int128>(d) + r;
  if (n < static_cast<__int128>(INT64_MIN) ||
      n > static_cast<__int128>(UINT64_MAX)) {
    return std::nullopt;
  }
  v = n <= INT64_MAX ? JsonValue::Int(static_cast<int64_t>(n))
                     : JsonValue::Uint(static_cast<uint64_t>(n));
  // R must be below the gap to the next double, i.e. re-encode to (D, R).
  double d2;
  uint32_t r2;
  SplitInteger(*v, &d2, &r2);
  if (d2 != d || r2 != r) return std::nullopt;
  return v;
}

}  // namespace

absl::StatusOr<JsonValue> DecodeIndexKeyComponent(std::string_view* in,
                                                  uint64_t base_offset) {
  constexpr std::string_view kFile = "index key";
  if (in->empty()) {
    return CorruptionError(kFile, base_offset, "missing component");
  }
  uint8_t tag = static_cast<uint8_t>((*in)[0]);
  switch (static_cast<IndexKeyTag>(tag)) {
    case IndexKeyTag::kEmptyArray:
      in->remove_prefix(1);
      return JsonValue::Array();
    case IndexKeyTag::kNull:
      in->remove_prefix(1);
      return JsonValue::Null();
    case IndexKeyTag::kFalse:
    case IndexKeyTag::kTrue:
      in->remove_prefix(1);
      return JsonValue::Bool(tag == static_cast<uint8_t>(IndexKeyTag::kTrue));
    case IndexKeyTag::kNumber: {
      if (in->size() < kIndexNumberSize) {
        return CorruptionError(kFile, base_offset, "truncated number");
      }
      double d = DoubleFromOrderedBits(DecodeBigEndian64(in->data() + 1));
      uint32_t r = (static_cast<uint8_t>((*in)[9]) << 8) |
                   static_cast<uint8_t>((*in)[10]);
      std::optional<JsonValue> v = JoinNumber(d, r);
      if (!v.has_value() || (r == 0 && OrderedDoubleBits(d) !=
                                           DecodeBigEndian64(in->data() + 1))) {
        return CorruptionError(kFile, base_offset, "non-canonical number");
      }
      in->remove_prefix(kIndexNumberSize);
      return *std::move(v);
    }
    case IndexKeyTag::kString: {
      std::string s;
      for (size_t i = 1; i < in->size(); ++i) {
        char c = (*in)[i];
        if (c != '\0') {
          s.push_back(c);
          continue;
        }
        if (i + 1 >= in->size()) break;
        uint8_t next = static_cast<uint8_t>((*in)[i + 1]);
        if (next == 0xff) {
          s.push_back('\0');
          ++i;
        } else if (next == 0x01) {
          in->remove_prefix(i + 2);
          return JsonValue::String(std::move(s));
        } else {
          return CorruptionError(kFile, base_offset + i,
                                 "bad escape in string");
        }
      }
      return CorruptionError(kFile, base_offset, "unterminated string");
    }
  }
  return CorruptionError(kFile, base_offset,
                         absl::StrFormat("unknown type tag 0x%02x", tag));
}

absl::StatusOr<std::vector<JsonValue>> DecodeIndexKey(std::string_view key) {
  std::vector<JsonValue> out;
  std::string_view in = key;
  while (!in.empty()) {
    absl::StatusOr<JsonValue> v =
        DecodeIndexKeyComponent(&in, key.size() - in.size());
    if (!v.ok()) return v.status();
    out.push_back(*std::move(v));
  }
  return out;
}

bool ConvertV1IndexKey(std::string_view key, std::string* out) {
  out->clear();
  while (!key.empty()) {
    const uint8_t tag = static_cast<uint8_t>(key[0]);
    size_t len;
    if (tag == kV1FalseTag || tag == kV1TrueTag) {
      out->push_back(static_cast<char>(
          Tag(tag == kV1TrueTag ? IndexKeyTag::kTrue : IndexKeyTag::kFalse)));
      len = 1;
    } else {
      len = IndexComponentSize(key);
      if (len == 0) return false;
      out->append(key.data(), len);
    }
    key.remove_prefix(len);
  }
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && static_cast<uint8_t>(s.back()) == 0xff) s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(s.back() + 1);
  return s;
}

namespace {

// The tag range [first, last] of v's type bracket.
std::pair<uint8_t, uint8_t> BracketTags(JsonView v) {
  switch (BracketOf(v.type())) {
    case TypeBracket::kNull:
      return {Tag(IndexKeyTag::kNull), Tag(IndexKeyTag::kNull)};
    case TypeBracket::kNumber:
      return {Tag(IndexKeyTag::kNumber), Tag(IndexKeyTag::kNumber)};
    case TypeBracket::kString:
      return {Tag(IndexKeyTag::kString), Tag(IndexKeyTag::kString)};
    case TypeBracket::kBool:
      return {Tag(IndexKeyTag::kFalse), Tag(IndexKeyTag::kTrue)};
    default:
      return {0, 0};
  }
}

}  // namespace

absl::StatusOr<IndexKeyRange> IndexRange(
    std::string_view prefix, const std::optional<IndexBound>& lower,
    const std::optional<IndexBound>& upper) {
  if (!lower.has_value() && !upper.has_value()) {
    return absl::InvalidArgumentError("an index range needs a bound");
  }
  if (lower.has_value() && upper.has_value() &&
      BracketOf(lower->value.type()) != BracketOf(upper->value.type())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "index range bounds differ in type: %s and %s",
        JsonTypeName(lower->value.type()), JsonTypeName(upper->value.type())));
  }
  IndexKeyRange range;
  std::string key(prefix);
  if (lower.has_value()) {
    if (auto st = AppendIndexKey(&key, lower->value); !st.ok()) return st;
    range.start = lower->inclusive ? key : PrefixSuccessor(key);
  } else {
    range.start = std::string(prefix);
    range.start.push_back(static_cast<char>(BracketTags(upper->value).first));
  }
  key.assign(prefix);
  if (upper.has_value()) {
    if (auto st = AppendIndexKey(&key, upper->value); !st.ok()) return st;
    range.limit = upper->inclusive ? PrefixSuccessor(key) : key;
  } else {
    range.limit = std::string(prefix);
    range.limit.push_back(
        static_cast<char>(BracketTags(lower->value).second + 1));
  }
  return range;
}

absl::StatusOr<IndexKeyRange> IndexEqualRange(std::string_view prefix,
                                              JsonView v) {
  IndexKeyRange range;
  range.start = std::string(prefix);
  if (auto st = AppendIndexKey(&range.start, v); !st.ok()) return st;
  range.limit = PrefixSuccessor(range.start);
  return range;
}

absl::StatusOr<IndexKeyRange> IndexRangeForOp(std::string_view prefix,
                                              FilterOp op, JsonView operand) {
  if (operand.is_null()) {
    if (op == FilterOp::kGt || op == FilterOp::kLt) {
      IndexKeyRange none;
      none.start = none.limit = std::string(prefix);
      return none;
    }
    if (op == FilterOp::kEq || op == FilterOp::kGte || op == FilterOp::kLte) {
      return IndexEqualRange(prefix, operand);
    }
  }
  JsonValue v = operand.ToValue();
  switch (op) {
    case FilterOp::kEq:
      return IndexEqualRange(prefix, operand);
    case FilterOp::kGt:
      return IndexRange(prefix, IndexBound{std::move(v), false}, std::nullopt);
    case FilterOp::kGte:
      return IndexRange(prefix, IndexBound{std::move(v), true}, std::nullopt);
    case FilterOp::kLt:
      return IndexRange(prefix, std::nullopt, IndexBound{std::move(v), false});
    case FilterOp::kLte:
      return IndexRange(prefix, std::nullopt, IndexBound{std::move(v), true});
    default:
      return absl::InvalidArgumentError(
          "index ranges exist only for $eq, $gt, $gte, $lt and $lte");
  }
}

}  // namespace strata::docs
