// The crash loop's child: a mixed workload (time-series points, JSON
// documents, point deletes, range deletes, TTL writes, flushes and
// compactions, with a concurrent reader) that logs every batch to the
// expected-state log (expected_state.h) and runs until it is killed.
#ifndef STRATA_STRESS_WORKLOAD_H_
#define STRATA_STRESS_WORKLOAD_H_

#include <cstdint>
#include <string>

#include "strata/options.h"

namespace strata::stress {

// The DB options of both the child and the verifying parent: small
// memtables and windows so flushes and compactions happen every second.
Options StressDbOptions();

struct ChildArgs {
  std::string db_dir;
  std::string log_path;
  uint64_t seed = 1;
};

// Runs the workload until killed. Returns (non-zero) only on an error,
// after printing it to stderr.
int RunChild(const ChildArgs& args);

}  // namespace strata::stress

#endif  // STRATA_STRESS_WORKLOAD_H_
