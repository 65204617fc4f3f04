// Path parsing and the path extractor. The extractor merges its paths into
// a trie and walks a document along it: with simdjson On-Demand for raw
// JSON (members no path names are skipped unparsed), or over a JsonValue.
// Where one value must be looked at twice (a path ends at a container
// that other paths continue into, or an array element is both indexed and
// searched by name), that value alone is materialized and the walk
// continues over the copy. Both walkers implement the rules in
// json_path.h; keep them in step.
#include "docs/json_path.h"

#include <cstring>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "docs/json_value_ondemand.h"

namespace strata::docs {

namespace ondemand = simdjson::ondemand;

namespace {

absl::Status BadPath(std::string_view dotted, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("invalid field path \"%s\": %s", dotted, why));
}

// MongoDB matches a component against array offsets only when it is all
// digits and equal to an element's decimal name, so "01" never matches.
int64_t ArrayIndexOf(std::string_view c) {
  if (c.empty() || c.size() > 18) return -1;
  if (c.size() > 1 && c[0] == '0') return -1;
  int64_t v = 0;
  for (char ch : c) {
    if (ch < '0' || ch > '9') return -1;
    v = v * 10 + (ch - '0');
  }
  return v;
}

}  // namespace

absl::StatusOr<JsonPath> JsonPath::Parse(std::string_view dotted) {
  if (dotted.empty()) return BadPath(dotted, "empty path");
  if (dotted.size() > kMaxPathBytes) {
    return BadPath(dotted.substr(0, 64),
                   absl::StrFormat("longer than %d bytes", kMaxPathBytes));
  }
  JsonPath path;
  path.dotted_ = std::string(dotted);
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string_view c = dotted.substr(start, dot == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : dot - start);
    if (c.empty()) return BadPath(dotted, "empty component");
    if (c[0] == '$') {
      return BadPath(dotted, "a component starts with '$'");
    }
    if (c.find('\0') != std::string_view::npos) {
      return BadPath(dotted, "contains a NUL byte");
    }
    if (path.components_.size() == kMaxPathComponents) {
      return BadPath(dotted, absl::StrFormat("more than %d components",
                                             kMaxPathComponents));
    }
    path.components_.emplace_back(c);
    path.indexes_.push_back(ArrayIndexOf(c));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

namespace {

struct Node {
  std::string key;
  std::vector<int> children;
  std::vector<std::pair<int64_t, int>> index_children;  // (index, node)
  absl::flat_hash_map<std::string, int> by_key;         // when many children
  std::vector<int> terminal;                            // paths ending here
  std::vector<int> subtree;  // paths ending here or below
  uint64_t seen = 0;         // walk generation that found this member
};

constexpr size_t kLinearChildren = 8;

}  // namespace

struct PathExtractor::Impl {
  std::vector<JsonPath> paths;
  std::vector<Node> nodes;
  std::vector<PathValues> values;
  std::deque<JsonValue> scratch;  // materialized values; stable addresses
  uint64_t generation = 0;
  ondemand::parser parser;
  std::string buffer;  // padded copy for Extract()
  internal::OndemandContext ctx;

  explicit Impl(std::vector<JsonPath> p) : paths(std::move(p)) {
    nodes.emplace_back();  // root: the document
    for (size_t i = 0; i < paths.size(); ++i) {
      int n = 0;
      nodes[0].subtree.push_back(static_cast<int>(i));
      for (size_t k = 0; k < paths[i].size(); ++k) {
        int c = FindChild(n, paths[i].component(k));
        if (c < 0) c = AddChild(n, paths[i].component(k));
        n = c;
        nodes[n].subtree.push_back(static_cast<int>(i));
      }
      nodes[n].terminal.push_back(static_cast<int>(i));
    }
    values.resize(paths.size());
    ctx.what = "document";
    ctx.max_depth = kMaxJsonDepth;
  }

  int AddChild(int parent, const std::string& key) {
    int c = static_cast<int>(nodes.size());
    nodes.emplace_back();
    nodes[c].key = key;
    Node& p = nodes[parent];
    p.children.push_back(c);
    if (int64_t idx = ArrayIndexOf(key); idx >= 0) {
      p.index_children.emplace_back(idx, c);
    }
    if (p.children.size() > kLinearChildren) {
      if (p.by_key.empty()) {
        for (int x : p.children) p.by_key.emplace(nodes[x].key, x);
      } else {
        p.by_key.emplace(key, c);
      }
    }
    return c;
  }

  int FindChild(int n, std::string_view key) const {
    const Node& node = nodes[n];
    if (node.children.size() > kLinearChildren) {
      auto it = node.by_key.find(absl::string_view(key.data(), key.size()));
      return it == node.by_key.end() ? -1 : it->second;
    }
    for (int c : node.children) {
      if (nodes[c].key == key) return c;
    }
    return -1;
  }

  int FindIndexChild(int n, int64_t idx) const {
    for (const auto& [i, c] : nodes[n].index_children) {
      if (i == idx) return c;
    }
    return -1;
  }

  void Reset() {
    for (PathValues& v : values) {
      v.values.clear();
      v.missing = false;
    }
    scratch.clear();
  }

  void Add(int p, JsonView v, bool itself) {
    values[p].values.push_back(PathValue{v, itself});
  }
  void Missing(int n) {
    for (int p : nodes[n].subtree) values[p].missing = true;
  }
  // A path ends at a value reached by name: arrays also yield elements.
  void YieldLeaf(const JsonValue& e, int p) {
    if (e.is_array()) {
      for (const JsonValue& el : e.array()) Add(p, el, false);
      Add(p, e, true);
    } else {
      Add(p, e, false);
    }
  }

  // ---- Walk over an in-memory JsonValue ----

  // e is the member for node n.
  void OnField(const JsonValue& e, int n) {
    for (int p : nodes[n].terminal) YieldLeaf(e, p);
    if (nodes[n].children.empty()) return;
    if (e.is_object()) {
      WalkObject(e, n);
    } else if (e.is_array()) {
      WalkArray(e, n);
    } else {
      for (int c : nodes[n].children) Missing(c);
    }
  }

  // Looks up each child of n in obj.
  void WalkObject(const JsonValue& obj, int n) {
    for (int c : nodes[n].children) {
      if (const JsonValue* e = obj.Find(nodes[c].key)) {
        OnField(*e, c);
      } else {
        Missing(c);
      }
    }
  }

  // arr sits where the paths through n continue with n's children.
  void WalkArray(const JsonValue& arr, int n) {
    int64_t idx = 0;
    for (const JsonValue& el : arr.array()) {
      if (el.is_object()) WalkObject(el, n);
      if (int oc = FindIndexChild(n, idx); oc >= 0) OnOffset(el, oc);
      ++idx;
    }
  }

  // el is the array element at the index node n names.
  void OnOffset(const JsonValue& el, int n) {
    for (int p : nodes[n].terminal) Add(p, el, false);
    if (nodes[n].children.empty()) return;
    if (el.is_object()) {
      WalkObject(el, n);
    } else if (el.is_array()) {
      WalkArray(el, n);
    }
  }

  // ---- Streaming walk with simdjson On-Demand ----

  absl::Status Keep(ondemand::value& v, const JsonValue** out) {
    scratch.emplace_back();
    if (auto st = internal::Materialize(v, 0, ctx, &scratch.back()); !st.ok()) {
      return st;
    }
    *out = &scratch.back();
    return absl::OkStatus();
  }

  absl::Status OdObject(ondemand::object& obj, int n, bool top) {
    uint64_t gen = ++generation;
    size_t found = 0;
    const size_t wanted = nodes[n].children.size();
    if (wanted == 0) return absl::OkStatus();
    for (auto field_result : obj) {
      ondemand::field field;
      if (auto err = std::move(field_result).get(field)) {
        return internal::OndemandError(ctx, err);
      }
      std::string_view key;
      if (auto st = internal::ReadKey(field, ctx, &key); !st.ok()) return st;
      int c = FindChild(n, key);
      if (c < 0 || nodes[c].seen == gen) continue;
      nodes[c].seen = gen;
      ++found;
      ondemand::value v = field.value();
      if (auto st = OdOnField(v, c); !st.ok()) return st;
      // The rest of a top-level document is never needed.
      if (top && found == wanted) return absl::OkStatus();
    }
    if (found < wanted) {
      for (int c : nodes[n].children) {
        if (nodes[c].seen != gen) Missing(c);
      }
    }
    return absl::OkStatus();
  }

  absl::Status OdOnField(ondemand::value& v, int n) {
    ondemand::json_type t;
    if (auto err = v.type().get(t)) return internal::OndemandError(ctx, err);
    const Node& node = nodes[n];
    if (t == ondemand::json_type::object || t == ondemand::json_type::array) {
      if (!node.terminal.empty()) {
        const JsonValue* m = nullptr;
        if (auto st = Keep(v, &m); !st.ok()) return st;
        OnField(*m, n);
        return absl::OkStatus();
      }
      if (t == ondemand::json_type::object) {
        ondemand::object o;
        if (auto err = v.get_object().get(o)) {
          return internal::OndemandError(ctx, err);
        }
        return OdObject(o, n, false);
      }
      ondemand::array a;
      if (auto err = v.get_array().get(a)) {
        return internal::OndemandError(ctx, err);
      }
      return OdArray(a, n);
    }
    JsonView s;
    if (auto st = internal::ReadScalar(v, t, ctx, &s); !st.ok()) return st;
    for (int p : node.terminal) Add(p, s, false);
    for (int c : node.children) Missing(c);
    return absl::OkStatus();
  }

  absl::Status OdArray(ondemand::array& arr, int n) {
    int64_t idx = 0;
    for (auto item : arr) {
      ondemand::value el;
      if (auto err = std::move(item).get(el))
        return internal::OndemandError(ctx, err);
      int oc = FindIndexChild(n, idx++);
      ondemand::json_type t;
      if (auto err = el.type().get(t)) return internal::OndemandError(ctx, err);
      if (t == ondemand::json_type::object) {
        if (oc >= 0) {
          // Searched by name and taken by index: needs two looks.
          const JsonValue* m = nullptr;
          if (auto st = Keep(el, &m); !st.ok()) return st;
          WalkObject(*m, n);
          OnOffset(*m, oc);
          continue;
        }
        ondemand::object o;
        if (auto err = el.get_object().get(o)) {
          return internal::OndemandError(ctx, err);
        }
        if (auto st = OdObject(o, n, false); !st.ok()) return st;
      } else if (oc < 0) {
        continue;  // arrays and scalars are only reachable by index
      } else if (t == ondemand::json_type::array) {
        if (!nodes[oc].terminal.empty()) {
          const JsonValue* m = nullptr;
          if (auto st = Keep(el, &m); !st.ok()) return st;
          OnOffset(*m, oc);
          continue;
        }
        ondemand::array a;
        if (auto err = el.get_array().get(a)) {
          return internal::OndemandError(ctx, err);
        }
        if (auto st = OdArray(a, oc); !st.ok()) return st;
      } else if (!nodes[oc].terminal.empty()) {
        JsonView s;
        if (auto st = internal::ReadScalar(el, t, ctx, &s); !st.ok()) {
          return st;
        }
        for (int p : nodes[oc].terminal) Add(p, s, false);
      }
    }
    return absl::OkStatus();
  }

  absl::Status Run(std::string_view json) {
    Reset();
    ctx.text = json;
    ctx.doc = nullptr;
    ondemand::document doc;
    simdjson::padded_string_view input(json.data(), json.size(),
                                       json.size() + kJsonPadding);
    if (auto err = parser.iterate(input).get(doc)) {
      return internal::OndemandError(ctx, err);
    }
    ctx.doc = &doc;
    ondemand::json_type t;
    if (auto err = doc.type().get(t)) return internal::OndemandError(ctx, err);
    if (t != ondemand::json_type::object) {
      return absl::InvalidArgumentError("document is not a JSON object");
    }
    ondemand::object obj;
    if (auto err = doc.get_object().get(obj)) {
      return internal::OndemandError(ctx, err);
    }
    absl::Status st = OdObject(obj, 0, true);
    ctx.doc = nullptr;
    return st;
  }
};

PathExtractor::PathExtractor(std::vector<JsonPath> paths)
    : impl_(std::make_unique<Impl>(std::move(paths))) {}

PathExtractor::~PathExtractor() = default;

size_t PathExtractor::num_paths() const { return impl_->paths.size(); }

const JsonPath& PathExtractor::path(size_t i) const { return impl_->paths[i]; }

absl::Status PathExtractor::Extract(std::string_view json) {
  std::string& buf = impl_->buffer;
  buf.resize(json.size() + kJsonPadding);
  std::memcpy(buf.data(), json.data(), json.size());
  return impl_->Run(std::string_view(buf.data(), json.size()));
}

absl::Status PathExtractor::ExtractPadded(std::string_view json) {
  return impl_->Run(json);
}

void PathExtractor::ExtractFromValue(const JsonValue& doc) {
  impl_->Reset();
  if (doc.is_object()) {
    impl_->WalkObject(doc, 0);
  } else {
    impl_->Missing(0);
  }
}

const PathValues& PathExtractor::values(size_t i) const {
  return impl_->values[i];
}

PathValues ResolvePath(const JsonValue& doc, const JsonPath& path) {
  PathExtractor ex({path});
  ex.ExtractFromValue(doc);
  return ex.values(0);
}

}  // namespace strata::docs
