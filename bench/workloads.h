// The named workloads of strata-bench.
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

absl::Status RunCoreWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunSustainedWorkload(const BenchConfig& cfg, Report* report);
absl::Status RunRetentionWorkload(const BenchConfig& cfg, Report* report);

}  // namespace strata::bench

#endif  // STRATA_BENCH_WORKLOADS_H_
