// SELECT planning (see exec_plan.h): names, types, wildcards, time range.
#include "series/exec_plan.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_format.h"

namespace strata::series {

namespace {

using influxql::DataType;

bool HintMatches(DataType hint, FieldType type) {
  switch (hint) {
    case DataType::kUnknown:
    case DataType::kField:
      return true;
    case DataType::kFloat:
      return type == FieldType::kFloat;
    case DataType::kInteger:
      return type == FieldType::kInteger;
    case DataType::kUnsigned:
      return type == FieldType::kUnsigned;
    case DataType::kString:
      return type == FieldType::kString;
    case DataType::kBoolean:
      return type == FieldType::kBoolean;
    case DataType::kTag:
      return false;
  }
  return false;
}

// The type a ::float / ::integer / ::unsigned hint converts a field of
// another numeric type to (InfluxDB 1.x casts those); nullopt otherwise.
std::optional<FieldType> NumericCastTo(DataType hint, FieldType stored) {
  FieldType to;
  switch (hint) {
    case DataType::kFloat:
      to = FieldType::kFloat;
      break;
    case DataType::kInteger:
      to = FieldType::kInteger;
      break;
    case DataType::kUnsigned:
      to = FieldType::kUnsigned;
      break;
    default:
      return std::nullopt;
  }
  const bool numeric = stored == FieldType::kFloat ||
                       stored == FieldType::kInteger ||
                       stored == FieldType::kUnsigned;
  if (!numeric || stored == to) return std::nullopt;
  return to;
}

std::string_view GoIteratorType(FieldType t) {
  switch (t) {
    case FieldType::kFloat:
      return "float";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kUnsigned:
      return "unsigned";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kString:
      return "string";
  }
  return "";
}

// Builds the plan; keeps the catalog lookups in one place.
class Planner {
 public:
  Planner(const influxql::SelectStatement& stmt, std::string_view m,
          SeriesReader* reader)
      : stmt_(stmt), reader_(reader) {
    plan_.measurement = std::string(m);
  }

  absl::StatusOr<Plan> Run();

 private:
  // Plan field index of `name`, adding it on first use; -1 if no such
  // field (or the hint excludes it).
  int FieldIndex(std::string_view name, DataType hint);
  // FieldIndex, or a numeric field the hint casts (read as stored).
  ResolvedField Resolve(std::string_view name, DataType hint);
  const FieldInfo* Catalog(std::string_view name) const;
  bool IsTag(std::string_view name) const {
    return std::binary_search(plan_.tag_keys.begin(), plan_.tag_keys.end(),
                              name);
  }
  absl::Status AddColumns(const influxql::Field& f,
                          std::vector<std::pair<Column, bool>>* out);
  absl::Status AddCall(const influxql::Field& f, const influxql::Call& call,
                       std::vector<std::pair<Column, bool>>* out);
  void NameColumns(std::vector<std::pair<Column, bool>>* cols);

