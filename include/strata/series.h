// TimeSeries: the time-series layer over a DB. InfluxDB 1.x data model
// (measurement, tags, typed fields, ns timestamps), line protocol ingest,
// and an InfluxQL subset with the same results as InfluxDB 1.x.
//
// Storage layout, catalog and value encodings: schema/series.md.
#ifndef STRATA_SERIES_H_
#define STRATA_SERIES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/db.h"
#include "strata/point.h"

namespace strata {

struct TimeSeriesOptions {
  // Default retention for every measurement, by point timestamp: points
  // older than now - retention are invisible at once and their space is
  // reclaimed by compaction. 0 = keep forever.
  int64_t default_retention_ns = 0;
  // Result rows a query may return before it fails with ResourceExhausted.
  size_t max_result_rows = 10'000'000;
  // Longest accepted query text.
  size_t max_query_bytes = 1 << 20;
  // Clock for now() in queries and for retention. Use the DB's Env so both
  // agree on "now". Default nullptr: Env::Default(). Not owned.
  Env* env = nullptr;
};

struct LineProtocolWriteOptions {
  // "ns" (default), "us", "ms" or "s".
  std::string precision = "ns";
  // Write the valid lines and report each invalid one; by default one
  // invalid line rejects the whole batch and nothing is written.
  bool skip_invalid = false;
  bool sync = false;
};

struct WriteResult {
  uint64_t points_written = 0;  // lines
  uint64_t values_written = 0;  // field values
  // With skip_invalid: one entry per rejected line, "line L, column C: why".
  std::vector<std::string> rejected;
};

// A value in a query result. monostate = null.
using QueryValue =
    std::variant<std::monostate, double, int64_t, uint64_t, bool, std::string>;

struct ResultSeries {
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;  // sorted by key
  std::vector<std::string> columns;  // columns[0] is "time" for SELECT
  std::vector<std::vector<QueryValue>> values;  // time as int64_t ns
};

struct StatementResult {
  int statement_id = 0;
  absl::Status error;  // a failed statement does not stop the others
  std::vector<ResultSeries> series;
};

struct QueryResult {
  std::vector<StatementResult> results;
};

// How result times are printed in InfluxDB's JSON.
enum class EpochFormat {
  kRfc3339,
  kNanoseconds,
  kMicroseconds,
  kMilliseconds,
  kSeconds
};

// InfluxDB 1.x /query response JSON: {"results":[{"statement_id":0,
// "series":[{"name":..,"tags":{..},"columns":[..],"values":[[..]]}]}]}.
std::string ToInfluxJson(const QueryResult& result,
                         EpochFormat epoch = EpochFormat::kRfc3339);

class TimeSeries {
 public:
  // Layers the time-series API over db (not owned; must outlive this).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TimeSeries>> Open(
      DB* db, const TimeSeriesOptions& options = {});
  virtual ~TimeSeries() = default;

  // Writes points atomically. A field whose type conflicts with the type
  // already recorded for that measurement is InvalidArgument naming it.
  [[nodiscard]] virtual absl::Status WritePoints(
      const std::vector<Point>& points, bool sync = false) = 0;
  // Parses and writes line protocol; errors name line and column.
  [[nodiscard]] virtual absl::StatusOr<WriteResult> WriteLineProtocol(
      std::string_view text, const LineProtocolWriteOptions& options = {}) = 0;

  // Runs one or more ';'-separated InfluxQL statements. A syntax error
  // fails the call (InvalidArgument with position); execution errors are
  // reported per statement.
  [[nodiscard]] virtual absl::StatusOr<QueryResult> Query(
      std::string_view influxql) = 0;

  // Per-measurement retention override (0 = use the default).
  [[nodiscard]] virtual absl::Status SetRetention(std::string_view measurement,
                                                  int64_t retention_ns) = 0;
};

}  // namespace strata

#endif  // STRATA_SERIES_H_
