// Aggregate SELECT for one result series: streams every series of the
// group into one accumulator per aggregate column (shared buckets), then
// lays the buckets out as rows with InfluxDB 1.x's GROUP BY time and
// fill() rules:
//  - bucket k covers [k * interval + offset, (k + 1) * interval + offset);
//  - with a lower time bound every column emits every bucket from the
//    bound's bucket to the upper bound's (now() if none was given);
//    without one, a column starts at its own first non-empty bucket;
//  - a column with no point at all in the group emits nothing;
//  - empty buckets: fill(null) gives null (0 for count), fill(none) omits
//    the row unless another column has a value, fill(previous) repeats the
//    previous bucket of the column (the later one with ORDER BY DESC),
//    fill(linear) interpolates between the neighbouring buckets, fill(x)
//    gives x in the column's type;
//  - without GROUP BY time the one row's time is the lower time bound (0 if
//    none), or the point's own time for a lone selector.
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "series/exec_aggregate.h"
#include "series/exec_group.h"
#include "series/exec_rows.h"

namespace strata::series {

namespace {

// The aux columns of the current row, for a selector keeping its point.
class RowAux final : public AuxSource {
 public:
  RowAux(const Plan& plan, const SeriesInfo& series)
      : plan_(plan), series_(series) {}
  void Set(const Val* row) { row_ = row; }
  void Fill(std::vector<QueryValue>* out) const override {
    out->clear();
    for (int idx : plan_.aux_columns) {
      const Column& c = plan_.columns[idx];
      if (c.kind == Column::Kind::kField) {
        out->push_back(ToQueryValue(row_[c.field]));
      } else if (c.kind == Column::Kind::kTag) {
        const std::string* v = FindTag(series_, plan_.tag_keys[c.tag]);
        out->push_back(v == nullptr ? QueryValue() : QueryValue(*v));
      } else {
        out->emplace_back();
      }
    }
  }

