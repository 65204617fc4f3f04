// Internal to the executor: the series of one result series (a GROUP BY
// tag set) and the per-statement context shared by the raw and aggregate
// paths (row budget, reader).
#ifndef STRATA_SERIES_EXEC_GROUP_H_
#define STRATA_SERIES_EXEC_GROUP_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "series/exec_condition.h"
#include "series/exec_plan.h"
#include "series/series_reader.h"
#include "strata/series.h"

namespace strata::series {

// One selected series with its bound condition. The SeriesInfo belongs to
// the reader (valid for its life), as do the tag strings the binding views.
struct SeriesEntry {
  const SeriesInfo* info = nullptr;
  Verdict verdict = Verdict::kAll;
  SeriesBinding binding;
};

struct ExecContext {
  SeriesReader* reader = nullptr;
  const Plan* plan = nullptr;
  size_t max_rows = 0;
  size_t rows = 0;  // result rows so far in this statement
  // Field scans over the plan's measurement and scan range, made on first
  // use and shared by every group of the plan: scan(i) is the i-th of those
  // read at the same time (RowReader joins one per field), ends_scan() the
  // one for reads of a pair's first or last point only.
  std::vector<std::unique_ptr<FieldScan>> scans;
  std::unique_ptr<FieldScan> ends;

  FieldScan* scan(size_t i);
  FieldScan* ends_scan();

  // Accounts for n more result rows; ResourceExhausted past max_rows.
  absl::Status ChargeRows(size_t n);
  absl::Status TooManyRows() const;
};

// The value of tag `key` in a series, or nullptr.
const std::string* FindTag(const SeriesInfo& s, const std::string& key);

// Annotates a read error with the series it came from.
absl::Status SeriesError(const absl::Status& s, const SeriesInfo& series);

// Fill `out->values` for one group (rows already ordered and limited).
absl::Status RunRawGroup(ExecContext& ctx,
                         const std::vector<SeriesEntry*>& group,
                         ResultSeries* out);
absl::Status RunAggregateGroup(ExecContext& ctx,
                               const std::vector<SeriesEntry*>& group,
                               ResultSeries* out);

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_GROUP_H_
