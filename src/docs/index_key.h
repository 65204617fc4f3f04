// Order-preserving encoding of JSON scalars for secondary index keys:
// memcmp order of encodings equals MongoDB's order of the values
// (CompareJson): null < numbers < strings < booleans (false < true), with
// numbers ordered exactly by value whatever their kind (int64, uint64,
// double). Encodings are self-delimiting, so a compound key (components
// concatenated) orders component by component. Byte format and the
// reasoning behind it: schema/index-key.md.
#ifndef STRATA_DOCS_INDEX_KEY_H_
#define STRATA_DOCS_INDEX_KEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/filter.h"
#include "docs/json_value.h"

namespace strata::docs {

// First byte of each component. Persisted: never renumber. Gaps leave
// room for more types in MongoDB's order (objects 0x40, arrays 0x50 and
// dates 0x70 are reserved).
enum class IndexKeyTag : uint8_t {
  kNull = 0x10,
  kNumber = 0x20,  // + 8-byte double (floor) + 2-byte integer remainder
  kString = 0x30,  // + bytes, 0x00 escaped as 0x00 0xFF, then 0x00 0x01
  kFalse = 0x60,
  kTrue = 0x61,
};

inline constexpr size_t kIndexNumberSize = 1 + 8 + 2;

// Appends one component. InvalidArgument for arrays and objects, which
// are not indexable as scalars (index their elements or members).
[[nodiscard]] absl::Status AppendIndexKey(std::string* dst, JsonView v);

// Decodes the component at the front of *in and consumes it. Numbers come
// back as the canonical kind of their value: integral values that fit
// int64/uint64 as integers, others as double (1.0 decodes as 1). Damaged
// input is DataLoss naming "index key" and the offset (base_offset plus
// the position within *in).
[[nodiscard]] absl::StatusOr<JsonValue> DecodeIndexKeyComponent(
    std::string_view* in, uint64_t base_offset = 0);
// Decodes a whole compound key.
[[nodiscard]] absl::StatusOr<std::vector<JsonValue>> DecodeIndexKey(
    std::string_view key);

// The smallest string greater than every string starting with prefix, or
// "" if there is none (prefix is empty or all 0xff).
std::string PrefixSuccessor(std::string_view prefix);

// A half-open key range [start, limit) for an index scan.
struct IndexKeyRange {
  std::string start;
  std::string limit;
  bool empty() const { return start >= limit; }
};

struct IndexBound {
  JsonValue value;  // a scalar
  bool inclusive = true;
};

// Keys that start with prefix (the index id and any equality components)
// followed by a component between lower and upper. A missing bound is
// the end of the other bound's type bracket (MongoDB's type bracketing:
// $gt 5 covers numbers above 5, not strings). Both bounds must be of one
// bracket; InvalidArgument otherwise or for arrays/objects. Components
// after the bounded one are unconstrained.
[[nodiscard]] absl::StatusOr<IndexKeyRange> IndexRange(
    std::string_view prefix, const std::optional<IndexBound>& lower,
    const std::optional<IndexBound>& upper);

// Keys whose next component after prefix equals v.
[[nodiscard]] absl::StatusOr<IndexKeyRange> IndexEqualRange(
    std::string_view prefix, JsonView v);

// The range for one filter predicate: op is kEq, kGt, kGte, kLt or kLte
// with a scalar operand, with the filter's null rules ($gte/$lte null are
// $eq null; $gt/$lt null match nothing, giving an empty range). Documents
// must be indexed with a missing field as null for $eq null to find them.
[[nodiscard]] absl::StatusOr<IndexKeyRange> IndexRangeForOp(
    std::string_view prefix, FilterOp op, JsonView operand);

}  // namespace strata::docs

#endif  // STRATA_DOCS_INDEX_KEY_H_
