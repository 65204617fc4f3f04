// FaultInjectionEnv: failure rules (counts, codes, messages, sweeps), the
// inactive-filesystem switch, and the power-loss model, each run on top of
// both the POSIX and the memory env.
#include "env/fault_injection_env.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/env_test_util.h"
#include "gtest/gtest.h"
#include "strata/env.h"
#include "strata/status.h"

namespace strata {
namespace {

bool Contains(const absl::Status& s, std::string_view part) {
  return std::string(s.message()).find(part) != std::string::npos;
}

class FaultEnvTest : public testing::TestWithParam<EnvKind> {
 protected:
  FaultEnvTest() : h_(GetParam()), env_(h_.env()) {}
  std::string P(std::string_view name) const { return h_.Path(name); }

  // Creates name holding data; durable (synced, directory synced) if asked.
  void Make(std::string_view name, std::string_view data, bool durable) {
    auto f = env_.NewWritableFile(P(name));
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_TRUE((*f)->Append(data).ok());
    if (durable) {
      ASSERT_TRUE((*f)->Sync().ok());
    }
    ASSERT_TRUE((*f)->Close().ok());
    if (durable) {
      ASSERT_TRUE(env_.SyncDir(h_.dir()).ok());
    }
  }
  bool Exists(std::string_view name) { return env_.FileExists(P(name)); }
  std::string Read(std::string_view name) { return Contents(&env_, P(name)); }

