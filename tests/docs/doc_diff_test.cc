// Differential test of Find: ~1000 random documents (nested objects,
// arrays, nulls, mixed int/float) stored twice, in a collection without
// indexes and in one with multi-entry, sparse, compound and non-multi
// indexes, then ~300 random filters (some with time windows and sorts).
// Both collections must return exactly the documents a naive evaluator
// written here from MongoDB's documented semantics selects, whatever plan
// the planner picks; sorted finds must return values in sorted order.
// Numbers compare through long double, exact for int64 and double.
#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_store_opener.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "util/random.h"

static_assert(LDBL_MANT_DIG >= 64, "the reference needs exact long doubles");

namespace strata {
namespace {

// ---- A plain JSON tree ----

struct V {
  enum Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  Kind kind = kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<V> items;
  std::vector<std::pair<std::string, V>> members;
};

V Int(int64_t x) {
  V v;
  v.kind = V::kInt;
  v.i = x;
  return v;
}
V Dbl(double x) {
  V v;
  v.kind = V::kDouble;
  v.d = x;
  return v;
}
V Str(std::string x) {
  V v;
  v.kind = V::kString;
  v.s = std::move(x);
  return v;
}
V Bool(bool x) {
  V v;
  v.kind = V::kBool;
  v.b = x;
  return v;
}
V Arr(std::vector<V> items) {
  V v;
  v.kind = V::kArray;
  v.items = std::move(items);
  return v;
}
V Obj(std::vector<std::pair<std::string, V>> members) {
  V v;
  v.kind = V::kObject;
  v.members = std::move(members);
  return v;
}

void Write(const V& v, std::string* out) {
  switch (v.kind) {
    case V::kNull:
      *out += "null";
      break;
    case V::kBool:
      *out += v.b ? "true" : "false";
      break;
    case V::kInt:
      *out += std::to_string(v.i);
      break;
    case V::kDouble: {
      std::string s = absl::StrFormat("%.17g", v.d);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      *out += s;
      break;
    }
    case V::kString:
      *out += "\"" + v.s + "\"";  // generated strings need no escapes
      break;
    case V::kArray:
      *out += "[";
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) *out += ",";
        Write(v.items[k], out);
      }
      *out += "]";
      break;
    case V::kObject:
      *out += "{";
      for (size_t k = 0; k < v.members.size(); ++k) {
        if (k) *out += ",";
        *out += "\"" + v.members[k].first + "\":";
        Write(v.members[k].second, out);
      }
      *out += "}";
      break;
  }
}

std::string Json(const V& v) {
  std::string s;
  Write(v, &s);
  return s;
}

// ---- The reference evaluator ----

int Bracket(const V& v) {
  switch (v.kind) {
    case V::kNull:
      return 1;
    case V::kInt:
    case V::kDouble:
      return 2;
    case V::kString:
      return 3;
    case V::kObject:
      return 4;
    case V::kArray:
      return 5;
    case V::kBool:
      return 6;
  }
  return 0;
}

long double Num(const V& v) {
  return v.kind == V::kInt ? static_cast<long double>(v.i)
                           : static_cast<long double>(v.d);
}

