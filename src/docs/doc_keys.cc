// Document-layer keys (layout: schema/docs.md).
//
//   0x20 comp(coll)                                  collection definition
//   0x21 comp(coll) ikey(pk)                         document, ts = doc time
//   0x22 comp(coll) comp(index) ikey(v)... ikey(pk)  index entry, doc ts
//   0x23 comp(coll) 0x01 comp(index)                 index definition
//   0x23 comp(coll) 0x02                             fixed64 last id
//
// comp() escapes 0x00 as 0x00 0xff and ends with 0x00 0x01 (keyspace.md),
// so every prefix above is prefix-free and one range covers one kind.
#include "docs/doc_keys.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "docs/index_key.h"
#include "util/errors.h"

namespace strata::docs {

void AppendComponent(std::string* dst, std::string_view s) {
  for (char c : s) {
    dst->push_back(c);
    if (c == '\0') dst->push_back('\xff');
  }
  dst->push_back('\0');
  dst->push_back('\x01');
}

bool ConsumeComponent(std::string_view* in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in->size(); ++i) {
    char c = (*in)[i];
    if (c != '\0') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != '\xff') return false;
    out->push_back('\0');
    ++i;
  }
  return false;
}

std::string CollectionPrefix(char tag, std::string_view coll) {
  std::string k(1, tag);
  AppendComponent(&k, coll);
  return k;
}

std::string IndexPrefix(std::string_view coll, std::string_view index) {
  std::string k = CollectionPrefix(kIndexEntryTag, coll);
  AppendComponent(&k, index);
  return k;
}

std::string IndexDefKey(std::string_view coll, std::string_view index) {
  std::string k = CollectionPrefix(kMetaTag, coll);
  k.push_back(kMetaIndexDef);
  AppendComponent(&k, index);
  return k;
}

std::string IdCounterKey(std::string_view coll) {
  std::string k = CollectionPrefix(kMetaTag, coll);
  k.push_back(kMetaIdCounter);
  return k;
}

std::string PrefixEnd(std::string_view prefix) {
  return PrefixSuccessor(prefix);
}

absl::Status AppendPrimaryKey(std::string* dst, JsonView v,
                              std::string_view path) {
  if (!v.is_number() && v.type() != JsonType::kString) {
    return absl::InvalidArgumentError(
        absl::StrFormat("primary key at '%s' must be a string or a number, "
                        "got %s",
                        path, JsonTypeName(v.type())));
  }
  size_t before = dst->size();
  if (auto st = AppendIndexKey(dst, v); !st.ok()) return st;
  if (dst->size() - before > kMaxPrimaryKeyBytes) {
    dst->resize(before);
    return absl::InvalidArgumentError(
        absl::StrFormat("primary key at '%s' is longer than %d bytes encoded",
                        path, kMaxPrimaryKeyBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodePrimaryKeyJson(std::string_view key_json) {
  JsonParseOptions po;
  po.what = "key";
  po.max_depth = 1;
  po.max_bytes = 64 << 10;
  absl::StatusOr<JsonValue> v = ParseJson(key_json, po);
  if (!v.ok()) return v.status();
  std::string pk;
  if (auto st = AppendPrimaryKey(&pk, *v, "key"); !st.ok()) return st;
  return pk;
}

absl::StatusOr<std::string> PrimaryKeyToJson(std::string_view pk) {
  std::string_view in = pk;
  absl::StatusOr<JsonValue> v = DecodeIndexKeyComponent(&in);
  if (!v.ok()) return v.status();
  if (!in.empty()) {
    return CorruptionError("document key", pk.size() - in.size(),
                           "trailing bytes after the primary key");
  }
  return ToJson(*v);
}

size_t IndexComponentLength(std::string_view s) {
  return IndexComponentSize(s);  // one definition of the tags: index_key.cc
}

bool SplitIndexEntry(std::string_view rest, size_t n, std::string_view* values,
                     std::string_view* pk) {
  size_t off = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t len = IndexComponentSize(rest.substr(off));
    if (len == 0) return false;
    off += len;
  }
  *values = rest.substr(0, off);
  *pk = rest.substr(off);
  return !pk->empty() && IndexComponentSize(*pk) == pk->size();
}

std::string IndexValuesToJson(std::string_view values) {
  absl::StatusOr<std::vector<JsonValue>> parts = DecodeIndexKey(values);
  if (!parts.ok()) return "<undecodable>";
  if (parts->size() == 1) return ToJson((*parts)[0]);
  return ToJson(JsonValue::Array(*std::move(parts)));
}

bool IsValidTimeUnit(std::string_view unit) {
  return unit == "rfc3339" || unit == "s" || unit == "ms" || unit == "us" ||
         unit == "ns";
}

namespace {

absl::Status BadTime(std::string_view path, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("time field '%s': %s", path, why));
}

}  // namespace

absl::StatusOr<int64_t> TimeValueToNanos(JsonView v, std::string_view unit,
                                         std::string_view path) {
  if (unit == "rfc3339") {
    if (v.type() != JsonType::kString) {
      return BadTime(path,
                     absl::StrFormat("expected an RFC 3339 string, got %s",
                                     JsonTypeName(v.type())));
    }
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, std::string(v.string_value()), &t,
                         &err)) {
      return BadTime(path, absl::StrFormat("'%s' is not an RFC 3339 time: %s",
                                           v.string_value(), err));
    }
    // ToUnixNanos saturates; reject what saturated.
    if (t < absl::FromUnixNanos(std::numeric_limits<int64_t>::min()) ||
        t >= absl::FromUnixNanos(std::numeric_limits<int64_t>::max())) {
      return BadTime(path, "outside the int64 nanosecond range");
    }
    return absl::ToUnixNanos(t);
  }
  int64_t scale = unit == "s"    ? 1'000'000'000
                  : unit == "ms" ? 1'000'000
                  : unit == "us" ? 1'000
                                 : 1;
  if (!v.is_number()) {
    return BadTime(path, absl::StrFormat("expected a number of %s, got %s",
                                         unit, JsonTypeName(v.type())));
  }
  if (v.type() == JsonType::kInt64) {
    int64_t out;
    if (__builtin_mul_overflow(v.int_value(), scale, &out) ||
        out == std::numeric_limits<int64_t>::max()) {
      return BadTime(path, "outside the int64 nanosecond range");
    }
    return out;
  }
  if (v.type() == JsonType::kDouble) {
    long double ns = static_cast<long double>(v.double_value()) * scale;
    if (std::isnan(ns) || ns <= -9223372036854775809.0L ||
        ns >= 9223372036854775807.0L) {
      return BadTime(path, "outside the int64 nanosecond range");
    }
    return static_cast<int64_t>(ns);  // toward zero
  }
  return BadTime(path, "outside the int64 nanosecond range");
}

std::string DescribeKey(std::string_view key) {
  if (key.empty()) return "an empty key";
  char tag = key[0];
  std::string_view rest = key.substr(1);
  std::string coll;
  if (!ConsumeComponent(&rest, &coll)) return "a malformed key";
  if (tag == kDocumentTag) {
    absl::StatusOr<std::string> pk = PrimaryKeyToJson(rest);
    return absl::StrFormat("document %s of collection \"%s\"",
                           pk.ok() ? *pk : "<undecodable>", coll);
  }
  return absl::StrFormat("collection \"%s\"", coll);
}

std::string FormatGeneratedId(uint64_t id) {
  return absl::StrFormat("%016x", id);
}

bool ParseGeneratedId(std::string_view s, uint64_t* id) {
  if (s.size() != 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *id = v;
  return true;
}

}  // namespace strata::docs
