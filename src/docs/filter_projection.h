// Projections of find results: {"a": 1, "b.c": 1} keeps only those paths,
// {"a": 0} drops them. The key field (default "_id") is kept by an
// inclusion projection unless the projection sets it to 0. Format:
// schema/query.schema.json ("projection").
//
// MongoDB's rules: values are 0/1 or false/true (any non-zero number
// includes); a nested document {"b": {"c": 1}} means "b.c" (MongoDB 4.4+);
// inclusion and exclusion cannot be mixed except for excluding the key
// field; "a" and "a.b" together are a path collision. Dotted paths apply to
// every element of an array on the way; an inclusion drops array elements that
// are not objects (or arrays) there. Path components are field names here,
// never array indexes. Output keeps the document's member order.
#ifndef STRATA_DOCS_FILTER_PROJECTION_H_
#define STRATA_DOCS_FILTER_PROJECTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docs/json_value.h"

namespace strata::docs {

class Projection {
 public:
  // The identity projection (returns documents unchanged, minified).
  Projection();
  ~Projection();
  Projection(Projection&&) noexcept;
  Projection& operator=(Projection&&) noexcept;

  // InvalidArgument naming the place, e.g. "cannot mix inclusion and
  // exclusion at projection.b".
  [[nodiscard]] static absl::StatusOr<Projection> Parse(
      const JsonValue& spec, std::string_view key_field = "_id",
      std::string_view where = "projection");
  [[nodiscard]] static absl::StatusOr<Projection> ParseJsonText(
      std::string_view json, std::string_view key_field = "_id");

  bool is_identity() const;
  bool is_inclusion() const;

  // Projects one document (an object) to minified JSON.
  [[nodiscard]] absl::StatusOr<std::string> Apply(std::string_view doc) const;
  // The same over a document in memory; a non-object is returned as is.
  JsonValue ApplyToValue(const JsonValue& doc) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  bool inclusion_ = false;
  bool identity_ = true;
  bool keep_key_ = true;  // inclusion: key field kept unless excluded
  std::string key_field_;
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_FILTER_PROJECTION_H_
