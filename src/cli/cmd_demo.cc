// `strata demo`: loads demo data. A stub until its owner lands it; it
// already parses --help so the command table and tests treat it like
// every other command.
#include <string>
#include <vector>

#include "cli/context.h"

namespace strata::cli {

int RunDemo(CliContext& ctx, const std::vector<std::string>& args) {
  FlagSet flags("strata demo", "Loads demo data (not yet implemented).");
  if (auto r = ParseFlags(ctx, flags, "demo", args, 0, SIZE_MAX)) return *r;
  return Fail(ctx, "demo", "not yet implemented");
}

}  // namespace strata::cli