int Sign(long double x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

int Compare(const V& x, const V& y) {
  if (Bracket(x) != Bracket(y)) return Bracket(x) < Bracket(y) ? -1 : 1;
  switch (Bracket(x)) {
    case 2:
      return Sign(Num(x) - Num(y));
    case 3:
      return Sign(x.s.compare(y.s));
    case 6:
      return static_cast<int>(x.b) - static_cast<int>(y.b);
    case 5:
      for (size_t k = 0; k < x.items.size() && k < y.items.size(); ++k) {
        if (int c = Compare(x.items[k], y.items[k])) return c;
      }
      return Sign(static_cast<long double>(x.items.size()) -
                  static_cast<long double>(y.items.size()));
    case 4:
      for (size_t k = 0; k < x.members.size() && k < y.members.size(); ++k) {
        const auto& [nx, vx] = x.members[k];
        const auto& [ny, vy] = y.members[k];
        if (Bracket(vx) != Bracket(vy))
          return Bracket(vx) < Bracket(vy) ? -1 : 1;
        if (nx != ny) return nx < ny ? -1 : 1;
        if (int c = Compare(vx, vy)) return c;
      }
      return Sign(static_cast<long double>(x.members.size()) -
                  static_cast<long double>(y.members.size()));
  }
  return 0;
}

struct Found {
  std::vector<const V*> values;
  bool missing = false;
};

const V* MemberOf(const V& obj, const std::string& name) {
  for (const auto& [n, v] : obj.members) {
    if (n == name) return &v;
  }
  return nullptr;
}

// What parts[i..] reaches from v; by_index: v was reached by array index.
void Walk(const V& v, const std::vector<std::string>& parts, size_t i,
          bool by_index, Found* out) {
  if (i == parts.size()) {
    out->values.push_back(&v);
    if (v.kind == V::kArray && !by_index) {
      for (const V& e : v.items) out->values.push_back(&e);
    }
    return;
  }
  const std::string& part = parts[i];
  if (v.kind == V::kObject) {
    const V* m = MemberOf(v, part);
    if (m == nullptr) {
      out->missing = true;
    } else {
      Walk(*m, parts, i + 1, false, out);
    }
    return;
  }
  if (v.kind != V::kArray) {
    out->missing = true;
    return;
  }
  for (size_t k = 0; k < v.items.size(); ++k) {
    const V& e = v.items[k];
    if (e.kind == V::kObject) {
      const V* m = MemberOf(e, part);
      if (m == nullptr) {
        out->missing = true;
      } else {
        Walk(*m, parts, i + 1, false, out);
      }
    }
    if (part == std::to_string(k)) {
      if (i + 1 == parts.size()) {
        out->values.push_back(&e);
      } else if (e.kind == V::kObject || e.kind == V::kArray) {
        Walk(e, parts, i + 1, true, out);
      }
    }
  }
}

Found Reach(const V& doc, const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Found f;
  Walk(doc, parts, 0, false, &f);
  return f;
}

bool AnyNull(const Found& f) {
  if (f.missing) return true;
  for (const V* v : f.values) {
    if (v->kind == V::kNull) return true;
  }
  return false;
}

bool Equal(const Found& f, const V& x) {
  if (x.kind == V::kNull) return AnyNull(f);
  for (const V* v : f.values) {
    if (Compare(*v, x) == 0) return true;
  }
  return false;
}

bool Ops(const Found& f, const V& ops);

bool Op(const Found& f, const std::string& op, const V& arg) {
  if (op == "$eq") return Equal(f, arg);
  if (op == "$ne") return !Equal(f, arg);
  if (op == "$in" || op == "$nin") {
    bool any = false;
    for (const V& x : arg.items) any = any || Equal(f, x);
    return (op == "$in") == any;
  }
  if (op == "$exists") return arg.b == !f.values.empty();
  if (op == "$not") return !Ops(f, arg);
  if (arg.kind == V::kNull) return (op == "$gte" || op == "$lte") && AnyNull(f);
  for (const V* v : f.values) {
    if (Bracket(*v) != Bracket(arg)) continue;
    int c = Compare(*v, arg);
    if ((op == "$gt" && c > 0) || (op == "$gte" && c >= 0) ||
        (op == "$lt" && c < 0) || (op == "$lte" && c <= 0)) {
      return true;
    }
  }
  return false;
}

bool Ops(const Found& f, const V& ops) {
  for (const auto& [op, arg] : ops.members) {
    if (!Op(f, op, arg)) return false;
  }
  return true;
}

bool Matches(const V& filter, const V& doc) {
  for (const auto& [key, value] : filter.members) {
    bool ok;
    if (key[0] == '$') {
      int hits = 0;
      for (const V& sub : value.items) hits += Matches(sub, doc);
      ok = key == "$and"  ? hits == static_cast<int>(value.items.size())
           : key == "$or" ? hits > 0
                          : hits == 0;
    } else {
      Found f = Reach(doc, key);
      bool is_ops = value.kind == V::kObject && !value.members.empty() &&
                    value.members[0].first[0] == '$';
      ok = is_ops ? Ops(f, value) : Equal(f, value);
    }
    if (!ok) return false;
  }
  return true;
}

// ---- Generators ----

class Gen {
 public:
  explicit Gen(uint64_t seed) : rnd_(seed) {}

  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rnd_.Uniform(hi - lo + 1));
  }
  bool OneIn(int n) { return rnd_.OneIn(n); }

  V Scalar() {
    switch (rnd_.Uniform(9)) {
      case 0:
        return V();
      case 1:
        return Bool(OneIn(2));
      case 2:
      case 3:
        return Int(Range(-3, 3));
      case 4:
        return Dbl(static_cast<double>(Range(-6, 6)) / 2);
      case 5:
        return OneIn(2) ? Int(9007199254740993) : Dbl(9007199254740992.0);
      default: {
        static const char* const kS[] = {"", "a", "b", "ab", "c"};
        return Str(kS[rnd_.Uniform(5)]);
      }
    }
  }

  V Value(int depth) {
    uint64_t r = rnd_.Uniform(10);
    if (depth <= 0 || r < 6) return Scalar();
    if (r < 8) {
      std::vector<V> items;
      for (int k = Range(0, 3); k > 0; --k) items.push_back(Value(depth - 1));
      return Arr(std::move(items));
    }
    std::vector<std::pair<std::string, V>> m;
    for (const char* name : {"x", "y"}) {
      if (!OneIn(3)) m.emplace_back(name, Value(depth - 1));
    }
    return Obj(std::move(m));
  }

  V Doc(int id, int64_t t) {
    std::vector<std::pair<std::string, V>> m;
    m.emplace_back("_id", Int(id));
    m.emplace_back("t", Int(t));
    m.emplace_back("n", OneIn(3) ? Dbl(static_cast<double>(Range(-8, 8)) / 2)
                                 : Int(Range(-4, 4)));
    if (!OneIn(4))
      m.emplace_back("s", OneIn(6) ? V() : Str(OneIn(2) ? "a" : "b"));
    if (!OneIn(5)) m.emplace_back("a", Value(2));
    if (!OneIn(3)) m.emplace_back("b", Value(1));
    if (!OneIn(4)) {
      std::vector<std::pair<std::string, V>> c;
      if (!OneIn(4)) c.emplace_back("x", Value(1));
      if (!OneIn(4)) c.emplace_back("y", Scalar());
      m.emplace_back("c", Obj(std::move(c)));
    }
    if (!OneIn(3)) {
      std::vector<V> tags;
      for (int k = Range(0, 3); k > 0; --k) tags.push_back(Scalar());
      m.emplace_back("tags", Arr(std::move(tags)));
    }
    return Obj(std::move(m));
  }

  std::string Path() {
    static const char* const kPaths[] = {"a",    "b",   "c.x", "c.y",
                                         "tags", "n",   "s",   "_id",
                                         "a.x",  "a.0", "c",   "tags.1"};
    return kPaths[rnd_.Uniform(12)];
  }

  V Operators(bool allow_not) {
    static const char* const kOps[] = {"$eq", "$gt", "$gte", "$lt",     "$lte",
                                       "$in", "$ne", "$nin", "$exists", "$not"};
    std::vector<std::pair<std::string, V>> ops;
    for (int k = Range(1, 2); k > 0; --k) {
      // Positive operators (which plans can use) are drawn more often.
      std::string op =
          kOps[OneIn(3) ? rnd_.Uniform(allow_not ? 10 : 9) : rnd_.Uniform(6)];
      bool dup = false;
      for (const auto& o : ops) dup = dup || o.first == op;
      if (dup) continue;
      V arg;
      if (op == "$in" || op == "$nin") {
        std::vector<V> items;
        for (int j = Range(0, 3); j > 0; --j) items.push_back(Value(1));
        arg = Arr(std::move(items));
      } else if (op == "$exists") {
        arg = Bool(OneIn(2));
      } else if (op == "$not") {
        arg = Operators(false);
      } else if (op == "$eq" || op == "$ne") {
        arg = OneIn(4) ? Value(1) : Scalar();
      } else {
        arg = Scalar();
      }
      ops.emplace_back(op, std::move(arg));
    }
    return Obj(std::move(ops));
  }

  V Filter(int depth) {
    std::vector<std::pair<std::string, V>> m;
    for (int k = Range(0, 2); k > 0; --k) {
      std::string key;
      V value;
      if (depth > 0 && OneIn(5)) {
        static const char* const kLogic[] = {"$and", "$or", "$nor"};
        key = kLogic[rnd_.Uniform(3)];
        std::vector<V> subs;
        for (int j = Range(1, 2); j > 0; --j) subs.push_back(Filter(depth - 1));
        value = Arr(std::move(subs));
      } else {
        key = Path();
        value = OneIn(3) ? Scalar() : Operators(true);
      }
      bool dup = false;
      for (const auto& e : m) dup = dup || e.first == key;
      if (!dup) m.emplace_back(key, std::move(value));
    }
    return Obj(std::move(m));
  }

 private:
  Random rnd_;
};

