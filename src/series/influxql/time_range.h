// Splits a WHERE condition into the time range it selects and the rest,
// the way InfluxDB 1.x does before it scans: `time` comparisons joined by
// AND are intersected into inclusive [min, max] bounds and removed.
#ifndef STRATA_SERIES_INFLUXQL_TIME_RANGE_H_
#define STRATA_SERIES_INFLUXQL_TIME_RANGE_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/statusor.h"
#include "series/influxql/ast.h"

namespace strata::influxql {

// Inclusive bounds in ns since the epoch. The default (no time condition)
// is the whole int64 range. min > max means nothing can match.
struct TimeRange {
  static constexpr int64_t kUnboundedMin = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kUnboundedMax = std::numeric_limits<int64_t>::max();

  int64_t min = kUnboundedMin;
  int64_t max = kUnboundedMax;

  bool HasMin() const { return min != kUnboundedMin; }
  bool HasMax() const { return max != kUnboundedMax; }
  bool Empty() const { return min > max; }
  bool Contains(int64_t t) const { return t >= min && t <= max; }
  void Intersect(const TimeRange& other);
  // "[2024-01-01T00:00:00Z, +inf]", "[-inf, 1970-01-01T00:00:00.5Z]".
  std::string ToString() const;

  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// Extracts the time range selected by `where` (nullptr: unbounded) with
// `now()` = now_ns. Time comparisons (time OP value or value OP time) with
// =, <, <=, >, >= map to bounds: time > x gives min x+1, time < x gives
// max x-1, time = x gives [x, x]; AND intersects. Values may be RFC 3339
// strings, integer or float ns epochs, durations (since the epoch),
// now(), and +, -, *, / between times, durations and integers, e.g.
// now() - 1h30m or '2024-01-01T00:00:00Z' + 1d.
//
// If remaining_condition is not null it receives a copy of `where` with
// the time comparisons removed (nullptr if nothing is left); parentheses
// around what is left are kept.
//
// OR with a time comparison on either side: see TimeOrPolicy.
//
// Errors (InvalidArgument, naming line and char), as InfluxDB:
//   "cannot use OR with time conditions"      (TimeOrPolicy::kReject)
//   "invalid time comparison operator: !="   (also =~, !~)
//   "invalid operation: time and 'today' are not compatible"
//   "invalid condition expression: value"     (a bare operand as condition)
enum class TimeOrPolicy {
  // An error: the statement cannot say what it means (for DELETE, where
  // guessing would remove the wrong points).
  kReject,
  // InfluxDB 1.x's SELECT (and DELETE): time comparisons are intersected
  // into the range wherever they are, OR included, and dropped from the
  // condition, so `time > a OR time < b` selects [a+1, b-1] and `host = 'x'
  // OR time > a` is `host = 'x'` over (a, +inf]. InfluxDB tried to make this
  // an error in 1.4 and reverted it (influxdb#8712, #8771); clients such as
  // Grafana depend on it.
  kIntersect,
};

absl::StatusOr<TimeRange> ExtractTimeRange(
    const Expr* where, int64_t now_ns, Expr::Ptr* remaining_condition,
    TimeOrPolicy or_policy = TimeOrPolicy::kReject);

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_TIME_RANGE_H_
