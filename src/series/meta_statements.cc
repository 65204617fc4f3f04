// SHOW, DELETE and DROP statements with InfluxDB 1.x results:
//   SHOW MEASUREMENTS  -> one series "measurements", columns [name]
//   SHOW TAG KEYS      -> one series per measurement, columns [tagKey]
//   SHOW TAG VALUES    -> one series per measurement, columns [key, value]
//   SHOW FIELD KEYS    -> one series per measurement, [fieldKey, fieldType]
//   SHOW SERIES        -> one unnamed series, columns [key]
//   DELETE / DROP      -> no series
// A measurement (or statement) with nothing to show has no series at all.
// LIMIT / OFFSET apply to the rows of each series, SLIMIT / SOFFSET to the
// series. Never writes anything for a SHOW.
#include "series/meta_statements.h"

#include <algorithm>
#include <regex>
#include <set>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/influxql/time_range.h"
#include "series/influxql_regex.h"
#include "series/key_codec.h"

namespace strata::series {

using influxql::BinaryExpr;
using influxql::BinaryOp;
using influxql::Expr;
using influxql::Measurement;
using influxql::Statement;

namespace {

absl::Status ErrorAt(influxql::Pos pos, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s at line %d, char %d", what, pos.line, pos.column));
}

// SHOW reads regexes exactly as SELECT does (influxql_regex.h).
absl::StatusOr<std::shared_ptr<const std::regex>> CompileRegex(
    std::string_view pattern, influxql::Pos pos) {
  absl::StatusOr<std::shared_ptr<const std::regex>> re =
      CompileInfluxRegex(pattern);
  if (!re.ok()) {
    return ErrorAt(pos, absl::StrFormat("invalid regex /%s/: %s",
                                        influxql::PrintableForMessage(pattern),
                                        std::string(re.status().message())));
  }
  return re;
}

}  // namespace

// ---------------------------------------------------------------------------
// TagCondition

struct TagCondition::Node {
  enum class Kind { kAnd, kOr, kEq, kNeq, kMatch, kNotMatch, kConst };
  Kind kind = Kind::kConst;
  bool constant = false;
  std::string tag;
  std::string value;
  std::shared_ptr<const std::regex> regex;
  std::unique_ptr<Node> lhs;
  std::unique_ptr<Node> rhs;
};

namespace {

using Node = TagCondition::Node;

std::string_view TagValue(const std::vector<Tag>& tags, std::string_view key) {
  auto it = std::lower_bound(
      tags.begin(), tags.end(), key,
      [](const Tag& t, std::string_view k) { return t.key < k; });
  if (it != tags.end() && it->key == key) return it->value;
  return {};
}

bool Eval(const Node& n, const std::vector<Tag>& tags) {
  switch (n.kind) {
    case Node::Kind::kAnd:
      return Eval(*n.lhs, tags) && Eval(*n.rhs, tags);
    case Node::Kind::kOr:
      return Eval(*n.lhs, tags) || Eval(*n.rhs, tags);
    case Node::Kind::kEq:
      return TagValue(tags, n.tag) == n.value;
    case Node::Kind::kNeq:
      return TagValue(tags, n.tag) != n.value;
    case Node::Kind::kMatch:
      return InfluxRegexSearch(*n.regex, TagValue(tags, n.tag));
    case Node::Kind::kNotMatch:
      return !InfluxRegexSearch(*n.regex, TagValue(tags, n.tag));
    case Node::Kind::kConst:
      return n.constant;
  }
  return false;
}

class ConditionCompiler {
 public:
  absl::StatusOr<std::unique_ptr<Node>> Compile(const Expr& e) {
    if (const auto* p = e.As<influxql::ParenExpr>()) return Compile(*p->expr);
    if (const auto* b = e.As<influxql::BooleanLiteral>()) {
      auto n = std::make_unique<Node>();
      n->constant = b->value;
      return n;
    }
    const BinaryExpr* b = e.As<BinaryExpr>();
    if (b == nullptr) {
      return ErrorAt(e.pos, absl::StrFormat("invalid condition expression: %s",
                                            e.ToString()));
    }
    if (b->op == BinaryOp::kAnd || b->op == BinaryOp::kOr) {
      absl::StatusOr<std::unique_ptr<Node>> lhs = Compile(*b->lhs);
      if (!lhs.ok()) return lhs.status();
      absl::StatusOr<std::unique_ptr<Node>> rhs = Compile(*b->rhs);
      if (!rhs.ok()) return rhs.status();
      auto n = std::make_unique<Node>();
      n->kind = b->op == BinaryOp::kAnd ? Node::Kind::kAnd : Node::Kind::kOr;
      n->lhs = *std::move(lhs);
      n->rhs = *std::move(rhs);
      return n;
    }
    return CompileComparison(*b);
  }

