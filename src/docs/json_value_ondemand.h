// Internal to src/docs: glue between simdjson On-Demand and JsonValue,
// shared by the parser (json_value_parse.cc) and the streaming path
// extractor (json_path.cc). Includes simdjson, so keep it out of public
// headers. Every simdjson call goes through the error-code API.
#ifndef STRATA_DOCS_JSON_VALUE_ONDEMAND_H_
#define STRATA_DOCS_JSON_VALUE_ONDEMAND_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "docs/json_value.h"

namespace strata::docs::internal {

static_assert(kJsonPadding == simdjson::SIMDJSON_PADDING);

// What one parse is about, for error messages and limits.
struct OndemandContext {
  std::string_view text;  // the input without its padding
  simdjson::ondemand::document* doc = nullptr;
  std::string_view what = "JSON";
  int max_depth = kMaxJsonDepth;
  bool reject_duplicate_keys = false;
};

// The first syntax error in text by RFC 8259 (plus a nesting limit), with
// its byte offset. Only run once simdjson has reported a problem, to turn
// its error code into a precise message.
struct JsonSyntaxError {
  bool found = false;
  size_t offset = 0;
  std::string reason;
};
JsonSyntaxError FindJsonSyntaxError(std::string_view text, int max_depth);

// InvalidArgument "<what>: malformed JSON at byte offset N: <reason>".
absl::Status MalformedJson(const OndemandContext& ctx, size_t offset,
                           std::string_view reason);
// Turns a simdjson error into MalformedJson, locating it precisely.
absl::Status OndemandError(const OndemandContext& ctx,
                           simdjson::error_code err);

// The member name of field: a view of the input when it has no escapes
// (the common case, no copy), else unescaped into the parser's buffer.
absl::Status ReadKey(simdjson::ondemand::field& field,
                     const OndemandContext& ctx, std::string_view* key);

// Reads the scalar v (of type t, not an array or object). Strings view
// the input or the parser's buffer: valid while both are unchanged.
absl::Status ReadScalar(simdjson::ondemand::value& v,
                        simdjson::ondemand::json_type t,
                        const OndemandContext& ctx, JsonView* out);

// Copies v and everything under it into *out. depth is the nesting depth
// of v's container (0 for a document root).
absl::Status Materialize(simdjson::ondemand::value& v, int depth,
                         const OndemandContext& ctx, JsonValue* out);

}  // namespace strata::docs::internal

#endif  // STRATA_DOCS_JSON_VALUE_ONDEMAND_H_
