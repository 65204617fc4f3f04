// Fault sweep: a small fixed workload (synced and unsynced writes, deletes,
// range deletes, TTL writes, Flush, CompactRange, close and reopen) runs
// once to count its I/O calls; then, for every call k, it runs again with
// call k failing (EIO, then ENOSPC). Each run must:
//  - report the fault: the failing operation, or a later one, returns an
//    error, or the fault hit a call whose failure is harmless (cleanup);
//  - keep the error's code (EIO stays Unavailable, ENOSPC stays
//    ResourceExhausted) so callers can tell a full disk from a broken one;
//  - go read-only after a failed write, flush, compaction or manifest
//    write: BackgroundError() is set and every later write is refused;
//  - after a power loss, reopen (on the clean env) with every acknowledged
//    durable batch present and no batch half applied, and keep showing
//    the same batches after a write and a compaction.
// Env knobs: STRATA_SWEEP_STRIDE, _FROM, _TO, _REPEAT, _DUMP (below).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "reliability/reliability_util.h"
#include "strata/db.h"
#include "strata/status.h"

namespace strata::reliability {
namespace {

constexpr char kDir[] = "/db";
constexpr int64_t kWindow = 1'000'000;  // 1 ms time windows: many SSTs

Options TestOptions(Env* env) {
  Options o;
  o.env = env;
  o.write_buffer_size = 64 << 10;
  o.time_window_ns = kWindow;
  o.background_threads = 1;
  // No background merges: the I/O sequence of the workload stays the same
  // from run to run, so call k is the same call in every run. Compaction
  // is exercised through CompactRange.
  o.window_merge_trigger = 64;
  o.block_cache_bytes = 1 << 20;
  return o;
}

int64_t EnvInt(const char* name, int64_t default_value) {
  const char* env = std::getenv(name);
  return env == nullptr ? default_value : std::atoll(env);
}

// Every call is swept by default; STRATA_SWEEP_STRIDE=S sweeps every S-th
// (scripts/sanitize.sh uses it: sanitizers make each run 5-20x slower).
int64_t SweepStride() {
  int64_t s = EnvInt("STRATA_SWEEP_STRIDE", 1);
  return s > 0 ? s : 1;
}

// Reproducing one point: STRATA_SWEEP_FROM / STRATA_SWEEP_TO bound the
// calls swept ([from, to)), STRATA_SWEEP_REPEAT runs the sweep N times
// (timing-dependent failures need many tries).
struct SweepRange {
  int64_t from = EnvInt("STRATA_SWEEP_FROM", 0);
  int64_t to = EnvInt("STRATA_SWEEP_TO", INT64_MAX);
  int64_t repeat = std::max<int64_t>(1, EnvInt("STRATA_SWEEP_REPEAT", 1));
};

// The calls around a fault, for failure messages.
std::string Trace(const FaultInjectionEnv& env) {
  std::string out;
  for (const std::string& call : env.TracedCalls()) {
    absl::StrAppendFormat(&out, "\n    %s", call);
  }
  return out;
}

// What one run observed.
struct RunResult {
  std::string failed_step;  // empty if every step succeeded
  absl::Status error;       // the first error a step returned
  bool read_only_checked = false;
};

// Runs the fixed workload against env, recording batches in *log. Stops at
// the first failing step. *db is left open (or null if an open failed).
class Workload {
 public:
  Workload(EnvStack* envs, BatchLog* log) : envs_(envs), log_(log) {}