 private:
  absl::StatusOr<std::unique_ptr<Node>> CompileComparison(const BinaryExpr& b) {
    const Expr* ref_side = b.lhs.get();
    const Expr* lit_side = b.rhs.get();
    if (ref_side->As<influxql::VarRef>() == nullptr) {
      std::swap(ref_side, lit_side);
    }
    const auto* ref = ref_side->As<influxql::VarRef>();
    auto n = std::make_unique<Node>();
    switch (b.op) {
      case BinaryOp::kEq:
        n->kind = Node::Kind::kEq;
        break;
      case BinaryOp::kNeq:
        n->kind = Node::Kind::kNeq;
        break;
      case BinaryOp::kEqRegex:
        n->kind = Node::Kind::kMatch;
        break;
      case BinaryOp::kNeqRegex:
        n->kind = Node::Kind::kNotMatch;
        break;
      default:
        return ErrorAt(
            b.pos, absl::StrFormat("unsupported operator %s in a tag condition",
                                   BinaryOpSymbol(b.op)));
    }
    if (ref == nullptr) {
      return ErrorAt(
          b.pos, absl::StrFormat("invalid tag comparison: %s", b.ToString()));
    }
    n->tag = ref->name;
    const bool regex_op =
        n->kind == Node::Kind::kMatch || n->kind == Node::Kind::kNotMatch;
    if (regex_op) {
      const auto* re = lit_side->As<influxql::RegexLiteral>();
      if (re == nullptr) {
        return ErrorAt(
            b.pos, absl::StrFormat("%s needs a regex: %s", BinaryOpSymbol(b.op),
                                   b.ToString()));
      }
      absl::StatusOr<std::shared_ptr<const std::regex>> compiled =
          CompileRegex(re->pattern, re->pos);
      if (!compiled.ok()) return compiled.status();
      n->regex = *std::move(compiled);
      return n;
    }
    if (const auto* s = lit_side->As<influxql::StringLiteral>()) {
      n->value = s->value;
      return n;
    }
    return ErrorAt(b.pos,
                   absl::StrFormat("tags compare with a string or regex: %s",
                                   b.ToString()));
  }

