// Writing line protocol: FormatPoint for generators, dumps and tests, and
// the canonical series key. Output always parses back (with
// LineProtocolParser) to the same point; what cannot be written that way is
// rejected instead of written ambiguously.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "series/line_protocol.h"
#include "series/lp_chars.h"
#include "series/lp_scan.h"

namespace strata {
namespace {

using lp_internal::HasClass;
using lp_internal::kKeySpecial;
using lp_internal::kMeasurementSpecial;
using lp_internal::kStringSpecial;

// Appends s with every byte of class special preceded by a backslash.
void AppendEscaped(std::string_view s, uint8_t special, std::string* out) {
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < s.size() && !HasClass(s[j], special)) ++j;
    out->append(s.data() + i, j - i);
    if (j == s.size()) return;
    out->push_back('\\');
    out->push_back(s[j]);
    i = j + 1;
  }
}

bool HasNewline(std::string_view s) {
  return std::memchr(s.data(), '\n', s.size()) != nullptr;
}

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("cannot format point: %s", what));
}

template <typename P>
absl::Status Validate(const P& point, int64_t multiplier) {
  const std::string_view m = point.measurement;
  if (m.empty()) return Invalid("empty measurement");
  if (m[0] == '#') return Invalid("measurement starts with '#'");
  if (m[0] == '\t') return Invalid("measurement starts with a tab");
  if (HasNewline(m)) return Invalid("newline in measurement");
  for (const auto& tag : point.tags) {
    const std::string_view k = tag.key, v = tag.value;
    if (k.empty()) return Invalid("empty tag key");
    if (v.empty()) {
      return Invalid(absl::StrFormat("empty value for tag \"%s\"", k));
    }
    if (HasNewline(k) || HasNewline(v)) return Invalid("newline in tag");
  }
  if (point.fields.empty()) return Invalid("no fields");
  if (std::string_view(point.fields[0].key).starts_with('\t')) {
    return Invalid("first field key starts with a tab");
  }
  for (const auto& field : point.fields) {
    const std::string_view k = field.key;
    if (k.empty()) return Invalid("empty field key");
    if (HasNewline(k)) return Invalid("newline in field key");
    const auto& v = field.value;
    if (v.type() == FieldType::kFloat && !std::isfinite(v.float_value())) {
      return Invalid(absl::StrFormat("field \"%s\" is NaN or infinite", k));
    }
    if (v.type() == FieldType::kString &&
        HasNewline(std::string_view(v.string_value()))) {
      return Invalid(absl::StrFormat("newline in value of field \"%s\"", k));
    }
  }
  if (point.timestamp < kMinPointTime || point.timestamp > kMaxPointTime) {
    return Invalid(
        absl::StrFormat("timestamp %d out of range", point.timestamp));
  }
  if (point.timestamp % multiplier != 0) {
    return Invalid(absl::StrFormat("timestamp %d is not a multiple of %d ns",
                                   point.timestamp, multiplier));
  }
  return absl::OkStatus();
}

template <typename T>
void AppendNumber(T v, char suffix, std::string* out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
  if (suffix != 0) out->push_back(suffix);
}

template <typename V>
void AppendValue(const V& v, std::string* out) {
  switch (v.type()) {
    case FieldType::kFloat:
      // Shortest form that reads back to the same double.
      AppendNumber(v.float_value(), 0, out);
      break;
    case FieldType::kInteger:
      AppendNumber(v.integer_value(), 'i', out);
      break;
    case FieldType::kUnsigned:
      AppendNumber(v.unsigned_value(), 'u', out);
      break;
    case FieldType::kBoolean:
      out->append(v.bool_value() ? "true" : "false");
      break;
    case FieldType::kString:
      out->push_back('"');
      AppendEscaped(v.string_value(), kStringSpecial, out);
      out->push_back('"');
      break;
  }
}

template <typename P>
absl::Status FormatImpl(const P& point, std::string* out, Precision precision) {
  const int64_t multiplier = PrecisionMultiplier(precision);
  if (absl::Status s = Validate(point, multiplier); !s.ok()) return s;
  AppendEscaped(point.measurement, kMeasurementSpecial, out);
  for (const auto& tag : point.tags) {
    out->push_back(',');
    AppendEscaped(tag.key, kKeySpecial, out);
    out->push_back('=');
    AppendEscaped(tag.value, kKeySpecial, out);
  }
  char sep = ' ';
  for (const auto& field : point.fields) {
    out->push_back(sep);
    sep = ',';
    AppendEscaped(field.key, kKeySpecial, out);
    out->push_back('=');
    AppendValue(field.value, out);
  }
  out->push_back(' ');
  AppendNumber(point.timestamp / multiplier, 0, out);
  out->push_back('\n');
  return absl::OkStatus();
}

template <typename P>
void SeriesKeyImpl(const P& point, std::string* out) {
  using TagT = typename decltype(point.tags)::value_type;
  const auto key_less = [](const TagT& a, const TagT& b) {
    return std::string_view(a.key) < std::string_view(b.key);
  };
  AppendEscaped(point.measurement, kMeasurementSpecial, out);
  const auto append_tag = [out](const TagT& t) {
    out->push_back(',');
    AppendEscaped(t.key, kKeySpecial, out);
    out->push_back('=');
    AppendEscaped(t.value, kKeySpecial, out);
  };
  if (std::is_sorted(point.tags.begin(), point.tags.end(), key_less)) {
    for (const TagT& t : point.tags) append_tag(t);
    return;
  }
  std::vector<const TagT*> order;
  order.reserve(point.tags.size());
  for (const TagT& t : point.tags) order.push_back(&t);
  std::stable_sort(
      order.begin(), order.end(),
      [&](const TagT* a, const TagT* b) { return key_less(*a, *b); });
  for (const TagT* t : order) append_tag(*t);
}

}  // namespace

absl::Status FormatPoint(const Point& point, std::string* out,
                         Precision precision) {
  return FormatImpl(point, out, precision);
}

absl::Status FormatPoint(const PointView& point, std::string* out,
                         Precision precision) {
  return FormatImpl(point, out, precision);
}

void AppendSeriesKey(const PointView& point, std::string* out) {
  SeriesKeyImpl(point, out);
}

void AppendSeriesKey(const Point& point, std::string* out) {
  SeriesKeyImpl(point, out);
}

absl::Status ParseSeriesKey(std::string_view key, std::string* measurement,
                            std::vector<Tag>* tags) {
  LineProtocolOptions options;
  options.max_tags = std::numeric_limits<size_t>::max();
  options.max_key_bytes = std::numeric_limits<size_t>::max();
  lp_internal::LineScanner scanner(options);
  PointView view;
  lp_internal::LineFault fault;
  if (!scanner.ParseKey(key, &view, &fault)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "series key, column %d: %s", fault.offset + 1, fault.reason));
  }
  measurement->assign(view.measurement);
  tags->clear();
  tags->reserve(view.tags.size());
  for (const TagView& t : view.tags) {
    tags->push_back(Tag{std::string(t.key), std::string(t.value)});
  }
  return absl::OkStatus();
}

}  // namespace strata
