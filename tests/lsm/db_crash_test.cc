// Crash test: runs crash_child (a real process writing synced batches to a
// DB on disk), SIGKILLs it after a random 5-200 ms, reopens the DB and
// checks its whole contents against the reference rebuilt from the child's
// deterministic batch generator: every acknowledged batch fully present,
// the one batch that may have been in flight fully present or fully
// absent, nothing else. Then restarts the child on the same DB, continuing
// the batch ids. The small write buffer makes flushes and compactions run
// between kills, so kills land in them too.
//
// STRATA_CRASH_ITERATIONS=N runs N kills (default 80).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/model_reference.h"
#include "strata/db.h"
#include "util/random.h"

#ifndef STRATA_CRASH_CHILD
#error "STRATA_CRASH_CHILD must name the crash_child binary"
#endif

extern char** environ;

namespace strata {
namespace {

namespace fs = std::filesystem;

// Where the test's files go: $TEST_TMPDIR, else /dev/shm when it is a
// writable directory (tmpfs: fsync is free, so hundreds of reopens stay
// fast; what survives a process kill is the same as on disk), else /tmp.
std::string TempRoot() {
  if (const char* t = getenv("TEST_TMPDIR"); t != nullptr && *t != '\0') {
    return t;
  }
  return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

using model::ModelDB;

constexpr uint64_t kSeed = 20240611;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What the child's progress file says about one run.
struct Progress {
  std::vector<uint64_t> acked;       // in order
  std::optional<uint64_t> inflight;  // started, not acknowledged
  std::string error;                 // the file breaks the child's protocol
};

// Parses "I <id>" / "A <id>" lines. A last line without its newline was
// cut by the kill and is ignored (its batch had not started: the intent
// is written before the write).
Progress ParseProgress(const std::string& text, uint64_t first) {
  Progress p;
  uint64_t expect = first;
  std::istringstream in(text);
  std::string line;
  size_t consumed = 0;
  while (std::getline(in, line)) {
    consumed += line.size() + 1;
    if (consumed > text.size()) break;  // no trailing newline: torn
    char kind = 0;
    unsigned long long id = 0;
    if (sscanf(line.c_str(), "%c %llu", &kind, &id) != 2) {
      p.error = "malformed line '" + line + "'";
      return p;
    }
    if (kind == 'I' && !p.inflight && id == expect) {
      p.inflight = id;
    } else if (kind == 'A' && p.inflight && *p.inflight == id) {
      p.acked.push_back(id);
      p.inflight.reset();
      expect = id + 1;
    } else {
      p.error = "unexpected line '" + line + "'";
      return p;
    }
  }
  return p;
}

std::string DescribeDiff(const std::vector<Record>& want,
                         const std::vector<Record>& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() &&
         model::SameRecord(want[i], got[i])) {
    i++;
  }
  if (i == want.size() && i == got.size()) return "identical";
  return absl::StrFormat(
      "%d vs %d records, first difference at %d: want %s, got %s", want.size(),
      got.size(), i, i < want.size() ? model::DescribeRecord(want[i]) : "(end)",
      i < got.size() ? model::DescribeRecord(got[i]) : "(end)");
}

bool Same(const std::vector<Record>& a, const std::vector<Record>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (!model::SameRecord(a[i], b[i])) return false;
  }
  return true;
}

class DBCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = TempRoot() + "/strata_crash_test.XXXXXX";
    char* d = ::mkdtemp(tmpl.data());
    ASSERT_NE(d, nullptr);
    root_ = d;
    db_dir_ = root_ + "/db";
    progress_ = root_ + "/progress";
    child_log_ = root_ + "/child.log";
  }
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ec;
      fs::remove_all(root_, ec);
    } else {
      printf("crash test files kept in %s\n", root_.c_str());
    }
  }

  // Starts the child; its stdout and stderr go to child_log_.
  pid_t Spawn(uint64_t first_id) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, child_log_.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const std::string seed = std::to_string(kSeed);
    const std::string first = std::to_string(first_id);
    std::vector<char*> argv = {const_cast<char*>(STRATA_CRASH_CHILD),
                               const_cast<char*>(db_dir_.c_str()),
                               const_cast<char*>(progress_.c_str()),
                               const_cast<char*>(seed.c_str()),
                               const_cast<char*>(first.c_str()),
                               nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, STRATA_CRASH_CHILD, &fa, nullptr, argv.data(),
                         environ);
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(rc, 0) << "posix_spawn " << STRATA_CRASH_CHILD << ": "
                     << strerror(rc);
    return rc == 0 ? pid : -1;
  }

  // The DB's full contents, forward; checks the reverse scan agrees.
  std::vector<Record> ReadDB(std::string* error) {
    std::vector<Record> out;
    auto db = DB::Open(model::CrashOptions(), db_dir_);
    if (!db.ok()) {
      *error = "open: " + db.status().ToString();
      return out;
    }
    auto it = (*db)->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back(Record{std::string(it->key()), it->timestamp(),
                           it->expire_at(), std::string(it->value())});
    }
    if (!it->status().ok()) {
      *error = "scan: " + it->status().ToString();
      return out;
    }
    std::vector<Record> rev;
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      rev.push_back(Record{std::string(it->key()), it->timestamp(),
                           it->expire_at(), std::string(it->value())});
    }
    std::reverse(rev.begin(), rev.end());
    if (!it->status().ok() || !Same(out, rev)) {
      *error =
          "reverse scan disagrees with forward scan: " + DescribeDiff(out, rev);
    }
    return out;
  }

  std::string root_, db_dir_, progress_, child_log_;
};

