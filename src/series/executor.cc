// SELECT entry point: plans the statement per measurement (exec_plan.h),
// selects series by binding the condition to their tags, groups them by
// the GROUP BY tags (one result series per tag set, ordered by tag values;
// reversed by ORDER BY time DESC, as InfluxDB's merge does), applies
// SOFFSET/SLIMIT to the tag sets and runs the raw or aggregate path for
// each. An unknown measurement yields no series, not an error.
#include "series/executor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <regex>

#include "absl/strings/str_format.h"
#include "series/exec_group.h"
#include "series/exec_plan.h"
#include "util/errors.h"

namespace strata::series {

absl::Status ExecContext::TooManyRows() const {
  return absl::ResourceExhaustedError(absl::StrFormat(
      "query returns more than %d rows (max_result_rows)", max_rows));
}

absl::Status ExecContext::ChargeRows(size_t n) {
  if (n > max_rows || rows > max_rows - n) return TooManyRows();
  rows += n;
  return absl::OkStatus();
}

const std::string* FindTag(const SeriesInfo& s, const std::string& key) {
  for (const Tag& t : s.tags) {
    if (t.key == key) return &t.value;
  }
  return nullptr;
}

absl::Status SeriesError(const absl::Status& s, const SeriesInfo& series) {
  if (absl::IsDataLoss(s)) {
    return CorruptionError(series.key, 0, std::string(s.message()));
  }
  return Annotate(s, absl::StrFormat("series %s", series.key));
}

namespace {

// Runs one plan (one measurement), appending result series.
absl::Status RunPlan(ExecContext& ctx, std::vector<ResultSeries>* out) {
  const Plan& plan = *ctx.plan;
  // Series that the condition does not rule out by their tags.
  std::deque<SeriesEntry> entries;
  absl::Status st = ctx.reader->ForEachSeries(
      plan.measurement, [&](const SeriesInfo& info) -> absl::Status {
        entries.emplace_back();
        SeriesEntry& e = entries.back();
        e.info = info;
        e.verdict = plan.condition.Bind(e.info.tags, &e.binding);
        if (!e.binding.error.ok()) return e.binding.error;
        if (e.verdict == Verdict::kNone) entries.pop_back();
        return absl::OkStatus();
      });
  if (!st.ok()) return st;

  // Tag sets, ordered by their values (keys are the sorted GROUP BY tags).
  std::map<std::vector<std::string>, std::vector<SeriesEntry*>> groups;
  for (SeriesEntry& e : entries) {
    std::vector<std::string> key;
    key.reserve(plan.group_by.size());
    for (const std::string& k : plan.group_by) {
      const std::string* v = FindTag(e.info, k);
      key.push_back(v == nullptr ? std::string() : *v);
    }
    groups[std::move(key)].push_back(&e);
  }
  std::vector<const decltype(groups)::value_type*> order;
  int64_t skipped = 0;
  for (const auto& g : groups) {
    if (skipped++ < plan.soffset) continue;
    if (plan.slimit > 0 && static_cast<int64_t>(order.size()) >= plan.slimit) {
      break;
    }
    order.push_back(&g);
  }
  if (plan.descending) std::reverse(order.begin(), order.end());

  for (const auto* g : order) {
    ResultSeries rs;
    rs.name = plan.measurement;
    for (size_t i = 0; i < plan.group_by.size(); ++i) {
      rs.tags.emplace_back(plan.group_by[i], g->first[i]);
    }
    rs.columns.reserve(plan.columns.size() + 1);
    rs.columns.push_back("time");
    for (const Column& c : plan.columns) rs.columns.push_back(c.name);
    absl::Status s = plan.aggregate ? RunAggregateGroup(ctx, g->second, &rs)
                                    : RunRawGroup(ctx, g->second, &rs);
    if (!s.ok()) return s;
    if (!rs.values.empty()) out->push_back(std::move(rs));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ExecuteSelect(const influxql::SelectStatement& statement,
                           SeriesReader* reader, const ExecOptions& options,
                           StatementResult* result) {
  std::vector<std::string> measurements;
  if (statement.source.regex.has_value()) {
    std::regex re;
    try {
      re = std::regex(*statement.source.regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return absl::InvalidArgumentError(
          absl::StrFormat("invalid regular expression /%s/: %s",
                          *statement.source.regex, e.what()));
    }
    absl::StatusOr<std::vector<std::string>> all = reader->Measurements();
    if (!all.ok()) return all.status();
    for (std::string& m : *all) {
      if (m.size() <= kMaxRegexSubject && std::regex_search(m, re)) {
        measurements.push_back(std::move(m));
      }
    }
  } else {
    measurements.push_back(statement.source.name);
  }

  ExecContext ctx;
  ctx.reader = reader;
  ctx.max_rows = options.max_result_rows;
  std::vector<ResultSeries> series;
  for (const std::string& m : measurements) {
    absl::StatusOr<Plan> plan = BuildPlan(statement, m, reader);
    if (!plan.ok()) return plan.status();
    if (plan->empty) continue;
    ctx.plan = &*plan;
    if (absl::Status s = RunPlan(ctx, &series); !s.ok()) return s;
  }
  result->series = std::move(series);
  return absl::OkStatus();
}

}  // namespace strata::series