  const influxql::SelectStatement& stmt_;
  SeriesReader* reader_;
  Plan plan_;
  std::vector<FieldInfo> catalog_;  // sorted by name
};

const FieldInfo* Planner::Catalog(std::string_view name) const {
  auto it = std::lower_bound(
      catalog_.begin(), catalog_.end(), name,
      [](const FieldInfo& f, std::string_view n) { return f.name < n; });
  if (it == catalog_.end() || it->name != name) return nullptr;
  return &*it;
}

int Planner::FieldIndex(std::string_view name, DataType hint) {
  const FieldInfo* info = Catalog(name);
  if (info == nullptr || !HintMatches(hint, info->type)) return -1;
  for (size_t i = 0; i < plan_.fields.size(); ++i) {
    if (plan_.fields[i].name == name) return static_cast<int>(i);
  }
  plan_.fields.push_back(*info);
  return static_cast<int>(plan_.fields.size() - 1);
}

ResolvedField Planner::Resolve(std::string_view name, DataType hint) {
  ResolvedField r;
  r.index = FieldIndex(name, hint);
  if (r.index >= 0) return r;
  const FieldInfo* info = Catalog(name);
  if (info == nullptr) return r;
  r.cast = NumericCastTo(hint, info->type);
  if (r.cast.has_value()) r.index = FieldIndex(name, DataType::kUnknown);
  return r;
}

absl::Status Planner::AddCall(const influxql::Field& f,
                              const influxql::Call& call,
                              std::vector<std::pair<Column, bool>>* out) {
  std::optional<AggFn> fn = ParseAggFn(call.name);
  if (!fn.has_value() || call.args.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("undefined function %s()", call.name));
  }
  Column c;
  c.kind = Column::Kind::kAggregate;
  c.fn = *fn;
  if (*fn == AggFn::kPercentile) {
    if (call.args.size() != 2) {
      return absl::InvalidArgumentError(
          "invalid number of arguments for percentile, expected 2");
    }
    if (const auto* i = call.args[1]->As<influxql::IntegerLiteral>()) {
      c.percentile = static_cast<double>(i->value);
    } else if (const auto* n = call.args[1]->As<influxql::NumberLiteral>()) {
      c.percentile = n->value;
    } else {
      return absl::InvalidArgumentError(
          "expected float argument in percentile()");
    }
  }
  const influxql::Expr& arg = *call.args[0];
  if (const auto* w = arg.As<influxql::Wildcard>()) {
    // fn(*): one column per field of a type fn accepts, "fn_field".
    const std::string prefix = f.alias.empty() ? call.name : f.alias;
    for (const FieldInfo& info : catalog_) {
      if (w->type == DataType::kTag || !AggSupports(*fn, info.type)) continue;
      Column e = c;
      e.field = FieldIndex(info.name, DataType::kUnknown);
      e.name = prefix + "_" + info.name;
      out->emplace_back(std::move(e), true);
    }
    return absl::OkStatus();
  }
  const auto* ref = arg.As<influxql::VarRef>();
  if (ref == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("expected field argument in %s()", call.name));
  }
  if (const FieldInfo* info = Catalog(ref->name);
      info != nullptr && ref->type != DataType::kTag &&
      HintMatches(ref->type, info->type)) {
    if (!AggSupports(*fn, info->type)) {
      // InfluxDB 1.x's text, naming its Go iterator type.
      return absl::InvalidArgumentError(absl::StrFormat(
          "unsupported %s iterator type: *query.%sInterruptIterator", call.name,
          GoIteratorType(info->type)));
    }
    c.field = FieldIndex(ref->name, ref->type);
  }
  c.name = f.alias.empty() ? call.name : f.alias;
  out->emplace_back(std::move(c), !f.alias.empty());
  return absl::OkStatus();
}

