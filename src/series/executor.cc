// Placeholder until the executor lands.
#include "series/executor.h"

namespace strata::series {

absl::Status ExecuteSelect(const influxql::SelectStatement& statement,
                           SeriesReader* reader, const ExecOptions& options,
                           StatementResult* result) {
  return absl::UnimplementedError("SELECT is not implemented yet");
}

}  // namespace strata::series