  std::vector<std::string>* names_;
  std::vector<std::string>* field_names_;
};

}  // namespace

absl::StatusOr<TagCondition> TagCondition::Compile(const Expr* expr) {
  TagCondition c;
  if (expr == nullptr) return c;
  ConditionCompiler compiler;
  absl::StatusOr<std::unique_ptr<Node>> root = compiler.Compile(*expr);
  if (!root.ok()) return root.status();
  c.root_ = std::shared_ptr<const Node>(*std::move(root));
  return c;
}

bool TagCondition::Matches(const std::vector<Tag>& tags) const {
  return root_ == nullptr || Eval(*root_, tags);
}

// ---------------------------------------------------------------------------
// SHOW

namespace {

// Drops time comparisons from where (SHOW ignores time) and compiles the
// rest.
absl::StatusOr<TagCondition> ShowCondition(const Expr* where, int64_t now) {
  if (where == nullptr) return TagCondition();
  Expr::Ptr rest;
  absl::StatusOr<influxql::TimeRange> range =
      influxql::ExtractTimeRange(where, now, &rest);
  if (!range.ok()) return range.status();
  return TagCondition::Compile(rest.get());
}

// Keeps rows [offset, offset + limit); limit <= 0 means all.
template <typename T>
void ApplyLimit(std::vector<T>* rows, int64_t limit, int64_t offset) {
  if (offset > 0) {
    const size_t n = std::min<uint64_t>(offset, rows->size());
    rows->erase(rows->begin(), rows->begin() + n);
  }
  if (limit > 0 && static_cast<uint64_t>(limit) < rows->size()) {
    rows->resize(limit);
  }
}

absl::StatusOr<std::vector<std::string>> FilterNames(
    std::vector<std::string> names, const std::optional<Measurement>& source) {
  if (!source.has_value()) return names;
  std::vector<std::string> out;
  if (source->regex.has_value()) {
    absl::StatusOr<std::shared_ptr<const std::regex>> re =
        CompileRegex(*source->regex, source->pos);
    if (!re.ok()) return re.status();
    for (std::string& n : names) {
      if (InfluxRegexSearch(**re, n)) out.push_back(std::move(n));
    }
    return out;
  }
  if (std::binary_search(names.begin(), names.end(), source->name)) {
    out.push_back(source->name);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Sources(
    SeriesReader* reader, const std::optional<Measurement>& source) {
  absl::StatusOr<std::vector<std::string>> all = reader->Measurements();
  if (!all.ok()) return all.status();
  return FilterNames(*std::move(all), source);
}

// Series of m that match cond (all of them if cond is always true).
absl::StatusOr<std::vector<SeriesInfo>> MatchingSeries(
    SeriesReader* reader, std::string_view m, const TagCondition& cond,
    bool stop_at_first = false) {
  std::vector<SeriesInfo> out;
  bool stopped = false;
  absl::Status s = reader->ForEachSeries(m, [&](const SeriesInfo& info) {
    if (!cond.Matches(info.tags)) return absl::OkStatus();
    out.push_back(info);
    if (!stop_at_first) return absl::OkStatus();
    stopped = true;
    return absl::CancelledError("first match found");
  });
  if (!s.ok() && !stopped) return s;
  return out;
}

using Row = std::vector<QueryValue>;

// Appends a result series unless it has no rows; counts rows against the
// statement's budget.
class ResultBuilder {
 public:
  ResultBuilder(StatementResult* result, size_t max_rows)
      : result_(result), max_rows_(max_rows) {}

  absl::Status Add(std::string name, std::vector<std::string> columns,
                   std::vector<Row> rows) {
    if (rows.empty()) return absl::OkStatus();
    rows_ += rows.size();
    if (rows_ > max_rows_) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "result has more than max_result_rows (%d) rows", max_rows_));
    }
    ResultSeries s;
    s.name = std::move(name);
    s.columns = std::move(columns);
    s.values = std::move(rows);
    result_->series.push_back(std::move(s));
    return absl::OkStatus();
  }

