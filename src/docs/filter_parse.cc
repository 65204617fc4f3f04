// Filter document -> FilterNode AST. Every error names the JSON location
// of the offending part of the filter ("filter.$and[1].price.$gt"), so a
// user can find it in a large query. Never evaluates anything. $all is
// rewritten here into the $and of equalities it is defined as.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "docs/filter.h"

namespace strata::docs {

namespace {

absl::Status ErrorAt(std::string_view what, std::string_view loc) {
  return absl::InvalidArgumentError(absl::StrFormat("%s at %s", what, loc));
}

bool IsOperatorObject(const JsonValue& v) {
  if (!v.is_object()) return false;
  for (const auto& [key, value] : v.object()) {
    if (!key.empty() && key[0] == '$') return true;
  }
  return false;
}

// Recognized MongoDB operators this filter language does not implement,
// so that users get "unsupported" rather than "unknown".
bool IsUnsupportedOperator(std::string_view op) {
  static constexpr std::string_view kOps[] = {
      "$regex",      "$options",      "$elemMatch",     "$size",
      "$type",       "$mod",          "$text",          "$where",
      "$expr",       "$jsonSchema",   "$comment",       "$geoWithin",
      "$near",       "$nearSphere",   "$geoIntersects", "$bitsAllSet",
      "$bitsAnySet", "$bitsAllClear", "$bitsAnyClear"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

// True if v nests containers deeper than limit (the root container is
// depth 1). Stops descending at the limit, so recursion stays bounded.
bool DeeperThan(const JsonValue& v, int limit) {
  if (!v.is_array() && !v.is_object()) return false;
  if (limit <= 0) return true;
  if (v.is_array()) {
    for (const JsonValue& e : v.array()) {
      if (DeeperThan(e, limit - 1)) return true;
    }
  } else {
    for (const auto& m : v.object()) {
      if (DeeperThan(m.second, limit - 1)) return true;
    }
  }
  return false;
}

FilterNode Leaf(FilterOp op, int path, JsonValue value = {}) {
  FilterNode n;
  n.op = op;
  n.path = path;
  n.value = std::move(value);
  return n;
}

FilterNode Not(FilterNode child) {
  FilterNode n;
  n.op = FilterOp::kNot;
  n.children.push_back(std::move(child));
  return n;
}

// One node for a list of conjuncts; nested ANDs are flattened so that a
// planner sees a single AND of predicates.
FilterNode AndOf(std::vector<FilterNode> parts) {
  if (parts.size() == 1) return std::move(parts[0]);
  FilterNode n;
  if (parts.empty()) return n;  // kTrue
  n.op = FilterOp::kAnd;
  for (FilterNode& p : parts) {
    if (p.op == FilterOp::kAnd) {
      for (FilterNode& c : p.children) n.children.push_back(std::move(c));
    } else if (p.op != FilterOp::kTrue) {
      n.children.push_back(std::move(p));
    }
  }
  if (n.children.empty()) return FilterNode();
  if (n.children.size() == 1) return std::move(n.children[0]);
  return n;
}

}  // namespace

class FilterParser {
 public:
  explicit FilterParser(const FilterLimits& limits) : limits_(limits) {}

  absl::StatusOr<Filter> Parse(const JsonValue& v, std::string_view where) {
    if (DeeperThan(v, limits_.max_depth)) {
      return ErrorAt(absl::StrFormat("filter nests deeper than %d levels",
                                     limits_.max_depth),
                     where);
    }
    if (auto st = Document(v, std::string(where), &filter_.root_); !st.ok()) {
      return st;
    }
    return std::move(filter_);
  }

 private:
  absl::Status Document(const JsonValue& v, const std::string& loc,
                        FilterNode* out) {
    if (!v.is_object()) {
      return ErrorAt(absl::StrFormat("a filter must be an object, got %s",
                                     JsonTypeName(v.type())),
                     loc);
    }
    std::vector<FilterNode> parts;
    for (const auto& [key, value] : v.object()) {
      FilterNode part;
      absl::Status st;
      if (!key.empty() && key[0] == '$') {
        st = Logical(key, value, loc, &part);
      } else {
        st = Field(key, value, loc, &part);
      }
      if (!st.ok()) return st;
      parts.push_back(std::move(part));
    }
    *out = AndOf(std::move(parts));
    return absl::OkStatus();
  }

  absl::Status Logical(const std::string& op, const JsonValue& v,
                       const std::string& loc, FilterNode* out) {
    FilterNode node;
    if (op == "$and") {
      node.op = FilterOp::kAnd;
    } else if (op == "$or") {
      node.op = FilterOp::kOr;
    } else if (op == "$nor") {
      node.op = FilterOp::kNor;
    } else if (IsUnsupportedOperator(op)) {
      return ErrorAt(absl::StrFormat("unsupported operator %s", op), loc);
    } else {
      return ErrorAt(absl::StrFormat("unknown top-level operator %s", op), loc);
    }
    std::string oploc = absl::StrFormat("%s.%s", loc, op);
    if (!v.is_array() || v.array().empty()) {
      return ErrorAt(absl::StrFormat("%s needs a non-empty array, got %s", op,
                                     v.is_array() ? "an empty array"
                                                  : JsonTypeName(v.type())),
                     oploc);
    }
    for (size_t i = 0; i < v.array().size(); ++i) {
      std::string eloc = absl::StrFormat("%s[%d]", oploc, i);
      const JsonValue& e = v.array()[i];
      if (!e.is_object()) {
        return ErrorAt(absl::StrFormat("%s elements must be objects, got %s",
                                       op, JsonTypeName(e.type())),
                       eloc);
      }
      FilterNode child;
      if (auto st = Document(e, eloc, &child); !st.ok()) return st;
      node.children.push_back(std::move(child));
    }
    *out = node.op == FilterOp::kAnd ? AndOf(std::move(node.children))
                                     : std::move(node);
    return absl::OkStatus();
  }

  absl::Status Field(const std::string& key, const JsonValue& v,
                     const std::string& loc, FilterNode* out) {
    absl::StatusOr<JsonPath> path = JsonPath::Parse(key);
    if (!path.ok()) return ErrorAt(std::string(path.status().message()), loc);
    int id = Intern(*std::move(path));
    std::string floc = absl::StrFormat("%s.%s", loc, key);
    if (IsOperatorObject(v)) return Operators(id, v, floc, out);
    *out = Leaf(FilterOp::kEq, id, v);
    return absl::OkStatus();
  }

  absl::Status Operators(int path, const JsonValue& ops, const std::string& loc,
                         FilterNode* out) {
    std::vector<FilterNode> parts;
    for (const auto& [op, arg] : ops.object()) {
      std::string oploc = absl::StrFormat("%s.%s", loc, op);
      FilterNode part;
      if (op == "$eq") {
        part = Leaf(FilterOp::kEq, path, arg);
      } else if (op == "$ne") {
        part = Not(Leaf(FilterOp::kEq, path, arg));
      } else if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
        if (arg.is_array() || arg.is_object()) {
          return ErrorAt(absl::StrFormat("%s needs a scalar value, got %s", op,
                                         JsonTypeName(arg.type())),
                         oploc);
        }
        FilterOp fop = op == "$gt"    ? FilterOp::kGt
                       : op == "$gte" ? FilterOp::kGte
                       : op == "$lt"  ? FilterOp::kLt
                                      : FilterOp::kLte;
        part = Leaf(fop, path, arg);
      } else if (op == "$in" || op == "$nin") {
        if (auto st = In(op, path, arg, oploc, &part); !st.ok()) return st;
        if (op == "$nin") part = Not(std::move(part));
      } else if (op == "$all") {
        if (auto st = All(path, arg, oploc, &part); !st.ok()) return st;
      } else if (op == "$exists") {
        bool exists;
        if (arg.type() == JsonType::kBool) {
          exists = arg.bool_value();
        } else if (arg.is_number()) {
          exists = CompareNumbers(arg, JsonView::Int(0)) != 0;
        } else {
          return ErrorAt(absl::StrFormat("$exists needs a boolean, got %s",
                                         JsonTypeName(arg.type())),
                         oploc);
        }
        part = Leaf(FilterOp::kExists, path);
        if (!exists) part = Not(std::move(part));
      } else if (op == "$not") {
        if (!arg.is_object() || arg.object().empty()) {
          return ErrorAt(
              absl::StrFormat("$not needs an object of operators, got %s",
                              arg.is_object() ? "an empty object"
                                              : JsonTypeName(arg.type())),
              oploc);
        }
        FilterNode inner;
        if (auto st = Operators(path, arg, oploc, &inner); !st.ok()) return st;
        part = Not(std::move(inner));
      } else if (IsUnsupportedOperator(op)) {
        return ErrorAt(absl::StrFormat("unsupported operator %s", op), loc);
      } else if (!op.empty() && op[0] == '$') {
        return ErrorAt(absl::StrFormat("unknown operator %s", op), loc);
      } else {
        return ErrorAt(
            absl::StrFormat("unknown operator \"%s\" (an object with "
                            "operators cannot also hold fields)",
                            op),
            loc);
      }
      parts.push_back(std::move(part));
    }
    *out = AndOf(std::move(parts));
    return absl::OkStatus();
  }

  absl::Status In(const std::string& op, int path, const JsonValue& arg,
                  const std::string& loc, FilterNode* out) {
    if (!arg.is_array()) {
      return ErrorAt(absl::StrFormat("%s needs an array, got %s", op,
                                     JsonTypeName(arg.type())),
                     loc);
    }
    if (arg.array().size() > limits_.max_in_values) {
      return ErrorAt(absl::StrFormat("%s has %d values, limit %d", op,
                                     arg.array().size(), limits_.max_in_values),
                     loc);
    }
    for (size_t i = 0; i < arg.array().size(); ++i) {
      if (IsOperatorObject(arg.array()[i])) {
        return ErrorAt(absl::StrFormat("%s values cannot hold operators", op),
                       absl::StrFormat("%s[%d]", loc, i));
      }
    }
    *out = Leaf(FilterOp::kIn, path);
    out->in_values = arg.array();
    auto less = [](const JsonValue& a, const JsonValue& b) {
      return CompareJson(a, b) < 0;
    };
    std::sort(out->in_values.begin(), out->in_values.end(), less);
    auto last = std::unique(out->in_values.begin(), out->in_values.end(),
                            [](const JsonValue& a, const JsonValue& b) {
                              return JsonEquals(a, b);
                            });
    out->in_values.erase(last, out->in_values.end());
    return absl::OkStatus();
  }

  // {"a": {"$all": [x, y]}} is {"$and": [{"a": x}, {"a": y}]} (MongoDB's
  // definition); an empty list matches nothing, as MongoDB's does.
  absl::Status All(int path, const JsonValue& arg, const std::string& loc,
                   FilterNode* out) {
    if (!arg.is_array()) {
      return ErrorAt(absl::StrFormat("$all needs an array, got %s",
                                     JsonTypeName(arg.type())),
                     loc);
    }
    if (arg.array().size() > limits_.max_in_values) {
      return ErrorAt(absl::StrFormat("$all has %d values, limit %d",
                                     arg.array().size(), limits_.max_in_values),
                     loc);
    }
    if (arg.array().empty()) {
      *out = Leaf(FilterOp::kIn, path);  // an empty $in: never matches
      return absl::OkStatus();
    }
    std::vector<FilterNode> parts;
    for (size_t i = 0; i < arg.array().size(); ++i) {
      const JsonValue& v = arg.array()[i];
      if (IsOperatorObject(v)) {
        // {"$elemMatch": ...} elements: $elemMatch is not implemented.
        return ErrorAt("$all values cannot hold operators",
                       absl::StrFormat("%s[%d]", loc, i));
      }
      parts.push_back(Leaf(FilterOp::kEq, path, v));
    }
    *out = AndOf(std::move(parts));
    return absl::OkStatus();
  }

  int Intern(JsonPath path) {
    auto& paths = filter_.paths_;
    for (size_t i = 0; i < paths.size(); ++i) {
      if (paths[i] == path) return static_cast<int>(i);
    }
    paths.push_back(std::move(path));
    return static_cast<int>(paths.size() - 1);
  }

  FilterLimits limits_;
  Filter filter_;
};

absl::StatusOr<Filter> ParseFilterValue(const JsonValue& filter,
                                        const FilterLimits& limits,
                                        std::string_view where) {
  return FilterParser(limits).Parse(filter, where);
}

absl::StatusOr<Filter> ParseFilter(std::string_view json,
                                   const FilterLimits& limits) {
  if (json.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "filter is %d bytes, limit %d", json.size(), limits.max_bytes));
  }
  JsonParseOptions options;
  options.max_bytes = limits.max_bytes;
  options.max_depth = limits.max_depth;
  options.reject_duplicate_keys = true;
  options.what = "filter";
  absl::StatusOr<JsonValue> v = ParseJson(json, options);
  if (!v.ok()) return v.status();
  return ParseFilterValue(*v, limits, "filter");
}

