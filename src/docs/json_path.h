// Dotted field paths ("a.b.0.c") and the values a path reaches in a
// document, with MongoDB's traversal rules. PathExtractor streams a raw
// JSON document once with simdjson On-Demand and collects the values of
// several paths without building a DOM of the document; the matcher,
// sort keys and index key generation all use it.
//
// Traversal (MongoDB's, per path component):
//  - through an object: the member with that name (first one if repeated);
//    if absent, the path is "missing" there.
//  - through a scalar: missing.
//  - through an array (the path continues): every element that is an
//    object is searched for the component (absent counts as missing);
//    if the component is an array index ("0", "17": digits, no leading
//    zero) the element at that index is also taken (an array there is
//    traversed the same way, a scalar there yields nothing). Elements that
//    are arrays or scalars are otherwise skipped and yield nothing.
//  - at the end of the path: the value; if it is an array (reached by
//    name, not by index), each element and then the array itself.
#ifndef STRATA_DOCS_JSON_PATH_H_
#define STRATA_DOCS_JSON_PATH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/json_value.h"

namespace strata::docs {

inline constexpr size_t kMaxPathComponents = 100;
inline constexpr size_t kMaxPathBytes = 4096;

class JsonPath {
 public:
  // Validates and splits a dotted path. InvalidArgument (naming the path)
  // if it is empty, has an empty component ("a..b", ".a", "a."), a
  // component starting with '$', a NUL byte, more than kMaxPathComponents
  // components or more than kMaxPathBytes bytes.
  [[nodiscard]] static absl::StatusOr<JsonPath> Parse(std::string_view dotted);

  const std::string& dotted() const { return dotted_; }
  size_t size() const { return components_.size(); }
  const std::string& component(size_t i) const { return components_[i]; }
  // The array index component i names, or -1 if it is not one.
  int64_t array_index(size_t i) const { return indexes_[i]; }

  bool operator==(const JsonPath& o) const { return dotted_ == o.dotted_; }

 private:
  std::string dotted_;
  std::vector<std::string> components_;
  std::vector<int64_t> indexes_;
};

// One value a path reached.
struct PathValue {
  JsonView value;
  // True for an array at the end of the path that was also yielded
  // element by element. Sort keys and multikey index keys use the
  // elements and skip these; matching uses both.
  bool array_itself = false;
};

// Everything one path reached in one document.
struct PathValues {
  std::vector<PathValue> values;
  // Some traversal ended at an absent member (MongoDB matches such a
  // path with {$eq: null} and counts it as null in sort and index keys).
  bool missing = false;

  bool exists() const { return !values.empty(); }
};

// Collects the values of a fixed set of paths from documents, one
// document at a time. Not thread-safe; reuse one per thread.
class PathExtractor {
 public:
  explicit PathExtractor(std::vector<JsonPath> paths);
  ~PathExtractor();
  PathExtractor(const PathExtractor&) = delete;
  PathExtractor& operator=(const PathExtractor&) = delete;

  size_t num_paths() const;
  const JsonPath& path(size_t i) const;

  // Scans one JSON document, which must be an object (else
  // InvalidArgument). Values view the document, the extractor's parser and
  // its scratch space: they stay valid until the next Extract* call.
  // Malformed JSON gives InvalidArgument with a byte offset; parts of the
  // document no path leads into are skipped, not fully validated.
  [[nodiscard]] absl::Status Extract(std::string_view json);
  // As Extract, without copying: REQUIRES kJsonPadding readable bytes
  // after json.end().
  [[nodiscard]] absl::Status ExtractPadded(std::string_view json);
  // The same for a document already in memory (views point into doc).
  // A non-object doc makes every path missing.
  void ExtractFromValue(const JsonValue& doc);

  // REQUIRES: i < num_paths(), after a successful Extract*.
  const PathValues& values(size_t i) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One path over an in-memory document; views point into doc.
PathValues ResolvePath(const JsonValue& doc, const JsonPath& path);

}  // namespace strata::docs

#endif  // STRATA_DOCS_JSON_PATH_H_