  EnvHarness h_;
  FaultInjectionEnv env_;
};

// One call of the given class, against the test directory.
absl::Status DoOp(FaultInjectionEnv* env, FaultOp op, const EnvHarness& h,
                  int i) {
  const std::string p = h.Path("op_" + std::to_string(i));
  switch (op) {
    case FaultOp::kRead:
      return env->GetFileSize(h.Path("seed")).status();
    case FaultOp::kWrite: {
      auto f = env->NewWritableFile(p);
      if (!f.ok()) return f.status();
      return (*f)->Append("x");
    }
    case FaultOp::kSync: {
      auto f = env->NewWritableFile(p);
      if (!f.ok()) return f.status();
      return (*f)->Sync();
    }
    case FaultOp::kRename:
      return env->RenameFile(h.Path("seed"), h.Path("seed"));
    case FaultOp::kSyncDir:
      return env->SyncDir(h.dir());
    case FaultOp::kCreate:
      return env->NewWritableFile(p).status();
    case FaultOp::kRemove: {
      WriteFile(env->target(), p, "x");
      return env->RemoveFile(p);
    }
    case FaultOp::kAny:
      break;
  }
  return absl::InternalError("bad op");
}

TEST_P(FaultEnvTest, FailAfterFailsExactlyTheNthCall) {
  WriteFile(env_.target(), P("seed"), "seed");
  struct Case {
    FaultOp op;
    int n;
    absl::StatusCode code;
    std::string_view label;
  };
  const Case cases[] = {
      {FaultOp::kRead, 0, absl::StatusCode::kUnavailable, "EIO"},
      {FaultOp::kWrite, 2, absl::StatusCode::kResourceExhausted, "ENOSPC"},
      {FaultOp::kSync, 1, absl::StatusCode::kUnavailable, "EIO"},
      {FaultOp::kRename, 3, absl::StatusCode::kUnavailable, "EIO"},
      {FaultOp::kSyncDir, 0, absl::StatusCode::kResourceExhausted, "ENOSPC"},
      {FaultOp::kCreate, 2, absl::StatusCode::kUnavailable, "EIO"},
      {FaultOp::kRemove, 1, absl::StatusCode::kUnavailable, "EIO"},
  };
  int i = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(FaultOpName(c.op));
    env_.FailAfter(c.op, c.n, c.code);
    for (int k = 0; k < c.n; ++k) ASSERT_TRUE(DoOp(&env_, c.op, h_, ++i).ok());
    absl::Status s = DoOp(&env_, c.op, h_, ++i);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_TRUE(Contains(s, absl::StrFormat("injected %s on", c.label))) << s;
    EXPECT_TRUE(Contains(s, h_.dir())) << s;
    EXPECT_TRUE(DoOp(&env_, c.op, h_, ++i).ok()) << "fails once only";
  }
  EXPECT_EQ(env_.InjectedFaults(), 7);
}

TEST_P(FaultEnvTest, StickyAndClear) {
  WriteFile(env_.target(), P("seed"), "seed");
  env_.FailAfter(FaultOp::kRead, 1, absl::StatusCode::kUnavailable, true);
  EXPECT_TRUE(env_.GetFileSize(P("seed")).ok());
  for (int k = 0; k < 5; ++k) EXPECT_FALSE(env_.GetFileSize(P("seed")).ok());
  // Other classes are unaffected.
  EXPECT_TRUE(env_.SyncDir(h_.dir()).ok());
  env_.ClearFaults();
  EXPECT_TRUE(env_.GetFileSize(P("seed")).ok());
  EXPECT_EQ(env_.InjectedFaults(), 5);
}

TEST_P(FaultEnvTest, AnyMatchesEveryClass) {
  env_.FailAfter(FaultOp::kAny, 1);
  EXPECT_TRUE(env_.SyncDir(h_.dir()).ok());
  EXPECT_FALSE(env_.NewWritableFile(P("x")).ok());
  EXPECT_FALSE(Exists("x"));  // a failed call does nothing
}

// Same seed, same failures; the rate is about 1/n.
TEST_P(FaultEnvTest, FailOneInIsDeterministic) {
  WriteFile(env_.target(), P("seed"), "seed");
  auto pattern = [&](uint64_t seed) {
    env_.ClearFaults();
    env_.FailOneIn(FaultOp::kRead, 4, seed);
    std::string out;
    for (int i = 0; i < 400; ++i) {
      out += env_.GetFileSize(P("seed")).ok() ? '.' : 'x';
    }
    return out;
  };
  const std::string a = pattern(7);
  EXPECT_EQ(a, pattern(7));
  EXPECT_NE(a, pattern(8));
  const auto fails = std::count(a.begin(), a.end(), 'x');
  EXPECT_GT(fails, 60);
  EXPECT_LT(fails, 140);
}

TEST_P(FaultEnvTest, CountOpsByClass) {
  env_.ResetCounts();
  auto f = env_.NewWritableFile(P("a"));  // create
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("12").ok());  // write
  ASSERT_TRUE((*f)->Append("34").ok());  // write
  ASSERT_TRUE((*f)->Flush().ok());       // write
  ASSERT_TRUE((*f)->Sync().ok());        // sync
  ASSERT_TRUE((*f)->Close().ok());       // not counted
  ASSERT_TRUE(env_.RenameFile(P("a"), P("b")).ok());
  ASSERT_TRUE(env_.SyncDir(h_.dir()).ok());
  auto r = env_.NewRandomAccessFile(P("b"));  // read
  ASSERT_TRUE(r.ok());
  char buf[4];
  std::string_view v;
  ASSERT_TRUE((*r)->Read(0, 4, &v, buf).ok());   // read
  ASSERT_TRUE(env_.GetChildren(h_.dir()).ok());  // read
  ASSERT_TRUE(env_.RemoveFile(P("b")).ok());
  EXPECT_EQ(env_.CountOps(FaultOp::kCreate), 1);
  EXPECT_EQ(env_.CountOps(FaultOp::kWrite), 3);
  EXPECT_EQ(env_.CountOps(FaultOp::kSync), 1);
  EXPECT_EQ(env_.CountOps(FaultOp::kRename), 1);
  EXPECT_EQ(env_.CountOps(FaultOp::kSyncDir), 1);
  EXPECT_EQ(env_.CountOps(FaultOp::kRead), 3);
  EXPECT_EQ(env_.CountOps(FaultOp::kRemove), 1);
  EXPECT_EQ(env_.CountOps(FaultOp::kAny), 11);
  env_.ResetCounts();
  EXPECT_EQ(env_.CountOps(FaultOp::kAny), 0);
}

// Counting from several threads loses nothing.
TEST_P(FaultEnvTest, CountingIsThreadSafe) {
  WriteFile(env_.target(), P("seed"), "0123456789");
  auto r = env_.NewRandomAccessFile(P("seed"));
  ASSERT_TRUE(r.ok());
  env_.ResetCounts();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      char buf[4];
      std::string_view v;
      for (int i = 0; i < 500; ++i) (void)(*r)->Read(i % 10, 4, &v, buf);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(env_.CountOps(FaultOp::kRead), 2000);
}

