// Differential test: 2,000 random documents x 500 random filters, matched
// by the library (streaming and in-memory) and by a naive evaluator
// written here from MongoDB's documented semantics over a plain recursive
// tree. Numbers compare through long double, which holds every int64,
// uint64 and double exactly on x86-64, independently of the library's
// integer/double logic.
#include <cfloat>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "docs/filter.h"
#include "gtest/gtest.h"
#include "util/random.h"

static_assert(LDBL_MANT_DIG >= 64, "the reference needs exact long doubles");

namespace strata::docs {
namespace {

// ---- A plain JSON tree, its serializer and generator ----

struct T {
  enum Kind { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };
  Kind kind = kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;
  std::vector<T> items;
  std::vector<std::pair<std::string, T>> members;
};

void Quote(const std::string& s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void Write(const T& t, std::string* out) {
  switch (t.kind) {
    case T::kNull:
      out->append("null");
      break;
    case T::kBool:
      out->append(t.b ? "true" : "false");
      break;
    case T::kInt:
      out->append(std::to_string(t.i));
      break;
    case T::kUint:
      out->append(std::to_string(t.u));
      break;
    case T::kDouble: {
      char buf[40];
      std::snprintf(buf, sizeof(buf), "%.17g", t.d);
      std::string s = buf;
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      out->append(s);
      break;
    }
    case T::kString:
      Quote(t.s, out);
      break;
    case T::kArray:
      out->push_back('[');
      for (size_t k = 0; k < t.items.size(); ++k) {
        if (k) out->push_back(',');
        Write(t.items[k], out);
      }
      out->push_back(']');
      break;
    case T::kObject:
      out->push_back('{');
      for (size_t k = 0; k < t.members.size(); ++k) {
        if (k) out->push_back(',');
        Quote(t.members[k].first, out);
        out->push_back(':');
        Write(t.members[k].second, out);
      }
      out->push_back('}');
      break;
  }
}

std::string Json(const T& t) {
  std::string s;
  Write(t, &s);
  return s;
}

T Int(int64_t v) {
  T t;
  t.kind = T::kInt;
  t.i = v;
  return t;
}
T Uint(uint64_t v) {
  T t;
  t.kind = T::kUint;
  t.u = v;
  return t;
}
T Dbl(double v) {
  T t;
  t.kind = T::kDouble;
  t.d = v;
  return t;
}
T Str(std::string v) {
  T t;
  t.kind = T::kString;
  t.s = std::move(v);
  return t;
}
T Bool(bool v) {
  T t;
  t.kind = T::kBool;
  t.b = v;
  return t;
}

const char* const kNames[] = {"a", "b", "c", "d", "0", "1"};

class Gen {
 public:
  explicit Gen(uint64_t seed) : rnd_(seed) {}

  T Scalar() {
    switch (rnd_.Uniform(10)) {
      case 0:
        return T();
      case 1:
        return Bool(rnd_.OneIn(2));
      case 2:
      case 3:
        return Int(static_cast<int64_t>(rnd_.Uniform(7)) - 3);
      case 4:
        return Dbl(static_cast<double>(static_cast<int>(rnd_.Uniform(13)) - 6) /
                   2);
      case 5: {
        // Neighbours of 2^53, 2^63 and 2^64 in every kind.
        switch (rnd_.Uniform(10)) {
          case 0:
            return Int(9007199254740993);
          case 1:
            return Dbl(9007199254740992.0);
          case 2:
            return Int(9007199254740992);
          case 3:
            return Uint(18446744073709551615u);
          case 4:
            return Dbl(18446744073709551616.0);
          case 5:
            return Int(9223372036854775807);
          case 6:
            return Uint(9223372036854775808u);
          case 7:
            return Int(INT64_MIN);
          case 8:
            return Dbl(-9223372036854775808.0);
          default:
            return Dbl(9223372036854775808.0);
        }
      }
      default: {
        static const char* const kStrings[] = {"",  "a",        "b",    "ab",
                                               "x", "\xc3\xa9", "a\"b", "0"};
        return Str(kStrings[rnd_.Uniform(8)]);
      }
    }
  }

  T Value(int depth) {
    uint64_t r = rnd_.Uniform(10);
    if (depth <= 0 || r < 6) return Scalar();
    if (r < 8) {
      T t;
      t.kind = T::kArray;
      int n = static_cast<int>(rnd_.Uniform(4));
      for (int k = 0; k < n; ++k) t.items.push_back(Value(depth - 1));
      return t;
    }
    return Object(depth - 1, 4);
  }

  T Object(int depth, int max_members) {
    T t;
    t.kind = T::kObject;
    int n = static_cast<int>(rnd_.Uniform(max_members + 1));
    for (int k = 0; k < n; ++k) {
      std::string name = kNames[rnd_.Uniform(6)];
      bool dup = false;
      for (const auto& m : t.members) dup = dup || m.first == name;
      if (!dup) t.members.emplace_back(name, Value(depth));
    }
    return t;
  }

  std::string Path() {
    std::string p = kNames[rnd_.Uniform(4)];  // first component a..d
    int n = static_cast<int>(rnd_.Uniform(3));
    for (int k = 0; k < n; ++k) p += std::string(".") + kNames[rnd_.Uniform(6)];
    return p;
  }

  T Operators(bool allow_not) {
    static const char* const kOps[] = {"$eq",     "$ne",  "$gt", "$gte",
                                       "$lt",     "$lte", "$in", "$nin",
                                       "$exists", "$not"};
    T ops;
    ops.kind = T::kObject;
    int n = 1 + static_cast<int>(rnd_.Uniform(2));
    for (int k = 0; k < n; ++k) {
      std::string op = kOps[rnd_.Uniform(allow_not ? 10 : 9)];
      bool dup = false;
      for (const auto& m : ops.members) dup = dup || m.first == op;
      if (dup) continue;
      T arg;
      if (op == "$eq" || op == "$ne") {
        arg = Value(1);
      } else if (op == "$in" || op == "$nin") {
        arg.kind = T::kArray;
        int m = static_cast<int>(rnd_.Uniform(4));
        for (int j = 0; j < m; ++j) arg.items.push_back(Value(1));
      } else if (op == "$exists") {
        arg = Bool(rnd_.OneIn(2));
      } else if (op == "$not") {
        arg = Operators(false);
      } else {
        arg = Scalar();
      }
      ops.members.emplace_back(op, std::move(arg));
    }
    return ops;
  }

  T Filter(int depth) {
    T f;
    f.kind = T::kObject;
    int n = 1 + static_cast<int>(rnd_.Uniform(2));
    for (int k = 0; k < n; ++k) {
      std::string key;
      T value;
      if (depth > 0 && rnd_.OneIn(4)) {
        static const char* const kLogic[] = {"$and", "$or", "$nor"};
        key = kLogic[rnd_.Uniform(3)];
        value.kind = T::kArray;
        int m = 1 + static_cast<int>(rnd_.Uniform(3));
        for (int j = 0; j < m; ++j) value.items.push_back(Filter(depth - 1));
      } else {
        key = Path();
        value = rnd_.OneIn(3) ? Value(1) : Operators(true);
        // A literal object with a '$' key would read as operators.
        if (value.kind == T::kObject && !value.members.empty() &&
            value.members[0].first[0] != '$' && rnd_.OneIn(2)) {
          value = Scalar();
        }
      }
      bool dup = false;
      for (const auto& m : f.members) dup = dup || m.first == key;
      if (!dup) f.members.emplace_back(key, std::move(value));
    }
    return f;
  }

 private:
  Random rnd_;
};

// ---- The reference evaluator ----

int Rank(const T& t) {
  switch (t.kind) {
    case T::kNull:
      return 1;
    case T::kInt:
    case T::kUint:
    case T::kDouble:
      return 2;
    case T::kString:
      return 3;
    case T::kObject:
      return 4;
    case T::kArray:
      return 5;
    case T::kBool:
      return 6;
  }
  return 0;
}

long double Num(const T& t) {
  return t.kind == T::kInt    ? static_cast<long double>(t.i)
         : t.kind == T::kUint ? static_cast<long double>(t.u)
                              : static_cast<long double>(t.d);
}

int Cmp(const T& x, const T& y) {
  int rx = Rank(x), ry = Rank(y);
  if (rx != ry) return rx < ry ? -1 : 1;
  switch (rx) {
    case 2: {
      long double a = Num(x), b = Num(y);
      return a < b ? -1 : (a > b ? 1 : 0);
    }
    case 3: {
      int c = x.s.compare(y.s);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case 6:
      return x.b == y.b ? 0 : (x.b ? 1 : -1);
    case 5:
      for (size_t k = 0; k < x.items.size() && k < y.items.size(); ++k) {
        if (int c = Cmp(x.items[k], y.items[k])) return c;
      }
      return x.items.size() < y.items.size()   ? -1
             : x.items.size() > y.items.size() ? 1
                                               : 0;
    case 4:
      for (size_t k = 0; k < x.members.size() && k < y.members.size(); ++k) {
        const auto& [kx, vx] = x.members[k];
        const auto& [ky, vy] = y.members[k];
        if (Rank(vx) != Rank(vy)) return Rank(vx) < Rank(vy) ? -1 : 1;
        if (kx != ky) return kx < ky ? -1 : 1;
        if (int c = Cmp(vx, vy)) return c;
      }
      return x.members.size() < y.members.size()   ? -1
             : x.members.size() > y.members.size() ? 1
                                                   : 0;
  }
  return 0;
}

struct Reached {
  std::vector<const T*> values;
  bool missing = false;
};

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool IsIndex(const std::string& c, size_t k) { return c == std::to_string(k); }

const T* Member(const T& obj, const std::string& name) {
  for (const auto& m : obj.members) {
    if (m.first == name) return &m.second;
  }
  return nullptr;
}

// What parts[i..] reaches from cur (the value at parts[0..i)).
void Reach(const T& cur, const std::vector<std::string>& parts, size_t i,
           bool by_index, Reached* out) {
  if (i == parts.size()) {
    out->values.push_back(&cur);
    if (cur.kind == T::kArray && !by_index) {
      for (const T& el : cur.items) out->values.push_back(&el);
    }
    return;
  }
  const std::string& c = parts[i];
  if (cur.kind == T::kObject) {
    const T* m = Member(cur, c);
    if (m == nullptr) {
      out->missing = true;
    } else {
      Reach(*m, parts, i + 1, false, out);
    }
  } else if (cur.kind == T::kArray) {
    for (size_t k = 0; k < cur.items.size(); ++k) {
      const T& el = cur.items[k];
      if (el.kind == T::kObject) {
        const T* m = Member(el, c);
        if (m == nullptr) {
          out->missing = true;
        } else {
          Reach(*m, parts, i + 1, false, out);
        }
      }
      if (IsIndex(c, k)) {
        if (i + 1 == parts.size()) {
          out->values.push_back(&el);
        } else if (el.kind == T::kObject || el.kind == T::kArray) {
          Reach(el, parts, i + 1, true, out);
        }
      }
    }
  } else {
    out->missing = true;
  }
}

bool HasNull(const Reached& r) {
  if (r.missing) return true;
  for (const T* v : r.values) {
    if (v->kind == T::kNull) return true;
  }
  return false;
}

bool Eq(const Reached& r, const T& val) {
  if (val.kind == T::kNull) return HasNull(r);
  for (const T* v : r.values) {
    if (Cmp(*v, val) == 0) return true;
  }
  return false;
}

bool EvalOps(const Reached& r, const T& ops);

bool EvalOp(const Reached& r, const std::string& op, const T& arg) {
  if (op == "$eq") return Eq(r, arg);
  if (op == "$ne") return !Eq(r, arg);
  if (op == "$in" || op == "$nin") {
    bool any = false;
    for (const T& x : arg.items) any = any || Eq(r, x);
    return op == "$in" ? any : !any;
  }
  if (op == "$exists") return arg.b == !r.values.empty();
  if (op == "$not") return !EvalOps(r, arg);
  if (arg.kind == T::kNull) return (op == "$gte" || op == "$lte") && HasNull(r);
  for (const T* v : r.values) {
    if (Rank(*v) != Rank(arg)) continue;
    int c = Cmp(*v, arg);
    if ((op == "$gt" && c > 0) || (op == "$gte" && c >= 0) ||
        (op == "$lt" && c < 0) || (op == "$lte" && c <= 0)) {
      return true;
    }
  }
  return false;
}

bool EvalOps(const Reached& r, const T& ops) {
  for (const auto& [op, arg] : ops.members) {
    if (!EvalOp(r, op, arg)) return false;
  }
  return true;
}

bool EvalFilter(const T& f, const T& doc) {
  for (const auto& [key, value] : f.members) {
    bool ok;
    if (key == "$and" || key == "$or" || key == "$nor") {
      int hits = 0;
      for (const T& sub : value.items) hits += EvalFilter(sub, doc);
      ok = key == "$and"  ? hits == static_cast<int>(value.items.size())
           : key == "$or" ? hits > 0
                          : hits == 0;
    } else {
      Reached r;
      Reach(doc, Split(key), 0, false, &r);
      bool operators = value.kind == T::kObject && !value.members.empty() &&
                       value.members[0].first[0] == '$';
      ok = operators ? EvalOps(r, value) : Eq(r, value);
    }
    if (!ok) return false;
  }
  return true;
}

TEST(FilterDifferentialTest, MatcherAgreesWithNaiveEvaluator) {
  constexpr int kDocs = 2000;
  constexpr int kFilters = 500;
  Gen gen(20240611);
  std::vector<T> docs;
  std::vector<std::string> texts;
  std::vector<JsonValue> values;
  for (int k = 0; k < kDocs; ++k) {
    docs.push_back(gen.Object(3, 5));
    texts.push_back(Json(docs.back()));
    absl::StatusOr<JsonValue> v = ParseJson(texts.back());
    ASSERT_TRUE(v.ok()) << texts.back() << ": " << v.status();
    values.push_back(*std::move(v));
  }
  int64_t matched = 0;
  int64_t total = 0;
  int failures = 0;
  for (int k = 0; k < kFilters; ++k) {
    T f = gen.Filter(2);
    std::string ftext = Json(f);
    absl::StatusOr<Filter> filter = ParseFilter(ftext);
    ASSERT_TRUE(filter.ok()) << ftext << ": " << filter.status();
    Matcher m(*filter);
    for (int d = 0; d < kDocs; ++d) {
      bool want = EvalFilter(f, docs[d]);
      absl::StatusOr<bool> got = m.Matches(texts[d]);
      ASSERT_TRUE(got.ok()) << texts[d] << ": " << got.status();
      bool in_memory = k % 10 == 0 ? m.MatchesValue(values[d]) : want;
      if ((*got != want || in_memory != want) && ++failures <= 10) {
        ADD_FAILURE() << "filter " << ftext << "\n  ast "
                      << filter->DebugString() << "\n  doc " << texts[d]
                      << "\n  naive " << want << " streaming " << *got
                      << " in-memory " << in_memory;
      }
      matched += want;
      ++total;
    }
  }
  EXPECT_EQ(failures, 0);
  // The generators must exercise both outcomes substantially.
  double rate = static_cast<double>(matched) / total;
  std::printf("differential: %lld pairs, %.1f%% matched\n",
              static_cast<long long>(total), rate * 100);
  EXPECT_GT(rate, 0.05);
  EXPECT_LT(rate, 0.95);
}

}  // namespace
}  // namespace strata::docs