  RunResult Run(std::unique_ptr<DB>* db) {
    Random rng(20261122);
    serial_ = 0;
    RunResult r;
    auto step = [&](std::string name, absl::Status s) {
      if (s.ok() || !r.error.ok()) return s.ok() && r.error.ok();
      r.failed_step = std::move(name);
      r.error = s;
      return false;
    };
    if (!step("open", Open(db))) return r;
    for (int i = 0; i < 6; i++) {
      if (!step("write", Write(db->get(), &rng, i % 2 == 0))) return r;
    }
    if (!step("flush", Flush(db->get()))) return r;
    for (int i = 0; i < 5; i++) {
      if (!step("write", Write(db->get(), &rng, i % 3 == 0))) return r;
    }
    if (!step("write", WriteRangeDelete(db->get()))) return r;
    if (!step("flush", Flush(db->get()))) return r;
    for (int i = 0; i < 4; i++) {
      if (!step("write", Write(db->get(), &rng, i == 3))) return r;
    }
    if (!step("compact", Compact(db->get()))) return r;
    for (int i = 0; i < 3; i++) {
      if (!step("write", Write(db->get(), &rng, false))) return r;
    }
    db->reset();  // close: unsynced writes stay in the WAL
    if (!step("reopen", Open(db))) return r;
    for (int i = 0; i < 3; i++) {
      if (!step("write", Write(db->get(), &rng, true))) return r;
    }
    if (!step("flush", Flush(db->get()))) return r;
    for (int i = 0; i < 2; i++) {
      if (!step("write", Write(db->get(), &rng, i == 1))) return r;
    }
    if (!step("compact", Compact(db->get()))) return r;
    if (!step("wait", (*db)->WaitForBackgroundWork())) return r;
    return r;
  }

 private:
  absl::Status Open(std::unique_ptr<DB>* db) {
    auto opened = DB::Open(TestOptions(envs_->faulty.get()), kDir);
    if (!opened.ok()) return opened.status();
    *db = std::move(*opened);
    // Open replays the WALs into SSTs and logs them: all of it is durable.
    log_->MarkAllDurable();
    return absl::OkStatus();
  }
  absl::Status Write(DB* db, Random* rng, bool sync) {
    Batch b = RandomBatch(rng, envs_->now(), kWindow, serial_++);
    return Commit(db, std::move(b), sync);
  }
  absl::Status WriteRangeDelete(DB* db) {
    Op op;
    op.kind = Op::kDeleteRange;
    op.key = "k05";
    op.end = "k11";
    op.ts = 0;
    op.t1 = 3 * kWindow;
    return Commit(db, {op}, true);
  }
  absl::Status Commit(DB* db, Batch b, bool sync) {
    WriteOptions wo;
    wo.sync = sync;
    WriteBatch wb = ToWriteBatch(b);
    size_t index = log_->Attempt(std::move(b));
    absl::Status s = db->Write(wo, wb);
    if (s.ok() && sync) log_->MarkDurable(index + 1);
    return s;
  }
  absl::Status Flush(DB* db) {
    absl::Status s = db->Flush();
    if (s.ok()) log_->MarkAllDurable();
    return s;
  }
  absl::Status Compact(DB* db) {
    absl::Status s = db->CompactRange("", "");
    if (s.ok()) log_->MarkAllDurable();
    return s;
  }

