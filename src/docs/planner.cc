// Plan selection. Candidates come from the top-level conjunction of the
// filter only (predicates under $or/$not/$nor never narrow a read):
//
//   primary key  $eq/$in: point reads (2000+); ranges: one span (30-40)
//   index        per leading path with $eq (100) or $in (70), then one
//                range (30-40) on the next path; +1000 if every path is
//                bound to a single value, +500 more for a unique index
//   time index   from/to on a time-field collection with a numeric unit
//                and an index whose first path is the time field, when
//                nothing above applies: a range over that index (a
//                non-multi one serving the sort first)
//   time window  from/to otherwise, when nothing above applies (index
//                plans apply the window too; one on a time-field index
//                also narrows its spans to the window's values)
//   full scan    otherwise
//
// A plan is exact (no filter re-check) when its spans used every conjunct
// and none involves null (see Evaluate).
// The highest score wins (ties: primary key, then index order). Multi-
// entry indexes use one predicate per path (bounds of different
// predicates may be met by different array elements) and need dedup;
// sparse indexes are never used for predicates that match missing fields
// (null). A sort is served by the read order when it follows the primary
// key or a non-multi index's paths after its single-valued equality
// prefix; with a limit and no better plan, a non-multi, non-sparse index
// on the sort paths is scanned in order instead of sorting in memory.
#include "docs/planner.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/index_key.h"

namespace strata::docs {

const char* Plan::name() const {
  switch (kind) {
    case PlanKind::kScan:
      return "scan";
    case PlanKind::kTimeWindow:
      return "time_window";
    case PlanKind::kPrimary:
      return "primary";
    case PlanKind::kIndex:
      return "index";
  }
  return "?";
}

absl::StatusOr<FindQuery> ParseFindQuery(const CollectionInfo& c,
                                         const FindRequest& r) {
  FindQuery q;
  absl::StatusOr<Filter> f =
      ParseFilter(r.filter.empty() ? std::string_view("{}") : r.filter);
  if (!f.ok()) return f.status();
  q.filter = *std::move(f);
  q.match_all = q.filter.root().op == FilterOp::kTrue;
  if (!r.projection.empty()) {
    absl::StatusOr<Projection> p =
        Projection::ParseJsonText(r.projection, c.spec.key_path);
    if (!p.ok()) return p.status();
    q.projection = *std::move(p);
  }
  if (!r.sort.empty()) {
    absl::StatusOr<SortSpec> s = SortSpec::ParseJsonText(r.sort);
    if (!s.ok()) return s.status();
    q.sort = *std::move(s);
  }
  q.skip = r.skip;
  q.limit = r.limit;
  if (r.from.has_value() || r.to.has_value()) {
    if (c.time_slot < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "collection \"%s\" has no time field; from/to need one",
          c.spec.name));
    }
    q.windowed = true;
    if (r.from.has_value()) q.t0 = *r.from;
    if (r.to.has_value()) q.t1 = *r.to;
  }
  return q;
}

