// Retention rules (DB::SetRetentionRule, schema/compaction.md "Retention
// rules"): the rule-set logic against a brute-force reference, a randomized
// model test of reads against model_reference.h with rules applied on top
// (memtable, flush, compaction, clock moves, reopen with re-registered
// rules), whole-file drops that read nothing, reclaim by background
// compaction alone, snapshots, and keys outside every rule left alone.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "lsm/model_reference.h"
#include "lsm/retention_rules.h"
#include "strata/db.h"
#include "strata/env.h"
#include "util/random.h"

namespace strata {
namespace {

using model::ModelDB;
using model::Op;
using model::Printable;

constexpr int64_t kStart = ManualClockEnv::kDefaultStartNanos;

// ---------------------------------------------------------------------------
// Reference for rule look-ups, written from the spec: the innermost rule
// containing the key (largest begin, then smallest end) decides.

struct RefRule {
  std::string begin, end;  // end "" = unbounded
  int64_t retention;
};

bool RefContains(const RefRule& r, std::string_view key) {
  return r.begin <= key && (r.end.empty() || key < r.end);
}

Timestamp RefFloor(const std::vector<RefRule>& rules, std::string_view key,
                   int64_t now) {
  const RefRule* best = nullptr;
  for (const RefRule& r : rules) {
    if (!RefContains(r, key)) continue;
    if (best == nullptr || r.begin > best->begin ||
        (r.begin == best->begin && !r.end.empty() &&
         (best->end.empty() || r.end < best->end))) {
      best = &r;
    }
  }
  if (best == nullptr) return kMinTimestamp;
  return now - best->retention + 1;  // tests stay far from overflow
}

TEST(RetentionRulesTest, InnermostRuleDecidesEachKey) {
  const int64_t now = 1'000'000;
  struct Step {
    std::string begin, end;
    int64_t retention;
    bool ok;
  };
  const std::vector<Step> steps = {
      {"b", "y", 500, true},  // outer
      {"d", "f", 100, true},  // nested, shorter
      {"g", "k", 900, true},  // nested, longer than the outer
      {"h", "i", 50, true},   // nested twice
      {"e", "h", 10, false},  // partial overlap with [d,f) and [g,k)
      {"a", "c", 10, false},  // partial overlap with [b,y)
      {"x", "", 10, false},   // partial overlap with [b,y)
      {"z", "", 700, true},   // unbounded, disjoint
      {"d", "f", 200, true},  // replace
      {"d", "d", 10, false},  // empty range
      {"q", "r", -1, false},  // negative retention
      {"q", "r", 0, true},    // removing an absent rule is fine
      {"g", "k", 0, true},    // remove
      {"g", "k", 300, true},  // and add back
  };
  std::shared_ptr<const RetentionRules> rules =
      std::make_shared<RetentionRules>();
  std::vector<RefRule> ref;
  const std::vector<std::string> probes = {
      "",  "a", "b", "c", "d", "d1", "e", "f",  "g", "h",   "h5",
      "i", "j", "k", "l", "x", "xz", "y", "yy", "z", "zzz", "\xff"};
  for (const Step& st : steps) {
    auto next =
        RetentionRules::With(rules.get(), st.begin, st.end, st.retention);
    ASSERT_EQ(next.ok(), st.ok)
        << st.begin << ".." << st.end << " " << next.status();
    if (!next.ok()) {
      EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    rules = *next;
    ref.erase(std::remove_if(ref.begin(), ref.end(),
                             [&](const RefRule& r) {
                               return r.begin == st.begin && r.end == st.end;
                             }),
              ref.end());
    if (st.retention > 0) ref.push_back({st.begin, st.end, st.retention});
    RetentionCursor cursor(rules.get(), now);
    for (const std::string& k : probes) {
      EXPECT_EQ(rules->FloorForKey(k, now), RefFloor(ref, k, now))
          << "key " << Printable(k) << " after " << st.begin << ".." << st.end;
      EXPECT_EQ(cursor.Floor(k), RefFloor(ref, k, now)) << Printable(k);
    }
    // Ranges: the smallest floor over every probe inside, and uniformity.
    for (size_t i = 0; i < probes.size(); i++) {
      for (size_t j = i + 1; j < probes.size(); j++) {
        const std::string& b = probes[i];
        const std::string& e = probes[j];
        // Probes are dense enough at rule edges that the minimum over the
        // probes in [b, e) is the minimum over the range.
        Timestamp lo = kMaxTimestamp, hi = kMinTimestamp;
        for (const std::string& k : probes) {
          if (k < b || k >= e) continue;
          Timestamp f = RefFloor(ref, k, now);
          lo = std::min(lo, f);
          hi = std::max(hi, f);
        }
        bool uniform;
        EXPECT_EQ(rules->MinFloorOver(b, e, now, &uniform), lo)
            << "[" << Printable(b) << ", " << Printable(e) << ")";
        EXPECT_EQ(uniform, lo == hi)
            << "[" << Printable(b) << ", " << Printable(e) << ")";
        Timestamp closed = kMaxTimestamp;
        for (const std::string& k : probes) {
          if (k >= b && k <= e)
            closed = std::min(closed, RefFloor(ref, k, now));
        }
        EXPECT_EQ(rules->MinFloorOverClosed(b, e, now), closed)
            << "[" << Printable(b) << ", " << Printable(e) << "]";
      }
    }
  }
}

TEST(RetentionRulesTest, FloorSaturates) {
  EXPECT_EQ(RetentionFloor(100, 0), kMinTimestamp);
  EXPECT_EQ(RetentionFloor(100, 10), 91);
  EXPECT_EQ(RetentionFloor(kMinTimestamp + 5, 100), kMinTimestamp);
  EXPECT_EQ(RetentionFloor(0, kMaxTimestamp), kMinTimestamp + 2);
}

// ---------------------------------------------------------------------------
// DB fixture: an in-memory Env with a manual clock.

class RetentionDBTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<ManualClockEnv>(Env::Default());
    mem_ = NewMemEnv(clock_.get());
    options_.env = mem_.get();
    options_.write_buffer_size = 1 << 20;
    options_.block_size = 256;
    options_.time_window_ns = 1000;
    options_.background_threads = 1;
  }
  void Open() {
    db_.reset();
    auto db = DB::Open(options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void Put(std::string_view k, Timestamp ts, std::string_view v) {
    ASSERT_TRUE(db_->Put(WriteOptions(), k, ts, v).ok());
  }
  // Every live (key, ts) of the DB at the latest state.
  std::vector<std::pair<std::string, Timestamp>> ScanAll(
      const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::vector<std::pair<std::string, Timestamp>> out;
    auto it = db_->NewIterator(ro);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key()), it->timestamp());
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  std::unique_ptr<ManualClockEnv> clock_;
  std::unique_ptr<Env> mem_;
  Options options_;
  std::unique_ptr<DB> db_;
};

// Rule-dead files are dropped whole: no block is read, nothing compacted.
TEST_F(RetentionDBTest, DeadFilesAreDroppedWholeWithoutBeingRead) {
  options_.window_merge_trigger = 64;  // no tiered merges in the way
  Open();
  const int64_t now = clock_->NowNanos();
  // 10 windows of 1000 ns, one flushed SST each, all without expiry.
  for (int w = 0; w < 10; w++) {
    for (int i = 0; i < 100; i++) {
      Put(absl::StrFormat("m%03d", i), now - 10'000 + w * 1000 + i * 7,
          std::string(40, 'v'));
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats before = db_->GetStats();
  ASSERT_EQ(before.live_files, 10u);
  // Keep the last 4800 ns: windows 0..4 (ts < now - 5000) are wholly dead,
  // window 5 too little to be worth a rewrite.
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 4801).ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  EXPECT_EQ(after.files_dropped_retention, 5u);
  EXPECT_GT(after.bytes_dropped_retention, 0u);
  EXPECT_EQ(after.blocks_read, before.blocks_read);
  EXPECT_EQ(after.compaction_bytes_read, before.compaction_bytes_read);
  EXPECT_EQ(after.files_dropped_ttl, 0u);
  EXPECT_LT(after.live_bytes, before.live_bytes);
  // What is left is exactly what the rule keeps.
  size_t n = 0;
  for (const auto& [k, ts] : ScanAll()) {
    EXPECT_GE(ts, now - 4800) << k;
    n++;
  }
  EXPECT_EQ(n, 500u - 29u);  // windows 5..9 less ts < now - 4800 (i < 29)
  auto r = db_->Get(ReadOptions(), "m000", now - 10'000 + 5 * 1000);
  EXPECT_TRUE(absl::IsNotFound(r.status())) << r.status();
}

// A file that could hold an older version of a dead file's record keeps
// that file alive: dropping only the newer version would let the older
// one resurface when the rule is removed.
TEST_F(RetentionDBTest, RemovingARuleNeverResurrectsAnOlderVersion) {
  options_.window_merge_trigger = 64;
  Open();
  const int64_t now = clock_->NowNanos();
  const Timestamp old_ts = now - 5000;
  Put("m1", old_ts, "old");
  Put("x1", old_ts + 1, "outside");  // keeps this file out of the rule
  ASSERT_TRUE(db_->Flush().ok());
  Put("m1", old_ts, "new");
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "m1", old_ts + 2).ok());
  Put("m1", old_ts + 2, "deleted-later");
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 1000).ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  EXPECT_EQ(db_->GetStats().files_dropped_retention, 0u);
  EXPECT_TRUE(absl::IsNotFound(db_->Get(ReadOptions(), "m1", old_ts).status()));
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 0).ok());
  auto r = db_->Get(ReadOptions(), "m1", old_ts);
  if (r.ok()) {
    EXPECT_EQ(r->value, "new");
  }
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 1000).ok());
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  EXPECT_GT(db_->GetStats().dropped_retention, 0u);
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 0).ok());
  EXPECT_TRUE(absl::IsNotFound(db_->Get(ReadOptions(), "m1", old_ts).status()));
  auto x = db_->Get(ReadOptions(), "x1", old_ts + 1);
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_EQ(x->value, "outside");
}

