// RFC 7396 JSON Merge Patch over JsonValue. Recursion follows the patch,
// whose depth the parser has already bounded.
#include "docs/merge_patch.h"

namespace strata::docs {

void ApplyMergePatchValue(JsonValue* target, const JsonValue& patch) {
  if (!patch.is_object()) {
    *target = patch;
    return;
  }
  if (!target->is_object()) *target = JsonValue::Object();
  for (const auto& [key, value] : patch.object()) {
    if (value.is_null()) {
      target->Remove(key);
      continue;
    }
    JsonValue* member = target->FindMutable(key);
    if (member == nullptr) {
      // RFC 7396: MergePatch(undefined, value) strips nulls from objects.
      target->mutable_object().emplace_back(key, JsonValue());
      member = &target->mutable_object().back().second;
    }
    ApplyMergePatchValue(member, value);
  }
}

absl::StatusOr<std::string> ApplyMergePatch(std::string_view target_json,
                                            std::string_view patch_json) {
  JsonParseOptions options;
  options.what = "target";
  absl::StatusOr<JsonValue> target = ParseJson(target_json, options);
  if (!target.ok()) return target.status();
  options.what = "patch";
  absl::StatusOr<JsonValue> patch = ParseJson(patch_json, options);
  if (!patch.ok()) return patch.status();
  ApplyMergePatchValue(&*target, *patch);
  return ToJson(*target);
}

}  // namespace strata::docs
