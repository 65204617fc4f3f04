// Test harness for the CLI tests: runs the real `strata` binary (path from
// STRATA_CLI_BINARY) in a fresh temporary directory with the given stdin,
// and captures its exit code, stdout and stderr. stdout/stderr go to files,
// not pipes, so a chatty child can never deadlock the test.
#ifndef STRATA_TESTS_CLI_CLI_RUNNER_H_
#define STRATA_TESTS_CLI_CLI_RUNNER_H_

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace strata::cli_test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void WriteWholeFile(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A scratch directory with a DB path inside; removed afterwards.
class CliHarness {
 public:
  CliHarness() {
    char tmpl[] = "/tmp/strata_cli_test.XXXXXX";
    char* d = ::mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    dir_ = d == nullptr ? "/tmp/strata_cli_test.failed" : d;
  }
  ~CliHarness() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  CliHarness(const CliHarness&) = delete;
  CliHarness& operator=(const CliHarness&) = delete;

  const std::string& dir() const { return dir_; }
  std::string Path(std::string_view name) const {
    return dir_ + "/" + std::string(name);
  }
  std::string db() const { return Path("db"); }
  // Writes a file in the scratch directory; returns its path.
  std::string File(std::string_view name, std::string_view data) const {
    std::string p = Path(name);
    WriteWholeFile(p, data);
    return p;
  }

  // Runs `strata --db <db> args...` (no --db with use_db false).
  CliResult Run(std::vector<std::string> args, std::string_view stdin_data = "",
                std::vector<std::pair<std::string, std::string>> env = {},
                bool use_db = true) const {
    if (use_db) args.insert(args.begin(), {"--db", db()});
    return RunRaw(args, stdin_data, env);
  }

  CliResult RunRaw(
      const std::vector<std::string>& args, std::string_view stdin_data,
      const std::vector<std::pair<std::string, std::string>>& env) const {
    const std::string in = Path(".stdin"), out = Path(".stdout"),
                      err = Path(".stderr");
    WriteWholeFile(in, stdin_data);
    std::vector<std::string> argv_s;
    argv_s.push_back(STRATA_CLI_BINARY);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
      // Child: only async-signal-safe-ish calls before exec.
      int fi = ::open(in.c_str(), O_RDONLY);
      int fo = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fi < 0 || fo < 0 || fe < 0) ::_exit(127);
      ::dup2(fi, 0);
      ::dup2(fo, 1);
      ::dup2(fe, 2);
      ::unsetenv("STRATA_DB");
      ::unsetenv("STRATA_PROGRESS");
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      if (::chdir(dir_.c_str()) != 0) ::_exit(127);
      std::vector<char*> argv;
      for (std::string& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    CliResult r;
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
      ADD_FAILURE() << "could not run " << STRATA_CLI_BINARY;
      return r;
    }
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadWholeFile(out);
    r.err = ReadWholeFile(err);
    return r;
  }

 private:
  std::string dir_;
};

// gtest output for a failed expectation on a run.
inline std::string Describe(const CliResult& r) {
  return "exit " + std::to_string(r.code) + "\n--- stdout:\n" + r.out +
         "--- stderr:\n" + r.err;
}

inline size_t CountLinesOf(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace strata::cli_test

#endif  // STRATA_TESTS_CLI_CLI_RUNNER_H_