absl::Status Planner::AddColumns(const influxql::Field& f,
                                 std::vector<std::pair<Column, bool>>* out) {
  const influxql::Expr& e = *f.expr;
  if (const auto* call = e.As<influxql::Call>()) return AddCall(f, *call, out);
  if (const auto* ref = e.As<influxql::VarRef>()) {
    if (ref->IsTime()) return absl::OkStatus();  // time is always column 0
    Column c;
    c.name = f.alias.empty() ? ref->name : f.alias;
    const ResolvedField field = ref->type == DataType::kTag
                                    ? ResolvedField()
                                    : Resolve(ref->name, ref->type);
    if (field.index >= 0) {
      c.kind = Column::Kind::kField;
      c.field = field.index;
      c.cast = field.cast;
    } else if ((ref->type == DataType::kUnknown ||
                ref->type == DataType::kTag) &&
               IsTag(ref->name)) {
      c.kind = Column::Kind::kTag;
      c.tag =
          static_cast<int>(std::lower_bound(plan_.tag_keys.begin(),
                                            plan_.tag_keys.end(), ref->name) -
                           plan_.tag_keys.begin());
    }
    out->emplace_back(std::move(c), !f.alias.empty());
    return absl::OkStatus();
  }
  if (const auto* w = e.As<influxql::Wildcard>()) {
    // Fields and tags (except GROUP BY tags) merged in name order, as
    // InfluxDB expands SELECT *.
    std::map<std::string, std::vector<Column>> by_name;
    if (w->type != DataType::kTag) {
      for (const FieldInfo& info : catalog_) {
        Column c;
        c.kind = Column::Kind::kField;
        c.name = info.name;
        c.field = FieldIndex(info.name, DataType::kUnknown);
        by_name[info.name].push_back(std::move(c));
      }
    }
    if (w->type != DataType::kField) {
      for (size_t i = 0; i < plan_.tag_keys.size(); ++i) {
        const std::string& key = plan_.tag_keys[i];
        if (std::binary_search(plan_.group_by.begin(), plan_.group_by.end(),
                               key)) {
          continue;
        }
        Column c;
        c.kind = Column::Kind::kTag;
        c.name = key;
        c.tag = static_cast<int>(i);
        by_name[key].push_back(std::move(c));
      }
    }
    for (auto& [name, cols] : by_name) {
      for (Column& c : cols) out->emplace_back(std::move(c), false);
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("unsupported field in SELECT: %s",
                      influxql::PrintableForMessage(e.ToString())));
}

// InfluxDB's column naming: aliases keep their names; generated names that
// collide get "_1", "_2", ... suffixes.
void Planner::NameColumns(std::vector<std::pair<Column, bool>>* cols) {
  std::map<std::string, int> used;
  for (auto& [c, alias] : *cols) {
    if (alias) used[c.name] = 1;
  }
  for (auto& [c, alias] : *cols) {
    if (alias) continue;
    std::string name = c.name;
    auto it = used.find(name);
    if (it != used.end()) {
      int count = it->second;
      while (true) {
        std::string candidate = absl::StrFormat("%s_%d", name, count);
        if (used.find(candidate) == used.end()) {
          it->second = count + 1;
          name = std::move(candidate);
          break;
        }
        ++count;
      }
    }
    ++used[name];
    c.name = std::move(name);
  }
}

absl::StatusOr<Plan> Planner::Run() {
  absl::StatusOr<std::vector<FieldInfo>> fields =
      reader_->Fields(plan_.measurement);
  if (!fields.ok()) return fields.status();
  catalog_ = *std::move(fields);
  std::sort(
      catalog_.begin(), catalog_.end(),
      [](const FieldInfo& a, const FieldInfo& b) { return a.name < b.name; });
  absl::StatusOr<std::vector<std::string>> tags =
      reader_->TagKeys(plan_.measurement);
  if (!tags.ok()) return tags.status();
  plan_.tag_keys = *std::move(tags);
  std::sort(plan_.tag_keys.begin(), plan_.tag_keys.end());

  // Dimensions.
  for (const influxql::Dimension& d : stmt_.dimensions) {
    switch (d.kind) {
      case influxql::Dimension::Kind::kTime:
        plan_.interval = d.interval;
        plan_.offset = d.offset % d.interval;
        break;
      case influxql::Dimension::Kind::kTag:
        plan_.group_by.push_back(d.tag);
        break;
      case influxql::Dimension::Kind::kWildcard:
        plan_.group_by.insert(plan_.group_by.end(), plan_.tag_keys.begin(),
                              plan_.tag_keys.end());
        break;
    }
  }
  std::sort(plan_.group_by.begin(), plan_.group_by.end());
  plan_.group_by.erase(
      std::unique(plan_.group_by.begin(), plan_.group_by.end()),
      plan_.group_by.end());

  // Columns.
  std::vector<std::pair<Column, bool>> cols;
  for (const influxql::Field& f : stmt_.fields) {
    if (absl::Status s = AddColumns(f, &cols); !s.ok()) return s;
  }
  NameColumns(&cols);
  int calls = 0;
  const Column* first_call = nullptr;
  for (auto& [c, alias] : cols) {
    if (c.kind == Column::Kind::kAggregate) {
      ++calls;
      if (first_call == nullptr) first_call = &c;
    }
  }
  plan_.aggregate = !stmt_.IsRawQuery();
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].first.kind != Column::Kind::kAggregate && plan_.aggregate) {
      if (calls > 1) {
        return absl::InvalidArgumentError(
            "mixing multiple selector functions with tags or fields is not "
            "supported");
      }
      if (first_call != nullptr && !IsSelector(first_call->fn)) {
        return absl::InvalidArgumentError(
            "mixing aggregate and non-aggregate queries is not supported");
      }
      plan_.aux_columns.push_back(static_cast<int>(i));
    }
  }
  if (!plan_.aggregate) {
    if (stmt_.fill == influxql::FillOption::kNone) {
      return absl::InvalidArgumentError(
          "fill(none) must be used with a function");
    }
    if (stmt_.fill == influxql::FillOption::kLinear) {
      return absl::InvalidArgumentError(
          "fill(linear) must be used with a function");
    }
  }
  if (plan_.interval != 0 && !plan_.aggregate) {
    return absl::InvalidArgumentError(
        "GROUP BY requires at least one aggregate function");
  }
  for (auto& [c, alias] : cols) plan_.columns.push_back(std::move(c));
  plan_.keep_point_time = calls == 1 && first_call != nullptr &&
                          IsSelector(first_call->fn) && plan_.interval == 0;

  // Time range and condition. InfluxDB 1.x never rejects `time` under OR
  // in a SELECT: every time comparison is intersected into the range and
  // dropped from the condition (influxdb#9227, #8771).
  influxql::Expr::Ptr rest;
  absl::StatusOr<influxql::TimeRange> range =
      influxql::ExtractTimeRange(stmt_.condition.get(), reader_->Now(), &rest,
                                 influxql::TimeOrPolicy::kIntersect);
  if (!range.ok()) return range.status();
  plan_.range = *range;
  if (plan_.interval != 0 && !plan_.range.HasMax()) {
    plan_.range.max = reader_->Now();
  }
  absl::StatusOr<Condition> cond = Condition::Compile(
      rest.get(),
      [this](std::string_view name, DataType hint) {
        return Resolve(name, hint);
      },
      plan_.tag_keys);
  if (!cond.ok()) return cond.status();
  plan_.condition = *std::move(cond);

  const Timestamp floor = reader_->RetentionFloor(plan_.measurement);
  plan_.scan_t0 = std::max({plan_.range.min, floor, kMinPointTime});
  const Timestamp last = std::min(plan_.range.max, kMaxPointTime);
  plan_.scan_t1 = last + 1;
  plan_.empty = catalog_.empty() || plan_.range.Empty() || plan_.scan_t0 > last;

  plan_.fill = stmt_.fill;
  plan_.fill_value = stmt_.fill_value;
  plan_.descending = stmt_.descending;
  plan_.limit = stmt_.limit;
  plan_.offset_rows = stmt_.offset;
  plan_.slimit = stmt_.slimit;
  plan_.soffset = stmt_.soffset;
  return std::move(plan_);
}

}  // namespace

