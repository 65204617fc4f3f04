// Differential test: random points (several series, float and integer
// fields, gaps, negative times) and random SELECTs (aggregates, windows
// with offsets, GROUP BY tags, fills, tag and field conditions, ordering,
// limits) checked against a naive evaluator written here: it materializes
// every point, filters with a predicate built next to the query text, and
// buckets and aggregates with plain loops over sorted vectors.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "series/executor.h"
#include "series/fake_series_reader.h"
#include "series/influxql/parser.h"
#include "util/random.h"

namespace strata::series {
namespace {

using Tags = std::map<std::string, std::string>;

struct NaiveSeries {
  std::string key;
  Tags tags;
  std::map<int64_t, double> f;   // float field "f"
  std::map<int64_t, int64_t> i;  // integer field "i"
};

// A row of one series: the values at one time (nullopt = no value).
struct NaiveRow {
  int64_t t;
  std::optional<double> f;
  std::optional<int64_t> i;
};

using Pred = std::function<bool(const Tags&, const NaiveRow&)>;

struct Agg {
  std::string fn;
  std::string field;  // "f" or "i"
  double p = 0;       // percentile
};

struct NaiveQuery {
  std::string text;
  bool raw = false;
  std::vector<std::string> raw_fields;
  std::vector<Agg> aggs;
  std::optional<int64_t> tmin, tmax;  // inclusive
  Pred cond;
  int64_t interval = 0, offset = 0;
  std::vector<std::string> group_by;  // sorted
  std::string fill = "null";          // null, none, previous, linear, number
  double fill_number = 0;
  bool fill_is_int = false;
  bool desc = false;
  int64_t limit = 0, row_offset = 0;
};

constexpr int64_t kNow = 250;

std::string TagOr(const Tags& t, const std::string& k) {
  auto it = t.find(k);
  return it == t.end() ? "" : it->second;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// A point for aggregation: value as double or int, with its time.
struct APoint {
  int64_t t;
  double d;
  int64_t i;
};

// The result of one aggregate over one bucket; nullopt = no point.
struct ACell {
  QueryValue v;
  int64_t t = 0;
};

std::optional<ACell> Aggregate(const Agg& a, std::vector<APoint> pts) {
  const bool is_int = a.field == "i";
  auto val = [&](const APoint& p) {
    return is_int ? QueryValue(p.i) : QueryValue(p.d);
  };
  ACell c;
  const size_t n = pts.size();
  if (a.fn == "count") {
    c.v = static_cast<int64_t>(n);
  } else if (a.fn == "sum") {
    int64_t si = 0;
    double sd = 0;
    for (const APoint& p : pts) si += p.i, sd += p.d;
    c.v = is_int ? QueryValue(si) : QueryValue(sd);
  } else if (a.fn == "mean") {
    double s = 0;
    for (const APoint& p : pts) s += p.d;
    c.v = s / static_cast<double>(n);
  } else if (a.fn == "median") {
    std::vector<double> v;
    for (const APoint& p : pts) v.push_back(p.d);
    std::sort(v.begin(), v.end());
    c.v = n % 2 == 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
  } else if (a.fn == "spread") {
    auto [lo, hi] = std::minmax_element(
        pts.begin(), pts.end(),
        [](const APoint& x, const APoint& y) { return x.d < y.d; });
    c.v = is_int ? QueryValue(hi->i - lo->i) : QueryValue(hi->d - lo->d);
  } else if (a.fn == "stddev") {
    if (n < 2) {
      c.v = QueryValue();
    } else {
      double mean = 0, var = 0;
      for (const APoint& p : pts) mean += p.d;
      mean /= static_cast<double>(n);
      for (const APoint& p : pts) var += (p.d - mean) * (p.d - mean);
      c.v = std::sqrt(var / static_cast<double>(n - 1));
    }
  } else if (a.fn == "min" || a.fn == "max") {
    const bool mx = a.fn == "max";
    const APoint* best = &pts[0];
    for (const APoint& p : pts) {
      if ((mx ? p.d > best->d : p.d < best->d) ||
          (p.d == best->d && p.t < best->t)) {
        best = &p;
      }
    }
    c.v = val(*best);
    c.t = best->t;
  } else if (a.fn == "first" || a.fn == "last") {
    const bool last = a.fn == "last";
    const APoint* best = &pts[0];
    for (const APoint& p : pts) {
      if ((last ? p.t > best->t : p.t < best->t) ||
          (p.t == best->t && p.d > best->d)) {
        best = &p;
      }
    }
    c.v = val(*best);
    c.t = best->t;
  } else if (a.fn == "percentile") {
    std::stable_sort(pts.begin(), pts.end(),
                     [](const APoint& x, const APoint& y) {
                       return x.d != y.d ? x.d < y.d : x.t < y.t;
                     });
    const double rank =
        std::floor(static_cast<double>(n) * a.p / 100.0 + 0.5) - 1;
    if (rank < 0 || rank >= static_cast<double>(n)) return std::nullopt;
    c.v = val(pts[static_cast<size_t>(rank)]);
    c.t = pts[static_cast<size_t>(rank)].t;
  }
  return c;
}

bool IsSelectorFn(const std::string& fn) {
  return fn == "min" || fn == "max" || fn == "first" || fn == "last" ||
         fn == "percentile";
}

// Output type of an aggregate: is it integer?
bool IntOutput(const Agg& a) {
  if (a.fn == "count") return true;
  if (a.fn == "mean" || a.fn == "median" || a.fn == "stddev") return false;
  return a.field == "i";
}

std::vector<ResultSeries> Naive(const std::vector<NaiveSeries>& series,
                                const NaiveQuery& q) {
  const int64_t tmin = q.tmin.value_or(std::numeric_limits<int64_t>::min());
  const int64_t tmax =
      q.tmax.has_value()
          ? *q.tmax
          : (q.interval > 0 ? kNow : std::numeric_limits<int64_t>::max());
  // Rows per group, each row tagged with its series' position.
  struct GRow {
    NaiveRow row;
    size_t series;
  };
  std::map<std::vector<std::string>, std::vector<GRow>> groups;
  for (size_t s = 0; s < series.size(); ++s) {
    std::map<int64_t, NaiveRow> rows;
    for (auto [t, v] : series[s].f) rows[t].f = v;
    for (auto [t, v] : series[s].i) rows[t].i = v;
    std::vector<std::string> key;
    for (const std::string& g : q.group_by) {
      key.push_back(TagOr(series[s].tags, g));
    }
    auto& g = groups[key];  // every series' tag set is a group (may be empty)
    for (auto& [t, r] : rows) {
      r.t = t;
      if (t < tmin || t > tmax) continue;
      if (q.cond && !q.cond(series[s].tags, r)) continue;
      g.push_back({r, s});
    }
  }
  std::vector<ResultSeries> out;
  std::vector<std::pair<std::vector<std::string>, std::vector<GRow>*>> order;
  for (auto& [k, rows] : groups) order.emplace_back(k, &rows);
  if (q.desc) std::reverse(order.begin(), order.end());
  for (auto& [key, grows] : order) {
    ResultSeries rs;
    rs.name = "m";
    for (size_t i = 0; i < q.group_by.size(); ++i) {
      rs.tags.emplace_back(q.group_by[i], key[i]);
    }
    rs.columns.push_back("time");
    std::vector<std::vector<QueryValue>> rows;
    if (q.raw) {
      for (const std::string& f : q.raw_fields) rs.columns.push_back(f);
      std::vector<GRow> sorted = *grows;
      std::stable_sort(
          sorted.begin(), sorted.end(),
          [](const GRow& a, const GRow& b) { return a.row.t < b.row.t; });
      for (const GRow& g : sorted) {
        std::vector<QueryValue> row{QueryValue(g.row.t)};
        bool any = false;
        for (const std::string& f : q.raw_fields) {
          if (f == "f" && g.row.f) {
            row.emplace_back(*g.row.f);
            any = true;
          } else if (f == "i" && g.row.i) {
            row.emplace_back(*g.row.i);
            any = true;
          } else {
            row.emplace_back();
          }
        }
        if (any) rows.push_back(std::move(row));
      }
      if (q.desc) std::reverse(rows.begin(), rows.end());
    } else {
      std::map<std::string, int> seen;
      for (const Agg& a : q.aggs) {
        const int n = seen[a.fn]++;
        rs.columns.push_back(n == 0 ? a.fn : absl::StrFormat("%s_%d", a.fn, n));
      }
      // cells[column][bucket]
      std::vector<std::map<int64_t, ACell>> cells(q.aggs.size());
      for (size_t c = 0; c < q.aggs.size(); ++c) {
        std::map<int64_t, std::vector<APoint>> buckets;
        for (const GRow& g : *grows) {
          const bool is_f = q.aggs[c].field == "f";
          if (is_f ? !g.row.f : !g.row.i) continue;
          APoint p{g.row.t, is_f ? *g.row.f : static_cast<double>(*g.row.i),
                   is_f ? 0 : *g.row.i};
          const int64_t k =
              q.interval > 0 ? FloorDiv(g.row.t - q.offset, q.interval) : 0;
          buckets[k].push_back(p);
        }
        for (auto& [k, pts] : buckets) {
          std::optional<ACell> cell = Aggregate(q.aggs[c], pts);
          if (cell) cells[c][k] = *cell;
        }
      }
      bool any = false;
      for (const auto& m : cells) any = any || !m.empty();
      if (!any) continue;
      const bool keep_time =
          q.aggs.size() == 1 && IsSelectorFn(q.aggs[0].fn) && q.interval == 0;
      if (q.interval == 0) {
        if (keep_time && cells[0].empty()) continue;
        std::vector<QueryValue> row{QueryValue(
            keep_time ? cells[0].begin()->second.t : q.tmin.value_or(0))};
        for (const auto& m : cells) {
          row.push_back(m.empty() ? QueryValue() : m.begin()->second.v);
        }
        rows.push_back(std::move(row));
      } else {
        const int64_t end = FloorDiv(tmax - q.offset, q.interval);
        std::vector<int64_t> start(cells.size());
        int64_t lo = std::numeric_limits<int64_t>::max();
        std::vector<int64_t> keys;
        for (size_t c = 0; c < cells.size(); ++c) {
          if (cells[c].empty()) continue;
          start[c] = q.tmin ? FloorDiv(*q.tmin - q.offset, q.interval)
                            : cells[c].begin()->first;
          lo = std::min(lo, start[c]);
          for (const auto& [k, cell] : cells[c]) keys.push_back(k);
        }
        if (q.fill == "none") {
          std::sort(keys.begin(), keys.end());
          keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        } else {
          keys.clear();
          for (int64_t k = lo; k <= end; ++k) keys.push_back(k);
        }
        for (int64_t k : keys) {
          std::vector<QueryValue> row{QueryValue(k * q.interval + q.offset)};
          for (size_t c = 0; c < cells.size(); ++c) {
            const auto& m = cells[c];
            auto it = m.find(k);
            if (it != m.end()) {
              row.push_back(it->second.v);
              continue;
            }
            if (q.fill == "none" || m.empty() || k < start[c]) {
              row.emplace_back();
              continue;
            }
            const bool is_int = IntOutput(q.aggs[c]);
            if (q.fill == "null") {
              row.push_back(q.aggs[c].fn == "count" ? QueryValue(int64_t{0})
                                                    : QueryValue());
            } else if (q.fill == "number") {
              row.push_back(
                  is_int ? QueryValue(static_cast<int64_t>(q.fill_number))
                         : QueryValue(q.fill_number));
            } else if (q.fill == "previous") {
              // The neighbour on the side already emitted.
              const ACell* prev = nullptr;
              for (const auto& [pk, cell] : m) {
                if (q.desc ? pk > k && prev == nullptr : pk < k) prev = &cell;
              }
              row.push_back(prev ? prev->v : QueryValue());
            } else {  // linear
              const std::pair<const int64_t, ACell>* before = nullptr;
              const std::pair<const int64_t, ACell>* after = nullptr;
              for (const auto& e : m) {
                if (e.first < k) before = &e;
                if (e.first > k && after == nullptr) after = &e;
              }
              if (before == nullptr || after == nullptr ||
                  std::holds_alternative<std::monostate>(before->second.v) ||
                  std::holds_alternative<std::monostate>(after->second.v)) {
                row.emplace_back();
              } else if (is_int) {
                const double pv =
                    static_cast<double>(std::get<int64_t>(before->second.v));
                const double nv =
                    static_cast<double>(std::get<int64_t>(after->second.v));
                row.push_back(static_cast<int64_t>(
                    (nv - pv) /
                        static_cast<double>(after->first - before->first) *
                        static_cast<double>(k - before->first) +
                    pv));
              } else {
                const double pv = std::get<double>(before->second.v);
                const double nv = std::get<double>(after->second.v);
                row.push_back(
                    (nv - pv) /
                        static_cast<double>(after->first - before->first) *
                        static_cast<double>(k - before->first) +
                    pv);
              }
            }
          }
          rows.push_back(std::move(row));
        }
        if (q.desc) std::reverse(rows.begin(), rows.end());
      }
    }
    const size_t b = std::min<size_t>(rows.size(), q.row_offset);
    size_t e = rows.size();
    if (q.limit > 0) e = std::min<size_t>(e, b + q.limit);
    for (size_t r = b; r < e; ++r) rs.values.push_back(std::move(rows[r]));
    if (!rs.values.empty()) out.push_back(std::move(rs));
  }
  return out;
}

// Random data and queries -----------------------------------------------------

std::vector<NaiveSeries> MakeData(Random& rnd,
                                  testing::FakeSeriesReader* reader) {
  std::vector<NaiveSeries> series;
  const char* hosts[] = {"a", "b", "c"};
  for (const char* host : hosts) {
    for (int dc = 0; dc < 3; ++dc) {  // dc=x, dc=y, or no dc tag
      if (rnd.OneIn(3)) continue;
      NaiveSeries s;
      s.tags["host"] = host;
      if (dc < 2) s.tags["dc"] = dc == 0 ? "x" : "y";
      s.key = "m";
      for (const auto& [k, v] : s.tags) s.key += "," + k + "=" + v;
      const int n = static_cast<int>(rnd.Uniform(40));
      for (int p = 0; p < n; ++p) {
        const int64_t t = static_cast<int64_t>(rnd.Uniform(260)) - 50;
        if (!rnd.OneIn(3)) {
          s.f[t] =
              static_cast<double>(static_cast<int64_t>(rnd.Uniform(81)) - 40) /
              4;
        }
        if (!rnd.OneIn(3)) {
          s.i[t] = static_cast<int64_t>(rnd.Uniform(101)) - 50;
        }
      }
      std::vector<Tag> tags;
      for (const auto& [k, v] : s.tags) tags.push_back({k, v});
      for (auto [t, v] : s.f) reader->AddFloat("m", tags, "f", v, t);
      for (auto [t, v] : s.i) reader->AddInt("m", tags, "i", v, t);
      series.push_back(std::move(s));
    }
  }
  std::sort(
      series.begin(), series.end(),
      [](const NaiveSeries& a, const NaiveSeries& b) { return a.key < b.key; });
  // Series without any point exist in neither catalog nor data.
  series.erase(std::remove_if(series.begin(), series.end(),
                              [](const NaiveSeries& s) {
                                return s.f.empty() && s.i.empty();
                              }),
               series.end());
  return series;
}

template <typename T>
const T& Pick(Random& rnd, const std::vector<T>& v) {
  return v[rnd.Uniform(v.size())];
}

NaiveQuery MakeQuery(Random& rnd) {
  NaiveQuery q;
  std::string select;
  q.raw = rnd.OneIn(5);
  if (q.raw) {
    q.raw_fields = Pick(rnd, std::vector<std::vector<std::string>>{
                                 {"f"}, {"i"}, {"f", "i"}, {"i", "f"}});
    for (size_t i = 0; i < q.raw_fields.size(); ++i) {
      select += (i ? ", " : "") + q.raw_fields[i];
    }
  } else {
    const std::vector<std::string> fns = {
        "count", "sum",  "mean",   "median", "min",       "max",
        "first", "last", "spread", "stddev", "percentile"};
    const int n = 1 + static_cast<int>(rnd.Uniform(3));
    for (int k = 0; k < n; ++k) {
      Agg a;
      a.fn = Pick(rnd, fns);
      a.field = rnd.OneIn(2) ? "f" : "i";
      if (k > 0) select += ", ";
      if (a.fn == "percentile") {
        a.p = Pick(rnd, std::vector<double>{0, 10, 25, 33.3, 50, 75, 90, 100});
        select += absl::StrFormat("percentile(%s, %g)", a.field, a.p);
      } else {
        select += a.fn + "(" + a.field + ")";
      }
      q.aggs.push_back(a);
    }
  }
  q.text = "SELECT " + select + " FROM m";

  // WHERE: time bounds, a tag and/or field condition.
  std::vector<std::string> where;
  if (rnd.OneIn(2)) {
    q.tmin = static_cast<int64_t>(rnd.Uniform(200)) - 60;
    where.push_back(absl::StrFormat("time >= %d", *q.tmin));
  }
  if (rnd.OneIn(2)) {
    const int64_t v = static_cast<int64_t>(rnd.Uniform(220)) - 20;
    q.tmax = v - 1;
    where.push_back(absl::StrFormat("time < %d", v));
  }
  struct Cond {
    std::string text;
    Pred pred;
  };
  const std::vector<Cond> conds = {
      {"host = 'a'",
       [](const Tags& t, const NaiveRow&) { return TagOr(t, "host") == "a"; }},
      {"host != 'b'",
       [](const Tags& t, const NaiveRow&) { return TagOr(t, "host") != "b"; }},
      {"host =~ /a|c/",
       [](const Tags& t, const NaiveRow&) {
         const std::string h = TagOr(t, "host");
         return h == "a" || h == "c";
       }},
      {"dc = ''",
       [](const Tags& t, const NaiveRow&) { return TagOr(t, "dc").empty(); }},
      {"f > 0", [](const Tags&, const NaiveRow& r) { return r.f && *r.f > 0; }},
      {"i < 10",
       [](const Tags&, const NaiveRow& r) { return r.i && *r.i < 10; }},
      // A missing field is null and null never compares true, != included
      // (InfluxDB 1.6: `ok != true` does not match points without `ok`).
      {"i != 0",
       [](const Tags&, const NaiveRow& r) { return r.i && *r.i != 0; }},
      {"(f > 2 OR host = 'b')",
       [](const Tags& t, const NaiveRow& r) {
         return (r.f && *r.f > 2) || TagOr(t, "host") == "b";
       }},
      {"(i >= -20 AND f < 5)",
       [](const Tags&, const NaiveRow& r) {
         return r.i && *r.i >= -20 && r.f && *r.f < 5;
       }},
  };
  if (rnd.OneIn(2)) {
    const Cond& c = Pick(rnd, conds);
    where.push_back(c.text);
    q.cond = c.pred;
  }
  for (size_t i = 0; i < where.size(); ++i) {
    q.text += (i ? " AND " : " WHERE ") + where[i];
  }

  // GROUP BY.
  std::vector<std::string> dims;
  if (!q.raw && rnd.OneIn(2)) {
    q.interval = Pick(rnd, std::vector<int64_t>{7, 10, 25, 60});
    q.offset = Pick(rnd, std::vector<int64_t>{0, 0, 3, -4});
    dims.push_back(q.offset == 0 ? absl::StrFormat("time(%dns)", q.interval)
                                 : absl::StrFormat("time(%dns, %dns)",
                                                   q.interval, q.offset));
    if (q.offset < 0) q.offset += q.interval;  // the same buckets
  }
  switch (rnd.Uniform(4)) {
    case 0:
      dims.push_back("host");
      q.group_by = {"host"};
      break;
    case 1:
      dims.push_back("*");
      q.group_by = {"dc", "host"};
      break;
    default:
      break;
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    q.text += (i ? ", " : " GROUP BY ") + dims[i];
  }
  if (q.interval > 0) {
    switch (rnd.Uniform(6)) {
      case 0:
        q.fill = "none";
        q.text += " fill(none)";
        break;
      case 1:
        q.fill = "previous";
        q.text += " fill(previous)";
        break;
      case 2:
        q.fill = "linear";
        q.text += " fill(linear)";
        break;
      case 3:
        q.fill = "number";
        q.fill_number = rnd.OneIn(2) ? -1.5 : 3;
        q.text += absl::StrFormat(" fill(%g)", q.fill_number);
        break;
      default:
        break;
    }
  }
  if (rnd.OneIn(4)) {
    q.desc = true;
    q.text += " ORDER BY time DESC";
  }
  if (rnd.OneIn(4)) {
    q.limit = 1 + static_cast<int64_t>(rnd.Uniform(5));
    q.text += absl::StrFormat(" LIMIT %d", q.limit);
  }
  if (rnd.OneIn(5)) {
    q.row_offset = static_cast<int64_t>(rnd.Uniform(4));
    q.text += absl::StrFormat(" OFFSET %d", q.row_offset);
  }
  return q;
}

bool SameValue(const QueryValue& a, const QueryValue& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return std::fabs(*x - y) <= 1e-9 * std::max(1.0, std::fabs(y));
  }
  return a == b;
}

std::string Show(const std::vector<ResultSeries>& all) {
  std::string out;
  for (const ResultSeries& s : all) {
    out += s.name;
    for (const auto& [k, v] : s.tags) out += " " + k + "=" + v;
    out += " [";
    for (const std::string& c : s.columns) out += c + " ";
    out += "]\n";
    for (const auto& row : s.values) {
      for (const QueryValue& v : row) {
        std::visit(
            [&](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, std::monostate>) {
                out += "- ";
              } else if constexpr (std::is_same_v<T, std::string>) {
                out += x + " ";
              } else if constexpr (std::is_same_v<T, double>) {
                out += absl::StrFormat("%.17g ", x);
              } else if constexpr (std::is_same_v<T, int64_t>) {
                out += absl::StrFormat("%di ", x);
              } else {
                out += absl::StrFormat("%v ", x);
              }
            },
            v);
      }
      out += "\n";
    }
  }
  return out;
}

bool Same(const std::vector<ResultSeries>& a,
          const std::vector<ResultSeries>& b) {
  if (a.size() != b.size()) return false;
  for (size_t s = 0; s < a.size(); ++s) {
    if (a[s].name != b[s].name || a[s].tags != b[s].tags ||
        a[s].columns != b[s].columns ||
        a[s].values.size() != b[s].values.size()) {
      return false;
    }
    for (size_t r = 0; r < a[s].values.size(); ++r) {
      if (a[s].values[r].size() != b[s].values[r].size()) return false;
      for (size_t c = 0; c < a[s].values[r].size(); ++c) {
        if (!SameValue(a[s].values[r][c], b[s].values[r][c])) return false;
      }
    }
  }
  return true;
}

TEST(ExecutorDiffTest, RandomQueriesMatchNaiveEvaluator) {
  int checked = 0, nonempty = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Random rnd(seed);
    testing::FakeSeriesReader reader;
    reader.SetNow(kNow);
    const std::vector<NaiveSeries> data = MakeData(rnd, &reader);
    for (int n = 0; n < 60; ++n) {
      const NaiveQuery q = MakeQuery(rnd);
      absl::StatusOr<influxql::Statement::Ptr> stmt =
          influxql::ParseStatement(q.text);
      ASSERT_TRUE(stmt.ok()) << q.text << ": " << stmt.status();
      StatementResult got;
      absl::Status s = ExecuteSelect(*(*stmt)->As<influxql::SelectStatement>(),
                                     &reader, {}, &got);
      ASSERT_TRUE(s.ok()) << q.text << ": " << s;
      const std::vector<ResultSeries> want = Naive(data, q);
      ASSERT_TRUE(Same(got.series, want))
          << "seed " << seed << ": " << q.text << "\n--- executor\n"
          << Show(got.series) << "--- naive\n"
          << Show(want);
      ++checked;
      nonempty += want.empty() ? 0 : 1;
    }
  }
  EXPECT_EQ(checked, 2400);
  EXPECT_GT(nonempty, 1500);  // the queries do select data
}

}  // namespace
}  // namespace strata::series