 private:
  const Plan& plan_;
  const SeriesInfo& series_;
  const Val* row_ = nullptr;
};

struct AggColumn {
  int column = 0;  // index into Plan::columns
  int field = 0;   // index into Plan::fields
  FieldType out_type = FieldType::kFloat;
  std::unique_ptr<Accumulator> acc;
  std::vector<std::pair<int64_t, AggCell>> cells;  // by bucket, ascending
  int64_t start = 0;                               // first bucket emitted
  // first()/last() without GROUP BY time: AddSeries reads one point.
  bool ends_only = false;
};

FieldType OutputType(AggFn fn, FieldType in) {
  switch (fn) {
    case AggFn::kCount:
      return FieldType::kInteger;
    case AggFn::kMean:
    case AggFn::kMedian:
    case AggFn::kStddev:
      return FieldType::kFloat;
    default:
      return in;
  }
}

int64_t ToInt64(double d) {
  if (!(d > -9.3e18)) return std::numeric_limits<int64_t>::min();
  if (!(d < 9.3e18)) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(d);
}
uint64_t ToUint64(double d) {
  if (!(d > 0)) return 0;
  if (!(d < 1.8e19)) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(d);
}

// fill(x) in the column's type (InfluxDB casts the fill value).
QueryValue FillNumber(const std::variant<int64_t, double>& fill,
                      FieldType type) {
  const bool is_int = std::holds_alternative<int64_t>(fill);
  const int64_t i = is_int ? std::get<int64_t>(fill) : 0;
  const double d = is_int ? static_cast<double>(i) : std::get<double>(fill);
  switch (type) {
    case FieldType::kFloat:
      return d;
    case FieldType::kInteger:
      return is_int ? i : ToInt64(d);
    case FieldType::kUnsigned:
      return is_int ? static_cast<uint64_t>(i) : ToUint64(d);
    case FieldType::kBoolean:
      return false;
    case FieldType::kString:
      return std::string();
  }
  return QueryValue();
}

// fill(linear) at bucket k between buckets pk < k < nk.
QueryValue Linear(const QueryValue& pv, int64_t pk, const QueryValue& nv,
                  int64_t nk, int64_t k) {
  const double span = static_cast<double>(nk) - static_cast<double>(pk);
  const double x = static_cast<double>(k) - static_cast<double>(pk);
  if (const double* p = std::get_if<double>(&pv)) {
    const double* n = std::get_if<double>(&nv);
    if (n == nullptr) return QueryValue();
    return (*n - *p) / span * x + *p;
  }
  if (const int64_t* p = std::get_if<int64_t>(&pv)) {
    const int64_t* n = std::get_if<int64_t>(&nv);
    if (n == nullptr) return QueryValue();
    const double diff = static_cast<double>(static_cast<int64_t>(
        static_cast<uint64_t>(*n) - static_cast<uint64_t>(*p)));
    return ToInt64(diff / span * x + static_cast<double>(*p));
  }
  if (const uint64_t* p = std::get_if<uint64_t>(&pv)) {
    const uint64_t* n = std::get_if<uint64_t>(&nv);
    if (n == nullptr) return QueryValue();
    const double diff = static_cast<double>(*n) - static_cast<double>(*p);
    return ToUint64(diff / span * x + static_cast<double>(*p));
  }
  return QueryValue();
}

// Index of the first cell with bucket >= k.
size_t LowerBound(const AggColumn& c, int64_t k) {
  return std::lower_bound(c.cells.begin(), c.cells.end(), k,
                          [](const std::pair<int64_t, AggCell>& e,
                             int64_t key) { return e.first < key; }) -
         c.cells.begin();
}

// The value of column c at bucket k, filled if the bucket is empty.
QueryValue CellValue(const Plan& plan, const AggColumn& c, int64_t k,
                     const Column& col) {
  const size_t i = LowerBound(c, k);
  if (i < c.cells.size() && c.cells[i].first == k)
    return c.cells[i].second.value;
  if (plan.fill == influxql::FillOption::kNone || c.cells.empty() ||
      k < c.start) {
    return QueryValue();
  }
  switch (plan.fill) {
    case influxql::FillOption::kNull:
      if (col.fn == AggFn::kCount) return int64_t{0};
      return QueryValue();
    case influxql::FillOption::kNumber:
      return FillNumber(plan.fill_value, c.out_type);
    case influxql::FillOption::kPrevious:
      if (plan.descending) {
        return i < c.cells.size() ? c.cells[i].second.value : QueryValue();
      }
      return i > 0 ? c.cells[i - 1].second.value : QueryValue();
    case influxql::FillOption::kLinear:
      if (i == 0 || i >= c.cells.size()) return QueryValue();
      return Linear(c.cells[i - 1].second.value, c.cells[i - 1].first,
                    c.cells[i].second.value, c.cells[i].first, k);
    case influxql::FillOption::kNone:
      break;
  }
  return QueryValue();
}

// Reads one series' field once for several accumulators, in chunks of
// decoded values, ending the series for each.
absl::Status AddShared(Iterator* it, const FieldInfo& f,
                       const std::vector<AggColumn*>& cols) {
  constexpr size_t kChunk = 256;
  int64_t ts[kChunk];
  uint64_t bits[kChunk];
  size_t n = 0;
  absl::Status s;
  const auto flush = [&] {
    for (AggColumn* c : cols) c->acc->AddBits(ts, bits, n);
    n = 0;
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ts[n] = it->timestamp();
    if (!DecodeBits(f.type, it->value(), &bits[n])) {
      s = absl::DataLossError(absl::StrFormat(
          "malformed value of %d bytes at time %d", it->value().size(), ts[n]));
      break;
    }
    if (++n == kChunk) flush();
  }
  flush();
  for (AggColumn* c : cols) c->acc->EndSeries();
  if (!s.ok()) return s;
  return it->status();
}

// Streams the group's series into the accumulators.
absl::Status Accumulate(ExecContext& ctx,
                        const std::vector<SeriesEntry*>& group,
                        std::vector<AggColumn>* cols) {
  const Plan& plan = *ctx.plan;
  const bool with_aux = !plan.aux_columns.empty();
  std::vector<int> base;  // fields every row needs
  for (const AggColumn& c : *cols) base.push_back(c.field);
  for (int idx : plan.aux_columns) {
    if (plan.columns[idx].kind == Column::Kind::kField) {
      base.push_back(plan.columns[idx].field);
    }
  }
  std::vector<int> with_condition = base;
  with_condition.insert(with_condition.end(), plan.condition.fields().begin(),
                        plan.condition.fields().end());
  // Non-empty buckets beyond this many cannot all be returned.
  const size_t bucket_cap =
      ctx.max_rows +
      static_cast<size_t>(std::max<int64_t>(0, plan.offset_rows));

  // Columns that read the same fixed-size field in full share one read:
  // shared[i] lists the columns column i feeds (empty: it reads alone or
  // another column feeds it).
  std::vector<std::vector<AggColumn*>> shared(cols->size());
  std::vector<bool> fed(cols->size(), false);
  for (size_t i = 0; i < cols->size(); ++i) {
    AggColumn& c = (*cols)[i];
    if (fed[i] || c.ends_only) continue;
    std::vector<AggColumn*> same = {&c};
    bool needs_value = plan.columns[c.column].fn != AggFn::kCount;
    for (size_t j = i + 1; j < cols->size(); ++j) {
      AggColumn& d = (*cols)[j];
      if (d.field != c.field || d.ends_only) continue;
      same.push_back(&d);
      needs_value = needs_value || plan.columns[d.column].fn != AggFn::kCount;
    }
    // Counting alone never decodes a value, so it keeps its own read.
    if (same.size() < 2 || !needs_value ||
        plan.fields[c.field].type == FieldType::kString) {
      continue;
    }
    for (size_t j = i + 1; j < cols->size(); ++j) {
      if ((*cols)[j].field == c.field && !(*cols)[j].ends_only) fed[j] = true;
    }
    shared[i] = std::move(same);
  }

  for (SeriesEntry* e : group) {
    if (e->verdict == Verdict::kAll && !with_aux) {
      // Fast path: each column streams its field's iterator, or several
      // columns share one.
      for (size_t i = 0; i < cols->size(); ++i) {
        AggColumn& c = (*cols)[i];
        if (fed[i]) continue;
        const FieldInfo& f = plan.fields[c.field];
        Iterator* it = c.ends_only ? ctx.ends_scan()->Open(e->info->id, f.id)
                                   : ctx.scan(0)->Open(e->info->id, f.id);
        if (it == nullptr) {
          return absl::InternalError(
              absl::StrFormat("no iterator for field %s", f.name));
        }
        absl::Status s = shared[i].empty() ? c.acc->AddSeries(it)
                                           : AddShared(it, f, shared[i]);
        if (!s.ok()) {
          return SeriesError(
              absl::Status(s.code(), absl::StrFormat("field %s: %s", f.name,
                                                     s.message())),
              *e->info);
        }
      }
    } else {
      RowReader rows(ctx, e->info->id,
                     e->verdict == Verdict::kRows ? with_condition : base);
      RowAux aux(plan, *e->info);
      while (rows.Next()) {
        const Val* row = rows.row();
        if (e->verdict == Verdict::kRows &&
            !plan.condition.Matches(&e->binding, row)) {
          if (!e->binding.error.ok()) return e->binding.error;
          continue;
        }
        aux.Set(row);
        for (AggColumn& c : *cols) {
          const Val& v = row[c.field];
          if (v.is_null()) continue;
          c.acc->AddPoint(v, rows.time(), with_aux ? &aux : nullptr);
        }
      }
      for (AggColumn& c : *cols) c.acc->EndSeries();
      if (!rows.status().ok()) return SeriesError(rows.status(), *e->info);
    }
    for (AggColumn& c : *cols) {
      if (c.acc->buckets() > bucket_cap) return ctx.TooManyRows();
    }
  }
  return absl::OkStatus();
}

// Appends one row at bucket k (time t).
void EmitRow(const Plan& plan, const std::vector<AggColumn>& cols,
             const std::vector<int>& col_of, int64_t k, int64_t t,
             ResultSeries* out) {
  std::vector<QueryValue> row;
  row.reserve(plan.columns.size() + 1);
  row.emplace_back(t);
  // Aux columns come from the selector's kept point.
  const AggCell* selected = nullptr;
  if (!plan.aux_columns.empty() && !cols.empty()) {
    const size_t i = LowerBound(cols[0], k);
    if (i < cols[0].cells.size() && cols[0].cells[i].first == k) {
      selected = &cols[0].cells[i].second;
    }
  }
  size_t aux_index = 0;
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    const Column& col = plan.columns[i];
    if (col.kind == Column::Kind::kAggregate) {
      row.push_back(col_of[i] >= 0 ? CellValue(plan, cols[col_of[i]], k, col)
                                   : QueryValue());
      continue;
    }
    const size_t j = aux_index++;
    row.push_back(selected != nullptr && j < selected->aux.size()
                      ? selected->aux[j]
                      : QueryValue());
  }
  out->values.push_back(std::move(row));
}

}  // namespace

