// The strata command-line tool: global flags (--db, --help, --version) and
// dispatch to the command table in context.cc. Everything else lives in
// the cmd_*.cc files.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"

#ifndef STRATA_VERSION
#define STRATA_VERSION "unknown"
#endif

namespace {

// Takes --db DIR / --db=DIR out of args (anywhere before a "--"), so it
// works before or after the command word. False if --db lacks its value.
bool ExtractDbFlag(std::vector<std::string>* args, std::string* dir) {
  std::vector<std::string> rest;
  bool ok = true;
  bool done = false;
  for (size_t i = 0; i < args->size(); ++i) {
    const std::string& a = (*args)[i];
    if (done || a.rfind("--db", 0) != 0) {
      if (a == "--") done = true;
      rest.push_back(a);
    } else if (a == "--db") {
      if (i + 1 < args->size()) {
        *dir = (*args)[++i];
      } else {
        ok = false;
      }
    } else if (a.rfind("--db=", 0) == 0) {
      *dir = a.substr(5);
    } else {
      rest.push_back(a);  // some other flag starting with --db
    }
  }
  *args = std::move(rest);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace strata::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string dir = CliContext::DefaultDbDir();
  if (!ExtractDbFlag(&args, &dir) || dir.empty()) {
    std::fprintf(stderr, "strata: flag --db needs a directory\n%s",
                 TopLevelHelp().c_str());
    return kExitUsage;
  }
  if (args.empty()) {
    std::fprintf(stderr, "%s", TopLevelHelp().c_str());
    return kExitUsage;
  }
  const std::string& word = args[0];
  if (word == "--help" || word == "-h" || word == "help") {
    std::printf("%s", TopLevelHelp().c_str());
    return kExitOk;
  }
  if (word == "--version" || word == "version") {
    std::printf("strata %s\n", STRATA_VERSION);
    return kExitOk;
  }
  const Command* command = FindCommand(word);
  if (command == nullptr) {
    std::fprintf(stderr, "strata: unknown command '%s'\n%s", word.c_str(),
                 TopLevelHelp().c_str());
    return kExitUsage;
  }
  CliContext ctx(dir, stdout, stderr);
  args.erase(args.begin());
  const int code = command->run(ctx, args);
  ctx.Close();
  if (std::fflush(stdout) != 0 && code == kExitOk) {
    std::fprintf(stderr, "strata: writing output failed\n");
    return kExitError;
  }
  return code;
}
