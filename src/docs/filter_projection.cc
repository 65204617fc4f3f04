// Projection parsing (into a tree of path components) and application to
// in-memory documents. Result documents are small and few compared with
// scanned ones, so a projection materializes the document it returns.
#include "docs/filter_projection.h"

#include "absl/strings/str_format.h"
#include "docs/json_path.h"

namespace strata::docs {

struct Projection::Node {
  bool leaf = false;  // the projection names this path itself
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> children;

  Node* Find(std::string_view key) const {
    for (const auto& [k, n] : children) {
      if (k == key) return n.get();
    }
    return nullptr;
  }
};

Projection::Projection() : root_(std::make_unique<Node>()) {}
Projection::~Projection() = default;
Projection::Projection(Projection&&) noexcept = default;
Projection& Projection::operator=(Projection&&) noexcept = default;

bool Projection::is_identity() const { return identity_; }
bool Projection::is_inclusion() const { return inclusion_; }

namespace {

absl::Status ErrorAt(std::string_view what, std::string_view loc) {
  return absl::InvalidArgumentError(absl::StrFormat("%s at %s", what, loc));
}

// Adds path to the tree under root; "a" with "a.b" is a collision.
template <typename N>
absl::Status InsertPath(N* root, const JsonPath& path, std::string_view loc) {
  N* n = root;
  for (size_t i = 0; i < path.size(); ++i) {
    N* child = n->Find(path.component(i));
    if (child == nullptr) {
      n->children.emplace_back(path.component(i), std::make_unique<N>());
      child = n->children.back().second.get();
    } else if (child->leaf || i + 1 == path.size()) {
      return ErrorAt(absl::StrFormat("path collision on \"%s\"", path.dotted()),
                     loc);
    }
    n = child;
  }
  n->leaf = true;
  return absl::OkStatus();
}

// One projected path with its 0/1 value, after nested forms are flattened.
struct SpecEntry {
  std::string path;
  const JsonValue* value;
  std::string loc;
};

// Flattens {"a": {"b": 1}} into "a.b": 1, as MongoDB (4.4+) reads a nested
// projection document. Operator objects ($slice, $elemMatch) are not
// supported; an empty sub-projection is an error, as in MongoDB. Depth is
// bounded by the path length limit.
absl::Status Flatten(const JsonValue& spec, const std::string& prefix,
                     std::string_view where, size_t depth,
                     std::vector<SpecEntry>* out) {
  for (const auto& [key, value] : spec.object()) {
    std::string loc = absl::StrFormat("%s.%s", where, key);
    std::string path = prefix.empty() ? key : prefix + "." + key;
    if (!value.is_object()) {
      out->push_back({std::move(path), &value, std::move(loc)});
      continue;
    }
    if (value.object().empty()) {
      return ErrorAt("an empty sub-projection is not allowed", loc);
    }
    for (const auto& member : value.object()) {
      if (!member.first.empty() && member.first[0] == '$') {
        // $slice, $elemMatch: not implemented.
        return ErrorAt(
            "projection values must be 0, 1, true or false, got an object",
            loc);
      }
    }
    if (depth + 1 >= kMaxPathComponents) {
      return ErrorAt("projection nests too deep", loc);
    }
    if (auto st = Flatten(value, path, loc, depth + 1, out); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Projection> Projection::Parse(const JsonValue& spec,
                                             std::string_view key_field,
                                             std::string_view where) {
  if (!spec.is_object()) {
    return ErrorAt(absl::StrFormat("a projection must be an object, got %s",
                                   JsonTypeName(spec.type())),
                   where);
  }
  Projection p;
  p.key_field_ = std::string(key_field);
  int mode = 0;         // of the non-key paths: 1 include, -1 exclude
  int key_mode = 0;     // the key field itself, if named
  std::string key_loc;  // where it was named
  std::vector<SpecEntry> entries;
  if (auto st = Flatten(spec, "", where, 0, &entries); !st.ok()) return st;
  for (SpecEntry& e : entries) {
    const std::string& key = e.path;
    const JsonValue& value = *e.value;
    const std::string& loc = e.loc;
    bool include;
    if (value.type() == JsonType::kBool) {
      include = value.bool_value();
    } else if (value.is_number()) {
      include = CompareNumbers(value, JsonView::Int(0)) != 0;
    } else {
      return ErrorAt(
          absl::StrFormat("projection values must be 0, 1, true or false, "
                          "got %s",
                          JsonTypeName(value.type())),
          loc);
    }
    absl::StatusOr<JsonPath> path = JsonPath::Parse(key);
    if (!path.ok()) return ErrorAt(std::string(path.status().message()), loc);
    if (key == key_field) {
      // The key field is the one exception to "no mixing".
      key_mode = include ? 1 : -1;
      key_loc = loc;
      continue;
    }
    int want = include ? 1 : -1;
    if (mode != 0 && mode != want) {
      return ErrorAt("cannot mix inclusion and exclusion", loc);
    }
    mode = want;
    if (auto st = InsertPath(p.root_.get(), *path, loc); !st.ok()) return st;
  }
  if (mode == 0) mode = key_mode;  // only the key field was named
  if (mode == 0) return p;         // {}: identity
  p.identity_ = false;
  p.inclusion_ = mode == 1;
  if (p.inclusion_) {
    p.keep_key_ = key_mode != -1;
  } else if (key_mode == -1) {
    absl::StatusOr<JsonPath> key_path = JsonPath::Parse(key_field);
    if (!key_path.ok()) return key_path.status();
    if (auto st = InsertPath(p.root_.get(), *key_path, key_loc); !st.ok()) {
      return st;
    }
  }
  return p;
}

absl::StatusOr<Projection> Projection::ParseJsonText(
    std::string_view json, std::string_view key_field) {
  JsonParseOptions options;
  options.what = "projection";
  options.max_depth = 100;
  options.max_bytes = 256 << 10;
  absl::StatusOr<JsonValue> spec = ParseJson(json, options);
  if (!spec.ok()) return spec.status();
  return Parse(*spec, key_field);
}

namespace {

template <typename N>
JsonValue Include(const JsonValue& v, const N& node);

template <typename N>
JsonValue IncludeArray(const JsonValue& arr, const N& node) {
  JsonValue out = JsonValue::Array();
  for (const JsonValue& el : arr.array()) {
    if (el.is_object()) {
      out.mutable_array().push_back(Include(el, node));
    } else if (el.is_array()) {
      out.mutable_array().push_back(IncludeArray(el, node));
    }
  }
  return out;
}

template <typename N>
JsonValue Include(const JsonValue& obj, const N& node) {
  JsonValue out = JsonValue::Object();
  for (const auto& [key, value] : obj.object()) {
    const N* child = node.Find(key);
    if (child == nullptr) continue;
    if (child->leaf) {
      out.mutable_object().emplace_back(key, value);
    } else if (value.is_object()) {
      out.mutable_object().emplace_back(key, Include(value, *child));
    } else if (value.is_array()) {
      out.mutable_object().emplace_back(key, IncludeArray(value, *child));
    }
  }
  return out;
}

template <typename N>
JsonValue Exclude(const JsonValue& v, const N& node);

template <typename N>
JsonValue ExcludeArray(const JsonValue& arr, const N& node) {
  JsonValue out = JsonValue::Array();
  for (const JsonValue& el : arr.array()) {
    if (el.is_object()) {
      out.mutable_array().push_back(Exclude(el, node));
    } else if (el.is_array()) {
      out.mutable_array().push_back(ExcludeArray(el, node));
    } else {
      out.mutable_array().push_back(el);
    }
  }
  return out;
}

template <typename N>
JsonValue Exclude(const JsonValue& obj, const N& node) {
  JsonValue out = JsonValue::Object();
  for (const auto& [key, value] : obj.object()) {
    const N* child = node.Find(key);
    if (child == nullptr) {
      out.mutable_object().emplace_back(key, value);
    } else if (child->leaf) {
      continue;
    } else if (value.is_object()) {
      out.mutable_object().emplace_back(key, Exclude(value, *child));
    } else if (value.is_array()) {
      out.mutable_object().emplace_back(key, ExcludeArray(value, *child));
    } else {
      out.mutable_object().emplace_back(key, value);
    }
  }
  return out;
}

}  // namespace

JsonValue Projection::ApplyToValue(const JsonValue& doc) const {
  if (identity_ || !doc.is_object()) return doc;
  if (!inclusion_) return Exclude(doc, *root_);
  JsonValue out = JsonValue::Object();
  for (const auto& [key, value] : doc.object()) {
    if (key == key_field_) {
      if (keep_key_) out.mutable_object().emplace_back(key, value);
      continue;
    }
    const Node* child = root_->Find(key);
    if (child == nullptr) continue;
    if (child->leaf) {
      out.mutable_object().emplace_back(key, value);
    } else if (value.is_object()) {
      out.mutable_object().emplace_back(key, Include(value, *child));
    } else if (value.is_array()) {
      out.mutable_object().emplace_back(key, IncludeArray(value, *child));
    }
  }
  return out;
}

absl::StatusOr<std::string> Projection::Apply(std::string_view doc) const {
  JsonParseOptions options;
  options.what = "document";
  options.reject_duplicate_keys = false;
  absl::StatusOr<JsonValue> v = ParseJson(doc, options);
  if (!v.ok()) return v.status();
  if (!v->is_object()) {
    return absl::InvalidArgumentError("document is not a JSON object");
  }
  return ToJson(ApplyToValue(*v));
}

}  // namespace strata::docs
