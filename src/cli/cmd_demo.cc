// `strata demo`: flags for the demo main job (src/cli/demo.h, owned by the
// demo). It writes to its own directory, never to --db, because it
// replaces its database on every run.
#include <string>
#include <vector>

#include "cli/context.h"
#include "cli/demo.h"

namespace strata::cli {

int RunDemo(CliContext& ctx, const std::vector<std::string>& args) {
  DemoOptions options;
  FlagSet flags(
      "strata demo [--dir DIR] [--scale X]",
      "Builds a fresh database of devops metrics and incident documents in\n"
      "DIR (replaced on every run; a directory that is not a Strata database\n"
      "is refused), runs representative queries with their timings, and\n"
      "leaves the database for `strata --db DIR query` and `shell`.");
  flags.AddString("dir", &options.dir, "DIR",
                  "demo database directory (default strata-demo-data)");
  flags.AddDouble("scale", &options.scale, "X",
                  "workload size, (0, 10]; 1 = 50 hosts over one day");
  if (auto r = ParseFlags(ctx, flags, "demo", args, 0, 0)) return *r;
  options.progress = !ctx.in_shell() && Progress::StderrWanted();
  options.out = ctx.out();
  return RunDemo(options);
}

}  // namespace strata::cli
