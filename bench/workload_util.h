// Helpers shared by the workloads: fresh scratch directories, repeated
// timing within a time budget, CPU time, and answer cross-checks.
#ifndef STRATA_BENCH_WORKLOAD_UTIL_H_
#define STRATA_BENCH_WORKLOAD_UTIL_H_

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "report.h"
#include "workloads.h"

namespace strata::bench {

// Empties and returns cfg.dir/name.
inline std::string FreshDir(const BenchConfig& cfg, const std::string& name) {
  const std::string dir = cfg.dir + "/" + name;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  return dir;
}

inline void RemoveDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// CPU seconds used by the whole process (every thread) so far.
inline double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// Seconds each query kind may run per engine: small at tiny scales so
// the smoke run stays fast, capped so the default run fits its budget.
inline double QueryBudget(const BenchConfig& cfg) {
  return std::clamp(0.5 * cfg.scale, 0.01, 0.5);
}

// Calls fn(rep) -> absl::Status at least min_reps times and then until
// budget_s seconds have passed or max_reps calls were made. Returns the
// mean seconds per call.
template <typename Fn>
absl::StatusOr<double> TimeRepeated(double budget_s, int min_reps, int max_reps,
                                    Fn fn) {
  const double start = Now();
  int reps = 0;
  while (reps < max_reps && (reps < min_reps || Now() - start < budget_s)) {
    absl::Status s = fn(reps);
    if (!s.ok()) return s;
    reps++;
  }
  return (Now() - start) / std::max(reps, 1);
}

// Same count and sums equal to 1e-6 relative (engines add in different
// orders).
inline bool SameAnswer(int64_t n1, double s1, int64_t n2, double s2) {
  return n1 == n2 && std::fabs(s1 - s2) <=
                         1e-6 * std::max({1.0, std::fabs(s1), std::fabs(s2)});
}

}  // namespace strata::bench

#endif  // STRATA_BENCH_WORKLOAD_UTIL_H_
