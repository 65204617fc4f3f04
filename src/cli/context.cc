// CliContext: lazy opening of the DB and its layers, error and usage
// reporting, and the command table with the top-level help.
#include "cli/context.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_format.h"
#include "lsm/filename.h"
#include "strata/env.h"

namespace strata::cli {

CliContext::CliContext(std::string db_dir, FILE* out, FILE* err)
    : db_dir_(std::move(db_dir)), out_(out), err_(err) {}

CliContext::~CliContext() { Close(); }

std::string CliContext::DefaultDbDir() {
  const char* env = std::getenv("STRATA_DB");
  if (env != nullptr && *env != '\0') return env;
  return "./strata-data";
}

void CliContext::set_db_dir(std::string dir) {
  if (dir == db_dir_) return;
  Close();
  db_dir_ = std::move(dir);
}

void CliContext::Close() {
  // Layers first: they hold pointers into the DB.
  docs_.reset();
  series_.reset();
  db_.reset();
}

absl::StatusOr<DB*> CliContext::Db(bool create) {
  if (db_ != nullptr) return db_.get();
  if (!Env::Default()->FileExists(CurrentFileName(db_dir_)) && !create) {
    return absl::NotFoundError(absl::StrFormat(
        "no database in %s (set --db DIR or $STRATA_DB; `strata write` or "
        "`strata docs create` makes one)",
        db_dir_));
  }
  Options options;
  options.create_if_missing = true;
  absl::StatusOr<std::unique_ptr<DB>> db = DB::Open(options, db_dir_);
  if (!db.ok()) return db.status();
  db_ = std::move(*db);
  return db_.get();
}

absl::StatusOr<TimeSeries*> CliContext::Series(bool create) {
  if (series_ != nullptr) return series_.get();
  absl::StatusOr<DB*> db = Db(create);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::unique_ptr<TimeSeries>> ts = TimeSeries::Open(*db);
  if (!ts.ok()) return ts.status();
  series_ = std::move(*ts);
  return series_.get();
}

absl::StatusOr<DocumentStore*> CliContext::Docs(bool create) {
  if (docs_ != nullptr) return docs_.get();
  absl::StatusOr<DB*> db = Db(create);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::unique_ptr<DocumentStore>> store =
      DocumentStore::Open(*db);
  if (!store.ok()) return store.status();
  docs_ = std::move(*store);
  return docs_.get();
}

void CliContext::Print(std::string_view text) const {
  std::fwrite(text.data(), 1, text.size(), out_);
}

void CliContext::PrintErr(std::string_view text) const {
  std::fwrite(text.data(), 1, text.size(), err_);
}

int Fail(CliContext& ctx, std::string_view command, const absl::Status& s) {
  return Fail(ctx, command, std::string(s.message()));
}

int Fail(CliContext& ctx, std::string_view command, std::string_view message) {
  std::fflush(ctx.out());
  ctx.PrintErr(absl::StrFormat("strata %s: %s\n", command, message));
  return kExitError;
}

int UsageError(CliContext& ctx, const FlagSet& flags, std::string_view command,
               std::string_view message) {
  std::fflush(ctx.out());
  ctx.PrintErr(absl::StrFormat("strata %s: %s\nusage: %s\n", command, message,
                               flags.usage()));
  if (!ctx.in_shell()) {
    ctx.PrintErr(
        absl::StrFormat("run 'strata %s --help' for details\n", command));
  }
  return kExitUsage;
}

std::optional<int> ParseFlags(CliContext& ctx, FlagSet& flags,
                              std::string_view command,
                              const std::vector<std::string>& args,
                              size_t min_pos, size_t max_pos) {
  switch (flags.Parse(args)) {
    case FlagSet::Result::kHelp:
      ctx.Print(flags.Help());
      return kExitOk;
    case FlagSet::Result::kError:
      return UsageError(ctx, flags, command, flags.error());
    case FlagSet::Result::kOk:
      break;
  }
  const size_t n = flags.positional().size();
  if (n < min_pos) {
    return UsageError(ctx, flags, command, "missing arguments");
  }
  if (n > max_pos) {
    return UsageError(ctx, flags, command,
                      absl::StrFormat("unexpected argument '%s'",
                                      flags.positional()[max_pos]));
  }
  return std::nullopt;
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"write", RunWrite, "write line protocol points from a file or stdin"},
      {"query", RunQuery, "run InfluxQL statements (table, csv or json out)"},
      {"docs", RunDocs, "JSON document collections: create, put, find, ..."},
      {"stats", RunStats, "print DB counters (or Prometheus text)"},
      {"compact", RunCompact, "compact every time window"},
      {"check", RunCheck, "verify every checksum; report damage by file"},
      {"dump", RunDump, "inspect SST, WAL and manifest files"},
      {"shell", RunShell, "interactive prompt for InfluxQL and docs commands"},
      {"demo", RunDemo, "build a demo database and run sample queries"},
  };
  return *commands;
}

const Command* FindCommand(std::string_view name) {
  for (const Command& c : Commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string TopLevelHelp() {
  std::string out =
      "usage: strata [--db DIR] <command> [flags] [args]\n\n"
      "Strata: an embedded time-series and JSON document store.\n\n"
      "commands:\n";
  for (const Command& c : Commands()) {
    out += absl::StrFormat("  %-8s %s\n", c.name, c.summary);
  }
  out +=
      "\nglobal flags:\n"
      "  --db DIR   data directory (default $STRATA_DB, else ./strata-data;\n"
      "             created by the first write)\n"
      "  --help     this help; '<command> --help' for a command's\n"
      "  --version  print the version\n"
      "\nexit status: 0 success, 1 error, 2 usage error.\n";
  return out;
}

}  // namespace strata::cli