// Data written with no expiry leaves the disk after a rule and a clock move
// alone: the garbage-heavy pick compacts the window, no CompactRange.
TEST_F(RetentionDBTest, BackgroundCompactionReclaimsRuleDeadData) {
  options_.time_window_ns = 1'000'000;  // one window holds everything
  Open();
  const int64_t now = clock_->NowNanos();
  // Each flushed file mixes old and recent timestamps and other keys, so no
  // file is dead whole.
  // Each flushed file spans ts [now - 900000, now - 302000]: no file is
  // dead whole at any time below.
  for (int f = 0; f < 3; f++) {
    for (int i = 0; i < 300; i++) {
      Put(absl::StrFormat("m%03d", i), now - 900'000 + f * 100 + i * 2'000,
          std::string(40, 'a' + f));
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats before = db_->GetStats();
  // A sixth of each file is dead: not yet worth a rewrite.
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 800'000).ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats mid = db_->GetStats();
  EXPECT_EQ(mid.dropped_retention, 0u);
  clock_->Advance(400'000);  // now most of every file is dead
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  EXPECT_GT(after.compactions, mid.compactions);
  EXPECT_GT(after.dropped_retention, 0u);
  EXPECT_LT(after.live_bytes, before.live_bytes / 3);
  const int64_t t = clock_->NowNanos();
  size_t n = 0;
  for (const auto& [k, ts] : ScanAll()) {
    EXPECT_GT(ts + 800'000, t) << k;
    n++;
  }
  EXPECT_GT(n, 0u);
}

// A snapshot sees the same records before and after reclaim: dead ones are
// hidden from it at once (like expiry), live ones keep their old values.
TEST_F(RetentionDBTest, SnapshotKeepsItsViewAcrossReclaim) {
  Open();
  const int64_t now = clock_->NowNanos();
  for (int i = 0; i < 50; i++) {
    Put(absl::StrFormat("m%02d", i), now - 3000 + i * 50, "v1");
  }
  ASSERT_TRUE(db_->Flush().ok());
  auto snap = db_->GetSnapshot();
  for (int i = 0; i < 50; i++) {
    Put(absl::StrFormat("m%02d", i), now - 3000 + i * 50, "v2");
    if (i % 3 == 0) {
      ASSERT_TRUE(db_->Delete(WriteOptions(), absl::StrFormat("m%02d", i),
                              now - 3000 + i * 50)
                      .ok());
    }
  }
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 1500).ok());
  const auto view = ScanAll(snap.get());
  ASSERT_FALSE(view.empty());
  for (const auto& [k, ts] : view) EXPECT_GT(ts + 1500, now) << k;
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  EXPECT_GT(db_->GetStats().dropped_retention, 0u);
  EXPECT_EQ(ScanAll(snap.get()), view);
  ReadOptions ro;
  ro.snapshot = snap.get();
  for (const auto& [k, ts] : view) {
    auto r = db_->Get(ro, k, ts);
    ASSERT_TRUE(r.ok()) << k << " " << r.status();
    EXPECT_EQ(r->value, "v1");
  }
}

TEST_F(RetentionDBTest, KeysOutsideEveryRuleSurvive) {
  Open();
  const int64_t now = clock_->NowNanos();
  for (int i = 0; i < 200; i++) {
    Put(std::string(1, '\x10') + absl::StrFormat("%03d", i), now - 5000 + i,
        "data");
    Put(std::string(1, '\x20') + absl::StrFormat("%03d", i), now - 5000 + i,
        "doc");
    Put(std::string(1, '\x0f') + absl::StrFormat("%03d", i), now - 5000 + i,
        "below");
  }
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->SetRetentionRule("\x10", "\x11", 100).ok());
  clock_->Advance(10'000);
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  size_t docs = 0, below = 0;
  for (const auto& [k, ts] : ScanAll()) {
    ASSERT_NE(k[0], '\x10') << Printable(k);
    (k[0] == '\x20' ? docs : below)++;
  }
  EXPECT_EQ(docs, 200u);
  EXPECT_EQ(below, 200u);
  EXPECT_EQ(db_->GetStats().dropped_retention, 200u);
}

// Files mixing keys under a rule with keys under none (series data and
// documents with their own times in one window) are never dead whole; their
// index tells the picker how much of them is, and the window is rewritten.
TEST_F(RetentionDBTest, MixedFilesAreReclaimedUsingTheirIndex) {
  options_.time_window_ns = 1'000'000;
  Open();
  const int64_t now = clock_->NowNanos();
  for (int f = 0; f < 3; f++) {
    for (int i = 0; i < 400; i++) {
      Put(absl::StrFormat("m%03d", i), now - 900'000 + f * 100 + i * 1'500,
          std::string(40, 'a' + f));
    }
    for (int i = 0; i < 50; i++) {
      Put(absl::StrFormat("z%02d", i), now - 900'000 + f * 100 + i * 12'000,
          "document outside every rule");
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats before = db_->GetStats();
  ASSERT_TRUE(db_->SetRetentionRule("m", "n", 800'000).ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  EXPECT_EQ(db_->GetStats().dropped_retention, 0u);
  clock_->Advance(400'000);
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const Stats after = db_->GetStats();
  EXPECT_GT(after.dropped_retention, 0u);
  EXPECT_EQ(after.files_dropped_retention, 0u);
  EXPECT_LT(after.live_bytes, before.live_bytes / 2);
  size_t docs = 0;
  for (const auto& [k, ts] : ScanAll()) {
    if (k[0] == 'z') {
      docs++;
    } else {
      EXPECT_GT(ts + 800'000, clock_->NowNanos()) << k;
    }
  }
  EXPECT_EQ(docs, 150u);
}

TEST_F(RetentionDBTest, InvalidRulesAreRefused) {
  Open();
  ASSERT_TRUE(db_->SetRetentionRule("b", "m", 10).ok());
  EXPECT_EQ(db_->SetRetentionRule("a", "c", 10).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->SetRetentionRule("c", "b", 10).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->SetRetentionRule("c", "d", -5).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(db_->SetRetentionRule("c", "d", 5).ok());
}

// ---------------------------------------------------------------------------
// Model test: random writes, flushes, compactions, clock moves, snapshots
// and reopens; every read must equal the reference with dead records (under
// RefFloor) removed. Rules only ever tighten here (a record once dead stays
// dead), except at the end, where removing them all may bring back only
// records exactly as the reference (without rules) has them.

class RetentionModelTest : public RetentionDBTest,
                           public ::testing::WithParamInterface<uint64_t> {
 protected:
  // Candidate rules: two nested in an outer one, and an unbounded one.
  struct Slot {
    std::string begin, end;
    int parent;  // index of the enclosing slot, -1 if none
  };
  const std::vector<Slot> slots_ = {
      {"k", "l", -1}, {"k1", "k2", 0}, {"k4", "k6", 0}, {"m", "", -1}};

  std::string RandomKey(Random* rng) {
    static const char* kPrefixes[] = {"a", "k0", "k1", "k3", "k5", "k7", "m"};
    return absl::StrFormat("%s%d", kPrefixes[rng->Uniform(7)],
                           static_cast<int>(rng->Uniform(6)));
  }

  std::vector<RefRule> ActiveRules() const {
    std::vector<RefRule> out;
    for (size_t i = 0; i < slots_.size(); i++) {
      if (retention_[i] > 0) {
        out.push_back({slots_[i].begin, slots_[i].end, retention_[i]});
      }
    }
    return out;
  }

  bool Dead(const std::string& key, Timestamp ts) const {
    return ts < RefFloor(ActiveRules(), key, clock_->NowNanos());
  }

  // Tightens one slot: a new or shorter retention, never longer than what
  // the keys under it had before.
  void Tighten(Random* rng) {
    const size_t i = rng->Uniform(slots_.size());
    int64_t cap = retention_[i];
    if (cap == 0 && slots_[i].parent >= 0) cap = retention_[slots_[i].parent];
    if (cap == 0) cap = 6000;
    const int64_t r = 1 + static_cast<int64_t>(rng->Uniform(cap));
    retention_[i] = r;
    ASSERT_TRUE(db_->SetRetentionRule(slots_[i].begin, slots_[i].end, r).ok());
  }

  void RegisterAll() {
    for (size_t i = 0; i < slots_.size(); i++) {
      if (retention_[i] == 0) continue;
      ASSERT_TRUE(
          db_->SetRetentionRule(slots_[i].begin, slots_[i].end, retention_[i])
              .ok());
    }
  }

  std::vector<Record> Expected(const ScanRange& r, SequenceNumber seq) const {
    std::vector<Record> out;
    for (Record& rec : model_.Scan(r, seq, clock_->NowNanos())) {
      if (!Dead(rec.key, rec.ts)) out.push_back(std::move(rec));
    }
    return out;
  }

  void CheckScan(Random* rng, const Snapshot* snap, SequenceNumber seq) {
    std::string b = rng->OneIn(4) ? "" : RandomKey(rng);
    std::string e = rng->OneIn(4) ? "" : RandomKey(rng);
    if (!e.empty() && e < b) std::swap(b, e);
    ScanRange r{b, e};
    const int64_t now = clock_->NowNanos();
    if (rng->OneIn(2)) {
      r.t0 = now - 6000 + static_cast<int64_t>(rng->Uniform(6000));
      r.t1 = r.t0 + static_cast<int64_t>(rng->Uniform(4000));
    }
    const std::vector<Record> want = Expected(r, seq);
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro, r);
    std::vector<Record> got;
    const bool reverse = rng->OneIn(2);
    if (reverse) {
      for (it->SeekToLast(); it->Valid(); it->Prev()) {
        got.push_back(Record{std::string(it->key()), it->timestamp(),
                             it->expire_at(), std::string(it->value())});
      }
      std::reverse(got.begin(), got.end());
    } else {
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        got.push_back(Record{std::string(it->key()), it->timestamp(),
                             it->expire_at(), std::string(it->value())});
      }
    }
    ASSERT_TRUE(it->status().ok()) << it->status();
    ASSERT_EQ(got.size(), want.size())
        << "scan [" << Printable(b) << ", " << Printable(e) << ") ts [" << r.t0
        << ", " << r.t1 << ") reverse " << reverse;
    for (size_t i = 0; i < got.size(); i++) {
      ASSERT_TRUE(model::SameRecord(got[i], want[i]))
          << model::DescribeRecord(got[i]) << " vs "
          << model::DescribeRecord(want[i]);
    }
  }

  void CheckGet(Random* rng, const Snapshot* snap, SequenceNumber seq) {
    std::string k = RandomKey(rng);
    const int64_t now = clock_->NowNanos();
    Timestamp ts = now - 6000 + static_cast<int64_t>(rng->Uniform(6500));
    // Mostly records that were written (live, dead, deleted or expired).
    const auto& groups = model_.groups();
    if (!groups.empty() && !rng->OneIn(4)) {
      auto g = groups.begin();
      std::advance(g, rng->Uniform(groups.size()));
      k = g->first.first;
      ts = g->first.second;
    }
    std::optional<Record> want = model_.Get(k, ts, seq, now);
    if (want && Dead(k, ts)) want.reset();
    ReadOptions ro;
    ro.snapshot = snap;
    auto got = db_->Get(ro, k, ts);
    ASSERT_EQ(got.ok(), want.has_value())
        << Printable(k) << " " << ts << " " << got.status() << "\n"
        << model_.DescribeGroup(k, ts);
    if (want) {
      ASSERT_TRUE(model::SameRecord(*got, *want));
    }
  }

  ModelDB model_;
  std::vector<int64_t> retention_ = std::vector<int64_t>(4, 0);
};

TEST_P(RetentionModelTest, ReadsMatchReferenceWithRules) {
  options_.write_buffer_size = 64 << 10;
  options_.window_merge_trigger = 2;
  Open();
  Random rng(GetParam());
  std::unique_ptr<const Snapshot> snap;
  SequenceNumber snap_seq = 0;
  for (int step = 0; step < 3000; step++) {
    const uint64_t r = rng.Uniform(100);
    const int64_t now = clock_->NowNanos();
    if (r < 40) {
      std::vector<Op> ops;
      const int n = 1 + static_cast<int>(rng.Uniform(5));
      for (int i = 0; i < n; i++) {
        Op op;
        const uint64_t kind = rng.Uniform(100);
        op.key = RandomKey(&rng);
        op.ts = now - 6000 + static_cast<int64_t>(rng.Uniform(6500));
        if (kind < 80) {
          op.kind = Op::kPut;
          op.value = absl::StrFormat("v%d", step);
          if (rng.OneIn(5)) {
            op.expiry =
                Expiry::TtlNanos(1 + static_cast<int64_t>(rng.Uniform(8000)));
          }
        } else if (kind < 93) {
          op.kind = Op::kDelete;
        } else {
          op.kind = Op::kDeleteRange;
          op.end = RandomKey(&rng);
          if (op.end <= op.key) op.end = op.key + "~";
          op.t1 = op.ts + static_cast<int64_t>(rng.Uniform(3000)) + 1;
        }
        ops.push_back(std::move(op));
      }
      ASSERT_TRUE(db_->Write(WriteOptions(), model::ToBatch(ops)).ok());
      model_.Apply(ops, now);
    } else if (r < 46) {
      ASSERT_TRUE(db_->Flush().ok());
    } else if (r < 48) {
      ASSERT_TRUE(db_->CompactRange("", "").ok());
    } else if (r < 51) {
      ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
    } else if (r < 60) {
      clock_->Advance(static_cast<int64_t>(rng.Uniform(400)));
    } else if (r < 64) {
      ASSERT_NO_FATAL_FAILURE(Tighten(&rng));
    } else if (r < 66) {
      snap = db_->GetSnapshot();
      snap_seq = model_.last_sequence();
    } else if (r < 67) {
      snap.reset();
    } else if (r < 68) {
      snap.reset();
      ASSERT_NO_FATAL_FAILURE(Open());
      ASSERT_NO_FATAL_FAILURE(RegisterAll());
    } else if (r < 84) {
      ASSERT_NO_FATAL_FAILURE(CheckGet(&rng, nullptr, model_.last_sequence()));
      if (snap) {
        ASSERT_NO_FATAL_FAILURE(CheckGet(&rng, snap.get(), snap_seq));
      }
    } else {
      ASSERT_NO_FATAL_FAILURE(CheckScan(&rng, nullptr, model_.last_sequence()));
      if (snap) {
        ASSERT_NO_FATAL_FAILURE(CheckScan(&rng, snap.get(), snap_seq));
      }
    }
  }
  ASSERT_NO_FATAL_FAILURE(CheckScan(&rng, nullptr, model_.last_sequence()));
  const Stats st = db_->GetStats();
  EXPECT_GT(st.dropped_retention + st.files_dropped_retention, 0u);

  // Removing every rule: a record either stays gone or comes back exactly
  // as the reference has it; records no rule hid are all there.
  snap.reset();
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const std::vector<Record> alive_before =
      Expected(ScanRange{}, model_.last_sequence());
  for (size_t i = 0; i < slots_.size(); i++) {
    if (retention_[i] == 0) continue;
    ASSERT_TRUE(db_->SetRetentionRule(slots_[i].begin, slots_[i].end, 0).ok());
    retention_[i] = 0;
  }
  const std::vector<Record> all =
      Expected(ScanRange{}, model_.last_sequence());  // no rules now
  auto it = db_->NewIterator(ReadOptions());
  size_t matched_alive = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Record got{std::string(it->key()), it->timestamp(), it->expire_at(),
               std::string(it->value())};
    auto want = std::find_if(all.begin(), all.end(), [&](const Record& w) {
      return w.key == got.key && w.ts == got.ts;
    });
    ASSERT_TRUE(want != all.end())
        << "resurrected " << model::DescribeRecord(got) << "\n"
        << model_.DescribeGroup(got.key, got.ts);
    ASSERT_TRUE(model::SameRecord(got, *want))
        << model::DescribeRecord(got) << " vs " << model::DescribeRecord(*want);
    for (const Record& a : alive_before) {
      if (a.key == got.key && a.ts == got.ts) matched_alive++;
    }
  }
  ASSERT_TRUE(it->status().ok());
  EXPECT_EQ(matched_alive, alive_before.size());
}

INSTANTIATE_TEST_SUITE_P(Seeds, RetentionModelTest,
                         ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace strata