absl::Status RunAggregateGroup(ExecContext& ctx,
                               const std::vector<SeriesEntry*>& group,
                               ResultSeries* out) {
  const Plan& plan = *ctx.plan;
  const BucketSpec spec{plan.interval, plan.offset};
  std::vector<AggColumn> cols;
  cols.reserve(plan.columns.size());
  std::vector<int> col_of(plan.columns.size(), -1);
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    const Column& c = plan.columns[i];
    if (c.kind != Column::Kind::kAggregate || c.field < 0) continue;
    AggColumn a;
    a.column = static_cast<int>(i);
    a.field = c.field;
    a.out_type = OutputType(c.fn, plan.fields[c.field].type);
    a.ends_only =
        plan.interval == 0 && (c.fn == AggFn::kFirst || c.fn == AggFn::kLast);
    a.acc = NewAccumulator(c.fn, plan.fields[c.field].type, c.percentile, spec);
    if (a.acc == nullptr) {
      return absl::InternalError(
          absl::StrFormat("no accumulator for %s()", AggFnName(c.fn)));
    }
    col_of[i] = static_cast<int>(cols.size());
    cols.push_back(std::move(a));
  }
  if (cols.empty()) return absl::OkStatus();  // only unknown fields
  if (absl::Status s = Accumulate(ctx, group, &cols); !s.ok()) return s;
  bool any = false;
  for (AggColumn& c : cols) {
    c.cells = c.acc->Finish();
    c.acc.reset();
    any = any || !c.cells.empty();
  }
  if (!any) return absl::OkStatus();

  if (plan.interval == 0) {
    if (plan.keep_point_time && cols[0].cells.empty()) return absl::OkStatus();
    const int64_t t = plan.keep_point_time  ? cols[0].cells[0].second.time
                      : plan.range.HasMin() ? plan.range.min
                                            : 0;
    if (plan.offset_rows > 0) return absl::OkStatus();
    if (absl::Status s = ctx.ChargeRows(1); !s.ok()) return s;
    EmitRow(plan, cols, col_of, 0, t, out);
    return absl::OkStatus();
  }

  // GROUP BY time: the buckets each column emits.
  const int64_t end = spec.Index(plan.range.max);
  int64_t lo = std::numeric_limits<int64_t>::max();
  for (AggColumn& c : cols) {
    if (c.cells.empty()) continue;
    c.start = plan.range.HasMin() ? spec.Index(plan.range.min)
                                  : c.cells.front().first;
    lo = std::min(lo, c.start);
  }
  std::vector<int64_t> keys;  // fill(none): the non-empty buckets
  __int128 n = 0;
  if (plan.fill == influxql::FillOption::kNone) {
    for (const AggColumn& c : cols) {
      for (const auto& [k, cell] : c.cells) keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    n = keys.size();
  } else if (lo <= end) {
    n = static_cast<__int128>(end) - lo + 1;
  }
  const __int128 begin = std::min<__int128>(n, plan.offset_rows);
  __int128 stop = n;
  if (plan.limit > 0) stop = std::min<__int128>(stop, begin + plan.limit);
  if (stop - begin > static_cast<__int128>(ctx.max_rows)) {
    return ctx.TooManyRows();
  }
  if (absl::Status s = ctx.ChargeRows(static_cast<size_t>(stop - begin));
      !s.ok()) {
    return s;
  }
  out->values.reserve(static_cast<size_t>(stop - begin));
  for (__int128 p = begin; p < stop; ++p) {
    const __int128 pos = plan.descending ? n - 1 - p : p;
    const int64_t k = plan.fill == influxql::FillOption::kNone
                          ? keys[static_cast<size_t>(pos)]
                          : static_cast<int64_t>(lo + pos);
    EmitRow(plan, cols, col_of, k, spec.Start(k), out);
  }
  return absl::OkStatus();
}

}  // namespace strata::series
