// What every strata command shares: the data directory, the output streams,
// the DB and its layers (opened lazily, once, so the shell keeps them open
// across statements), error reporting and the command table. Commands
// never exit the process; they return an exit code (flags.h).
#ifndef STRATA_CLI_CONTEXT_H_
#define STRATA_CLI_CONTEXT_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/flags.h"
#include "cli/output.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/series.h"

namespace strata::cli {

class CliContext {
 public:
  CliContext(std::string db_dir, FILE* out, FILE* err);
  ~CliContext();
  CliContext(const CliContext&) = delete;
  CliContext& operator=(const CliContext&) = delete;

  // --db, else $STRATA_DB, else ./strata-data.
  static std::string DefaultDbDir();

  const std::string& db_dir() const { return db_dir_; }
  void set_db_dir(std::string dir);
  FILE* out() const { return out_; }
  FILE* err() const { return err_; }

  // The DB, opened on first use. Commands that write pass create = true
  // (the directory is created on first write); the others get NotFound
  // naming the directory when there is no DB there.
  absl::StatusOr<DB*> Db(bool create);
  absl::StatusOr<TimeSeries*> Series(bool create);
  absl::StatusOr<DocumentStore*> Docs(bool create);
  // Closes the layers and the DB (waits for background work).
  void Close();

  // Inside `strata shell`: commands do not print their own usage banners
  // for errors and the DB stays open between statements.
  bool in_shell() const { return in_shell_; }
  void set_in_shell(bool v) { in_shell_ = v; }

  void Print(std::string_view text) const;
  void PrintErr(std::string_view text) const;

 private:
  std::string db_dir_;
  FILE* out_;
  FILE* err_;
  bool in_shell_ = false;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> series_;
  std::unique_ptr<DocumentStore> docs_;
};

// Prints "strata <command>: <message>" on stderr; returns kExitError.
int Fail(CliContext& ctx, std::string_view command, const absl::Status& s);
int Fail(CliContext& ctx, std::string_view command, std::string_view message);
// Prints "strata <command>: <message>" and a pointer to --help; returns
// kExitUsage.
int UsageError(CliContext& ctx, const FlagSet& flags, std::string_view command,
               std::string_view message);
// Parses flags: prints help (returning kExitOk) or a usage error (returning
// kExitUsage) when parsing should stop; nullopt to go on. Also checks the
// positional count is within [min_pos, max_pos].
std::optional<int> ParseFlags(CliContext& ctx, FlagSet& flags,
                              std::string_view command,
                              const std::vector<std::string>& args,
                              size_t min_pos, size_t max_pos);

// A command: args are everything after the command word.
using CommandFn = int (*)(CliContext& ctx,
                          const std::vector<std::string>& args);

struct Command {
  const char* name;
  CommandFn run;
  const char* summary;
};

// Every top-level command, in help order.
const std::vector<Command>& Commands();
// The command named name, or nullptr.
const Command* FindCommand(std::string_view name);
// `strata --help`.
std::string TopLevelHelp();

// The commands (one file per group).
int RunWrite(CliContext& ctx, const std::vector<std::string>& args);
int RunQuery(CliContext& ctx, const std::vector<std::string>& args);
int RunDocs(CliContext& ctx, const std::vector<std::string>& args);
int RunStats(CliContext& ctx, const std::vector<std::string>& args);
int RunCompact(CliContext& ctx, const std::vector<std::string>& args);
int RunCheck(CliContext& ctx, const std::vector<std::string>& args);
int RunDump(CliContext& ctx, const std::vector<std::string>& args);
int RunShell(CliContext& ctx, const std::vector<std::string>& args);
int RunDemo(CliContext& ctx, const std::vector<std::string>& args);

// Shared with the shell: runs InfluxQL and prints it in format.
int ExecuteQuery(CliContext& ctx, std::string_view influxql,
                 OutputFormat format, EpochFormat epoch);

}  // namespace strata::cli

#endif  // STRATA_CLI_CONTEXT_H_