namespace {

bool IsScalar(const JsonValue& v) { return !v.is_array() && !v.is_object(); }

bool Usable(const FilterNode& n, bool sparse) {
  switch (n.op) {
    case FilterOp::kEq:
    case FilterOp::kGte:
    case FilterOp::kLte:
      return IsScalar(n.value) && !(sparse && n.value.is_null());
    case FilterOp::kGt:
    case FilterOp::kLt:
      return IsScalar(n.value);
    case FilterOp::kIn:
      for (const JsonValue& v : n.in_values) {
        if (!IsScalar(v) || (sparse && v.is_null())) return false;
      }
      return true;
    default:
      return false;
  }
}

bool IsRange(FilterOp op) {
  return op == FilterOp::kGt || op == FilterOp::kGte || op == FilterOp::kLt ||
         op == FilterOp::kLte;
}

// Ascending, disjoint spans in both inputs -> their intersection.
std::vector<KeySpan> Intersect(const std::vector<KeySpan>& a,
                               const std::vector<KeySpan>& b) {
  std::vector<KeySpan> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::string& start = std::max(a[i].start, b[j].start);
    const std::string& limit = std::min(a[i].limit, b[j].limit);
    if (start < limit) out.push_back({start, limit});
    if (a[i].limit < b[j].limit) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

struct Candidate {
  int score = 0;
  std::vector<KeySpan> spans;
  size_t fixed = 0;       // leading components bound to one value
  bool exact = false;     // every component bound by equality
  bool complete = false;  // the spans decide the whole filter
  bool window = false;    // the spans also bound the time window
};

// The index values of a time field stored in a time window (numeric units
// only: RFC 3339 strings do not sort as times across offsets).
struct WindowValues {
  std::optional<IndexBound> lower, upper;
};

bool HasNull(const FilterNode& n) {
  if (n.op == FilterOp::kIn) {
    return !n.in_values.empty() && n.in_values.front().is_null();
  }
  return n.value.is_null();
}

constexpr size_t kMaxSpans = 1000;

// Scores reading keys prefix enc(p0) enc(p1)... for the conjuncts.
// How well an index on paths answers the conjunction conj: equality ($in)
// components first, then ranges on the next path, or the time window
// when that path is the collection's time field (window non-null).
Candidate Evaluate(const std::string& prefix,
                   const std::vector<std::string>& paths, bool multi,
                   bool sparse, const Filter& filter,
                   const std::vector<const FilterNode*>& conj,
                   const WindowValues* window = nullptr,
                   std::string_view time_path = {}) {
  Candidate cand;
  auto preds_on = [&](const std::string& path) {
    std::vector<const FilterNode*> out;
    for (const FilterNode* n : conj) {
      if (Usable(*n, sparse) && filter.paths()[n->path].dotted() == path) {
        out.push_back(n);
      }
    }
    return out;
  };
  std::vector<std::string> prefixes = {prefix};
  std::vector<const FilterNode*> used;
  bool all_fixed = true;
  size_t k = 0;
  for (; k < paths.size(); ++k) {
    std::vector<const FilterNode*> preds = preds_on(paths[k]);
    const FilterNode* eq = nullptr;
    for (const FilterNode* n : preds) {
      if (n->op == FilterOp::kEq || (n->op == FilterOp::kIn && eq == nullptr)) {
        eq = n;
      }
    }
    if (eq == nullptr) break;
    std::vector<JsonView> values;
    if (eq->op == FilterOp::kEq) {
      values.emplace_back(eq->value);
    } else {
      for (const JsonValue& v : eq->in_values) values.emplace_back(v);
    }
    if (prefixes.size() * values.size() > kMaxSpans) break;
    std::vector<std::string> next;
    for (const std::string& p : prefixes) {
      for (JsonView v : values) {
        next.push_back(p);
        (void)AppendIndexKey(&next.back(), v);  // scalars: cannot fail
      }
    }
    prefixes.swap(next);
    cand.score += eq->op == FilterOp::kEq ? 100 : 70;
    used.push_back(eq);
    if (values.size() == 1 && all_fixed) {
      ++cand.fixed;
    } else {
      all_fixed = false;
    }
  }
  std::vector<const FilterNode*> ranges;
  if (k < paths.size()) {
    for (const FilterNode* n : preds_on(paths[k])) {
      if (IsRange(n->op)) ranges.push_back(n);
    }
    if (multi && ranges.size() > 1) ranges.resize(1);
    used.insert(used.end(), ranges.begin(), ranges.end());
  }
  // Equality components then the time field: the window is a range too.
  const bool by_window = window != nullptr && cand.score > 0 &&
                         k < paths.size() && paths[k] == time_path;
  if (cand.score == 0 && ranges.empty()) return cand;
  // Spans must ascend, but $in values come in CompareJson order, which is
  // not index-key order (booleans sort last as JSON, before numbers as
  // keys). Components are prefix-free, so sorted distinct prefixes give
  // ascending, disjoint spans.
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  for (const std::string& p : prefixes) {
    std::vector<KeySpan> spans = {{p, PrefixEnd(p)}};
    for (const FilterNode* n : ranges) {
      absl::StatusOr<IndexKeyRange> r = IndexRangeForOp(p, n->op, n->value);
      std::vector<KeySpan> one;
      if (r.ok() && !r->empty()) one.push_back({r->start, r->limit});
      spans = Intersect(spans, one);
    }
    if (by_window) {
      absl::StatusOr<IndexKeyRange> r =
          IndexRange(p, window->lower, window->upper);
      if (r.ok()) {
        std::vector<KeySpan> one;
        if (!r->empty()) one.push_back({r->start, r->limit});
        spans = Intersect(spans, one);
        cand.window = true;
      }
    }
    for (KeySpan& s : spans) cand.spans.push_back(std::move(s));
  }
  if (!ranges.empty()) cand.score += ranges.size() > 1 ? 40 : 30;
  if (cand.window) cand.score += 20;
  cand.exact = k == paths.size();
  // Index keys decide a predicate exactly unless null is involved (a null
  // entry also stands for a missing field or one holding only
  // containers): then the spans decide the filter if they used every
  // conjunct. ({} never reaches here.)
  cand.complete = used.size() == conj.size();
  for (const FilterNode* n : used) cand.complete &= !HasNull(*n);
  if (all_fixed && cand.exact) cand.score += 1000;
  return cand;
}

// Whether reading in key order of paths (after `fixed` single-valued
// leading components) yields the sort; *descending set if reversed.
bool FollowsSort(const SortSpec& sort, const std::vector<std::string>& paths,
                 size_t fixed, bool* descending) {
  const auto& f = sort.fields();
  if (f.empty()) return false;
  for (size_t s = 0; s <= fixed && s + f.size() <= paths.size(); ++s) {
    bool match = true;
    for (size_t i = 0; i < f.size() && match; ++i) {
      match = f[i].path.dotted() == paths[s + i] &&
              f[i].ascending == f[0].ascending;
    }
    if (match) {
      *descending = !f[0].ascending;
      return true;
    }
  }
  return false;
}

// The document times a number v of the time unit is stored at are
// trunc(v * scale) ns (TimeValueToNanos), monotone in v and within 2 ns of
// v * scale, so [floor((t0 - 2) / scale), ceil((t1 + 2) / scale)] holds
// every value stored in [t0, t1).
int64_t ClampToInt64(__int128 v) {
  if (v < static_cast<__int128>(INT64_MIN)) return INT64_MIN;
  if (v > static_cast<__int128>(INT64_MAX)) return INT64_MAX;
  return static_cast<int64_t>(v);
}

__int128 FloorDiv(__int128 a, int64_t b) {
  __int128 q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

__int128 CeilDiv(__int128 a, int64_t b) {
  __int128 q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

int64_t UnitScale(std::string_view unit) {
  return unit == "s"    ? 1'000'000'000
         : unit == "ms" ? 1'000'000
         : unit == "us" ? 1'000
         : unit == "ns" ? 1
                        : 0;
}

// False when the collection's time field is not numeric or the window is
// unbounded.
bool WindowValuesFor(const CollectionInfo& c, Timestamp t0, Timestamp t1,
                     WindowValues* w) {
  const int64_t scale = UnitScale(c.spec.time_unit);
  if (scale == 0 || c.spec.time_path.empty()) return false;
  if (t0 != kMinTimestamp) {
    w->lower = IndexBound{JsonValue::Int(ClampToInt64(
                              FloorDiv(static_cast<__int128>(t0) - 2, scale))),
                          true};
  }
  if (t1 != kMaxTimestamp) {
    w->upper = IndexBound{JsonValue::Int(ClampToInt64(
                              CeilDiv(static_cast<__int128>(t1) + 2, scale))),
                          true};
  }
  return w->lower.has_value() || w->upper.has_value();
}

}  // namespace

bool TimeWindowSpan(const CollectionInfo& c, const IndexInfo& ix, Timestamp t0,
                    Timestamp t1, KeySpan* span) {
  WindowValues w;
  if (ix.spec.paths.empty() || ix.spec.paths[0] != c.spec.time_path ||
      !WindowValuesFor(c, t0, t1, &w)) {
    return false;
  }
  absl::StatusOr<IndexKeyRange> r = IndexRange(ix.prefix, w.lower, w.upper);
  if (!r.ok()) return false;
  span->start = std::move(r->start);
  span->limit = r->empty() ? span->start : std::move(r->limit);
  return true;
}

Plan ChoosePlan(const CollectionInfo& c, const FindQuery& q,
                bool allow_indexes) {
  std::vector<const FilterNode*> conj;
  const FilterNode& root = q.filter.root();
  if (root.op == FilterOp::kAnd) {
    for (const FilterNode& n : root.children) conj.push_back(&n);
  } else {
    conj.push_back(&root);
  }
  Plan plan;
  plan.t0 = q.t0;
  plan.t1 = q.t1;
  int best = 0;
  size_t fixed = 0;
  const std::vector<std::string> key_paths = {c.spec.key_path};
  Candidate pk =
      Evaluate(c.doc_prefix, key_paths, false, false, q.filter, conj);
  if (pk.score > 0) {
    best = pk.score;
    plan.kind = PlanKind::kPrimary;
    plan.spans = std::move(pk.spans);
    plan.exact = pk.complete;
    if (pk.exact) {
      // Point reads: a whole key is one record, and single-key spans let
      // the core use bloom filters.
      best += 2000;
      for (KeySpan& s : plan.spans) s.limit = s.start + std::string(1, '\0');
    }
  }
  WindowValues window;
  const bool has_window = q.windowed && WindowValuesFor(c, q.t0, q.t1, &window);
  static const std::vector<IndexInfo> kNoIndexes;
  const std::vector<IndexInfo>& indexes =
      allow_indexes ? c.indexes : kNoIndexes;
  for (const IndexInfo& ix : indexes) {
    Candidate cand = Evaluate(ix.prefix, ix.spec.paths, ix.spec.multi,
                              ix.spec.sparse, q.filter, conj,
                              has_window ? &window : nullptr, c.spec.time_path);
    if (cand.score > 0 && ix.spec.unique && cand.score >= 1000) {
      cand.score += 500;  // one document at most per lookup
    }
    if (cand.score > best) {
      best = cand.score;
      plan.kind = PlanKind::kIndex;
      plan.index = &ix;
      plan.spans = std::move(cand.spans);
      plan.dedup = ix.spec.multi;
      plan.exact = cand.complete;
      plan.window_by_index = cand.window;
      fixed = cand.fixed;
    }
  }
  bool descending = false;
  if (plan.kind == PlanKind::kIndex && q.windowed) {
    // An index on the time field chosen for its predicates: read only
    // the window's values too.
    KeySpan w;
    if (TimeWindowSpan(c, *plan.index, q.t0, q.t1, &w)) {
      plan.spans = Intersect(plan.spans, {w});
      plan.window_by_index = true;
    }
  }
  if (best == 0 && q.windowed) {
    // Block time headers only skip what clusters by time in key order;
    // an index on the time field reads the window's entries alone. A
    // non-multi one following the sort is preferred.
    const IndexInfo* chosen = nullptr;
    KeySpan w;
    for (const IndexInfo& ix : indexes) {
      KeySpan span;
      if (!TimeWindowSpan(c, ix, q.t0, q.t1, &span)) continue;
      const bool sorts =
          !ix.spec.multi && FollowsSort(q.sort, ix.spec.paths, 0, &descending);
      if (chosen == nullptr || sorts) {
        chosen = &ix;
        w = std::move(span);
      }
      if (sorts) break;
    }
    if (chosen != nullptr) {
      best = 1;
      plan.kind = PlanKind::kIndex;
      plan.index = chosen;
      plan.spans.clear();
      if (w.start < w.limit) plan.spans.push_back(std::move(w));
      plan.dedup = chosen->spec.multi;
      // The window is applied to entries exactly (their ts); only a
      // filter needs re-checking.
      plan.exact = q.match_all;
      plan.window_by_index = true;
    }
  }
  if (best == 0) {
    plan.kind = q.windowed ? PlanKind::kTimeWindow : PlanKind::kScan;
    plan.spans = {{c.doc_prefix, c.doc_end}};
  }
  if (plan.kind == PlanKind::kIndex) {
    if (!plan.index->spec.multi &&
        FollowsSort(q.sort, plan.index->spec.paths, fixed, &descending)) {
      plan.provides_sort = true;
    }
  } else if (FollowsSort(q.sort, key_paths, 0, &descending)) {
    plan.provides_sort = true;
  } else if (best == 0 && q.limit > 0) {
    for (const IndexInfo& ix : indexes) {
      if (ix.spec.multi || ix.spec.sparse ||
          !FollowsSort(q.sort, ix.spec.paths, 0, &descending)) {
        continue;
      }
      plan.kind = PlanKind::kIndex;
      plan.index = &ix;
      plan.spans = {{ix.prefix, PrefixEnd(ix.prefix)}};
      plan.provides_sort = true;
      break;
    }
  }
  plan.reverse = plan.provides_sort && descending;
  return plan;
}

}  // namespace strata::docs
