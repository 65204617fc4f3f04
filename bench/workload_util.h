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
#include <vector>

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

// Times several engines on one query sequence, taking turns in slices of
// slice_s seconds, so that a drift of the machine (CPU or memory system,
// from other tenants) moves every engine's figure alike instead of only
// the one that ran during it. Slices are long enough for each engine to
// warm the CPU caches as it would running alone. Calls fn(engine, rep) ->
// absl::Status for reps 0, 1, ... of each engine until it made at least
// min_reps calls and spent budget_s seconds, or made max_reps. Returns each
// engine's mean seconds per call.
template <typename Fn>
absl::StatusOr<std::vector<double>> TimeInterleaved(size_t engines,
                                                    double budget_s,
                                                    int min_reps, int max_reps,
                                                    double slice_s, Fn fn) {
  std::vector<double> spent(engines, 0);
  std::vector<int> reps(engines, 0);
  auto done = [&](size_t e) {
    return reps[e] >= max_reps || (reps[e] >= min_reps && spent[e] >= budget_s);
  };
  for (bool more = true; more;) {
    more = false;
    for (size_t e = 0; e < engines; e++) {
      if (done(e)) continue;
      const double t = Now();
      do {
        absl::Status s = fn(e, reps[e]++);
        if (!s.ok()) return s;
      } while (reps[e] < max_reps && Now() - t < slice_s);
      spent[e] += Now() - t;
      more = more || !done(e);
    }
  }
  for (size_t e = 0; e < engines; e++) spent[e] /= std::max(reps[e], 1);
  return spent;
}

// Same count and sums equal to 1e-6 relative (engines add in different
// orders).
inline bool SameAnswer(int64_t n1, double s1, int64_t n2, double s2) {
  return n1 == n2 && std::fabs(s1 - s2) <=
                         1e-6 * std::max({1.0, std::fabs(s1), std::fabs(s2)});
}

}  // namespace strata::bench

#endif  // STRATA_BENCH_WORKLOAD_UTIL_H_