TEST_F(DBCrashTest, KilledWriterLosesNothingAcknowledged) {
  const char* env = getenv("STRATA_CRASH_ITERATIONS");
  const int iterations = env != nullptr && *env != '\0' ? atoi(env) : 80;
  Random rng(kSeed);
  auto model = std::make_unique<ModelDB>();
  uint64_t next_id = 0;
  int64_t acked_total = 0, inflight_present = 0, inflight_absent = 0,
          idle_runs = 0;
  size_t most_records = 0;
  uint64_t highest_file = 0;

  for (int iter = 0; iter < iterations; iter++) {
    fs::remove(progress_);
    const pid_t pid = Spawn(next_id);
    ASSERT_GT(pid, 0);
    const int64_t delay_ms = 5 + static_cast<int64_t>(rng.Uniform(196));
    timespec ts{static_cast<time_t>(delay_ms / 1000),
                static_cast<long>(delay_ms % 1000) * 1'000'000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "iteration " << iter << ": the child stopped by itself (status "
        << status << "); its log:\n"
        << ReadAll(child_log_);

    const Progress p = ParseProgress(ReadAll(progress_), next_id);
    ASSERT_TRUE(p.error.empty())
        << "iteration " << iter << ": progress file: " << p.error;
    for (uint64_t id : p.acked)
      model->Apply(model::MakeCrashBatch(kSeed, id), 0);
    acked_total += p.acked.size();
    if (p.acked.empty() && !p.inflight) idle_runs++;

    std::string error;
    const std::vector<Record> got = ReadDB(&error);
    ASSERT_TRUE(error.empty()) << "iteration " << iter << ": " << error;
    most_records = std::max(most_records, got.size());
    for (const auto& e : fs::directory_iterator(db_dir_)) {
      if (e.path().extension() == ".sst") {
        highest_file = std::max<uint64_t>(
            highest_file, strtoull(e.path().filename().c_str(), nullptr, 10));
      }
    }
    const std::vector<Record> without =
        model->Scan(ScanRange{}, model->last_sequence(), 0);
    const std::string context = absl::StrFormat(
        "iteration %d (killed after %d ms): batches %d..%d acknowledged, "
        "in flight: %s",
        iter, delay_ms, next_id,
        p.acked.empty() ? int64_t{-1} : static_cast<int64_t>(p.acked.back()),
        p.inflight ? std::to_string(*p.inflight) : "none");
    if (Same(got, without)) {
      if (p.inflight) inflight_absent++;
    } else {
      ASSERT_TRUE(p.inflight.has_value())
          << context << "\nDB does not match the acknowledged batches: "
          << DescribeDiff(without, got);
      auto with = std::make_unique<ModelDB>(*model);
      with->Apply(model::MakeCrashBatch(kSeed, *p.inflight), 0);
      const std::vector<Record> all =
          with->Scan(ScanRange{}, with->last_sequence(), 0);
      ASSERT_TRUE(Same(got, all))
          << context
          << "\nDB matches neither the acknowledged batches nor them plus "
             "the in-flight one.\n  without it: "
          << DescribeDiff(without, got)
          << "\n  with it:    " << DescribeDiff(all, got);
      model = std::move(with);
      inflight_present++;
    }
    if (!p.acked.empty()) next_id = p.acked.back() + 1;
    if (p.inflight) next_id = *p.inflight + 1;
  }
  printf(
      "crash test: %d kills, %d batches acknowledged and verified, in-flight "
      "batch present %d times, absent %d times, %d runs killed before "
      "writing, up to %d live records, file numbers up to %d\n",
      iterations, static_cast<int>(acked_total),
      static_cast<int>(inflight_present), static_cast<int>(inflight_absent),
      static_cast<int>(idle_runs), static_cast<int>(most_records),
      static_cast<int>(highest_file));
  EXPECT_GT(acked_total, 0) << "the child never got a batch acknowledged";
}

}  // namespace
}  // namespace strata
