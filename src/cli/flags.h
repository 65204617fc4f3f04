// A small command-line flag parser for the strata tool: "--name=value" and
// "--name value", boolean "--name" (or "--name=true|false"), "--" to end
// flags, "-" as a positional (stdin), flags and positionals interleaved,
// and --help / -h on every command. It never exits the process: callers
// map the outcome to exit codes (0 ok, 1 error, 2 usage).
#ifndef STRATA_CLI_FLAGS_H_
#define STRATA_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

// Process exit codes, as documented in `strata --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

class FlagSet {
 public:
  // usage: the synopsis line ("strata write [flags] FILE|-"); summary:
  // what the command does, printed under it by Help().
  FlagSet(std::string usage, std::string summary);

  // Registers a flag; *value keeps its default unless the flag is given.
  // value_name names the argument in Help() ("DIR", "N").
  void AddString(std::string name, std::string* value, std::string value_name,
                 std::string help);
  void AddBool(std::string name, bool* value, std::string help);
  void AddUint(std::string name, uint64_t* value, std::string value_name,
               std::string help);
  void AddDouble(std::string name, double* value, std::string value_name,
                 std::string help);
  // A string restricted to one of choices.
  void AddChoice(std::string name, std::string* value,
                 std::vector<std::string> choices, std::string help);

  enum class Result { kOk, kHelp, kError };
  // Parses the arguments after the command name. kError leaves the reason
  // in error().
  Result Parse(const std::vector<std::string>& args);

  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& error() const { return error_; }
  // True if the flag appeared on the command line.
  bool WasSet(std::string_view name) const;
  // Usage, summary and one line per flag.
  std::string Help() const;
  const std::string& usage() const { return usage_; }

 private:
  enum class Kind { kString, kBool, kUint, kDouble, kChoice };
  struct Flag {
    std::string name;
    Kind kind;
    void* value;
    std::string value_name;
    std::string help;
    std::vector<std::string> choices;
    bool set = false;
  };
  Flag* Find(std::string_view name);
  // Stores text into flag; false (with error_) if it does not fit.
  bool Assign(Flag* flag, std::string_view text);

  std::string usage_;
  std::string summary_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  std::string error_;
};

// Parses a time for --from/--to and friends: RFC 3339 (or InfluxQL's
// "YYYY-MM-DD[ hh:mm:ss]") or an integer of nanoseconds since the epoch.
// False if it is neither; *error says why.
bool ParseTimeArg(std::string_view text, int64_t* ns, std::string* error);
// Parses a duration: "7d", "12h", "1h30m", "500ms" or an integer of
// nanoseconds. Negative durations are refused.
bool ParseDurationArg(std::string_view text, int64_t* ns, std::string* error);

// Whole-string decimal integers (Debian's abseil parsers take only its own
// string_view, so the CLI parses with std::from_chars).
bool ParseInt64(std::string_view s, int64_t* v);
bool ParseUint64(std::string_view s, uint64_t* v);
// s without leading and trailing spaces, tabs, CR and LF.
std::string_view StripWhitespace(std::string_view s);

}  // namespace strata::cli

#endif  // STRATA_CLI_FLAGS_H_
