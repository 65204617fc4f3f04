// TimeSeries (include/strata/series.h) over a SeriesStore: writes go to
// the store; queries are parsed once, and each statement runs on its own
// fresh snapshot: SELECT through the executor, the rest through
// meta_statements. A failed statement records its error and the others
// still run.
#include <algorithm>
#include <memory>
#include <utility>

#include "series/executor.h"
#include "series/influxql/parser.h"
#include "series/meta_statements.h"
#include "series/series_store.h"
#include "strata/series.h"

namespace strata {
namespace {

class TimeSeriesImpl : public TimeSeries {
 public:
  TimeSeriesImpl(std::unique_ptr<series::SeriesStore> store,
                 const TimeSeriesOptions& options)
      : store_(std::move(store)), options_(options) {}

  absl::Status WritePoints(const std::vector<Point>& points,
                           bool sync) override {
    return store_->WritePoints(points, sync);
  }

  absl::StatusOr<WriteResult> WriteLineProtocol(
      std::string_view text, const LineProtocolWriteOptions& options) override {
    return store_->WriteLineProtocol(text, options);
  }

  absl::StatusOr<QueryResult> Query(std::string_view influxql) override {
    influxql::ParseOptions parse_options;
    parse_options.max_query_bytes =
        std::max<size_t>(1, options_.max_query_bytes);
    absl::StatusOr<influxql::Query> query =
        influxql::ParseQuery(influxql, parse_options);
    if (!query.ok()) return query.status();
    series::ExecOptions exec;
    exec.max_result_rows = options_.max_result_rows;
    QueryResult out;
    out.results.reserve(query->statements.size());
    for (size_t i = 0; i < query->statements.size(); ++i) {
      const influxql::Statement& stmt = *query->statements[i];
      StatementResult result;
      result.statement_id = static_cast<int>(i);
      absl::Status s;
      if (const auto* select = stmt.As<influxql::SelectStatement>()) {
        std::unique_ptr<series::SeriesDbReader> reader = store_->NewReader();
        s = series::ExecuteSelect(*select, reader.get(), exec, &result);
      } else {
        s = series::ExecuteMetaStatement(stmt, store_.get(), exec, &result);
      }
      if (!s.ok()) {
        result.error = s;
        result.series.clear();
      }
      out.results.push_back(std::move(result));
    }
    return out;
  }

  absl::Status SetRetention(std::string_view measurement,
                            int64_t retention_ns) override {
    return store_->SetRetention(measurement, retention_ns);
  }

 private:
  const std::unique_ptr<series::SeriesStore> store_;
  const TimeSeriesOptions options_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TimeSeries>> TimeSeries::Open(
    DB* db, const TimeSeriesOptions& options) {
  absl::StatusOr<std::unique_ptr<series::SeriesStore>> store =
      series::SeriesStore::Open(db, options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<TimeSeries>(
      new TimeSeriesImpl(*std::move(store), options));
}

}  // namespace strata