TEST(DocDiffTest, FindAgreesWithNaiveEvaluatorWithAndWithoutIndexes) {
  constexpr int kDocs = 1000;
  constexpr int kFilters = 300;
  constexpr int64_t kT0 = 1'700'000'000'000'000'000;
  constexpr int64_t kStep = 60'000'000'000;  // a minute between documents
  auto mem = NewMemEnv();
  ManualClockEnv clock(mem.get());
  Options o;
  o.env = &clock;
  o.block_size = 512;
  auto db = DB::Open(o, "/db");
  ASSERT_TRUE(db.ok()) << db.status();
  DocumentStoreOptions so;
  so.env = &clock;
  auto store_or = DocumentStore::Open(db->get(), so);
  ASSERT_TRUE(store_or.ok()) << store_or.status();
  DocumentStore* store = store_or->get();
  const char* kTime = R"("time":{"path":"t","unit":"ns"})";
  ASSERT_TRUE(store
                  ->CreateCollectionFromJson(
                      absl::StrFormat(R"({"name":"plain",%s})", kTime))
                  .ok());
  ASSERT_TRUE(
      store
          ->CreateCollectionFromJson(absl::StrFormat(
              R"({"name":"indexed",%s,"indexes":[)"
              R"({"name":"a","paths":["a"],"multi":true},)"
              R"({"name":"ax","paths":["a.x"],"multi":true},)"
              R"({"name":"tags","paths":["tags"],"multi":true},)"
              R"({"name":"cxy","paths":["c.x","c.y"],"multi":true},)"
              R"({"name":"n","paths":["n"]},)"
              R"({"name":"s","paths":["s"],"sparse":true},)"
              R"({"name":"b","paths":["b"],"multi":true,"sparse":true}]})",
              kTime))
          .ok());
  Gen gen(20240917);
  std::vector<V> docs;
  std::vector<std::string> texts;
  for (int i = 0; i < kDocs; ++i) {
    docs.push_back(gen.Doc(i, kT0 + i * kStep));
    texts.push_back(Json(docs.back()));
  }
  ASSERT_TRUE(store->PutMany("plain", texts, true).ok());
  // The indexed copy is written in pieces and half flushed, so reads merge
  // SSTs and memtable.
  for (int i = 0; i < kDocs; i += 100) {
    std::vector<std::string> part(texts.begin() + i, texts.begin() + i + 100);
    ASSERT_TRUE(store->PutMany("indexed", part, true).ok());
    if (i == kDocs / 2) {
      ASSERT_TRUE((*db)->Flush().ok());
    }
  }
  std::map<std::string, int> plans;
  int failures = 0;
  int64_t matched = 0;
  for (int f = 0; f < kFilters && failures < 10; ++f) {
    V filter = gen.Filter(2);
    FindRequest r;
    r.filter = Json(filter);
    int64_t from = kMinTimestamp, to = kMaxTimestamp;
    if (gen.OneIn(3)) {
      from = kT0 + gen.Range(0, kDocs) * kStep;
      to = from + gen.Range(1, kDocs / 2) * kStep;
      r.from = from;
      r.to = to;
    }
    const bool sorted = gen.OneIn(4);
    const bool ascending = gen.OneIn(2);
    if (sorted) r.sort = ascending ? R"({"n":1})" : R"({"n":-1})";
    std::vector<int> want;
    for (int i = 0; i < kDocs; ++i) {
      const int64_t t = kT0 + i * kStep;
      if (t >= from && t < to && Matches(filter, docs[i])) want.push_back(i);
    }
    matched += static_cast<int64_t>(want.size());
    auto n_of = [&](int i) { return Num(docs[i].members[2].second); };
    if (sorted) {
      std::stable_sort(want.begin(), want.end(), [&](int x, int y) {
        return ascending ? n_of(x) < n_of(y) : n_of(x) > n_of(y);
      });
    }
    for (const char* coll : {"plain", "indexed"}) {
      std::vector<std::string> got = FindKeys(store, coll, r);
      std::vector<int> got_ids;
      for (const std::string& k : got) got_ids.push_back(std::stoi(k));
      bool ok;
      if (sorted) {
        // Ties have no promised order: compare the sort values in order
        // and the sets.
        std::vector<long double> a, b;
        for (int i : want) a.push_back(n_of(i));
        for (int i : got_ids) b.push_back(n_of(i));
        std::set<int> sa(want.begin(), want.end());
        std::set<int> sb(got_ids.begin(), got_ids.end());
        ok = a == b && sa == sb && sb.size() == got_ids.size();
      } else {
        std::vector<int> sw = want;
        std::sort(sw.begin(), sw.end());
        std::sort(got_ids.begin(), got_ids.end());
        ok = sw == got_ids;
      }
      absl::StatusOr<uint64_t> count = store->Count(coll, r);
      ASSERT_TRUE(count.ok()) << count.status();
      ok = ok && *count == want.size();
      auto e = store->Explain(coll, r);
      ASSERT_TRUE(e.ok()) << e.status();
      if (std::string_view(coll) == "indexed") {
        size_t p = e->find("\"plan\":\"");
        plans[e->substr(p + 8, e->find('"', p + 8) - p - 8)]++;
      }
      if (!ok && ++failures <= 10) {
        ADD_FAILURE() << coll << " filter " << r.filter << " sort " << r.sort
                      << " window " << from << ".." << to << "\n  want "
                      << want.size() << " got " << got_ids.size() << " count "
                      << *count << "\n  " << *e;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  std::printf("differential: %d filters, %lld matches; indexed plans:",
              kFilters, static_cast<long long>(matched));
  for (const auto& [plan, n] : plans) std::printf(" %s=%d", plan.c_str(), n);
  std::printf("\n");
  // The generator must exercise the index plans and both outcomes.
  EXPECT_GT(plans["index"], kFilters / 5);
  EXPECT_GT(plans["primary"], 0);
  EXPECT_GT(plans["time_window"], 0);
  EXPECT_GT(matched, kFilters);
  EXPECT_LT(matched, static_cast<int64_t>(kFilters) * kDocs / 2);
}

}  // namespace
}  // namespace strata
