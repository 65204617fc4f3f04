// Sort specification parsing and sort-key extraction/comparison with
// MongoDB's array and missing-field rules (see filter_sort.h).
#include "docs/filter_sort.h"

#include "absl/strings/str_format.h"

namespace strata::docs {

namespace {

absl::Status ErrorAt(std::string_view what, std::string_view loc) {
  return absl::InvalidArgumentError(absl::StrFormat("%s at %s", what, loc));
}

// Rank of a type in the sort order. Keep in step with the index key tags
// (index_key.h), which order null, booleans, numbers and strings alike.
int SortRank(JsonType t) {
  switch (t) {
    case JsonType::kNull:
      return 0;
    case JsonType::kBool:
      return 1;
    case JsonType::kInt64:
    case JsonType::kUint64:
    case JsonType::kDouble:
      return 2;
    case JsonType::kString:
      return 3;
    case JsonType::kObject:
      return 4;
    case JsonType::kArray:
      return 5;
  }
  return 0;
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

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

int CompareSortValues(JsonView a, JsonView b) {
  const int ra = SortRank(a.type());
  const int rb = SortRank(b.type());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case JsonType::kNull:
      return 0;
    case JsonType::kBool:
      return static_cast<int>(a.bool_value()) -
             static_cast<int>(b.bool_value());
    case JsonType::kString:
      return Sign(a.string_value().compare(b.string_value()));
    case JsonType::kArray: {
      const std::vector<JsonValue>& x = a.node().array();
      const std::vector<JsonValue>& y = b.node().array();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = CompareSortValues(x[i], y[i]); c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case JsonType::kObject: {
      const std::vector<JsonValue::Member>& x = a.node().object();
      const std::vector<JsonValue::Member>& y = b.node().object();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = Sign(x[i].first.compare(y[i].first)); c != 0) return c;
        if (int c = CompareSortValues(x[i].second, y[i].second); c != 0) {
          return c;
        }
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    default:
      return CompareNumbers(a, b);
  }
}

int CompareSortValue(const SortValue& a, const SortValue& b) {
  if (a.empty_array || b.empty_array) {
    return static_cast<int>(b.empty_array) - static_cast<int>(a.empty_array);
  }
  return CompareSortValues(a.value, b.value);
}

int CompareSortKeys(const SortSpec& spec, const SortKey& a, const SortKey& b) {
  for (size_t i = 0; i < spec.fields().size(); ++i) {
    int c = CompareSortValue(a[i], b[i]);
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
    const bool asc = ascending_[i];
    // Candidates: every reached value except whole arrays that were also
    // yielded element by element; an empty one of those (no elements)
    // stands for itself, below everything; null for a missing branch or
    // when nothing else was reached. The same components as
    // IndexPathComponents (index_key.h), so index and sort orders agree.
    bool empty_array = false;
    const JsonView null_view{};
    const JsonView* best = pv.missing ? &null_view : nullptr;
    for (const PathValue& v : pv.values) {
      if (v.array_itself) {
        empty_array |= v.value.node().array().empty();
        continue;
      }
      if (best == nullptr) {
        best = &v.value;
        continue;
      }
      int c = CompareSortValues(v.value, *best);
      if (asc ? c < 0 : c > 0) best = &v.value;
    }
    SortValue sv;
    // Ascending the empty array wins over any value; descending it loses
    // to every value, and is the key only when nothing else is.
    if (empty_array && (asc || best == nullptr)) {
      sv.empty_array = true;
      sv.value = JsonValue::Array();
    } else if (best != nullptr) {
      sv.value = best->ToValue();
    }
    key.push_back(std::move(sv));
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
