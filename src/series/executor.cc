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
#include <optional>
#include <regex>

#include "absl/strings/str_format.h"
#include "series/exec_group.h"
#include "series/exec_plan.h"
#include "series/influxql_regex.h"
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

FieldScan* ExecContext::scan(size_t i) {
  while (scans.size() <= i) {
    scans.push_back(reader->NewFieldScan(plan->measurement, plan->scan_t0,
                                         plan->scan_t1, ScanPattern::kAll));
  }
  return scans[i].get();
}

FieldScan* ExecContext::ends_scan() {
  if (ends == nullptr) {
    ends = reader->NewFieldScan(plan->measurement, plan->scan_t0, plan->scan_t1,
                                ScanPattern::kEnds);
  }
  return ends.get();
}

absl::Status SeriesError(const absl::Status& s, const SeriesInfo& series) {
  if (absl::IsDataLoss(s)) {
    return CorruptionError(series.key, 0, std::string(s.message()));
  }
  return Annotate(s, absl::StrFormat("series %s", series.key));
}

namespace {

// The series the condition's required tags allow, through the reader's tag
// index (the shortest list of those tags'), or nullopt: every series.
absl::StatusOr<std::optional<std::vector<const SeriesInfo*>>> Candidates(
    SeriesReader* reader, const Plan& plan) {
  std::optional<std::vector<const SeriesInfo*>> best;
  for (const auto& [key, value] : plan.condition.RequiredTags()) {
    absl::StatusOr<std::vector<const SeriesInfo*>> series =
        reader->SeriesByTag(plan.measurement, key, value);
    if (!series.ok()) return series.status();
    if (!best.has_value() || series->size() < best->size()) {
      best = *std::move(series);
    }
    if (best->empty()) break;
  }
  return best;
}

// Converts the values of cast columns (`f::integer` on a float field):
// they are read as stored and converted here, after the rows are chosen.
void ApplyCasts(const Plan& plan, ResultSeries* rs) {
  for (size_t c = 0; c < plan.columns.size(); ++c) {
    const Column& col = plan.columns[c];
    if (col.kind != Column::Kind::kField || !col.cast.has_value()) continue;
    for (std::vector<QueryValue>& row : rs->values) {
      if (c + 1 >= row.size()) break;
      QueryValue& cell = row[c + 1];  // after time
      Val v;
      if (const double* f = std::get_if<double>(&cell)) {
        v = Val::Float(*f);
      } else if (const int64_t* i = std::get_if<int64_t>(&cell)) {
        v = Val::Int(*i);
      } else if (const uint64_t* u = std::get_if<uint64_t>(&cell)) {
        v = Val::Uint(*u);
      } else {
        continue;
      }
      cell = ToQueryValue(CastNumeric(v, *col.cast));
    }
  }
}

// Runs one plan (one measurement), appending result series.
absl::Status RunPlan(ExecContext& ctx, std::vector<ResultSeries>* out) {
  const Plan& plan = *ctx.plan;
  ctx.scans.clear();  // scans read one plan's measurement
  ctx.ends.reset();
  // Series that the condition does not rule out by their tags.
  std::deque<SeriesEntry> entries;
  const auto add = [&](const SeriesInfo& info) -> absl::Status {
    entries.emplace_back();
    SeriesEntry& e = entries.back();
    e.info = &info;
    e.verdict = plan.condition.Bind(info.tags, &e.binding);
    if (!e.binding.error.ok()) return e.binding.error;
    if (e.verdict == Verdict::kNone) entries.pop_back();
    return absl::OkStatus();
  };
  absl::StatusOr<std::optional<std::vector<const SeriesInfo*>>> candidates =
      Candidates(ctx.reader, plan);
  if (!candidates.ok()) return candidates.status();
  if (candidates->has_value()) {
    for (const SeriesInfo* info : **candidates) {
      if (absl::Status s = add(*info); !s.ok()) return s;
    }
  } else if (absl::Status s = ctx.reader->ForEachSeries(plan.measurement, add);
             !s.ok()) {
    return s;
  }

  // Tag sets, ordered by their values (keys are the sorted GROUP BY tags).
  std::map<std::vector<std::string>, std::vector<SeriesEntry*>> groups;
  if (plan.group_by.empty()) {
    std::vector<SeriesEntry*>& all = groups[{}];
    all.reserve(entries.size());
    for (SeriesEntry& e : entries) all.push_back(&e);
  }
  for (SeriesEntry& e : entries) {
    if (plan.group_by.empty()) break;
    std::vector<std::string> key;
    key.reserve(plan.group_by.size());
    for (const std::string& k : plan.group_by) {
      const std::string* v = FindTag(*e.info, k);
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
    ApplyCasts(plan, &rs);
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
    absl::StatusOr<std::shared_ptr<const std::regex>> re =
        CompileInfluxRegex(*statement.source.regex);
    if (!re.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "invalid regular expression /%s/: %s",
          influxql::PrintableForMessage(*statement.source.regex),
          std::string(re.status().message())));
    }
    absl::StatusOr<std::vector<std::string>> all = reader->Measurements();
    if (!all.ok()) return all.status();
    for (std::string& m : *all) {
      if (m.size() <= kMaxRegexSubject && InfluxRegexSearch(**re, m)) {
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
