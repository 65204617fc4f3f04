// Power-loss tests: random workloads (synced and unsynced writes, deletes,
// range deletes, TTL writes, flushes, compactions, background merges) are
// cut by a simulated power loss at a random point, either between two
// operations (with background work possibly mid-flight) or at a random
// I/O call (every call from then on fails, as if the machine died there).
// After each loss the DB is reopened and must hold exactly the effect of a
// prefix of the attempted batches that includes every batch acknowledged
// as durable. Several cycles run on the same DB, so recovery of a
// recovered DB is tested too.
//
// STRATA_POWER_LOSS_SEEDS=N runs N seeds instead of the default (long mode).
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "reliability/reliability_util.h"
#include "strata/db.h"

namespace strata::reliability {
namespace {

constexpr char kDir[] = "/db";
constexpr int64_t kWindow = 1'000'000;  // 1 ms windows: many SSTs

int SeedCount(int default_count) {
  const char* env = std::getenv("STRATA_POWER_LOSS_SEEDS");
  if (env == nullptr) return default_count;
  int n = std::atoi(env);
  return n > 0 ? n : default_count;
}

Options RandomOptions(Env* env, Random* rng) {
  Options o;
  o.env = env;
  o.write_buffer_size = 64 << 10;
  o.time_window_ns = kWindow;
  o.background_threads = 1 + static_cast<int>(rng->Uniform(2));
  o.window_merge_trigger = 2 + static_cast<int>(rng->Uniform(3));
  o.block_cache_bytes = rng->OneIn(3) ? 0 : 1 << 20;
  o.compression = rng->OneIn(2);
  const BlockEncodingChoice encodings[] = {BlockEncodingChoice::kAuto,
                                           BlockEncodingChoice::kRow,
                                           BlockEncodingChoice::kColumnar};
  o.block_encoding = encodings[rng->Uniform(3)];
  const SyncPolicy policies[] = {SyncPolicy::kNever, SyncPolicy::kNever,
                                 SyncPolicy::kEveryBatch,
                                 SyncPolicy::kInterval};
  o.sync_policy = policies[rng->Uniform(4)];
  o.sync_interval_ms = 1;
  return o;
}

std::string Describe(const Options& o) {
  return absl::StrFormat(
      "threads=%d merge_trigger=%d cache=%d lz4=%d encoding=%d sync=%d",
      o.background_threads, o.window_merge_trigger, o.block_cache_bytes,
      o.compression, static_cast<int>(o.block_encoding),
      static_cast<int>(o.sync_policy));
}

// Crashes the DB: the file system stops, the DB object is abandoned (its
// close fails harmlessly), unsynced data is dropped, faults are cleared.
void PowerLoss(EnvStack* envs, std::unique_ptr<DB>* db) {
  envs->fault->SetFilesystemActive(false);
  db->reset();
  ASSERT_TRUE(envs->fault->SimulatePowerLoss().ok());
  envs->fault->SetFilesystemActive(true);
  envs->fault->ClearFaults();
}

struct Totals {
  int cycles = 0;
  size_t batches = 0;
  size_t kept = 0;
  size_t durable = 0;
};

// One seed: several write-crash-recover cycles on one DB.
void RunSeed(uint64_t seed, Totals* totals) {
  Random rng(seed);
  EnvStack envs;
  const Options options = RandomOptions(envs.faulty.get(), &rng);
  const bool every_batch = options.sync_policy == SyncPolicy::kEveryBatch;
  const std::string what =
      absl::StrFormat("seed %d (%s)", seed, Describe(options));
  BatchLog log;
  BatchShape shape;
  shape.max_pad = 2000;  // fills 64 KiB memtables within a cycle
  int serial = 0;
  for (int cycle = 0; cycle < 4; cycle++) {
    auto opened = DB::Open(options, kDir);
    ASSERT_TRUE(opened.ok())
        << what << " cycle " << cycle << ": " << opened.status();
    std::unique_ptr<DB> db = std::move(*opened);
    log.MarkAllDurable();  // open made the replayed WAL durable
    const size_t start = log.attempted();

    const bool at_io_call = rng.OneIn(2);
    const int ops = 20 + static_cast<int>(rng.Uniform(300));
    if (at_io_call) {
      // Every call from a random one on fails: the machine died there.
      envs.fault->FailAfter(FaultOp::kAny,
                            static_cast<int>(rng.Uniform(3 * ops)),
                            absl::StatusCode::kUnavailable, /*sticky=*/true);
    }
    for (int i = 0; i < ops; i++) {
      absl::Status s;
      const uint64_t dice = rng.Uniform(100);
      if (dice < 2) {
        s = db->Flush();
        if (s.ok()) log.MarkAllDurable();
      } else if (dice < 3) {
        s = db->CompactRange("", "");
        if (s.ok()) log.MarkAllDurable();
      } else {
        WriteOptions wo;
        wo.sync = rng.OneIn(4);
        Batch b = RandomBatch(&rng, envs.now(), kWindow, serial++, shape);
        WriteBatch wb = ToWriteBatch(b);
        size_t index = log.Attempt(std::move(b));
        s = db->Write(wo, wb);
        if (s.ok() && (wo.sync || every_batch)) log.MarkDurable(index + 1);
      }
      if (!s.ok()) {
        ASSERT_TRUE(at_io_call)
            << what << " cycle " << cycle << ": error without a fault: " << s;
        break;
      }
    }
    PowerLoss(&envs, &db);
    if (testing::Test::HasFatalFailure()) return;
    envs.faulty->Advance(400'000'000'000);  // some TTLs run out over cycles

    opened = DB::Open(options, kDir);
    ASSERT_TRUE(opened.ok())
        << what << " cycle " << cycle
        << ": reopen after power loss: " << opened.status();
    absl::StatusOr<size_t> p = log.MatchPrefix(opened->get(), envs.now());
    ASSERT_TRUE(p.ok()) << what << " cycle " << cycle << ": "
                        << p.status().message();
    totals->cycles++;
    totals->batches += log.attempted() - start;
    totals->kept += *p - start;
    totals->durable += log.durable() - start;
    log.Truncate(*p);
  }
}

TEST(PowerLossTest, RandomWorkloadsKeepTheirDurablePrefix) {
  Totals t;
  const int seeds = SeedCount(8);
  for (int seed = 1; seed <= seeds; seed++) {
    RunSeed(static_cast<uint64_t>(seed) * 7919, &t);
    if (HasFatalFailure()) return;
  }
  std::cout << absl::StrFormat(
      "[power-loss] %d seeds, %d cycles: %d batches attempted, %d required "
      "durable, %d recovered\n",
      seeds, t.cycles, t.batches, t.durable, t.kept);
  EXPECT_GT(t.durable, 0u);
  // Unsynced writes must sometimes be lost, or the loss model did nothing.
  EXPECT_LT(t.kept, t.batches);
}

// Writers on several threads (group commit), each on its own keys; the
// file system stops under them at a random moment. Each thread's keys must
// show a prefix of its batches that includes all it saw acknowledged.
TEST(PowerLossTest, ConcurrentWritersKeepTheirDurablePrefixes) {
  constexpr int kThreads = 3;
  const int seeds = SeedCount(3);
  for (int seed = 1; seed <= seeds; seed++) {
    Random rng(static_cast<uint64_t>(seed) * 104729);
    EnvStack envs;
    Options options = RandomOptions(envs.faulty.get(), &rng);
    options.sync_policy = SyncPolicy::kNever;
    std::vector<BatchLog> logs(kThreads);
    for (int cycle = 0; cycle < 3; cycle++) {
      const std::string what = absl::StrFormat("seed %d cycle %d (%s)", seed,
                                               cycle, Describe(options));
      auto opened = DB::Open(options, kDir);
      ASSERT_TRUE(opened.ok()) << what << ": " << opened.status();
      std::unique_ptr<DB> db = std::move(*opened);
      for (auto& log : logs) log.MarkAllDurable();

      std::atomic<bool> stop{false};
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([&, t, thread_seed = rng.Next()] {
          Random trng(thread_seed);
          BatchShape shape;
          shape.prefix = absl::StrFormat("t%d-", t);
          shape.max_pad = 1000;
          for (int i = 0; i < 400 && !stop.load(); i++) {
            WriteOptions wo;
            wo.sync = trng.OneIn(3);
            Batch b = RandomBatch(&trng, envs.now(), kWindow, cycle * 1000 + i,
                                  shape);
            WriteBatch wb = ToWriteBatch(b);
            size_t index = logs[t].Attempt(std::move(b));
            absl::Status s = db->Write(wo, wb);
            if (!s.ok()) break;
            if (wo.sync) logs[t].MarkDurable(index + 1);
          }
        });
      }
      envs.faulty->SleepForMicros(static_cast<int64_t>(rng.Uniform(20'000)));
      envs.fault->SetFilesystemActive(false);
      stop = true;
      for (auto& th : threads) th.join();
      PowerLoss(&envs, &db);
      if (HasFatalFailure()) return;

      opened = DB::Open(options, kDir);
      ASSERT_TRUE(opened.ok()) << what << ": reopen: " << opened.status();
      for (int t = 0; t < kThreads; t++) {
        absl::StatusOr<size_t> p = logs[t].MatchPrefix(
            opened->get(), envs.now(), absl::StrFormat("t%d-", t));
        ASSERT_TRUE(p.ok())
            << what << " thread " << t << ": " << p.status().message();
        logs[t].Truncate(*p);
      }
    }
  }
}

}  // namespace
}  // namespace strata::reliability

namespace strata::reliability {
namespace {

// Regression: WAL replay cuts its memtable into SSTs whenever it fills;
// a range delete replayed after such a cut must still cover the data
// written to SSTs earlier in the same replay.
TEST(PowerLossTest, RangeDeleteCoversDataFlushedEarlierInTheSameReplay) {
  EnvStack envs;
  Options big;
  big.env = envs.faulty.get();
  big.time_window_ns = kWindow;
  big.write_buffer_size = 4 << 20;  // everything stays in one WAL
  WriteOptions wo;
  {
    auto db = DB::Open(big, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Put(wo, "a", 5 * kWindow + 1, "doomed").ok());
    const std::string filler(1000, 'f');
    for (int i = 0; i < 150; i++) {
      ASSERT_TRUE((*db)->Put(wo, absl::StrFormat("f%03d", i), 1, filler).ok());
    }
    ASSERT_TRUE((*db)->DeleteRange(wo, "a", "b").ok());
    wo.sync = true;
    ASSERT_TRUE((*db)->Put(wo, "z", 1, "last").ok());
  }
  // Replay with a small buffer: "a" reaches an SST before the range delete
  // is replayed.
  Options small = big;
  small.write_buffer_size = 64 << 10;
  auto db = DB::Open(small, kDir);
  ASSERT_TRUE(db.ok()) << db.status();
  auto r = (*db)->Get(ReadOptions(), "a", 5 * kWindow + 1);
  EXPECT_TRUE(absl::IsNotFound(r.status()))
      << "range-deleted record came back: " << (r.ok() ? r->value : "");
  ASSERT_TRUE((*db)->Get(ReadOptions(), "z", 1).ok());
}

// Finding A (a half-present unsynced batch after a fault sweep's power
// loss). An open replays WAL records, synced or not, into SSTs and installs
// them before recovery ends. Those edits kept the old last sequence, so if
// the open then failed and power was lost, the WAL tail was gone while the
// SSTs stayed, holding records above the recovered last sequence:
// invisible until a compaction of one time window rewrote them as visible
// (only that window's part of a batch), or a new write reused their
// sequence numbers. Either way part of a lost batch appeared. Fixed in
// 18d7167 (DBImpl::ReplayLog, Recover).
TEST(PowerLossTest, ReplayedThenLostBatchesNeverReappearInPart) {
  constexpr Timestamp kLate = 5 * kWindow + 1;  // another time window
  auto build = [](EnvStack* envs) {
    Options big;
    big.env = envs->faulty.get();
    big.time_window_ns = kWindow;
    big.write_buffer_size = 4 << 20;  // everything stays in one WAL
    auto db = DB::Open(big, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE((*db)->Put(sync, "base", 1, "synced").ok());
    // Unsynced batches spanning two windows, big enough that a replay with
    // a 64 KiB buffer cuts SSTs after each one.
    const std::string pad(30 << 10, 'p');
    for (int b = 1; b <= 3; b++) {
      WriteBatch batch;
      batch.Put(absl::StrFormat("b%d-0", b), 1, pad);
      batch.Put(absl::StrFormat("b%d-1", b), kLate, pad);
      batch.Put(absl::StrFormat("b%d-2", b), 1, pad);
      if (b == 1) batch.Put("base", 1, "unsynced");
      ASSERT_TRUE((*db)->Write(WriteOptions(), batch).ok());
    }
  };
  Options small;
  small.time_window_ns = kWindow;
  small.write_buffer_size = 64 << 10;
  small.window_merge_trigger = 64;  // no background merges: exact counts
  // Count the creates of a clean replay up to the new WAL's (background
  // work may add more after the open).
  int64_t creates = 0;
  {
    EnvStack envs;
    build(&envs);
    if (HasFatalFailure()) return;
    envs.fault->TraceCalls(0, 1 << 20);
    small.env = envs.faulty.get();
    auto db = DB::Open(small, kDir);
    ASSERT_TRUE(db.ok()) << db.status();
    for (const std::string& call : envs.fault->TracedCalls()) {
      if (call.find(" create ") == std::string::npos) continue;
      creates++;
      if (call.ends_with(".log")) break;
    }
  }
  ASSERT_GE(creates, 5) << "the replay cut no SSTs";
  EnvStack envs;
  build(&envs);
  if (HasFatalFailure()) return;
  small.env = envs.faulty.get();
  // The open fails creating its new WAL, after the replay's SSTs are in.
  envs.fault->FailAfter(FaultOp::kCreate, static_cast<int>(creates - 1));
  ASSERT_FALSE(DB::Open(small, kDir).ok());
  envs.fault->ClearFaults();
  ASSERT_TRUE(envs.fault->SimulatePowerLoss().ok());

  auto db = DB::Open(small, kDir);
  ASSERT_TRUE(db.ok()) << db.status();
  // Each lost batch is all there or not at all, "base" agreeing.
  auto check = [&](const std::string& when) {
    for (int b = 1; b <= 3; b++) {
      int present = 0;
      for (int i = 0; i < 3; i++) {
        present += (*db)
                       ->Get(ReadOptions(), absl::StrFormat("b%d-%d", b, i),
                             i == 1 ? kLate : 1)
                       .ok();
      }
      EXPECT_TRUE(present == 0 || present == 3)
          << when << ": batch " << b << " has " << present << " of 3 puts";
      if (b == 1) {
        auto base = (*db)->Get(ReadOptions(), "base", 1);
        ASSERT_TRUE(base.ok())
            << when << ": synced record lost: " << base.status();
        EXPECT_EQ(base->value, present == 3 ? "unsynced" : "synced") << when;
      }
    }
  };
  check("after recovery");
  // Compacts the first window only (the keys there; none in kLate's).
  ASSERT_TRUE((*db)->CompactRange("b1-0", "b1-1").ok());
  check("after compacting one window");
  WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE((*db)->Put(sync, "after", 1, "new").ok());
  check("after a new write");
}

}  // namespace
}  // namespace strata::reliability
