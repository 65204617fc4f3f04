// JSON Merge Patch (RFC 7396): a patch object sets members, a null member
// removes one, nested objects merge recursively, and anything else
// replaces the target. Used for partial document updates.
#ifndef STRATA_DOCS_MERGE_PATCH_H_
#define STRATA_DOCS_MERGE_PATCH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "docs/json_value.h"

namespace strata::docs {

// Applies patch_json to target_json and returns the result as minified
// JSON. Members keep the target's order; new members are appended in the
// patch's order. InvalidArgument (naming "target" or "patch" and a byte
// offset) if either input is malformed or names a member twice.
[[nodiscard]] absl::StatusOr<std::string> ApplyMergePatch(
    std::string_view target_json, std::string_view patch_json);

// The same on values in memory: target is modified in place.
void ApplyMergePatchValue(JsonValue* target, const JsonValue& patch);

}  // namespace strata::docs

#endif  // STRATA_DOCS_MERGE_PATCH_H_
