// Sort specification parsing and sort-key extraction/comparison with
// MongoDB's array and missing-field rules (see filter_sort.h).
#include "docs/filter_sort.h"

#include "absl/strings/str_format.h"

namespace strata::docs {

namespace {

absl::Status ErrorAt(std::string_view what, std::string_view loc) {
  return absl::InvalidArgumentError(absl::StrFormat("%s at %s", what, loc));
}

std::vector<JsonPath> PathsOf(const SortSpec& spec) {
  std::vector<JsonPath> paths;
  for (const SortField& f : spec.fields()) paths.push_back(f.path);
  return paths;
}

}  // namespace

absl::StatusOr<SortSpec> SortSpec::Parse(const JsonValue& spec,
                                         std::string_view where) {
  if (!spec.is_object()) {
    return ErrorAt(absl::StrFormat("a sort must be an object, got %s",
                                   JsonTypeName(spec.type())),
                   where);
  }
  if (spec.object().size() > kMaxSortFields) {
    return ErrorAt(absl::StrFormat("a sort has at most %d fields, got %d",
                                   kMaxSortFields, spec.object().size()),
                   where);
  }
  SortSpec out;
  for (const auto& [key, value] : spec.object()) {
    std::string loc = absl::StrFormat("%s.%s", where, key);
    bool ascending;
    if (value.is_number() && CompareNumbers(value, JsonView::Int(1)) == 0) {
      ascending = true;
    } else if (value.is_number() &&
               CompareNumbers(value, JsonView::Int(-1)) == 0) {
      ascending = false;
    } else {
      return ErrorAt(absl::StrFormat("sort direction must be 1 or -1, got %s",
                                     ToJson(value)),
                     loc);
    }
    absl::StatusOr<JsonPath> path = JsonPath::Parse(key);
    if (!path.ok()) return ErrorAt(std::string(path.status().message()), loc);
    out.fields_.push_back(SortField{*std::move(path), ascending});
  }
  return out;
}

absl::StatusOr<SortSpec> SortSpec::ParseJsonText(std::string_view json) {
  JsonParseOptions options;
  options.what = "sort";
  options.max_depth = 100;
  options.max_bytes = 64 << 10;
  absl::StatusOr<JsonValue> spec = ParseJson(json, options);
  if (!spec.ok()) return spec.status();
  return Parse(*spec);
}

int CompareSortKeys(const SortSpec& spec, const SortKey& a, const SortKey& b) {
  for (size_t i = 0; i < spec.fields().size(); ++i) {
    int c = CompareJson(a[i], b[i]);
    if (c != 0) return spec.fields()[i].ascending ? c : -c;
  }
  return 0;
}

SortKeyExtractor::SortKeyExtractor(const SortSpec& spec)
    : extractor_(PathsOf(spec)) {
  for (const SortField& f : spec.fields()) ascending_.push_back(f.ascending);
}

SortKey SortKeyExtractor::Build() const {
  SortKey key;
  key.reserve(ascending_.size());
  for (size_t i = 0; i < ascending_.size(); ++i) {
    const PathValues& pv = extractor_.values(i);
    // Candidates: every reached value except whole arrays that were also
    // yielded element by element, plus null for a missing branch.
    const JsonView null_view{};
    const JsonView* best = pv.missing ? &null_view : nullptr;
    for (const PathValue& v : pv.values) {
      if (v.array_itself) continue;
      if (best == nullptr) {
        best = &v.value;
        continue;
      }
      int c = CompareJson(v.value, *best);
      if (ascending_[i] ? c < 0 : c > 0) best = &v.value;
    }
    key.push_back(best == nullptr ? JsonValue::Null() : best->ToValue());
  }
  return key;
}

absl::StatusOr<SortKey> SortKeyExtractor::Extract(std::string_view json) {
  if (auto st = extractor_.Extract(json); !st.ok()) return st;
  return Build();
}

SortKey SortKeyExtractor::ExtractFromValue(const JsonValue& doc) {
  extractor_.ExtractFromValue(doc);
  return Build();
}

}  // namespace strata::docs