  EnvStack* const envs_;
  BatchLog* const log_;
  int serial_ = 0;
};

// Opens the DB on the clean env after a power loss and checks it.
void CheckRecovery(EnvStack* envs, const BatchLog& log, const std::string& what,
                   const std::string& trace = "") {
  auto db = DB::Open(TestOptions(envs->clean.get()), kDir);
  ASSERT_TRUE(db.ok()) << what << ": reopen after power loss: " << db.status()
                       << "\n  calls from the fault on:" << trace;
  absl::StatusOr<size_t> p = log.MatchPrefix(db->get(), envs->now());
  ASSERT_TRUE(p.ok()) << what << ": " << p.status().message()
                      << "\n  calls from the fault on:" << trace;
  // The recovered DB must take writes and keep them, and neither a write
  // nor a compaction may change which batches it shows (finding A: records
  // of lost batches left above the recovered sequence reappeared).
  WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE((*db)->Put(sync, "zz-after", 1, "ok").ok()) << what;
  absl::StatusOr<size_t> again = log.MatchPrefix(db->get(), envs->now(), "k");
  ASSERT_TRUE(again.ok()) << what
                          << ": after a write: " << again.status().message()
                          << "\n  calls from the fault on:" << trace;
  EXPECT_EQ(*again, *p) << what << ": a write changed the recovered state";
  ASSERT_TRUE((*db)->CompactRange("", "").ok()) << what;
  again = log.MatchPrefix(db->get(), envs->now(), "k");
  ASSERT_TRUE(again.ok()) << what << ": after a compaction: "
                          << again.status().message()
                          << "\n  calls from the fault on:" << trace;
  EXPECT_EQ(*again, *p) << what << ": a compaction changed the state";
  db->reset();
  db = DB::Open(TestOptions(envs->clean.get()), kDir);
  ASSERT_TRUE(db.ok()) << what << ": second reopen: " << db.status();
  auto r = (*db)->Get(ReadOptions(), "zz-after", 1);
  ASSERT_TRUE(r.ok()) << what << ": write after recovery lost: " << r.status();
}

struct SweepStats {
  int points = 0;
  int injected = 0;
  int op_failures = 0;
  int harmless = 0;  // injected, no step failed, the DB stayed writable
  std::map<std::string, int> by_step;
};

class FaultSweepTest : public ::testing::TestWithParam<absl::StatusCode> {};

TEST_P(FaultSweepTest, EveryIoCallFailsOnceInTurn) {
  const absl::StatusCode code = GetParam();
  // Count the workload's calls without faults (and check it passes).
  int64_t n = 0;
  std::map<FaultOp, int64_t> per_class;
  {
    EnvStack envs;
    BatchLog log;
    std::unique_ptr<DB> db;
    // STRATA_SWEEP_DUMP=1 prints every call of this run (to see which call
    // a failing point's k is).
    const bool dump = EnvInt("STRATA_SWEEP_DUMP", 0) != 0;
    if (dump) envs.fault->TraceCalls(0, 1 << 20);
    RunResult r = Workload(&envs, &log).Run(&db);
    ASSERT_TRUE(r.error.ok()) << r.failed_step << ": " << r.error;
    db.reset();
    if (dump)
      std::cout << "[sweep] calls without a fault:" << Trace(*envs.fault)
                << "\n";
    n = envs.fault->CountOps(FaultOp::kAny);
    for (int op = 0; op < kNumFaultOps; op++) {
      per_class[static_cast<FaultOp>(op)] =
          envs.fault->CountOps(static_cast<FaultOp>(op));
    }
    ASSERT_TRUE(envs.fault->SimulatePowerLoss().ok());
    CheckRecovery(&envs, log, "no fault");
  }
  ASSERT_GT(n, 50) << "workload too small to mean anything";

  SweepStats stats;
  const SweepRange range;
  std::vector<int64_t> points;
  for (int64_t round = 0; round < range.repeat; round++) {
    for (int64_t k = range.from; k < std::min(n, range.to);
         k += SweepStride()) {
      points.push_back(k);
    }
  }
  for (int64_t k : points) {
    const std::string what = absl::StrFormat(
        "%s at call %d of %d",
        code == absl::StatusCode::kResourceExhausted ? "ENOSPC" : "EIO", k, n);
    EnvStack envs;
    BatchLog log;
    std::unique_ptr<DB> db;
    envs.fault->FailAfter(FaultOp::kAny, static_cast<int>(k), code);
    envs.fault->TraceCalls(k - 2, 40);
    RunResult r = Workload(&envs, &log).Run(&db);
    stats.points++;
    const bool injected = envs.fault->InjectedFaults() > 0;
    stats.injected += injected;
    if (!r.error.ok()) {
      stats.op_failures++;
      stats.by_step[r.failed_step]++;
      ASSERT_TRUE(injected) << what << ": " << r.failed_step
                            << " failed without a fault: " << r.error;
      // The original error, code included, reaches the caller.
      EXPECT_EQ(r.error.code(), code)
          << what << ": " << r.failed_step << " returned " << r.error;
      if (db != nullptr) {
        // A failed write, flush or compaction leaves the DB read-only,
        // reporting the original error.
        absl::Status bg = db->BackgroundError();
        EXPECT_FALSE(bg.ok()) << what << ": " << r.failed_step
                              << " failed but the DB is still writable";
        WriteOptions wo;
        wo.sync = true;
        absl::Status after = db->Put(wo, "zz-refused", 1, "x");
        EXPECT_FALSE(after.ok())
            << what << ": write accepted after " << r.error;
        if (!bg.ok()) {
          EXPECT_EQ(bg.code(), code) << what << ": " << bg;
        }
      }
    } else if (injected) {
      // Only a call whose failure changes nothing may pass unreported; the
      // DB must then be healthy.
      stats.harmless++;
      EXPECT_TRUE(db->BackgroundError().ok()) << what;
    }
    db.reset();
    ASSERT_TRUE(envs.fault->SimulatePowerLoss().ok()) << what;
    envs.fault->ClearFaults();
    CheckRecovery(&envs, log, what, Trace(*envs.fault));
    if (HasFatalFailure()) return;
  }
  std::string classes;
  for (const auto& [op, c] : per_class) {
    absl::StrAppendFormat(&classes, " %s=%d", FaultOpName(op), c);
  }
  std::string steps;
  for (const auto& [s, c] : stats.by_step) {
    absl::StrAppendFormat(&steps, " %s=%d", s, c);
  }
  std::cout << absl::StrFormat(
      "[sweep] %d fault points (calls:%s); injected %d; an operation failed "
      "in %d (%s ); harmless %d\n",
      stats.points, classes, stats.injected, stats.op_failures, steps,
      stats.harmless);
  // Most calls are on the write path: most faults must surface.
  ASSERT_GT(stats.points, 0);
  EXPECT_GT(stats.op_failures, stats.points / 2);
}

// Read faults: with data in SSTs and no block cache, every read call of a
// verification pass (a Get of each live record, a full scan) fails once in
// turn. A read must then return the right answer or an error, never a
// silent NotFound, a wrong value or a truncated scan.
TEST(ReadFaultSweepTest, ReadErrorsAreNeverSilent) {
  EnvStack envs;
  Options o = TestOptions(envs.faulty.get());
  o.block_cache_bytes = 0;
  o.block_size = 256;
  State model;
  {
    auto db = DB::Open(o, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    Random rng(77);
    for (int i = 0; i < 60; i++) {
      Batch b = RandomBatch(&rng, envs.now(), kWindow, i);
      // No expired data: it would draw background compactions, whose reads
      // would race the pass for the fault.
      for (Op& op : b) op.expire_at = kNeverExpires;
      ASSERT_TRUE((*db)->Write(WriteOptions(), ToWriteBatch(b)).ok());
      Apply(b, &model);
      if (i % 20 == 19) {
        ASSERT_TRUE((*db)->Flush().ok());
      }
    }
  }
  const std::string want = Render(model, envs.now());
  std::vector<std::tuple<std::string, Timestamp, std::string>> live;
  for (const auto& [k, versions] : model) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->second <= envs.now()) continue;
      live.emplace_back(k.first, k.second, v->first);
      break;
    }
  }
  ASSERT_GT(live.size(), 10u);