TEST_P(FaultEnvTest, InactiveFilesystemRefusesWrites) {
  Make("old", "durable", true);
  auto f = env_.NewWritableFile(P("open"));
  ASSERT_TRUE(f.ok());
  env_.SetFilesystemActive(false);
  EXPECT_FALSE(env_.IsFilesystemActive());
  const absl::Status refused[] = {
      (*f)->Append("x"),
      (*f)->Sync(),
      env_.NewWritableFile(P("new")).status(),
      env_.RenameFile(P("old"), P("new")),
      env_.RemoveFile(P("old")),
      env_.SyncDir(h_.dir()),
      env_.CreateDir(P("d")),
      (*f)->Close(),
  };
  for (const absl::Status& s : refused) {
    EXPECT_TRUE(absl::IsUnavailable(s)) << s;
    EXPECT_TRUE(Contains(s, "filesystem inactive")) << s;
  }
  EXPECT_EQ(Read("old"), "durable");  // reads still work
  EXPECT_FALSE(Exists("new"));
  env_.SetFilesystemActive(true);
  Make("new", "ok", false);
  EXPECT_EQ(Read("new"), "ok");
}

// The sweep pattern: count a workload's calls, then fail each call in turn.
// WriteStringToFileSync must leave the old or the new contents after any
// single failure followed by a power loss, and never anything else.
TEST_P(FaultEnvTest, SweepWriteStringToFileSyncIsAtomic) {
  ASSERT_TRUE(WriteStringToFileSync(&env_, "old", P("CURRENT")).ok());
  env_.ResetCounts();
  ASSERT_TRUE(WriteStringToFileSync(&env_, "new", P("CURRENT")).ok());
  const int64_t calls = env_.CountOps(FaultOp::kAny);
  // remove (a leftover tmp: best effort), create, append, sync, rename,
  // syncdir.
  ASSERT_EQ(calls, 6);
  for (int64_t k = 0; k <= calls; ++k) {
    SCOPED_TRACE(k);
    ASSERT_TRUE(WriteStringToFileSync(&env_, "old", P("CURRENT")).ok());
    env_.ResetCounts();
    env_.FailAfter(FaultOp::kAny, static_cast<int>(k));
    absl::Status s = WriteStringToFileSync(&env_, "new", P("CURRENT"));
    env_.ClearFaults();
    // A failed removal of the (absent) tmp name changes nothing: the write
    // goes on and succeeds. Any later failure fails the write.
    EXPECT_EQ(s.ok(), k == 0 || k == calls) << s;
    if (!s.ok()) {
      EXPECT_TRUE(Contains(s, "injected EIO")) << s;
    }
    ASSERT_TRUE(env_.SimulatePowerLoss().ok());
    const std::string got = Read("CURRENT");
    EXPECT_TRUE(got == "old" || got == "new") << got;
    if (k == 0 || k == calls) {
      EXPECT_EQ(got, "new");
    }
    EXPECT_FALSE(Exists("CURRENT.tmp"));
  }
}