 private:
  StatementResult* result_;
  size_t max_rows_;
  size_t rows_ = 0;
};

Row StringRow(std::string a) { return Row{QueryValue(std::move(a))}; }
Row StringRow(std::string a, std::string b) {
  return Row{QueryValue(std::move(a)), QueryValue(std::move(b))};
}

absl::Status ShowMeasurements(const influxql::ShowMeasurementsStatement& st,
                              SeriesReader* reader, ResultBuilder* out) {
  absl::StatusOr<std::vector<std::string>> names =
      Sources(reader, st.with_measurement);
  if (!names.ok()) return names.status();
  absl::StatusOr<TagCondition> cond =
      ShowCondition(st.condition.get(), reader->Now());
  if (!cond.ok()) return cond.status();
  std::vector<Row> rows;
  for (std::string& m : *names) {
    if (!cond->always_true()) {
      absl::StatusOr<std::vector<SeriesInfo>> any =
          MatchingSeries(reader, m, *cond, /*stop_at_first=*/true);
      if (!any.ok()) return any.status();
      if (any->empty()) continue;
    }
    rows.push_back(StringRow(std::move(m)));
  }
  ApplyLimit(&rows, st.limit, st.offset);
  return out->Add("measurements", {"name"}, std::move(rows));
}

absl::Status ShowTagKeys(const influxql::ShowTagKeysStatement& st,
                         SeriesReader* reader, StatementResult* result,
                         size_t max_rows) {
  absl::StatusOr<std::vector<std::string>> names = Sources(reader, st.source);
  if (!names.ok()) return names.status();
  absl::StatusOr<TagCondition> cond =
      ShowCondition(st.condition.get(), reader->Now());
  if (!cond.ok()) return cond.status();
  StatementResult all;
  ResultBuilder out(&all, max_rows);
  for (const std::string& m : *names) {
    std::vector<std::string> keys;
    if (cond->always_true()) {
      absl::StatusOr<std::vector<std::string>> k = reader->TagKeys(m);
      if (!k.ok()) return k.status();
      keys = *std::move(k);
    } else {
      absl::StatusOr<std::vector<SeriesInfo>> series =
          MatchingSeries(reader, m, *cond);
      if (!series.ok()) return series.status();
      std::set<std::string> set;
      for (const SeriesInfo& s : *series) {
        for (const Tag& t : s.tags) set.insert(t.key);
      }
      keys.assign(set.begin(), set.end());
    }
    std::vector<Row> rows;
    for (std::string& k : keys) rows.push_back(StringRow(std::move(k)));
    ApplyLimit(&rows, st.limit, st.offset);
    if (absl::Status s = out.Add(m, {"tagKey"}, std::move(rows)); !s.ok()) {
      return s;
    }
  }
  ApplyLimit(&all.series, st.slimit, st.soffset);
  for (ResultSeries& s : all.series) result->series.push_back(std::move(s));
  return absl::OkStatus();
}

absl::StatusOr<bool> KeyFilterMatcher(const influxql::TagKeyFilter& filter,
                                      std::shared_ptr<const std::regex>* re) {
  using Op = influxql::TagKeyFilter::Op;
  if (filter.op == Op::kEqRegex || filter.op == Op::kNeqRegex) {
    absl::StatusOr<std::shared_ptr<const std::regex>> c =
        CompileRegex(filter.regex, influxql::Pos{});
    if (!c.ok()) return c.status();
    *re = *std::move(c);
  }
  return true;
}

bool KeyPasses(const influxql::TagKeyFilter& filter, const std::regex* re,
               std::string_view key) {
  using Op = influxql::TagKeyFilter::Op;
  switch (filter.op) {
    case Op::kEq:
      return !filter.keys.empty() && key == filter.keys[0];
    case Op::kNeq:
      return filter.keys.empty() || key != filter.keys[0];
    case Op::kIn:
      return std::find(filter.keys.begin(), filter.keys.end(), key) !=
             filter.keys.end();
    case Op::kEqRegex:
      return InfluxRegexSearch(*re, key);
    case Op::kNeqRegex:
      return !InfluxRegexSearch(*re, key);
  }
  return false;
}

absl::Status ShowTagValues(const influxql::ShowTagValuesStatement& st,
                           SeriesReader* reader, ResultBuilder* out) {
  absl::StatusOr<std::vector<std::string>> names = Sources(reader, st.source);
  if (!names.ok()) return names.status();
  absl::StatusOr<TagCondition> cond =
      ShowCondition(st.condition.get(), reader->Now());
  if (!cond.ok()) return cond.status();
  std::shared_ptr<const std::regex> key_re;
  if (absl::StatusOr<bool> ok = KeyFilterMatcher(st.key, &key_re); !ok.ok()) {
    return ok.status();
  }
  for (const std::string& m : *names) {
    std::vector<Row> rows;
    if (cond->always_true()) {
      absl::StatusOr<std::vector<std::string>> keys = reader->TagKeys(m);
      if (!keys.ok()) return keys.status();
      for (const std::string& k : *keys) {
        if (!KeyPasses(st.key, key_re.get(), k)) continue;
        absl::StatusOr<std::vector<std::string>> values =
            reader->TagValues(m, k);
        if (!values.ok()) return values.status();
        for (std::string& v : *values) rows.push_back(StringRow(k, v));
      }
    } else {
      absl::StatusOr<std::vector<SeriesInfo>> series =
          MatchingSeries(reader, m, *cond);
      if (!series.ok()) return series.status();
      std::set<std::pair<std::string, std::string>> set;
      for (const SeriesInfo& s : *series) {
        for (const Tag& t : s.tags) {
          if (KeyPasses(st.key, key_re.get(), t.key)) {
            set.emplace(t.key, t.value);
          }
        }
      }
      for (const auto& [k, v] : set) rows.push_back(StringRow(k, v));
    }
    ApplyLimit(&rows, st.limit, st.offset);
    if (absl::Status s = out->Add(m, {"key", "value"}, std::move(rows));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ShowFieldKeys(const influxql::ShowFieldKeysStatement& st,
                           SeriesReader* reader, ResultBuilder* out) {
  absl::StatusOr<std::vector<std::string>> names = Sources(reader, st.source);
  if (!names.ok()) return names.status();
  for (const std::string& m : *names) {
    absl::StatusOr<std::vector<FieldInfo>> fields = reader->Fields(m);
    if (!fields.ok()) return fields.status();
    std::vector<Row> rows;
    for (FieldInfo& f : *fields) {
      rows.push_back(
          StringRow(std::move(f.name), std::string(FieldTypeName(f.type))));
    }
    ApplyLimit(&rows, st.limit, st.offset);
    if (absl::Status s =
            out->Add(m, {"fieldKey", "fieldType"}, std::move(rows));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ShowSeries(const influxql::ShowSeriesStatement& st,
                        SeriesReader* reader, ResultBuilder* out) {
  absl::StatusOr<std::vector<std::string>> names = Sources(reader, st.source);
  if (!names.ok()) return names.status();
  absl::StatusOr<TagCondition> cond =
      ShowCondition(st.condition.get(), reader->Now());
  if (!cond.ok()) return cond.status();
  std::vector<std::string> keys;
  for (const std::string& m : *names) {
    absl::StatusOr<std::vector<SeriesInfo>> series =
        MatchingSeries(reader, m, *cond);
    if (!series.ok()) return series.status();
    for (SeriesInfo& s : *series) keys.push_back(std::move(s.key));
  }
  std::sort(keys.begin(), keys.end());
  ApplyLimit(&keys, st.limit, st.offset);
  std::vector<Row> rows;
  rows.reserve(keys.size());
  for (std::string& k : keys) rows.push_back(StringRow(std::move(k)));
  return out->Add("", {"key"}, std::move(rows));
}

}  // namespace

absl::Status ExecuteShow(const Statement& statement, SeriesReader* reader,
                         const ExecOptions& options, StatementResult* result) {
  ResultBuilder out(result, options.max_result_rows);
  switch (statement.kind) {
    case influxql::StatementKind::kShowMeasurements:
      return ShowMeasurements(
          *statement.As<influxql::ShowMeasurementsStatement>(), reader, &out);
    case influxql::StatementKind::kShowTagKeys:
      return ShowTagKeys(*statement.As<influxql::ShowTagKeysStatement>(),
                         reader, result, options.max_result_rows);
    case influxql::StatementKind::kShowTagValues:
      return ShowTagValues(*statement.As<influxql::ShowTagValuesStatement>(),
                           reader, &out);
    case influxql::StatementKind::kShowFieldKeys:
      return ShowFieldKeys(*statement.As<influxql::ShowFieldKeysStatement>(),
                           reader, &out);
    case influxql::StatementKind::kShowSeries:
      return ShowSeries(*statement.As<influxql::ShowSeriesStatement>(), reader,
                        &out);
    default:
      return absl::InvalidArgumentError("not a SHOW statement");
  }
}

// ---------------------------------------------------------------------------
// DELETE and DROP

namespace {

// Every variable a condition names.
void CollectVarRefs(const Expr* e, std::vector<const influxql::VarRef*>* out) {
  if (e == nullptr) return;
  if (const auto* ref = e->As<influxql::VarRef>()) {
    out->push_back(ref);
  } else if (const auto* p = e->As<influxql::ParenExpr>()) {
    CollectVarRefs(p->expr.get(), out);
  } else if (const auto* b = e->As<BinaryExpr>()) {
    CollectVarRefs(b->lhs.get(), out);
    CollectVarRefs(b->rhs.get(), out);
  }
}

// Deletes (or with drop_series drops) the matching series of every source
// measurement, with t0 <= ts < t1.
absl::Status DeleteMatching(SeriesStore* store,
                            const std::optional<Measurement>& source,
                            const Expr* tag_expr, Timestamp t0, Timestamp t1,
                            bool drop_series) {
  absl::StatusOr<std::vector<std::string>> names =
      FilterNames(store->Measurements(), source);
  if (!names.ok()) return names.status();
  // As InfluxDB: deletes select series by tags only.
  std::vector<const influxql::VarRef*> refs;
  CollectVarRefs(tag_expr, &refs);
  for (const influxql::VarRef* ref : refs) {
    bool is_field = ref->type != influxql::DataType::kUnknown &&
                    ref->type != influxql::DataType::kTag;
    FieldType type;
    for (const std::string& m : *names) {
      is_field = is_field || store->LookupFieldType(m, ref->name, &type);
    }
    if (is_field) {
      return absl::InvalidArgumentError(
          "fields not supported in WHERE clause during deletion");
    }
  }
  absl::StatusOr<TagCondition> cond = TagCondition::Compile(tag_expr);
  if (!cond.ok()) return cond.status();
  const TagCondition& c = *cond;
  for (const std::string& m : *names) {
    absl::StatusOr<size_t> n = store->DeleteSeries(
        m, [&c](const SeriesInfo& s) { return c.Matches(s.tags); }, t0, t1,
        drop_series);
    if (!n.ok()) return n.status();
  }
  return absl::OkStatus();
}

absl::Status ExecuteDelete(const influxql::DeleteStatement& st,
                           SeriesStore* store) {
  Expr::Ptr rest;
  absl::StatusOr<influxql::TimeRange> range = influxql::ExtractTimeRange(
      st.condition.get(), store->env()->NowNanos(), &rest);
  if (!range.ok()) return range.status();
  if (range->Empty()) return absl::OkStatus();
  // Inclusive [min, max] -> [t0, t1). INT64_MAX is never a point time.
  const Timestamp t0 = range->min;
  const Timestamp t1 =
      range->max == kMaxTimestamp ? kMaxTimestamp : range->max + 1;
  return DeleteMatching(store, st.source, rest.get(), t0, t1,
                        /*drop_series=*/false);
}

absl::Status ExecuteDropSeries(const influxql::DropSeriesStatement& st,
                               SeriesStore* store) {
  Expr::Ptr rest;
  absl::StatusOr<influxql::TimeRange> range = influxql::ExtractTimeRange(
      st.condition.get(), store->env()->NowNanos(), &rest);
  if (!range.ok()) return range.status();
  if (range->HasMin() || range->HasMax()) {
    return absl::InvalidArgumentError(
        "DROP SERIES doesn't support time in WHERE clause");
  }
  return DeleteMatching(store, st.source, rest.get(), kMinTimestamp,
                        kMaxTimestamp, /*drop_series=*/true);
}

}  // namespace

absl::Status ExecuteDeleteOrDrop(const Statement& statement,
                                 SeriesStore* store) {
  switch (statement.kind) {
    case influxql::StatementKind::kDelete:
      return ExecuteDelete(*statement.As<influxql::DeleteStatement>(), store);
    case influxql::StatementKind::kDropSeries:
      return ExecuteDropSeries(*statement.As<influxql::DropSeriesStatement>(),
                               store);
    case influxql::StatementKind::kDropMeasurement:
      return store->DropMeasurement(
          statement.As<influxql::DropMeasurementStatement>()->name);
    default:
      return absl::InvalidArgumentError("not a DELETE or DROP statement");
  }
}

absl::Status ExecuteMetaStatement(const Statement& statement,
                                  SeriesStore* store,
                                  const ExecOptions& options,
                                  StatementResult* result) {
  switch (statement.kind) {
    case influxql::StatementKind::kDelete:
    case influxql::StatementKind::kDropSeries:
    case influxql::StatementKind::kDropMeasurement:
      return ExecuteDeleteOrDrop(statement, store);
    case influxql::StatementKind::kSelect:
      return absl::InvalidArgumentError("SELECT is not a meta statement");
    default: {
      std::unique_ptr<SeriesDbReader> reader = store->NewReader();
      return ExecuteShow(statement, reader.get(), options, result);
    }
  }
}

}  // namespace strata::series
