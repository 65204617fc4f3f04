// Keys and catalog values of schema/series.md.
//
//   0x10 comp(m) be64(series_id) be32(field_id)          data, ts = point time
//   0x11 comp(m) comp(series_key)          -> varint series_id
//   0x12 be64(series_id)                   -> comp(m) series_key
//   0x13 comp(m) comp(tag_key) comp(tag_value) be64(series_id) -> ""
//   0x14 comp(m) comp(field_key)           -> u8 type, varint field_id
//   0x15 comp(m)                           -> varint retention_ns
//   0x16                                   -> varint next_series_id,
//                                             varint next_field_id
//
// comp(s) = s with 0x00 -> 0x00 0xFF, then 0x00 0x01 (schema/keyspace.md),
// so memcmp order of keys is component-wise order and no component is a
// prefix of another.
#include "series/key_codec.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "util/coding.h"
#include "util/errors.h"

namespace strata::series {

void AppendComponent(std::string* out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (true) {
    const void* z = std::memchr(p, '\0', end - p);
    if (z == nullptr) {
      out->append(p, end - p);
      break;
    }
    const char* zp = static_cast<const char*>(z);
    out->append(p, zp - p);
    out->push_back('\0');
    out->push_back('\xff');
    p = zp + 1;
  }
  out->push_back('\0');
  out->push_back('\x01');
}

namespace {

// Shared by Consume and Skip: out may be null.
bool DecodeComponent(std::string_view* in, std::string* out) {
  const char* p = in->data();
  const char* end = p + in->size();
  if (out != nullptr) out->clear();
  while (true) {
    const void* z = std::memchr(p, '\0', end - p);
    if (z == nullptr || static_cast<const char*>(z) + 1 >= end) return false;
    const char* zp = static_cast<const char*>(z);
    if (out != nullptr) out->append(p, zp - p);
    const char next = zp[1];
    if (next == '\x01') {
      in->remove_prefix(zp + 2 - in->data());
      return true;
    }
    if (next != '\xff') return false;
    if (out != nullptr) out->push_back('\0');
    p = zp + 2;
  }
}

}  // namespace

bool ConsumeComponent(std::string_view* in, std::string* out) {
  return DecodeComponent(in, out);
}

bool SkipComponent(std::string_view* in) {
  return DecodeComponent(in, nullptr);
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  v = __builtin_bswap32(v);
  out->append(reinterpret_cast<const char*>(&v), 4);
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  char buf[8];
  EncodeBigEndian64(buf, v);
  out->append(buf, 8);
}

bool ConsumeBigEndian32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t raw;
  std::memcpy(&raw, in->data(), 4);
  *v = __builtin_bswap32(raw);
  in->remove_prefix(4);
  return true;
}