std::optional<AggFn> ParseAggFn(std::string_view name) {
  static constexpr std::pair<std::string_view, AggFn> kFns[] = {
      {"count", AggFn::kCount},
      {"sum", AggFn::kSum},
      {"mean", AggFn::kMean},
      {"median", AggFn::kMedian},
      {"min", AggFn::kMin},
      {"max", AggFn::kMax},
      {"first", AggFn::kFirst},
      {"last", AggFn::kLast},
      {"spread", AggFn::kSpread},
      {"stddev", AggFn::kStddev},
      {"percentile", AggFn::kPercentile},
  };
  for (const auto& [n, fn] : kFns) {
    if (n == name) return fn;
  }
  return std::nullopt;
}

std::string_view AggFnName(AggFn fn) {
  switch (fn) {
    case AggFn::kCount:
      return "count";
    case AggFn::kSum:
      return "sum";
    case AggFn::kMean:
      return "mean";
    case AggFn::kMedian:
      return "median";
    case AggFn::kMin:
      return "min";
    case AggFn::kMax:
      return "max";
    case AggFn::kFirst:
      return "first";
    case AggFn::kLast:
      return "last";
    case AggFn::kSpread:
      return "spread";
    case AggFn::kStddev:
      return "stddev";
    case AggFn::kPercentile:
      return "percentile";
  }
  return "";
}

bool IsSelector(AggFn fn) {
  return fn == AggFn::kMin || fn == AggFn::kMax || fn == AggFn::kFirst ||
         fn == AggFn::kLast || fn == AggFn::kPercentile;
}

bool AggSupports(AggFn fn, FieldType type) {
  const bool numeric = type == FieldType::kFloat ||
                       type == FieldType::kInteger ||
                       type == FieldType::kUnsigned;
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kFirst:
    case AggFn::kLast:
      return true;
    case AggFn::kMin:
    case AggFn::kMax:
      return numeric || type == FieldType::kBoolean;
    default:
      return numeric;
  }
}

absl::StatusOr<Plan> BuildPlan(const influxql::SelectStatement& stmt,
                               std::string_view measurement,
                               SeriesReader* reader) {
  return Planner(stmt, measurement, reader).Run();
}

}  // namespace strata::series
