// Order-preserving encoding of JSON scalars for secondary index keys and
// primary keys: memcmp order of encodings equals the sort order of the
// values (CompareSortValues in filter_sort.h): empty array (a path that
// ended at []) < null < booleans (false < true) < numbers < strings, with
// numbers ordered exactly by value
// whatever their kind (int64, uint64, double). Encodings are
// self-delimiting, so a compound key (components concatenated) orders
// component by component. Byte format, its version and the reasoning
// behind it: schema/index-key.md.
#ifndef STRATA_DOCS_INDEX_KEY_H_
#define STRATA_DOCS_INDEX_KEY_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/filter.h"
#include "docs/json_path.h"
#include "docs/json_value.h"

namespace strata::docs {

// Version of this encoding, recorded in every index definition
// ("key_version"). Version 1 (before booleans moved below numbers) wrote
// false/true as 0x60/0x61; versions 1 and 2 indexed a path ending at an
// empty array as null. The catalog converts such indexes on open.
inline constexpr int kIndexKeyVersion = 3;

// First byte of each component. Persisted: never renumber. Gaps leave
// room for more types (objects 0x40 and arrays 0x50 are reserved; 0x60
// and 0x61 were version 1's booleans and must not be reused).
enum class IndexKeyTag : uint8_t {
  kEmptyArray = 0x08,  // a path that ended at []; MongoDB sorts it first
  kNull = 0x10,
  kFalse = 0x18,
  kTrue = 0x19,
  kNumber = 0x20,  // + 8-byte double (floor) + 2-byte integer remainder
  kString = 0x30,  // + bytes, 0x00 escaped as 0x00 0xFF, then 0x00 0x01
};
// Version 1's boolean tags, read only by ConvertV1IndexKey.
inline constexpr uint8_t kV1FalseTag = 0x60;
inline constexpr uint8_t kV1TrueTag = 0x61;

inline constexpr size_t kIndexNumberSize = 1 + 8 + 2;

// Appends one component: a scalar, or an empty array (kEmptyArray: the
// value of a path that ended at []). InvalidArgument for other arrays and
// objects, which are not indexable (index their elements or members).
[[nodiscard]] absl::Status AppendIndexKey(std::string* dst, JsonView v);

// The components (encoded, sorted, distinct) of one path's values in a
// document: each scalar reached, kEmptyArray if a traversal ended at an
// empty array, and null if one ended at a missing member or nothing else
// was reached. A reached array or object that is not an element-wise
// expanded end value (a nested array, an object) is skipped when multi,
// else InvalidArgument "index \"<index>\" is not multi-entry but path
// '<path>' reaches <type>". Callers building entries (cartesian product
// over paths) also enforce one component per path for non-multi
// indexes. schema/index-key.md, "The empty array".
[[nodiscard]] absl::Status IndexPathComponents(const PathValues& pv, bool multi,
                                               std::string_view index,
                                               std::string_view path,
                                               std::vector<std::string>* out);

// Decodes the component at the front of *in and consumes it. Numbers come
// back as the canonical kind of their value: integral values that fit
// int64/uint64 as integers, others as double (1.0 decodes as 1);
// kEmptyArray as an empty array. Damaged
// input is DataLoss naming "index key" and the offset (base_offset plus
// the position within *in).
[[nodiscard]] absl::StatusOr<JsonValue> DecodeIndexKeyComponent(
    std::string_view* in, uint64_t base_offset = 0);
// Decodes a whole compound key.
[[nodiscard]] absl::StatusOr<std::vector<JsonValue>> DecodeIndexKey(
    std::string_view key);

namespace index_key_internal {

// The first 0x00 in [p, end), or end: eight bytes at a step (the zero-byte
// bit trick; its lowest set bit marks the first zero on little-endian).
inline const char* FindZeroByte(const char* p, const char* end) {
  static_assert(std::endian::native == std::endian::little);
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t z = (w - 0x0101010101010101) & ~w & 0x8080808080808080;
    if (z != 0) return p + (std::countr_zero(z) >> 3);
  }
  while (p < end && *p != '\0') ++p;
  return p;
}

}  // namespace index_key_internal

// Length of the well-formed component at the front of s, or 0 if there is
// none. Checks framing only (tag, size, string terminator), not values.
// Inline, with tests in branch order rather than a jump table: index scans
// split every entry's key with it.
inline size_t IndexComponentSize(std::string_view s) {
  if (s.empty()) return 0;
  const auto tag = static_cast<IndexKeyTag>(s[0]);
  if (tag == IndexKeyTag::kString) {
    const char* const end = s.data() + s.size();
    const char* p = s.data() + 1;
    while (true) {  // to each 0x00: an escape (0x00 0xff) or the end mark
      p = index_key_internal::FindZeroByte(p, end);
      if (end - p < 2) return 0;
      if (p[1] == '\x01') return static_cast<size_t>(p + 2 - s.data());
      if (p[1] != '\xff') return 0;
      p += 2;
    }
  }
  if (tag == IndexKeyTag::kNumber) {
    return s.size() >= kIndexNumberSize ? kIndexNumberSize : 0;
  }
  return tag == IndexKeyTag::kEmptyArray || tag == IndexKeyTag::kNull ||
                 tag == IndexKeyTag::kFalse || tag == IndexKeyTag::kTrue
             ? 1
             : 0;
}

// Rewrites a sequence of version-1 components (key) as version 2 into
// *out: only the boolean tags change, so order within each type and every
// other byte are kept. Input that is already version 2 or 3 converts to
// itself. False if key is not a sequence of well-formed components.
bool ConvertV1IndexKey(std::string_view key, std::string* out);

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
