// MongoDB-style query filters: parsing a filter document into a small AST
// and matching documents against it. The request format is specified in
// schema/query.schema.json ("filter").
//
// Supported: implicit equality ({"a": 5}), implicit $and across fields and
// within operator objects ({"a": {"$gt": 1, "$lt": 5}}), $eq $ne $gt $gte
// $lt $lte $in $nin $all $exists $not, and top-level $and $or $nor. Paths are
// dotted with MongoDB's array traversal (json_path.h).
//
// Semantics (MongoDB's): a predicate on a path matches if ANY value the
// path reaches matches (so an array field matches by the whole array or by
// any element). $ne, $nin, $not and $exists:false are the negation of the
// positive predicate over the whole field, so {"tags": {"$ne": "x"}}
// excludes documents whose tags contain "x". $gt/$gte/$lt/$lte only match
// values of the operand's type bracket (numbers with numbers, strings with
// strings...). {"a": null} matches a missing or null a; $gte/$lte null
// behave like $eq null, $gt/$lt null match nothing. Numbers compare
// exactly whether int64, uint64 or double.
#ifndef STRATA_DOCS_FILTER_H_
#define STRATA_DOCS_FILTER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/json_path.h"
#include "docs/json_value.h"

namespace strata::docs {

enum class FilterOp : uint8_t {
  kTrue,  // the empty filter {}: matches every document
  kAnd,   // children
  kOr,    // children
  kNor,   // children: none matches
  kNot,   // one child ($ne, $nin, $not, $exists:false)
  kEq,    // path, value
  kGt,    // path, value (a scalar)
  kGte,
  kLt,
  kLte,
  kIn,      // path, in_values
  kExists,  // path: the path reaches at least one value
};

struct FilterNode {
  FilterOp op = FilterOp::kTrue;
  int path = -1;    // index into Filter::paths() for kEq..kExists
  JsonValue value;  // kEq and comparisons
  // kIn: sorted by CompareJson, without duplicates; null in the list
  // also matches a missing path.
  std::vector<JsonValue> in_values;
  std::vector<FilterNode> children;
};

struct FilterLimits {
  // Longest filter text accepted by ParseFilter.
  size_t max_bytes = 256 << 10;
  // Deepest JSON nesting of the filter document. [1, kMaxJsonDepth].
  int max_depth = 100;
  // Longest $in / $nin list.
  size_t max_in_values = 10000;
};

class Filter {
 public:
  Filter() = default;  // the empty filter

  const FilterNode& root() const { return root_; }
  // The distinct paths the filter reads, in first-use order.
  const std::vector<JsonPath>& paths() const { return paths_; }
  // A compact S-expression of the AST, for tests and logs, e.g.
  // (and (gt a 1) (not (in b [1,"x"]))).
  std::string DebugString() const;

 private:
  friend class FilterParser;
  FilterNode root_;
  std::vector<JsonPath> paths_;
};

// Parses a filter document. Errors are InvalidArgument naming the place
// in the filter, e.g. "$in needs an array at filter.tags.$in",
// "unknown operator $foo at filter.a", or the byte offset and reason for
// malformed JSON.
[[nodiscard]] absl::StatusOr<Filter> ParseFilter(
    std::string_view json, const FilterLimits& limits = {});
// The same for a filter already parsed (e.g. the "filter" member of a
// find request); `where` names it in errors.
[[nodiscard]] absl::StatusOr<Filter> ParseFilterValue(
    const JsonValue& filter, const FilterLimits& limits = {},
    std::string_view where = "filter");

// Evaluates a filter node given the values of filter.paths() in order.
bool EvaluateFilter(const FilterNode& node, const PathExtractor& values);

// Matches raw JSON documents against one filter, scanning each document
// once with simdjson On-Demand and materializing only the parts the filter
// compares as wholes. Not thread-safe; use one Matcher per thread.
class Matcher {
 public:
  explicit Matcher(Filter filter);

  const Filter& filter() const { return filter_; }

  // InvalidArgument if json is malformed or not an object. Parts of the
  // document no filter path leads into are skipped, not validated.
  [[nodiscard]] absl::StatusOr<bool> Matches(std::string_view json);
  // As Matches without a copy: REQUIRES kJsonPadding readable bytes after
  // json.end().
  [[nodiscard]] absl::StatusOr<bool> MatchesPadded(std::string_view json);
  // For a document already in memory.
  bool MatchesValue(const JsonValue& doc);

  // A cheap necessary condition on the raw text of a valid JSON document:
  // false means Matches(json) would be false. The filter's top-level string
  // equalities ($eq, and $in over strings) each need one of their strings,
  // quoted, as a substring of any document without escapes (a backslash
  // anywhere makes this answer true). For stored, validated documents
  // only: it does not check the syntax.
  bool MayMatch(std::string_view json) const;

 private:
  Filter filter_;
  PathExtractor extractor_;
  // Each entry: quoted strings of which a matching document holds one.
  std::vector<std::vector<std::string>> required_;
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_FILTER_H_
