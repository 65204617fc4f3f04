// Keys of the document layer (schema/docs.md): collection definitions,
// documents, index entries and per-collection metadata, all under first
// bytes 0x20..0x23. Also the primary-key and time-field value rules, since
// they decide what a key is. Pure functions: no I/O.
#ifndef STRATA_DOCS_DOC_KEYS_H_
#define STRATA_DOCS_DOC_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/json_value.h"

namespace strata::docs {

// First bytes. Persisted: never renumber.
inline constexpr char kCollectionTag = 0x20;
inline constexpr char kDocumentTag = 0x21;
inline constexpr char kIndexEntryTag = 0x22;
inline constexpr char kMetaTag = 0x23;
// Sub-tags after 0x23 comp(coll). Persisted: never renumber.
inline constexpr char kMetaIndexDef = 0x01;
inline constexpr char kMetaIdCounter = 0x02;

inline constexpr size_t kMaxPrimaryKeyBytes = 1024;
inline constexpr size_t kMaxIndexEntryBytes = 4096;

// Appends the key-space string component of s (keyspace.md).
void AppendComponent(std::string* dst, std::string_view s);
// Consumes one component from the front of *in into *out; false if *in
// does not start with a well-formed component.
bool ConsumeComponent(std::string_view* in, std::string* out);

// tag comp(coll).
std::string CollectionPrefix(char tag, std::string_view coll);
// 0x22 comp(coll) comp(index).
std::string IndexPrefix(std::string_view coll, std::string_view index);
// 0x23 comp(coll) 0x01 comp(index).
std::string IndexDefKey(std::string_view coll, std::string_view index);
// 0x23 comp(coll) 0x02.
std::string IdCounterKey(std::string_view coll);
// The end of the keys starting with prefix ("" if none).
std::string PrefixEnd(std::string_view prefix);

// Appends ikey(v) for a primary key value: InvalidArgument unless v is a
// string or number (path names the key path) or the result is too long.
absl::Status AppendPrimaryKey(std::string* dst, JsonView v,
                              std::string_view path);
// A key given as JSON text ("\"abc\"", "42") -> its encoding.
absl::StatusOr<std::string> EncodePrimaryKeyJson(std::string_view key_json);
// An encoded primary key -> canonical JSON text. DataLoss if malformed.
absl::StatusOr<std::string> PrimaryKeyToJson(std::string_view pk);

// Length of the index-key component at the front of s, or 0 if malformed.
size_t IndexComponentLength(std::string_view s);
// Splits the part of an index entry after its index prefix into the value
// part (n components) and the primary key. False if malformed.
bool SplitIndexEntry(std::string_view rest, size_t n, std::string_view* values,
                     std::string_view* pk);
// Decoded value part as JSON: a scalar for one component, else an array.
std::string IndexValuesToJson(std::string_view values);

// The time-field value v (unit "rfc3339", "s", "ms", "us" or "ns") in ns.
// InvalidArgument naming path if it has the wrong type or is out of range.
absl::StatusOr<int64_t> TimeValueToNanos(JsonView v, std::string_view unit,
                                         std::string_view path);
bool IsValidTimeUnit(std::string_view unit);

// "document 42 of collection \"c\"" (or the collection) for messages.
std::string DescribeKey(std::string_view key);

// Generated ids: 16 lowercase hex digits of a 64-bit number.
std::string FormatGeneratedId(uint64_t id);
// True (and *id set) if s has the shape of a generated id.
bool ParseGeneratedId(std::string_view s, uint64_t* id);

}  // namespace strata::docs

#endif  // STRATA_DOCS_DOC_KEYS_H_
