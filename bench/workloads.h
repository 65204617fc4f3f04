// The named workloads of strata-bench. Each measures Strata and its peers
// in the same run and adds rows (and plot curves) to the report; a
// workload whose Strata layer is missing from the build records itself as
// skipped instead of failing.
#ifndef STRATA_BENCH_WORKLOADS_H_
#define STRATA_BENCH_WORKLOADS_H_

#include <string>

#include "absl/status/status.h"
#include "report.h"

namespace strata::bench {

struct BenchConfig {
  double scale = 1.0;  // 1.0 = the documented default size
  std::string dir;     // scratch space, wiped per workload
};

// Storage core over the SeriesStore interface.
absl::Status RunCoreWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunSustainedWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunRetentionWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunGetsWorkload(const BenchConfig& cfg, Report* report);
// Time series over the TsEngine interface (line protocol in).
absl::Status RunIngestWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunQueriesWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunScalingWorkload(const BenchConfig& cfg, Report* report);
// Documents over the DocEngine interface.
absl::Status RunDocsWorkload(const BenchConfig& cfg, Report* report);

// Closes what workloads kept open for later ones (the ingested devops day).
void ReleaseSharedState();

}  // namespace strata::bench

#endif  // STRATA_BENCH_WORKLOADS_H_