  // One pass; returns false (with a failure recorded) on a silent error.
  auto pass = [&](DB* db, const std::string& what, int* errors) {
    for (const auto& [key, ts, value] : live) {
      auto r = db->Get(ReadOptions(), key, ts);
      if (r.ok()) {
        EXPECT_EQ(r->value, value) << what << ": wrong value for " << key;
      } else {
        EXPECT_FALSE(absl::IsNotFound(r.status()))
            << what << ": a read error became NotFound for " << key << "@" << ts
            << ": " << r.status();
        EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable)
            << what << ": " << r.status();
        ++*errors;
      }
    }
    absl::StatusOr<std::string> scan = RenderDb(db);
    if (scan.ok()) {
      EXPECT_EQ(*scan, want) << what << ": scan silently wrong";
    } else {
      EXPECT_EQ(scan.status().code(), absl::StatusCode::kUnavailable)
          << what << ": " << scan.status();
      ++*errors;
    }
  };

  int64_t n = 0;
  {
    auto db = DB::Open(o, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->WaitForBackgroundWork().ok());
    envs.fault->ResetCounts();
    int errors = 0;
    pass(db->get(), "no fault", &errors);
    EXPECT_EQ(errors, 0);
    n = envs.fault->CountOps(FaultOp::kRead);
  }
  ASSERT_GT(n, 20);
  int surfaced = 0;
  for (int64_t k = 0; k < n; k++) {
    auto db = DB::Open(o, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    // Faults target foreground reads only: a compaction the open scheduled
    // must not meet one (its failure rightly stops writes), so let it end.
    ASSERT_TRUE((*db)->WaitForBackgroundWork().ok());
    envs.fault->ResetCounts();
    envs.fault->FailAfter(FaultOp::kRead, static_cast<int>(k));
    int errors = 0;
    pass(db->get(), absl::StrFormat("EIO at read %d of %d", k, n), &errors);
    envs.fault->ClearFaults();
    surfaced += errors > 0;
    // A failed foreground read is no reason to stop writing.
    EXPECT_TRUE((*db)->BackgroundError().ok()) << (*db)->BackgroundError();
    if (HasFailure()) return;
  }
  std::cout << absl::StrFormat(
      "[read sweep] %d read fault points, %d surfaced as errors\n", n,
      surfaced);
  EXPECT_GT(surfaced, n / 2);
}

