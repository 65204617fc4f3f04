// Raw SELECT (no aggregate) for one result series: the rows of each series
// (times where any selected field has a value and the condition holds)
// merged by time, ties in series order; then ORDER BY, OFFSET, LIMIT.
// With a LIMIT each series contributes at most OFFSET + LIMIT rows, so
// memory follows the answer, not the data.
#include <algorithm>
#include <deque>
#include <limits>

#include "absl/strings/str_format.h"
#include "series/exec_group.h"
#include "series/exec_rows.h"
#include "util/errors.h"

namespace strata::series {

namespace {

struct RawRow {
  int64_t t;
  std::vector<QueryValue> cells;  // time first
};

}  // namespace

absl::Status RunRawGroup(ExecContext& ctx,
                         const std::vector<SeriesEntry*>& group,
                         ResultSeries* out) {
  const Plan& plan = *ctx.plan;
  std::vector<int> selected;  // plan fields shown as columns
  for (const Column& c : plan.columns) {
    if (c.kind == Column::Kind::kField) selected.push_back(c.field);
  }
  if (selected.empty()) return absl::OkStatus();  // only tags: no rows
  std::vector<int> with_condition = selected;
  with_condition.insert(with_condition.end(), plan.condition.fields().begin(),
                        plan.condition.fields().end());

  // Rows a series may contribute: unbounded without LIMIT.
  const int64_t cap = plan.limit > 0 ? plan.limit + plan.offset_rows : 0;
  std::vector<RawRow> rows;
  for (SeriesEntry* e : group) {
    RowReader reader(ctx, e->info->id,
                     e->verdict == Verdict::kRows ? with_condition : selected);
    std::deque<RawRow> tail;  // descending with a cap: the latest rows
    int64_t taken = 0;
    while (reader.Next()) {
      const Val* row = reader.row();
      if (e->verdict == Verdict::kRows &&
          !plan.condition.Matches(&e->binding, row)) {
        if (!e->binding.error.ok()) return e->binding.error;
        continue;
      }
      bool any = false;
      for (int f : selected) any = any || !row[f].is_null();
      if (!any) continue;
      RawRow r;
      r.t = reader.time();
      r.cells.reserve(plan.columns.size() + 1);
      r.cells.emplace_back(reader.time());
      for (const Column& c : plan.columns) {
        switch (c.kind) {
          case Column::Kind::kField:
            r.cells.push_back(ToQueryValue(row[c.field]));
            break;
          case Column::Kind::kTag: {
            const std::string* v = FindTag(*e->info, plan.tag_keys[c.tag]);
            r.cells.push_back(v == nullptr ? QueryValue() : QueryValue(*v));
            break;
          }
          default:
            r.cells.emplace_back();
            break;
        }
      }
      if (cap > 0 && plan.descending) {
        tail.push_back(std::move(r));
        if (static_cast<int64_t>(tail.size()) > cap) tail.pop_front();
        continue;
      }
      rows.push_back(std::move(r));
      if (cap > 0 && ++taken >= cap) break;
      if (cap == 0 && ctx.rows + rows.size() > ctx.max_rows) {
        return ctx.TooManyRows();
      }
    }
    if (!reader.status().ok()) return SeriesError(reader.status(), *e->info);
    for (RawRow& r : tail) rows.push_back(std::move(r));
  }

  if (group.size() > 1) {  // one series' rows are already in time order
    std::stable_sort(
        rows.begin(), rows.end(),
        [](const RawRow& a, const RawRow& b) { return a.t < b.t; });
  }
  if (plan.descending) std::reverse(rows.begin(), rows.end());
  const size_t begin =
      std::min<size_t>(rows.size(), static_cast<size_t>(plan.offset_rows));
  size_t end = rows.size();
  if (plan.limit > 0) {
    end = std::min<size_t>(end, begin + static_cast<size_t>(plan.limit));
  }
  if (absl::Status s = ctx.ChargeRows(end - begin); !s.ok()) return s;
  out->values.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    out->values.push_back(std::move(rows[i].cells));
  }
  return absl::OkStatus();
}

}  // namespace strata::series
