// Keys and catalog values of the time-series layer (schema/series.md) built
// from the order-preserving components of schema/keyspace.md. Pure byte
// manipulation: no DB access. Decoders never read past their input and
// return false on anything malformed.
#ifndef STRATA_SERIES_KEY_CODEC_H_
#define STRATA_SERIES_KEY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "strata/point.h"

namespace strata::series {

// First byte of each record family (persisted: never reuse a byte).
inline constexpr char kDataTag = 0x10;       // field values
inline constexpr char kSeriesTag = 0x11;     // series key -> id
inline constexpr char kSeriesIdTag = 0x12;   // id -> series key
inline constexpr char kTagIndexTag = 0x13;   // (tag key, value) -> ids
inline constexpr char kFieldTag = 0x14;      // field catalog
inline constexpr char kRetentionTag = 0x15;  // retention override
inline constexpr char kCountersTag = 0x16;   // id counters

// Timestamp of every catalog record.
inline constexpr int64_t kCatalogTs = 0;

// ---------------------------------------------------------------------------
// Components

// Appends s with 0x00 escaped as 0x00 0xFF, then the terminator 0x00 0x01.
void AppendComponent(std::string* out, std::string_view s);
// Decodes one string component from the front of *in into *out.
bool ConsumeComponent(std::string_view* in, std::string* out);
// Skips one string component at the front of *in.
bool SkipComponent(std::string_view* in);

void AppendBigEndian32(std::string* out, uint32_t v);
void AppendBigEndian64(std::string* out, uint64_t v);
bool ConsumeBigEndian32(std::string_view* in, uint32_t* v);
bool ConsumeBigEndian64(std::string_view* in, uint64_t* v);

// The smallest key greater than every key starting with prefix; empty if
// there is none (prefix is all 0xFF), which ScanRange reads as unbounded.
std::string PrefixSuccessor(std::string_view prefix);

// ---------------------------------------------------------------------------
// Keys

// tag comp(measurement): the prefix of one family for one measurement.
std::string MeasurementPrefix(char tag, std::string_view measurement);
// 0x10 comp(m) be64(series_id): every field of one series.
std::string SeriesDataPrefix(std::string_view measurement, uint64_t series_id);
// 0x10 comp(m) be64(series_id) be32(field_id).
std::string DataKey(std::string_view measurement, uint64_t series_id,
                    uint32_t field_id);
// 0x11 comp(m) comp(series_key).
std::string SeriesKey(std::string_view measurement,
                      std::string_view series_key);
// 0x12 be64(series_id).
std::string SeriesIdKey(uint64_t series_id);
// 0x13 comp(m) comp(tag_key) comp(tag_value) be64(series_id); the shorter
// forms are the prefixes of one key and of one (key, value) pair.
std::string TagIndexKey(std::string_view measurement, std::string_view key,
                        std::string_view value, uint64_t series_id);
std::string TagKeyPrefix(std::string_view measurement, std::string_view key);
std::string TagValuePrefix(std::string_view measurement, std::string_view key,
                           std::string_view value);
// 0x14 comp(m) comp(field_key).
std::string FieldKey(std::string_view measurement, std::string_view field);
// 0x15 comp(m).
std::string RetentionKey(std::string_view measurement);
// 0x16.
std::string CountersKey();

// Key decoders: each checks the family byte and that nothing trails.
bool ParseSeriesRecordKey(std::string_view key, std::string* measurement,
                          std::string* series_key);
bool ParseTagIndexKey(std::string_view key, std::string* measurement,
                      std::string* tag_key, std::string* tag_value,
                      uint64_t* series_id);
bool ParseFieldRecordKey(std::string_view key, std::string* measurement,
                         std::string* field);
bool ParseRetentionKey(std::string_view key, std::string* measurement);
bool ParseDataKey(std::string_view key, std::string* measurement,
                  uint64_t* series_id, uint32_t* field_id);

// ---------------------------------------------------------------------------
// Catalog values

// 0x11 value: varint series_id.
std::string EncodeSeriesIdValue(uint64_t series_id);
bool DecodeSeriesIdValue(std::string_view value, uint64_t* series_id);
// 0x12 value: comp(m) series_key.
std::string EncodeSeriesReverseValue(std::string_view measurement,
                                     std::string_view series_key);
bool DecodeSeriesReverseValue(std::string_view value, std::string* measurement,
                              std::string* series_key);
// 0x14 value: u8 type, varint field_id.
std::string EncodeFieldCatalogValue(FieldType type, uint32_t field_id);
bool DecodeFieldCatalogValue(std::string_view value, FieldType* type,
                             uint32_t* field_id);
// 0x15 value: varint retention_ns (> 0).
std::string EncodeRetentionValue(int64_t retention_ns);
bool DecodeRetentionValue(std::string_view value, int64_t* retention_ns);
// 0x16 value: varint next_series_id, varint next_field_id.
std::string EncodeCountersValue(uint64_t next_series_id,
                                uint32_t next_field_id);
bool DecodeCountersValue(std::string_view value, uint64_t* next_series_id,
                         uint32_t* next_field_id);

// DataLoss naming a malformed catalog record by its (escaped) key.
absl::Status CatalogCorruption(std::string_view key, std::string_view what);

// "float", "integer", "unsigned", "boolean", "string" (InfluxDB's names).
std::string_view FieldTypeName(FieldType type);

}  // namespace strata::series

#endif  // STRATA_SERIES_KEY_CODEC_H_