TEST_P(FaultEnvTest, PowerLossDropsUnsyncedTail) {
  Make("log", "", true);
  auto f = env_.NewWritableFile(P("log"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("synced|").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append(std::string(100000, 't')).ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_EQ(Read("log"), "synced|");
}

TEST_P(FaultEnvTest, PowerLossRemovesFilesWithoutDirSync) {
  Make("kept", "k", true);
  auto f = env_.NewWritableFile(P("synced_data_only"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("s").ok());
  ASSERT_TRUE((*f)->Sync().ok());  // data synced, directory entry not
  ASSERT_TRUE((*f)->Close().ok());
  Make("never_synced", "n", false);
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_EQ(Read("kept"), "k");
  EXPECT_FALSE(Exists("synced_data_only"));
  EXPECT_FALSE(Exists("never_synced"));
}

TEST_P(FaultEnvTest, DirSyncMakesEntriesDurable) {
  Make("a", "alpha", false);
  auto f = env_.NewWritableFile(P("b"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("beta").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(env_.SyncDir(h_.dir() + "/").ok());  // trailing slash is fine
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_EQ(Read("a"), "");  // entry durable, data never synced
  EXPECT_EQ(Read("b"), "beta");
}

// An unsynced rename is undone: the target gets its old contents back and
// the source returns if its own creation was durable.
TEST_P(FaultEnvTest, PowerLossUndoesUnsyncedRename) {
  Make("CURRENT", "v1", true);
  Make("tmp_durable", "v2", true);
  ASSERT_TRUE(env_.RenameFile(P("tmp_durable"), P("CURRENT")).ok());
  Make("tmp_new", "v3", false);
  ASSERT_TRUE(env_.RenameFile(P("tmp_new"), P("other")).ok());
  EXPECT_EQ(Read("CURRENT"), "v2");
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_EQ(Read("CURRENT"), "v1");
  EXPECT_EQ(Read("tmp_durable"), "v2");
  EXPECT_FALSE(Exists("tmp_new"));
  EXPECT_FALSE(Exists("other"));
}

// Synced-length tracking follows a file through a durable rename.
TEST_P(FaultEnvTest, SyncedLengthFollowsRename) {
  auto f = env_.NewWritableFile(P("a"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("12").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("34").ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(env_.RenameFile(P("a"), P("b")).ok());
  ASSERT_TRUE(env_.SyncDir(h_.dir()).ok());
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(Read("b"), "12");
}

TEST_P(FaultEnvTest, RemovalsAreDurable) {
  Make("gone", "x", true);
  ASSERT_TRUE(env_.RemoveFile(P("gone")).ok());
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_FALSE(Exists("gone"));
}

// A writer left open is closed by the power loss; its buffered tail must
// not reappear later, and it refuses further use.
TEST_P(FaultEnvTest, AbandonedWriterIsCutOff) {
  Make("wal", "", true);
  auto f = env_.NewWritableFile(P("wal"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(std::string(70000, 'a')).ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append(std::string(1000, 'b')).ok());  // buffered
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  EXPECT_EQ(SizeOf(&env_, P("wal")), 70000);
  absl::Status s = (*f)->Append("c");
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(Contains(s, "power loss")) << s;
  f->reset();
  EXPECT_EQ(SizeOf(&env_, P("wal")), 70000);
}

// DropUnsyncedFileData truncates but leaves the namespace alone.
TEST_P(FaultEnvTest, DropUnsyncedFileDataOnly) {
  Make("new", "unsynced", false);
  Make("old", "durable", true);
  auto f = env_.NewWritableFile(P("log"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("ab").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("cd").ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(env_.DropUnsyncedFileData().ok());
  EXPECT_TRUE(Exists("new"));
  EXPECT_EQ(Read("new"), "");
  EXPECT_EQ(Read("old"), "durable");
  EXPECT_EQ(Read("log"), "ab");
}

// Crash simulation as a DB test would do it: stop the filesystem, abandon
// the writers, power loss, reactivate.
TEST_P(FaultEnvTest, InactiveThenPowerLoss) {
  Make("wal", "", true);
  auto f = env_.NewWritableFile(P("wal"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("rec1").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  env_.SetFilesystemActive(false);
  EXPECT_FALSE((*f)->Append("rec2").ok());
  ASSERT_TRUE(env_.SimulatePowerLoss().ok());
  env_.SetFilesystemActive(true);
  EXPECT_EQ(Read("wal"), "rec1");
}

// The trace keeps exactly the calls in its index window, numbered from
// construction, with the failed one marked.
TEST_P(FaultEnvTest, TraceCallsKeepsItsWindow) {
  WriteFile(env_.target(), P("seed"), "seed");
  env_.TraceCalls(2, 3);
  env_.FailAfter(FaultOp::kSyncDir, 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(env_.GetFileSize(P("seed")).ok());
  EXPECT_FALSE(env_.SyncDir(h_.dir()).ok());  // call #3
  ASSERT_TRUE(env_.GetFileSize(P("seed")).ok());
  ASSERT_TRUE(env_.GetFileSize(P("seed")).ok());  // #5: outside the window
  std::vector<std::string> calls = env_.TracedCalls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_TRUE(calls[0].starts_with("#2 t")) << calls[0];
  EXPECT_NE(calls[0].find(" stat " + P("seed")), std::string::npos) << calls[0];
  EXPECT_TRUE(calls[1].starts_with("#3 t")) << calls[1];
  EXPECT_NE(calls[1].find(" !syncdir "), std::string::npos) << calls[1];
  EXPECT_TRUE(calls[2].starts_with("#4 t")) << calls[2];
  env_.TraceCalls(0, 0);
  EXPECT_TRUE(env_.TracedCalls().empty());
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, FaultEnvTest,
                         testing::Values(EnvKind::kPosix, EnvKind::kMem),
                         EnvKindName);

}  // namespace
}  // namespace strata
