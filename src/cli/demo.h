// `strata demo`, the main job: builds a fresh database of realistic devops
// metrics and incident documents, then runs and prints a handful of
// representative queries with their timings and block counts, and leaves
// the database behind for `strata query` and `strata shell`. Uses only the
// public API (include/strata/).
#ifndef STRATA_CLI_DEMO_H_
#define STRATA_CLI_DEMO_H_

#include <cstdio>
#include <string>

namespace strata::cli {

struct DemoOptions {
  // Where the database goes. Replaced on every run; a directory that exists
  // and does not look like a Strata database is refused, never emptied.
  std::string dir = "strata-demo-data";
  // Draw a progress bar on stderr (the caller passes "stderr is a
  // terminal").
  bool progress = false;
  // Workload size: hosts and incidents scale with it (1.0 = 50 hosts and
  // 20,000 incidents over one day). (0, 10].
  double scale = 1.0;
  // Where the report goes; stdout by default. Not owned.
  FILE* out = stdout;
};

// Runs the demo. Returns the process exit code: 0 on success, 1 on an error
// or an unexpected result (reported on stderr), 2 for invalid options.
int RunDemo(const DemoOptions& options);

}  // namespace strata::cli

#endif  // STRATA_CLI_DEMO_H_