// A failed open followed by another open, with no power loss in between
// (the process retried, or crashed and restarted): every I/O call of an
// open that recovers a WAL fails once in turn; the next open must succeed
// with all the data.
TEST(OpenFaultSweepTest, ReopenAfterAFailedOpenKeepsEverything) {
  auto make = [](EnvStack* envs) {
    auto db = DB::Open(TestOptions(envs->faulty.get()), kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    WriteOptions wo;
    ASSERT_TRUE((*db)->Put(wo, "a", 1, "in-sst").ok());
    ASSERT_TRUE((*db)->Flush().ok());
    ASSERT_TRUE((*db)->Put(wo, "b", 2 * kWindow, "in-wal").ok());
  };
  int64_t n = 0;
  {
    EnvStack envs;
    make(&envs);
    envs.fault->ResetCounts();
    auto db = DB::Open(TestOptions(envs.faulty.get()), kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    db->reset();
    n = envs.fault->CountOps(FaultOp::kAny);
  }
  ASSERT_GT(n, 10);
  int failed = 0;
  for (int64_t k = 0; k < n; k++) {
    const std::string what = absl::StrFormat("EIO at call %d of %d", k, n);
    EnvStack envs;
    make(&envs);
    if (HasFatalFailure()) return;
    envs.fault->ResetCounts();
    envs.fault->FailAfter(FaultOp::kAny, static_cast<int>(k));
    {
      auto db = DB::Open(TestOptions(envs.faulty.get()), kDir);
      failed += !db.ok();
    }
    envs.fault->ClearFaults();
    auto db = DB::Open(TestOptions(envs.faulty.get()), kDir);
    ASSERT_TRUE(db.ok()) << what
                         << ": open after a failed open: " << db.status();
    auto a = (*db)->Get(ReadOptions(), "a", 1);
    auto b = (*db)->Get(ReadOptions(), "b", 2 * kWindow);
    EXPECT_TRUE(a.ok() && a->value == "in-sst") << what << ": " << a.status();
    EXPECT_TRUE(b.ok() && b->value == "in-wal") << what << ": " << b.status();
  }
  EXPECT_GT(failed, n / 2);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, FaultSweepTest,
    ::testing::Values(absl::StatusCode::kUnavailable,
                      absl::StatusCode::kResourceExhausted),
    [](const ::testing::TestParamInfo<absl::StatusCode>& info) {
      return std::string(
          info.param == absl::StatusCode::kUnavailable ? "EIO" : "ENOSPC");
    });

}  // namespace
}  // namespace strata::reliability
