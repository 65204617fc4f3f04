// `strata shell`: an interactive prompt (or a script on stdin) that keeps
// the DB open across statements. Each line is one of:
//   InfluxQL                 SELECT ... ; SHOW ... (';' separates several)
//   docs <subcommand> ...    as on the command line; JSON needs no quoting
//   insert <line protocol>   writes one line of line protocol
//   stats | compact | dump   the admin commands
//   format table|csv|json, epoch rfc3339|ns|us|ms|s, help, exit
// Exit status 1 if any statement failed.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/shell_words.h"

namespace strata::cli {
namespace {

constexpr size_t kMaxShellLine = 16 << 20;

constexpr const char* kShellHelp =
    "statements, one per line:\n"
    "  SELECT ... / SHOW ... / DELETE ... / DROP ...   InfluxQL (';' "
    "separates several)\n"
    "  docs <subcommand> [args]   e.g. docs put users {\"_id\":\"a\",\"n\":1}\n"
    "  insert <line protocol>     e.g. insert cpu,host=a value=1.5\n"
    "  stats [--prometheus] | compact | dump sst|wal|manifest [FILE]\n"
    "  format table|csv|json      output format of queries\n"
    "  epoch rfc3339|ns|us|ms|s   how query times are printed\n"
    "  help | exit\n"
    "arguments: 'single quotes' group words; {...} and [...] JSON and\n"
    "\"JSON strings\" are kept whole.\n";

// Reads one line (without '\n') of at most max bytes; a longer line is
// consumed and reported through *too_long. False at EOF with nothing read.
bool ReadLine(FILE* in, std::string* line, size_t max, bool* too_long) {
  line->clear();
  *too_long = false;
  char buf[4096];
  bool any = false;
  while (std::fgets(buf, sizeof(buf), in) != nullptr) {
    any = true;
    std::string_view part(buf);
    const bool end = !part.empty() && part.back() == '\n';
    if (end) part.remove_suffix(1);
    if (line->size() + part.size() > max) {
      *too_long = true;
    } else if (!*too_long) {
      line->append(part);
    }
    if (end) break;
  }
  if (*too_long) line->clear();
  return any;
}

class Shell {
 public:
  explicit Shell(CliContext& ctx) : ctx_(ctx) {}

  // Runs one line; false if the statement failed.
  bool Execute(std::string_view raw) {
    std::string_view line = StripWhitespace(raw);
    if (line.empty() || line.starts_with("--") || line.front() == '#') {
      return true;
    }
    const size_t sp = line.find_first_of(" \t");
    std::string word(line.substr(0, sp));
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const std::string_view rest = sp == std::string_view::npos
                                      ? std::string_view()
                                      : StripWhitespace(line.substr(sp));
    if (word == "help" || word == "\\?") {
      ctx_.Print(kShellHelp);
      return true;
    }
    if (word == "format") return SetFormat(rest);
    if (word == "epoch" || word == "precision") return SetEpoch(rest);
    if (word == "insert") return Insert(rest);
    if (word == "docs" || word == "stats" || word == "compact" ||
        word == "dump") {
      absl::StatusOr<std::vector<std::string>> args = SplitShellWords(rest);
      if (!args.ok()) {
        Fail(ctx_, word, args.status());
        return false;
      }
      return FindCommand(word)->run(ctx_, *args) == kExitOk;
    }
    if (FindCommand(word) != nullptr) {
      Fail(ctx_, word, "not available inside the shell");
      return false;
    }
    return ExecuteQuery(ctx_, line, format_, epoch_) == kExitOk;
  }

 private:
  bool SetFormat(std::string_view v) {
    absl::StatusOr<OutputFormat> f = ParseOutputFormat(v);
    if (!f.ok()) {
      Fail(ctx_, "format", f.status());
      return false;
    }
    format_ = *f;
    return true;
  }

  bool SetEpoch(std::string_view v) {
    absl::StatusOr<EpochFormat> e = ParseEpoch(v);
    if (!e.ok()) {
      Fail(ctx_, "epoch", e.status());
      return false;
    }
    epoch_ = *e;
    return true;
  }

  bool Insert(std::string_view lp) {
    absl::StatusOr<TimeSeries*> ts = ctx_.Series(/*create=*/true);
    if (!ts.ok()) {
      Fail(ctx_, "insert", ts.status());
      return false;
    }
    absl::StatusOr<WriteResult> r = (*ts)->WriteLineProtocol(lp);
    if (!r.ok()) {
      Fail(ctx_, "insert", r.status());
      return false;
    }
    return true;
  }

  CliContext& ctx_;
  OutputFormat format_ = OutputFormat::kTable;
  EpochFormat epoch_ = EpochFormat::kRfc3339;
};

}  // namespace

int RunShell(CliContext& ctx, const std::vector<std::string>& args) {
  FlagSet flags("strata shell",
                std::string("Reads statements from stdin: a prompt on a "
                            "terminal, a script otherwise.\n") +
                    kShellHelp);
  if (auto r = ParseFlags(ctx, flags, "shell", args, 0, 0)) return *r;
  const bool interactive = ::isatty(STDIN_FILENO) == 1;
  ctx.set_in_shell(true);
  Shell shell(ctx);
  if (interactive) {
    ctx.Print(absl::StrFormat(
        "strata shell on %s; 'help' for statements, 'exit' to leave\n",
        ctx.db_dir()));
  }
  bool all_ok = true;
  std::string line;
  bool too_long = false;
  uint64_t line_no = 0;
  while (true) {
    if (interactive) {
      ctx.Print("strata> ");
      std::fflush(ctx.out());
    }
    if (!ReadLine(stdin, &line, kMaxShellLine, &too_long)) break;
    ++line_no;
    if (too_long) {
      Fail(ctx, "shell",
           absl::StrFormat("line %d is longer than %d bytes", line_no,
                           kMaxShellLine));
      all_ok = false;
      continue;
    }
    const std::string_view stripped = StripWhitespace(line);
    if (stripped == "exit" || stripped == "quit" || stripped == "\\q") break;
    if (!shell.Execute(line)) all_ok = false;
    std::fflush(ctx.out());
  }
  if (interactive) ctx.Print("\n");
  return all_ok ? kExitOk : kExitError;
}

}  // namespace strata::cli
