// The InfluxQL statements other than SELECT: SHOW MEASUREMENTS / TAG KEYS /
// TAG VALUES / FIELD KEYS / SERIES (read through a SeriesReader, with
// InfluxDB 1.x result shapes), and DELETE, DROP SERIES, DROP MEASUREMENT
// (written through the SeriesStore). Also the tag conditions of their
// WHERE clauses, evaluated against a series' tags.
#ifndef STRATA_SERIES_META_STATEMENTS_H_
#define STRATA_SERIES_META_STATEMENTS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "series/executor.h"
#include "series/influxql/ast.h"
#include "series/series_reader.h"
#include "series/series_store.h"
#include "strata/series.h"

namespace strata::series {

// A WHERE clause over tags: =, != (<>), =~, !~ between a tag and a string
// or regex literal (either side), combined with AND, OR and parentheses.
// A missing tag reads as the empty string, as in InfluxDB. Regexes use
// ECMAScript syntax (close to RE2 for the usual patterns; a leading "(?i)"
// is honoured) and match anywhere in the value unless anchored.
class TagCondition {
 public:
  // expr == nullptr matches every series. InvalidArgument, naming the
  // place, for anything else (e.g. a field comparison with a number).
  static absl::StatusOr<TagCondition> Compile(const influxql::Expr* expr);

  // tags sorted by key.
  bool Matches(const std::vector<Tag>& tags) const;
  bool always_true() const { return root_ == nullptr; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// Runs one SHOW statement over reader into result->series. Time conditions
// in WHERE are accepted and ignored (the catalog is not partitioned by
// time). Statement errors are returned.
absl::Status ExecuteShow(const influxql::Statement& statement,
                         SeriesReader* reader, const ExecOptions& options,
                         StatementResult* result);

// Runs DELETE, DROP SERIES or DROP MEASUREMENT through store.
absl::Status ExecuteDeleteOrDrop(const influxql::Statement& statement,
                                 SeriesStore* store);

// Any non-SELECT statement: SHOW on a fresh snapshot of store, or the
// writes above.
absl::Status ExecuteMetaStatement(const influxql::Statement& statement,
                                  SeriesStore* store,
                                  const ExecOptions& options,
                                  StatementResult* result);

}  // namespace strata::series

#endif  // STRATA_SERIES_META_STATEMENTS_H_
