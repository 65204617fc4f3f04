// Query planning for SELECT: resolves one statement against one
// measurement's catalog into a Plan the executor runs. Expands wildcards,
// names columns as InfluxDB does (aliases, "mean_value", "_1" suffixes),
// checks aggregate argument types, extracts the time range (max = now()
// for GROUP BY time without an upper bound) and compiles the condition.
// Reads only the catalog, never points.
#ifndef STRATA_SERIES_EXEC_PLAN_H_
#define STRATA_SERIES_EXEC_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "series/exec_condition.h"
#include "series/influxql/ast.h"
#include "series/influxql/time_range.h"
#include "series/series_reader.h"

namespace strata::series {

enum class AggFn {
  kCount,
  kSum,
  kMean,
  kMedian,
  kMin,
  kMax,
  kFirst,
  kLast,
  kSpread,
  kStddev,
  kPercentile,
};

std::optional<AggFn> ParseAggFn(std::string_view name);
std::string_view AggFnName(AggFn fn);
// Selectors return a real point (its time and, with GROUP BY-less
// queries, the other fields of its row).
bool IsSelector(AggFn fn);
// Whether InfluxDB 1.x has an iterator for fn over this field type.
bool AggSupports(AggFn fn, FieldType type);

// One output column after "time".
struct Column {
  enum class Kind { kNull, kField, kTag, kAggregate };
  Kind kind = Kind::kNull;
  std::string name;
  int field = -1;  // kField, kAggregate: index into Plan::fields (-1: none)
  int tag = -1;    // kTag: index into Plan::tag_keys
  // kField: values converted to this type (a ::float / ::integer /
  // ::unsigned hint on another numeric type, see CastNumeric).
  std::optional<FieldType> cast;
  AggFn fn = AggFn::kCount;
  double percentile = 0;  // kPercentile
};

struct Plan {
  std::string measurement;
  bool empty = false;  // nothing can match (no fields, empty time range)

  std::vector<FieldInfo> fields;      // the fields the query reads
  std::vector<std::string> tag_keys;  // of the measurement, sorted
  std::vector<Column> columns;

  bool aggregate = false;        // columns are aggregates (+ aux columns)
  bool keep_point_time = false;  // one selector, no GROUP BY time
  std::vector<int> aux_columns;  // raw columns beside one selector

  std::vector<std::string> group_by;  // tag keys, sorted, unique
  int64_t interval = 0;               // GROUP BY time; 0 = none
  int64_t offset = 0;

  // The query's time range with defaults applied, and the half-open scan
  // range [scan_t0, scan_t1) clamped to the retention floor.
  influxql::TimeRange range;
  Timestamp scan_t0 = 0;
  Timestamp scan_t1 = 0;

  Condition condition;
  influxql::FillOption fill = influxql::FillOption::kNull;
  std::variant<int64_t, double> fill_value = int64_t{0};

  bool descending = false;
  int64_t limit = 0, offset_rows = 0, slimit = 0, soffset = 0;
};

absl::StatusOr<Plan> BuildPlan(const influxql::SelectStatement& stmt,
                               std::string_view measurement,
                               SeriesReader* reader);

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_PLAN_H_
