// Internal to the executor: the series of one result series (a GROUP BY
// tag set) and the per-statement context shared by the raw and aggregate
// paths (row budget, reader).
#ifndef STRATA_SERIES_EXEC_GROUP_H_
#define STRATA_SERIES_EXEC_GROUP_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "series/exec_condition.h"
#include "series/exec_plan.h"
#include "series/series_reader.h"
#include "strata/series.h"

namespace strata::series {

// One selected series with its bound condition. Must not move after
// binding: the binding views its tag strings.
struct SeriesEntry {
  SeriesInfo info;
  Verdict verdict = Verdict::kAll;
  SeriesBinding binding;
};

struct ExecContext {
  SeriesReader* reader = nullptr;
  const Plan* plan = nullptr;
  size_t max_rows = 0;
  size_t rows = 0;  // result rows so far in this statement

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
