// Multi-key sort for find results: {"price": -1, "name": 1}. Format:
// schema/query.schema.json ("sort").
//
// Values of different types order by type: null < booleans < numbers <
// strings < objects < arrays (CompareSortValues), the order of index and
// primary keys (index_key.h), so a sort gives the same order whether an
// index serves it or not. This differs from MongoDB (and CompareJson,
// which filters use for $gt/$lt type bracketing), where booleans sort
// after strings. MongoDB's other rules stand: a missing field sorts as
// null; an array field sorts by its smallest element when ascending and
// its largest when descending; a path that ends at an empty array sorts
// before null and missing (MongoDB's undefined key: first ascending, last
// descending; index key tag 0x08); a path that reaches nothing sorts as
// null; numbers by exact value whatever their kind. An empty array met
// as an element ({"a": [[], 1]}) is an array value like any other.
#ifndef STRATA_DOCS_FILTER_SORT_H_
#define STRATA_DOCS_FILTER_SORT_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docs/json_path.h"
#include "docs/json_value.h"

namespace strata::docs {

inline constexpr size_t kMaxSortFields = 32;

struct SortField {
  JsonPath path;
  bool ascending = true;
};

class SortSpec {
 public:
  SortSpec() = default;  // no ordering

  // {"a": 1, "b.c": -1}. InvalidArgument naming the place, e.g.
  // "sort direction must be 1 or -1, got 2 at sort.a".
  [[nodiscard]] static absl::StatusOr<SortSpec> Parse(
      const JsonValue& spec, std::string_view where = "sort");
  [[nodiscard]] static absl::StatusOr<SortSpec> ParseJsonText(
      std::string_view json);

  const std::vector<SortField>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<SortField> fields_;
};

// The sort order of two values: by type (null < booleans < numbers <
// strings < objects < arrays), then numbers by value, strings bytewise,
// false < true, arrays element-wise and objects member-wise (name, then
// value) with a prefix first, both recursively in this order.
int CompareSortValues(JsonView a, JsonView b);

// One sort field's key, owned, so keys outlive their documents: a value,
// or the key of a path that ended at an empty array, which sorts before
// every value (value is then [], the index key's 0x08).
struct SortValue {
  JsonValue value;
  bool empty_array = false;
};
// Orders two sort field keys ascending: empty_array first, then
// CompareSortValues.
int CompareSortValue(const SortValue& a, const SortValue& b);

// One entry per sort field.
using SortKey = std::vector<SortValue>;

// Orders keys made for the same spec: negative if a sorts first.
int CompareSortKeys(const SortSpec& spec, const SortKey& a, const SortKey& b);

// Extracts sort keys from raw documents with one streaming scan each.
// Not thread-safe.
class SortKeyExtractor {
 public:
  explicit SortKeyExtractor(const SortSpec& spec);

  [[nodiscard]] absl::StatusOr<SortKey> Extract(std::string_view json);
  SortKey ExtractFromValue(const JsonValue& doc);

 private:
  SortKey Build() const;

  std::vector<bool> ascending_;
  PathExtractor extractor_;
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_FILTER_SORT_H_
