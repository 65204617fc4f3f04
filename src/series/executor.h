// The InfluxQL SELECT executor: evaluates one parsed SELECT statement over
// a SeriesReader with InfluxDB 1.x semantics (series selection by tags,
// field conditions, aggregates, GROUP BY time/tags, fill, ordering, limits).
#ifndef STRATA_SERIES_EXECUTOR_H_
#define STRATA_SERIES_EXECUTOR_H_

#include <cstddef>

#include "series/influxql/ast.h"
#include "series/series_reader.h"
#include "strata/series.h"

namespace strata::series {

struct ExecOptions {
  size_t max_result_rows = 10'000'000;
};

// Fills result->series (or returns an error for this statement, e.g. a
// field type mismatch or too many rows). statement_id is set by the caller.
absl::Status ExecuteSelect(const influxql::SelectStatement& statement,
                           SeriesReader* reader, const ExecOptions& options,
                           StatementResult* result);

}  // namespace strata::series

#endif  // STRATA_SERIES_EXECUTOR_H_