namespace {

const char* OpName(FilterOp op) {
  switch (op) {
    case FilterOp::kTrue:
      return "true";
    case FilterOp::kAnd:
      return "and";
    case FilterOp::kOr:
      return "or";
    case FilterOp::kNor:
      return "nor";
    case FilterOp::kNot:
      return "not";
    case FilterOp::kEq:
      return "eq";
    case FilterOp::kGt:
      return "gt";
    case FilterOp::kGte:
      return "gte";
    case FilterOp::kLt:
      return "lt";
    case FilterOp::kLte:
      return "lte";
    case FilterOp::kIn:
      return "in";
    case FilterOp::kExists:
      return "exists";
  }
  return "?";
}

void AppendDebug(const FilterNode& n, const std::vector<JsonPath>& paths,
                 std::string* out) {
  if (n.op == FilterOp::kTrue) {
    out->append("(true)");
    return;
  }
  out->push_back('(');
  out->append(OpName(n.op));
  if (n.path >= 0) {
    out->push_back(' ');
    out->append(paths[n.path].dotted());
  }
  switch (n.op) {
    case FilterOp::kEq:
    case FilterOp::kGt:
    case FilterOp::kGte:
    case FilterOp::kLt:
    case FilterOp::kLte:
      out->push_back(' ');
      AppendJson(out, n.value);
      break;
    case FilterOp::kIn: {
      out->append(" [");
      for (size_t i = 0; i < n.in_values.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJson(out, n.in_values[i]);
      }
      out->push_back(']');
      break;
    }
    default:
      for (const FilterNode& c : n.children) {
        out->push_back(' ');
        AppendDebug(c, paths, out);
      }
  }
  out->push_back(')');
}

}  // namespace

std::string Filter::DebugString() const {
  std::string out;
  AppendDebug(root_, paths_, &out);
  return out;
}

}  // namespace strata::docs
