// strata-stress: the crash loop. Runs the mixed workload (workload.h) in a
// child process on a real directory, SIGKILLs it at a random moment,
// reopens the DB and checks it against the expected state
// (expected_state.h), over and over. Fails on the first mismatch, keeping
// the directory for inspection.
//
//   strata-stress [--duration=S] [--iterations=N] [--seed=S] [--dir=PATH]
//                 [--min-kill-ms=MS] [--max-kill-ms=MS] [--long] [--keep]
//
// Short mode (default): 60 s. --long: an hour (STRATA_STRESS_SECONDS or
// --duration override both). Prints iterations and operations verified.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "strata/db.h"
#include "strata/env.h"
#include "stress/expected_state.h"
#include "stress/layers.h"
#include "stress/workload.h"
#include "util/random.h"

namespace strata::stress {
namespace {

namespace fs = std::filesystem;

struct Flags {
  double duration_s = 60;
  bool duration_set = false;
  uint64_t iterations = 0;  // 0: until the duration is up
  uint64_t seed = 1;
  std::string dir;
  int min_kill_ms = 20;
  int max_kill_ms = 1500;
  bool keep = false;
  bool child = false;
  std::string log;
};

bool Flag(std::string_view arg, std::string_view name, std::string* value) {
  if (!arg.starts_with(name) || arg.size() <= name.size() ||
      arg[name.size()] != '=') {
    return false;
  }
  *value = std::string(arg.substr(name.size() + 1));
  return true;
}

bool ParseFlags(int argc, char** argv, Flags* f) {
  bool is_long = false;
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    std::string v;
    if (Flag(a, "--duration", &v)) {
      f->duration_s = std::atof(v.c_str());
      f->duration_set = true;
    } else if (Flag(a, "--iterations", &v)) {
      f->iterations = std::strtoull(v.c_str(), nullptr, 10);
    } else if (Flag(a, "--seed", &v)) {
      f->seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (Flag(a, "--dir", &v)) {
      f->dir = v;
    } else if (Flag(a, "--min-kill-ms", &v)) {
      f->min_kill_ms = std::atoi(v.c_str());
    } else if (Flag(a, "--max-kill-ms", &v)) {
      f->max_kill_ms = std::atoi(v.c_str());
    } else if (Flag(a, "--log", &v)) {
      f->log = v;
    } else if (a == "--long") {
      is_long = true;
    } else if (a == "--keep") {
      f->keep = true;
    } else if (a == "--child") {
      f->child = true;
    } else {
      std::fprintf(stderr, "strata-stress: unknown argument %s\n", argv[i]);
      return false;
    }
  }
  if (const char* env = std::getenv("STRATA_STRESS_SECONDS");
      env != nullptr && !f->duration_set) {
    f->duration_s = std::atof(env);
    f->duration_set = true;
  }
  if (is_long && !f->duration_set) f->duration_s = 3600;
  if (f->max_kill_ms < f->min_kill_ms) f->max_kill_ms = f->min_kill_ms;
  return true;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

// Starts this binary in child mode with stderr appended to err_path.
pid_t SpawnChild(const std::string& db_dir, const std::string& log,
                 uint64_t seed, const std::string& err_path) {
  std::vector<std::string> args = {"strata-stress", "--child",
                                   "--dir=" + db_dir, "--log=" + log,
                                   absl::StrFormat("--seed=%d", seed)};
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  FILE* err = std::freopen(err_path.c_str(), "a", stderr);
  (void)err;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  std::_Exit(127);
}

int RunLoop(const Flags& flags) {
  std::string root = flags.dir;
  if (root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        absl::StrFormat("%s/strata-stress-XXXXXX", tmp ? tmp : "/tmp");
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("strata-stress: mkdtemp");
      return 2;
    }
    root = pattern;
  }
  const std::string db_dir = root + "/db";
  const std::string err_path = root + "/child.err";
  fs::create_directories(root + "/expected");
  std::printf("strata-stress: seed %llu, %.0f s, directory %s\n",
              static_cast<unsigned long long>(flags.seed), flags.duration_s,
              root.c_str());
  std::fflush(stdout);

  Random rng(flags.seed);
  Model model;
  uint64_t iterations = 0, ops = 0;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr,
                 "strata-stress: FAILED at iteration %llu: %s\n"
                 "  directory kept: %s\n  child stderr (tail):\n%s\n",
                 static_cast<unsigned long long>(iterations + 1), why.c_str(),
                 root.c_str(), Tail(ReadAll(err_path), 2000).c_str());
    return 1;
  };

  while (flags.iterations > 0 ? iterations < flags.iterations
                              : elapsed() < flags.duration_s) {
    const std::string log =
        absl::StrFormat("%s/expected/%06d.log", root, iterations);
    pid_t pid = SpawnChild(db_dir, log, rng.Next(), err_path);
    if (pid < 0) return fail("fork failed");
    const int kill_ms =
        flags.min_kill_ms + static_cast<int>(rng.Uniform(
                                flags.max_kill_ms - flags.min_kill_ms + 1));
    // Wait, noticing a child that dies on its own (an error).
    int status = 0;
    bool exited = false;
    for (int waited = 0; waited < kill_ms; waited += 5) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (exited) {
      return fail(
          absl::StrFormat("the child exited on its own (status %d)", status));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);

    auto batches = ParseLog(ReadAll(log));
    if (!batches.ok()) return fail(std::string(batches.status().message()));
    Options options = StressDbOptions();
    auto db = DB::Open(options, db_dir);
    if (!db.ok()) {
      return fail("reopen: " + std::string(db.status().message()));
    }
    auto layers = OpenLayers(db->get());
    if (!layers.ok()) {
      return fail("opening the layers: " +
                  std::string(layers.status().message()));
    }
    auto core = RenderDb(db->get());
    if (!core.ok()) return fail(std::string(core.status().message()));
    auto above = RenderLayers(&*layers);
    if (!above.ok()) return fail(std::string(above.status().message()));
    auto verified = VerifyAndAdvance(*core + *above, *batches,
                                     Env::Default()->NowNanos(), &model);
    layers->series.reset();
    layers->docs.reset();
    if (!verified.ok()) return fail(std::string(verified.status().message()));
    db->reset();
    ops += *verified;
    iterations++;
    fs::remove(log);
  }
  std::printf(
      "strata-stress: %llu iterations, %llu operations verified in %.1f s "
      "(%zu live records)\n",
      static_cast<unsigned long long>(iterations),
      static_cast<unsigned long long>(ops), elapsed(), model.records());
  if (ops == 0) return fail("no operation was verified: the loop is broken");
  if (!flags.keep) fs::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace strata::stress

int main(int argc, char** argv) {
  strata::stress::Flags flags;
  if (!strata::stress::ParseFlags(argc, argv, &flags)) return 2;
  if (flags.child) {
    strata::stress::ChildArgs args;
    args.db_dir = flags.dir;
    args.log_path = flags.log;
    args.seed = flags.seed;
    return strata::stress::RunChild(args);
  }
  return strata::stress::RunLoop(flags);
}