bool ConsumeBigEndian64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeBigEndian64(in->data());
  in->remove_prefix(8);
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<uint8_t>(s.back()) != 0xff) {
      s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string MeasurementPrefix(char tag, std::string_view measurement) {
  std::string k(1, tag);
  AppendComponent(&k, measurement);
  return k;
}

std::string SeriesDataPrefix(std::string_view measurement, uint64_t series_id) {
  std::string k = MeasurementPrefix(kDataTag, measurement);
  AppendBigEndian64(&k, series_id);
  return k;
}

std::string DataKey(std::string_view measurement, uint64_t series_id,
                    uint32_t field_id) {
  std::string k = SeriesDataPrefix(measurement, series_id);
  AppendBigEndian32(&k, field_id);
  return k;
}

std::string SeriesKey(std::string_view measurement,
                      std::string_view series_key) {
  std::string k = MeasurementPrefix(kSeriesTag, measurement);
  AppendComponent(&k, series_key);
  return k;
}

std::string SeriesIdKey(uint64_t series_id) {
  std::string k(1, kSeriesIdTag);
  AppendBigEndian64(&k, series_id);
  return k;
}

std::string TagKeyPrefix(std::string_view measurement, std::string_view key) {
  std::string k = MeasurementPrefix(kTagIndexTag, measurement);
  AppendComponent(&k, key);
  return k;
}

std::string TagValuePrefix(std::string_view measurement, std::string_view key,
                           std::string_view value) {
  std::string k = TagKeyPrefix(measurement, key);
  AppendComponent(&k, value);
  return k;
}

std::string TagIndexKey(std::string_view measurement, std::string_view key,
                        std::string_view value, uint64_t series_id) {
  std::string k = TagValuePrefix(measurement, key, value);
  AppendBigEndian64(&k, series_id);
  return k;
}

std::string FieldKey(std::string_view measurement, std::string_view field) {
  std::string k = MeasurementPrefix(kFieldTag, measurement);
  AppendComponent(&k, field);
  return k;
}

std::string RetentionKey(std::string_view measurement) {
  return MeasurementPrefix(kRetentionTag, measurement);
}

std::string CountersKey() { return std::string(1, kCountersTag); }

namespace {

// Consumes the family byte.
bool ConsumeTag(std::string_view* in, char tag) {
  if (in->empty() || (*in)[0] != tag) return false;
  in->remove_prefix(1);
  return true;
}

}  // namespace

bool ParseSeriesRecordKey(std::string_view key, std::string* measurement,
                          std::string* series_key) {
  return ConsumeTag(&key, kSeriesTag) && ConsumeComponent(&key, measurement) &&
         ConsumeComponent(&key, series_key) && key.empty();
}

bool ParseTagIndexKey(std::string_view key, std::string* measurement,
                      std::string* tag_key, std::string* tag_value,
                      uint64_t* series_id) {
  return ConsumeTag(&key, kTagIndexTag) &&
         ConsumeComponent(&key, measurement) &&
         ConsumeComponent(&key, tag_key) && ConsumeComponent(&key, tag_value) &&
         ConsumeBigEndian64(&key, series_id) && key.empty();
}

bool ParseFieldRecordKey(std::string_view key, std::string* measurement,
                         std::string* field) {
  return ConsumeTag(&key, kFieldTag) && ConsumeComponent(&key, measurement) &&
         ConsumeComponent(&key, field) && key.empty();
}

bool ParseRetentionKey(std::string_view key, std::string* measurement) {
  return ConsumeTag(&key, kRetentionTag) &&
         ConsumeComponent(&key, measurement) && key.empty();
}

bool ParseDataKey(std::string_view key, std::string* measurement,
                  uint64_t* series_id, uint32_t* field_id) {
  return ConsumeTag(&key, kDataTag) && ConsumeComponent(&key, measurement) &&
         ConsumeBigEndian64(&key, series_id) &&
         ConsumeBigEndian32(&key, field_id) && key.empty();
}

std::string EncodeSeriesIdValue(uint64_t series_id) {
  std::string v;
  PutVarint64(&v, series_id);
  return v;
}

bool DecodeSeriesIdValue(std::string_view value, uint64_t* series_id) {
  return GetVarint64(&value, series_id) && value.empty();
}

std::string EncodeSeriesReverseValue(std::string_view measurement,
                                     std::string_view series_key) {
  std::string v;
  AppendComponent(&v, measurement);
  v.append(series_key.data(), series_key.size());
  return v;
}

bool DecodeSeriesReverseValue(std::string_view value, std::string* measurement,
                              std::string* series_key) {
  if (!ConsumeComponent(&value, measurement)) return false;
  series_key->assign(value.data(), value.size());
  return true;
}

std::string EncodeFieldCatalogValue(FieldType type, uint32_t field_id) {
  std::string v(1, static_cast<char>(type));
  PutVarint32(&v, field_id);
  return v;
}

bool DecodeFieldCatalogValue(std::string_view value, FieldType* type,
                             uint32_t* field_id) {
  if (value.empty()) return false;
  const uint8_t t = static_cast<uint8_t>(value[0]);
  if (t > static_cast<uint8_t>(FieldType::kString)) return false;
  *type = static_cast<FieldType>(t);
  value.remove_prefix(1);
  return GetVarint32(&value, field_id) && value.empty();
}

std::string EncodeRetentionValue(int64_t retention_ns) {
  std::string v;
  PutVarint64(&v, static_cast<uint64_t>(retention_ns));
  return v;
}

bool DecodeRetentionValue(std::string_view value, int64_t* retention_ns) {
  uint64_t v;
  if (!GetVarint64(&value, &v) || !value.empty()) return false;
  if (v == 0 || v > static_cast<uint64_t>(INT64_MAX)) return false;
  *retention_ns = static_cast<int64_t>(v);
  return true;
}

std::string EncodeCountersValue(uint64_t next_series_id,
                                uint32_t next_field_id) {
  std::string v;
  PutVarint64(&v, next_series_id);
  PutVarint32(&v, next_field_id);
  return v;
}

bool DecodeCountersValue(std::string_view value, uint64_t* next_series_id,
                         uint32_t* next_field_id) {
  return GetVarint64(&value, next_series_id) &&
         GetVarint32(&value, next_field_id) && value.empty();
}

absl::Status CatalogCorruption(std::string_view key, std::string_view what) {
  return CorruptionError("time-series catalog", 0,
                         absl::StrFormat("%s: key \"%s\"", what,
                                         absl::CHexEscape(absl::string_view(
                                             key.data(), key.size()))));
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kFloat:
      return "float";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kUnsigned:
      return "unsigned";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kString:
      return "string";
  }
  return "unknown";
}

}  // namespace strata::series
