// Randomized model test of strata::DB: long random runs of writes (puts with
// every kind of expiry, deletes, range deletes, batches), reads (Get,
// GetLatest, windowed scans in both directions with random seeks, at the
// latest state or at snapshots), flushes, clock moves and reopens, each read
// checked against the in-memory reference of model_reference.h. Several
// configurations make flushes constant and blocks tiny so every read mixes
// memtables, many SSTs and many time windows.
//
// The block-skipping checks live in db_block_skip_test.cc.
//
// Longer runs: STRATA_MODEL_SEEDS=N (seeds 1..N), STRATA_MODEL_OPS=N (ops
// per seed and configuration), STRATA_MODEL_SEED=S (only seed S, to replay
// a failure).
#include <stdlib.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "lsm/db_iter.h"
#include "lsm/model_reference.h"
#include "strata/db.h"
#include "strata/env.h"
#include "util/random.h"

namespace strata {
namespace {

using model::ModelDB;
using model::Op;
using model::Printable;

constexpr int64_t kStart = ManualClockEnv::kDefaultStartNanos;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return strtoull(v, nullptr, 10);
}

struct ModelConfig {
  const char* name;
  bool posix = false;
  BlockEncodingChoice encoding = BlockEncodingChoice::kAuto;
  // Row blocks of small entries are cut at 4 block sizes: 1 KiB.
  size_t block_size = 256;
  size_t columnar_block_size = 2048;
  int64_t time_window_ns = 1000;
  int64_t default_ttl_ns = 0;
  TtlBase ttl_base = TtlBase::kTimestamp;
  bool compression = true;
  int bloom_bits_per_key = 10;
  size_t block_cache_bytes = 1 << 20;
  bool paranoid_checks = false;
  int max_immutable_memtables = 2;
  int background_threads = 2;
  // 128 KiB by default: the memtable's arena takes its first 64 KiB block
  // up front, so at the 64 KiB minimum every batch fills a memtable.
  size_t write_buffer_size = 128 << 10;
};

void PrintTo(const ModelConfig& c, std::ostream* os) { *os << c.name; }

// A ScanRange that owns its key bounds.
struct Range {
  std::string begin, end;
  Timestamp t0 = kMinTimestamp, t1 = kMaxTimestamp;
  ScanRange view() const { return ScanRange{begin, end, t0, t1}; }
  std::string Describe() const {
    return absl::StrFormat("['%s', '%s') ts [%d, %d)", Printable(begin),
                           Printable(end), t0, t1);
  }
};

// Random choices over a small key and timestamp space, so versions of the
// same (key, ts) pile up across memtables and files.
class Workload {
 public:
  explicit Workload(uint64_t seed) : rng_(seed) {
    // Keys that stress bytewise order: embedded NUL (the DB's "next key"
    // is key + '\0'), 0xff bytes, prefixes of each other.
    keys_ = {"a",     std::string("a\0", 2), "a\x01", "aa",  "ab", "b",
             "k\xff", "k\xff\xff",           "\xff",  "\x01"};
    for (int i = 0; keys_.size() < 50; i++) {
      keys_.push_back(absl::StrFormat("key%03d", i));
    }
  }

  Random& rng() { return rng_; }
  uint64_t Uniform(uint64_t n) { return rng_.Uniform(n); }
  bool OneIn(uint64_t n) { return rng_.OneIn(n); }

  std::string Key() { return keys_[rng_.Uniform(keys_.size())]; }
  // A range bound: a key, a string between keys, or the empty string.
  std::string Bound() {
    switch (rng_.Uniform(6)) {
      case 0:
        return "";
      case 1:
        return Key() + "\x80";
      default:
        return Key();
    }
  }

  // Clusters: around zero (negative too), a small positive run, around the
  // clock (where TTLs counted from the timestamp matter), and extremes.
  Timestamp Ts() {
    const uint64_t r = rng_.Uniform(20);
    if (r < 7) return static_cast<Timestamp>(rng_.Uniform(12)) - 6;
    if (r < 12) return 1000 + 7 * static_cast<Timestamp>(rng_.Uniform(8));
    if (r < 18) {
      return kStart - 5000 + 5000 * static_cast<Timestamp>(rng_.Uniform(12));
    }
    static constexpr Timestamp kExtremes[] = {
        kMinTimestamp,     kMinTimestamp + 1, -1'000'000'007,
        1'000'000'000'000, kMaxTimestamp - 1, kMaxTimestamp - 2};
    return kExtremes[rng_.Uniform(6)];
  }

  Expiry RandomExpiry(int64_t now) {
    const uint64_t r = rng_.Uniform(100);
    if (r < 20) return Expiry::Default();
    if (r < 55) return Expiry::Never();
    if (r < 65) {
      return Expiry::At(now - static_cast<int64_t>(rng_.Uniform(5000)));
    }
    if (r < 80) {
      return Expiry::At(now + 1 + static_cast<int64_t>(rng_.Uniform(300)));
    }
    if (r < 85) return Expiry::At(now + 1'000'000'000);
    if (r < 97) {
      static constexpr int64_t kTtls[] = {1,
                                          50,
                                          500,
                                          5000,
                                          20000,
                                          60000,
                                          1 << 30,
                                          kMaxTimestamp / 2,
                                          kMaxTimestamp};
      return Expiry::TtlNanos(kTtls[rng_.Uniform(9)]);
    }
    static constexpr int64_t kAts[] = {kMinTimestamp, -5, 0, kNeverExpires - 1,
                                       kNeverExpires};
    return Expiry::At(kAts[rng_.Uniform(5)]);
  }

  // Half the time a (key, ts) written recently, so reads find something.
  std::pair<std::string, Timestamp> ReadTarget() {
    if (!recent_.empty() && rng_.OneIn(2)) {
      return recent_[rng_.Uniform(recent_.size())];
    }
    return {Key(), Ts()};
  }

  Op Put(int64_t now, int op_index) {
    Op op;
    op.kind = Op::kPut;
    op.key = Key();
    op.ts = Ts();
    op.expiry = RandomExpiry(now);
    op.value = absl::StrFormat("v%d.%d", op_index, counter_++);
    op.value.append(rng_.OneIn(10) ? rng_.Uniform(300) : rng_.Uniform(24),
                    static_cast<char>('a' + op_index % 26));
    if (recent_.size() < 64) {
      recent_.emplace_back(op.key, op.ts);
    } else {
      recent_[rng_.Uniform(64)] = {op.key, op.ts};
    }
    return op;
  }
  Op Delete() {
    Op op;
    op.kind = Op::kDelete;
    op.key = Key();
    op.ts = Ts();
    return op;
  }
  Op DeleteRange() {
    Op op;
    op.kind = Op::kDeleteRange;
    op.key = Bound();
    op.end = rng_.OneIn(8) ? "" : Bound();
    if (!op.end.empty() && op.end < op.key) std::swap(op.key, op.end);
    const uint64_t r = rng_.Uniform(10);
    if (r < 4) {
      op.ts = kMinTimestamp;
      op.t1 = kMaxTimestamp;
    } else {
      op.ts = r == 4 ? kMinTimestamp : Ts();
      op.t1 = r == 5 ? kMaxTimestamp : Ts();
      if (op.t1 < op.ts) std::swap(op.ts, op.t1);
    }
    return op;
  }
  Op AnyWrite(int64_t now, int op_index) {
    const uint64_t r = rng_.Uniform(40);
    if (r < 30) return Put(now, op_index);
    if (r < 38) return Delete();
    return DeleteRange();
  }
  // A write WriteBatch must refuse.
  Op Invalid() {
    Op op;
    switch (rng_.Uniform(5)) {
      case 0:
        op.kind = Op::kPut;
        op.key = Key();
        op.ts = kMaxTimestamp;
        break;
      case 1:
        op.kind = Op::kPut;
        op.key = "";
        op.ts = 1;
        break;
      case 2:
        op.kind = Op::kPut;
        op.key = Key();
        op.ts = 1;
        op.expiry = Expiry::TtlNanos(-static_cast<int64_t>(rng_.Uniform(3)));
        break;
      case 3:
        op.kind = Op::kDeleteRange;
        op.key = "b";
        op.end = "a";
        break;
      default:
        op.kind = Op::kDeleteRange;
        op.key = "a";
        op.end = "b";
        op.ts = 10;
        op.t1 = 9;
        break;
    }
    return op;
  }

  Range RandomRange() {
    Range r;
    const uint64_t k = rng_.Uniform(10);
    if (k < 3) {
      // Unbounded keys.
    } else if (k < 7) {
      r.begin = Bound();
      r.end = rng_.OneIn(3) ? "" : Bound();
      if (!r.end.empty() && r.end < r.begin) std::swap(r.begin, r.end);
    } else if (k < 9) {
      r.begin = Key();  // one key, as Get does it
      r.end = r.begin + std::string(1, '\0');
    } else {
      r.begin = Key();  // inverted or empty: nothing to see
      r.end = rng_.OneIn(2) ? r.begin : std::string("\x01");
    }
    const uint64_t t = rng_.Uniform(20);
    if (t < 5) {
      // Every timestamp.
    } else if (t < 15) {
      r.t0 = Ts();
      r.t1 = Ts();
      if (r.t1 < r.t0) std::swap(r.t0, r.t1);
      if (rng_.OneIn(3)) r.t1++;  // include t1's records too
    } else if (t < 17) {
      r.t1 = Ts();
    } else if (t < 19) {
      r.t0 = Ts();
    } else {
      r.t0 = 5;
      r.t1 = rng_.OneIn(2) ? 5 : -5;  // empty or inverted window
    }
    return r;
  }

 private:
  Random rng_;
  std::vector<std::string> keys_;
  std::vector<std::pair<std::string, Timestamp>> recent_;
  uint64_t counter_ = 0;
};

// One seed of one configuration: drives the DB and the reference in
// lockstep and stops at the first disagreement.
class ModelRun {
 public:
  ModelRun(const ModelConfig& config, uint64_t seed)
      : config_(config),
        seed_(seed),
        w_(seed * 1000003 + std::hash<std::string>()(config.name)),
        model_(config.default_ttl_ns, config.ttl_base) {
    if (config.posix) {
      char tmpl[] = "/tmp/strata_model_test.XXXXXX";
      char* d = ::mkdtemp(tmpl);
      EXPECT_NE(d, nullptr);
      tmp_dir_ = d == nullptr ? "/tmp/strata_model_test.failed" : d;
      dir_ = tmp_dir_ + "/db";
      clock_ = std::make_unique<ManualClockEnv>(Env::Default());
    } else {
      mem_env_ = NewMemEnv();
      clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
      dir_ = "/model";
    }
    options_.env = clock_.get();
    options_.write_buffer_size = config.write_buffer_size;
    options_.max_immutable_memtables = config.max_immutable_memtables;
    options_.block_size = config.block_size;
    options_.columnar_block_size = config.columnar_block_size;
    options_.block_encoding = config.encoding;
    options_.compression = config.compression;
    options_.bloom_bits_per_key = config.bloom_bits_per_key;
    options_.block_cache_bytes = config.block_cache_bytes;
    options_.paranoid_checks = config.paranoid_checks;
    options_.time_window_ns = config.time_window_ns;
    options_.default_ttl_ns = config.default_ttl_ns;
    options_.ttl_base = config.ttl_base;
    options_.background_threads = config.background_threads;
    if (const char* bg = getenv("STRATA_MODEL_BG_THREADS")) {
      options_.background_threads = atoi(bg);
    }
  }

  ~ModelRun() {
    snapshots_.clear();
    pinned_.reset();
    db_.reset();
    if (!tmp_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(tmp_dir_, ec);
    }
  }

  // Runs `ops` operations; false after the first mismatch (reported).
  bool Run(int ops) {
    if (!Open()) return false;
    next_reopen_ = 4000 + static_cast<int>(w_.Uniform(2000));
    for (op_ = 0; op_ < ops && !failed_; op_++) {
      if (op_ == next_reopen_) {
        Note("reopen");
        if (!Reopen()) return false;
        next_reopen_ = op_ + 4000 + static_cast<int>(w_.Uniform(2000));
        continue;
      }
      Step();
    }
    if (failed_) return false;
    // Everything, once more, before and after a final reopen.
    Note("final full scan");
    CheckScan(Range{}, nullptr, 0, /*forced_mode=*/0);
    if (!failed_ && Reopen()) {
      Note("final full scan after reopen");
      CheckScan(Range{}, nullptr, 0, /*forced_mode=*/0);
    }
    return !failed_;
  }

  int64_t key_batched() const { return key_batched_; }

  std::string Summary() const {
    return absl::StrFormat(
        "%d reads checked (%d point reads found a record, scans expected %d "
        "records in all), %d reopens, %d records read in batches, %d in "
        "key batches",
        checks_, found_, scanned_, reopens_, batched_, key_batched_);
  }

 private:
  struct Snap {
    std::unique_ptr<const Snapshot> snapshot;
    SequenceNumber model_seq;
  };

  void Note(std::string what) {
    recent_.push_back(absl::StrFormat("#%d %s", op_, what));
    if (recent_.size() > 25) recent_.pop_front();
  }

  void Fail(const std::string& what) {
    std::string recent;
    for (const auto& r : recent_) recent += "    " + r + "\n";
    ADD_FAILURE() << absl::StrFormat(
        "MODEL MISMATCH config=%s seed=%d op=%d (after %d reopens; replay "
        "with STRATA_MODEL_SEED=%d)\n%s\n  recent operations, oldest "
        "first:\n%s",
        config_.name, seed_, op_, reopens_, seed_, what, recent);
    failed_ = true;
  }

  bool Open() {
    auto db = DB::Open(options_, dir_);
    if (!db.ok()) {
      Fail(absl::StrFormat("open failed: %s", db.status().ToString()));
      return false;
    }
    db_ = std::move(*db);
    return true;
  }

  bool Reopen() {
    snapshots_.clear();
    pinned_.reset();
    db_.reset();
    reopens_++;
    return Open();
  }

  const Snap* PickSnapshot() {
    if (snapshots_.empty() || !w_.OneIn(3)) return nullptr;
    return &snapshots_[w_.Uniform(snapshots_.size())];
  }

  void Step() {
    const uint64_t r = w_.Uniform(1000);
    if (r < 310) {
      Write({w_.Put(clock_->NowNanos(), op_)});
    } else if (r < 360) {
      Write({w_.Delete()});
    } else if (r < 365) {
      Write({w_.DeleteRange()});
    } else if (r < 425) {
      std::vector<Op> ops;
      const int n = 2 + static_cast<int>(w_.Uniform(9));
      for (int i = 0; i < n; i++) {
        ops.push_back(w_.AnyWrite(clock_->NowNanos(), op_));
      }
      Write(ops);
    } else if (r < 428) {
      WriteInvalid();
    } else if (r < 680) {
      CheckGet();
    } else if (r < 760) {
      CheckGetLatest();
    } else if (r < 790) {
      const Snap* s = PickSnapshot();
      const int mutations =
          w_.OneIn(5) ? 1 + static_cast<int>(w_.Uniform(20)) : 0;
      CheckScan(w_.RandomRange(), s, mutations);
    } else if (r < 798) {
      AcquireSnapshot();
    } else if (r < 806) {
      if (!snapshots_.empty()) {
        Note("release snapshot");
        snapshots_.erase(snapshots_.begin() + w_.Uniform(snapshots_.size()));
      }
    } else if (r < 808) {
      Note("flush");
      absl::Status s = db_->Flush();
      if (!s.ok()) Fail("Flush: " + s.ToString());
    } else if (r < 810) {
      Note("wait for background work");
      absl::Status s = db_->WaitForBackgroundWork();
      if (!s.ok()) Fail("WaitForBackgroundWork: " + s.ToString());
    } else if (r < 811) {
      std::string b = w_.Bound(), e = w_.Bound();
      if (!e.empty() && e < b) std::swap(b, e);
      Note(absl::StrFormat("compact ['%s', '%s')", Printable(b), Printable(e)));
      absl::Status s = db_->CompactRange(b, e);
      if (!s.ok()) Fail("CompactRange: " + s.ToString());
    } else if (r < 836) {
      const int64_t d = w_.OneIn(20)
                            ? 1000 + static_cast<int64_t>(w_.Uniform(20000))
                            : 1 + static_cast<int64_t>(w_.Uniform(50));
      Note(absl::StrFormat("advance clock by %d to %d", d,
                           clock_->NowNanos() + d));
      clock_->Advance(d);
    } else if (r < 900) {
      CheckMultiGet();
    } else {
      CheckGet();
    }
  }

  void Write(const std::vector<Op>& ops) {
    std::string desc = ops.size() == 1 ? "" : "batch: ";
    for (const Op& op : ops) desc += model::Describe(op) + " ";
    Note(desc);
    WriteOptions wo;
    wo.sync = w_.OneIn(config_.posix ? 200 : 20);
    absl::Status s = db_->Write(wo, model::ToBatch(ops));
    if (!s.ok()) {
      Fail("write failed: " + s.ToString());
      return;
    }
    model_.Apply(ops, clock_->NowNanos());
  }

  void WriteInvalid() {
    std::vector<Op> ops;
    if (w_.OneIn(2)) ops.push_back(w_.Put(clock_->NowNanos(), op_));
    ops.push_back(w_.Invalid());
    if (w_.OneIn(2)) ops.push_back(w_.Delete());
    std::string desc = "invalid batch: ";
    for (const Op& op : ops) desc += model::Describe(op) + " ";
    Note(desc);
    absl::Status s = db_->Write(WriteOptions(), model::ToBatch(ops));
    if (!absl::IsInvalidArgument(s)) {
      Fail("invalid batch: want InvalidArgument, got " + s.ToString());
    }
  }

  void AcquireSnapshot() {
    if (snapshots_.size() >= 8) return;
    Snap s{db_->GetSnapshot(), model_.last_sequence()};
    const SequenceNumber seq = s.snapshot->sequence();
    Note(absl::StrFormat("snapshot at model seq %d (db seq %d)", s.model_seq,
                         seq));
    // Sequences never go backwards, across reopens too, and every write
    // moves them forward.
    if (seq < last_snap_db_seq_ ||
        (s.model_seq > last_snap_model_seq_ && seq <= last_snap_db_seq_)) {
      Fail(absl::StrFormat(
          "snapshot sequence %d after %d, though the model went from %d to %d",
          seq, last_snap_db_seq_, last_snap_model_seq_, s.model_seq));
    }
    last_snap_db_seq_ = seq;
    last_snap_model_seq_ = s.model_seq;
    snapshots_.push_back(std::move(s));
  }

  ReadOptions ReadAt(const Snap* s, SequenceNumber* seq) {
    ReadOptions ro;
    ro.snapshot = s == nullptr ? nullptr : s->snapshot.get();
    ro.fill_cache = !w_.OneIn(4);
    *seq = s == nullptr ? model_.last_sequence() : s->model_seq;
    return ro;
  }

  static std::string AtDescription(const Snap* s, SequenceNumber seq,
                                   int64_t now) {
    return absl::StrFormat("%s seq %d, now %d",
                           s == nullptr ? "latest" : "snapshot", seq, now);
  }

  void CheckGet() {
    const Snap* snap = PickSnapshot();
    SequenceNumber seq;
    ReadOptions ro = ReadAt(snap, &seq);
    const auto [key, ts] = w_.ReadTarget();
    const int64_t now = clock_->NowNanos();
    Note(absl::StrFormat("get('%s', %d) at %s", Printable(key), ts,
                         AtDescription(snap, seq, now)));
    checks_++;
    auto got = db_->Get(ro, key, ts);
    auto want = model_.Get(key, ts, seq, now);
    found_ += want.has_value();
    std::string problem = CompareResult(got, want);
    if (!problem.empty()) Fail(problem + model_.DescribeGroup(key, ts));
  }

  // A batch of point reads (unsorted, possibly repeated targets) must
  // answer as the model does for each, once per found target, in key order.
  void CheckMultiGet() {
    const Snap* snap = PickSnapshot();
    SequenceNumber seq;
    ReadOptions ro = ReadAt(snap, &seq);
    // Skipping bloom filters must not change any answer.
    ro.keys_likely_exist = w_.OneIn(2);
    // Pinned values must still hold after the call.
    const bool pin = w_.OneIn(2);
    const int64_t now = clock_->NowNanos();
    const int n = 1 + static_cast<int>(w_.Uniform(12));
    std::vector<std::pair<std::string, Timestamp>> targets;
    for (int i = 0; i < n; i++) targets.push_back(w_.ReadTarget());
    std::vector<PointKey> keys;
    std::string desc;
    for (const auto& [key, ts] : targets) {
      keys.push_back(PointKey{key, ts});
      desc += absl::StrFormat(" ('%s', %d)", Printable(key), ts);
    }
    Note(absl::StrFormat(
        "multiget%s at %s%s%s", desc, AtDescription(snap, seq, now),
        ro.keys_likely_exist ? " (no filters)" : "", pin ? " (pinned)" : ""));
    checks_++;
    std::vector<std::optional<Record>> got(keys.size());
    std::vector<std::string_view> pinned_values(keys.size());
    std::string order_problem;
    const PointKey* last = nullptr;
    auto found = [&](size_t i, std::string_view value, int64_t expire_at) {
      if (i >= keys.size() || got[i].has_value()) {
        order_problem = absl::StrFormat("index %d reported twice", i);
        return;
      }
      if (last != nullptr &&
          std::pair(keys[i].key, keys[i].ts) < std::pair(last->key, last->ts)) {
        order_problem = "results not in key order";
      }
      last = &keys[i];
      got[i] = Record{targets[i].first, targets[i].second, expire_at,
                      std::string(value)};
      pinned_values[i] = value;
    };
    absl::Status s = pin ? db_->MultiGet(ro, keys, found, &pinned_)
                         : db_->MultiGet(ro, keys, found);
    if (!s.ok()) return Fail("multiget error: " + s.ToString());
    if (!order_problem.empty()) return Fail("multiget: " + order_problem);
    for (size_t i = 0; pin && i < keys.size(); i++) {
      if (got[i].has_value() && pinned_values[i] != got[i]->value) {
        return Fail(absl::StrFormat(
            "multiget target %d: pinned value changed after the call", i));
      }
    }
    for (size_t i = 0; i < keys.size(); i++) {
      auto want = model_.Get(targets[i].first, targets[i].second, seq, now);
      found_ += want.has_value();
      absl::StatusOr<Record> g =
          got[i].has_value() ? absl::StatusOr<Record>(*got[i])
                             : absl::StatusOr<Record>(absl::NotFoundError(""));
      std::string problem = CompareResult(g, want);
      if (!problem.empty()) {
        return Fail(absl::StrFormat("multiget target %d: ", i) + problem +
                    model_.DescribeGroup(targets[i].first, targets[i].second));
      }
    }
  }

  void CheckGetLatest() {
    const Snap* snap = PickSnapshot();
    SequenceNumber seq;
    ReadOptions ro = ReadAt(snap, &seq);
    const std::string key = w_.ReadTarget().first;
    const int64_t now = clock_->NowNanos();
    Note(absl::StrFormat("get_latest('%s') at %s", Printable(key),
                         AtDescription(snap, seq, now)));
    checks_++;
    auto got = db_->GetLatest(ro, key);
    auto want = model_.GetLatest(key, seq, now);
    found_ += want.has_value();
    std::string problem = CompareResult(got, want);
    if (problem.empty()) return;
    if (want.has_value()) problem += model_.DescribeGroup(key, want->ts);
    if (got.ok()) problem += model_.DescribeGroup(key, got->ts);
    Fail(problem);
  }

  static std::string CompareResult(const absl::StatusOr<Record>& got,
                                   const std::optional<Record>& want) {
    if (!got.ok() && !absl::IsNotFound(got.status())) {
      return "read error: " + got.status().ToString() + "\n";
    }
    if (!got.ok() && !want.has_value()) return "";
    if (got.ok() && want.has_value() && model::SameRecord(*got, *want)) {
      return "";
    }
    return absl::StrFormat(
        "  expected: %s\n  actual:   %s\n",
        want ? model::DescribeRecord(*want) : "NOT FOUND",
        got.ok() ? model::DescribeRecord(*got) : got.status().ToString());
  }

  // Creates an iterator, optionally mutates the DB (the iterator must not
  // notice), then walks it: a full forward pass, a full reverse pass or a
  // random mix of seeks and steps, comparing every position.
  void CheckScan(const Range& range, const Snap* snap, int mutations,
                 int forced_mode = -1) {
    SequenceNumber seq;
    ReadOptions ro = ReadAt(snap, &seq);
    const int64_t now = clock_->NowNanos();
    const uint64_t mode = forced_mode >= 0 ? forced_mode : w_.Uniform(3);
    static constexpr const char* kModes[] = {"forward", "reverse",
                                             "random walk"};
    Note(absl::StrFormat("scan %s %s at %s, %d writes during iteration",
                         range.Describe(), kModes[mode],
                         AtDescription(snap, seq, now), mutations));
    checks_++;
    auto it = db_->NewIterator(ro, range.view());
    const std::vector<Record> want = model_.Scan(range.view(), seq, now);
    scanned_ += want.size();
    for (int i = 0; i < mutations && !failed_; i++) {
      if (w_.OneIn(10)) {
        clock_->Advance(1 + static_cast<int64_t>(w_.Uniform(100)));
        Note("  (advance clock while iterating)");
      } else if (w_.OneIn(15)) {
        Note("  (flush while iterating)");
        absl::Status s = db_->Flush();
        if (!s.ok()) Fail("Flush: " + s.ToString());
      } else {
        Write({w_.AnyWrite(clock_->NowNanos(), op_)});
      }
    }
    if (failed_) return;
    if (mode == 0 || mode == 1) {
      std::vector<Record> got;
      if (mode == 0 && w_.OneIn(3)) {
        if (!ReadAllBatched(it.get(), want, &got)) return;
      } else if (mode == 0 && w_.OneIn(2)) {
        if (!ReadAllKeyBatched(it.get(), want, &got)) return;
      } else if (mode == 0) {
        for (it->SeekToFirst(); it->Valid(); it->Next())
          got.push_back(Current(*it));
      } else {
        for (it->SeekToLast(); it->Valid(); it->Prev())
          got.push_back(Current(*it));
        std::reverse(got.begin(), got.end());
      }
      if (!it->status().ok()) {
        Fail("iterator error: " + it->status().ToString());
        return;
      }
      CompareLists(want, got);
      return;
    }
    RandomWalk(*it, range, want);
  }

  // A forward pass through BatchIterator::ReadBatch (the series
  // aggregates' path) with random batch sizes. A batch carries no
  // expiries: each batched record takes the expected one at its position,
  // and the record the iterator is left on is checked whole.
  bool ReadAllBatched(Iterator* it, const std::vector<Record>& want,
                      std::vector<Record>* got) {
    auto* b = dynamic_cast<BatchIterator*>(it);
    if (b == nullptr) {
      Fail("DB iterator is not a BatchIterator");
      return false;
    }
    Timestamp ts[64];
    std::string_view values[64];
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key(it->key());
      const size_t max = 1 + w_.Uniform(64);
      const size_t n = b->ReadBatch(ts, values, max);
      if (n < 1 || n > max) {
        Fail(absl::StrFormat("ReadBatch returned %d of at most %d", n, max));
        return false;
      }
      for (size_t i = 0; i < n; i++) {
        Record r{key, ts[i], kNeverExpires, std::string(values[i])};
        if (got->size() < want.size()) {
          r.expire_at = want[got->size()].expire_at;
        }
        got->push_back(std::move(r));
      }
      const Record last = Current(*it);
      if (last.key != key || last.ts != ts[n - 1] ||
          last.value != values[n - 1]) {
        Fail("ReadBatch did not leave the iterator on its last record");
        return false;
      }
      batched_ += n - 1;
    }
    return true;
  }

  // A forward pass through BatchIterator::ReadKeys (index walks' path)
  // with random batch sizes and, now and then, a limit at a record's key
  // (no record at or past it may come back). Expiries are taken from the
  // expected records as in ReadAllBatched.
  bool ReadAllKeyBatched(Iterator* it, const std::vector<Record>& want,
                         std::vector<Record>* got) {
    auto* b = dynamic_cast<BatchIterator*>(it);
    if (b == nullptr) {
      Fail("DB iterator is not a BatchIterator");
      return false;
    }
    BatchIterator::KeyEntry out[64];
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const size_t max = 1 + w_.Uniform(64);
      std::string limit;
      if (w_.OneIn(4) && !want.empty()) {
        limit = want[w_.Uniform(want.size())].key;
        if (limit <= it->key()) limit.clear();
      }
      const size_t n = b->ReadKeys(out, max, limit);
      if (n < 1 || n > max) {
        Fail(absl::StrFormat("ReadKeys returned %d of at most %d", n, max));
        return false;
      }
      for (size_t i = 0; i < n; i++) {
        if (!limit.empty() && out[i].key >= limit) {
          Fail("ReadKeys returned a record at or past its limit");
          return false;
        }
        Record r{std::string(out[i].key), out[i].ts, kNeverExpires,
                 std::string(out[i].value)};
        if (got->size() < want.size()) {
          r.expire_at = want[got->size()].expire_at;
        }
        got->push_back(std::move(r));
      }
      const Record last = Current(*it);
      if (last.key != out[n - 1].key || last.ts != out[n - 1].ts ||
          last.value != out[n - 1].value) {
        Fail("ReadKeys did not leave the iterator on its last record");
        return false;
      }
      key_batched_ += n - 1;
    }
    return true;
  }

  static Record Current(const Iterator& it) {
    return Record{std::string(it.key()), it.timestamp(), it.expire_at(),
                  std::string(it.value())};
  }

  // Positions in an expected scan: the first record >= (key, ts), and the
  // first record > (key, ts).
  static int LowerBound(const std::vector<Record>& v, std::string_view key,
                        Timestamp ts) {
    int i = 0;
    while (i < static_cast<int>(v.size()) && Compare(v[i], key, ts) < 0) i++;
    return i;
  }
  static int UpperBound(const std::vector<Record>& v, std::string_view key,
                        Timestamp ts) {
    int i = 0;
    while (i < static_cast<int>(v.size()) && Compare(v[i], key, ts) <= 0) i++;
    return i;
  }
  static int Compare(const Record& r, std::string_view key, Timestamp ts) {
    int c = std::string_view(r.key).compare(key);
    if (c != 0) return c;
    return r.ts < ts ? -1 : r.ts > ts ? 1 : 0;
  }

  void RandomWalk(Iterator& it, const Range& range,
                  const std::vector<Record>& want) {
    const int n = static_cast<int>(want.size());
    int pos = -1;  // expected position; -1 = not valid
    const int steps = 5 + static_cast<int>(w_.Uniform(40));
    std::string trail;
    for (int step = 0; step < steps; step++) {
      std::string what;
      const uint64_t a = w_.Uniform(10);
      if (a == 0) {
        what = "SeekToFirst";
        it.SeekToFirst();
        pos = n > 0 ? 0 : -1;
      } else if (a == 1) {
        what = "SeekToLast";
        it.SeekToLast();
        pos = n - 1;
      } else if (a <= 3 || (pos < 0 && a <= 6)) {
        std::string key = w_.OneIn(5) ? range.begin : w_.Key();
        Timestamp ts = w_.OneIn(5) ? kMinTimestamp : w_.Ts();
        if (a == 2 || a == 4) {
          what = absl::StrFormat("Seek('%s', %d)", Printable(key), ts);
          it.Seek(key, ts);
          pos = LowerBound(want, key, ts);
          if (pos == n) pos = -1;
        } else {
          if (w_.OneIn(5)) ts = kMaxTimestamp;
          what = absl::StrFormat("SeekForPrev('%s', %d)", Printable(key), ts);
          it.SeekForPrev(key, ts);
          pos = UpperBound(want, key, ts) - 1;
        }
      } else if (pos >= 0 && a <= 6) {
        what = "Next";
        it.Next();
        pos = pos + 1 < n ? pos + 1 : -1;
      } else if (pos >= 0) {
        what = "Prev";
        it.Prev();
        pos = pos - 1;
      } else {
        continue;
      }
      trail += what + " ";
      const bool valid = it.Valid();
      std::string problem;
      if (!it.status().ok()) {
        problem = "iterator error: " + it.status().ToString();
      } else if (valid != (pos >= 0)) {
        problem = absl::StrFormat(
            "  expected: %s\n  actual:   %s\n",
            pos >= 0 ? model::DescribeRecord(want[pos]) : "not valid",
            valid ? model::DescribeRecord(Current(it)) : "not valid");
      } else if (valid && !model::SameRecord(Current(it), want[pos])) {
        problem = absl::StrFormat("  expected: %s\n  actual:   %s\n",
                                  model::DescribeRecord(want[pos]),
                                  model::DescribeRecord(Current(it)));
        problem += model_.DescribeGroup(want[pos].key, want[pos].ts);
        Record cur = Current(it);
        if (cur.key != want[pos].key || cur.ts != want[pos].ts) {
          problem += model_.DescribeGroup(cur.key, cur.ts);
        }
      }
      if (!problem.empty()) {
        Fail(absl::StrFormat("random walk diverged after: %s\n%s%s", trail,
                             problem, Neighborhood(want, pos)));
        return;
      }
    }
  }

  // The expected records around position pos, for context.
  static std::string Neighborhood(const std::vector<Record>& want, int pos) {
    std::string out =
        absl::StrFormat("  expected scan has %d records", want.size());
    if (pos < 0) return out + "\n";
    out += ", around the position:\n";
    for (int i = std::max(0, pos - 3); i < std::min<int>(want.size(), pos + 4);
         i++) {
      out += absl::StrFormat("   %s[%d] %s\n", i == pos ? ">" : " ", i,
                             model::DescribeRecord(want[i]));
    }
    return out;
  }

  void CompareLists(const std::vector<Record>& want,
                    const std::vector<Record>& got) {
    size_t i = 0;
    while (i < want.size() && i < got.size() &&
           model::SameRecord(want[i], got[i])) {
      i++;
    }
    if (i == want.size() && i == got.size()) return;
    std::string diff = absl::StrFormat(
        "scan differs at record %d (expected %d records, got %d)\n", i,
        want.size(), got.size());
    for (size_t j = i >= 2 ? i - 2 : 0; j < i + 4; j++) {
      if (j >= want.size() && j >= got.size()) break;
      diff += absl::StrFormat(
          "  %s[%d] expected %s\n        actual   %s\n", j == i ? ">" : " ", j,
          j < want.size() ? model::DescribeRecord(want[j]) : "(end)",
          j < got.size() ? model::DescribeRecord(got[j]) : "(end)");
    }
    if (i < want.size()) diff += model_.DescribeGroup(want[i].key, want[i].ts);
    if (i < got.size()) diff += model_.DescribeGroup(got[i].key, got[i].ts);
    Fail(diff);
  }

  const ModelConfig config_;
  const uint64_t seed_;
  Workload w_;
  ModelDB model_;
  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  std::string tmp_dir_, dir_;
  Options options_;
  std::unique_ptr<DB> db_;
  // Reused by pinned MultiGets from one check to the next, across writes,
  // flushes and compactions.
  std::unique_ptr<PinnedValues> pinned_;
  std::vector<Snap> snapshots_;
  SequenceNumber last_snap_db_seq_ = 0, last_snap_model_seq_ = 0;
  std::deque<std::string> recent_;
  int op_ = -1;
  int next_reopen_ = 0;
  int reopens_ = 0;
  int64_t checks_ = 0, found_ = 0, scanned_ = 0, batched_ = 0;
  int64_t key_batched_ = 0;
  bool failed_ = false;
};

class DBModelTest : public ::testing::TestWithParam<ModelConfig> {};

TEST_P(DBModelTest, RandomOperationsMatchReference) {
  const uint64_t ops = EnvNumber("STRATA_MODEL_OPS", 30'000);
  std::vector<uint64_t> seeds;
  if (uint64_t only = EnvNumber("STRATA_MODEL_SEED", 0); only != 0) {
    seeds.push_back(only);
  } else {
    for (uint64_t s = 1; s <= EnvNumber("STRATA_MODEL_SEEDS", 1); s++) {
      seeds.push_back(s);
    }
  }
  for (uint64_t seed : seeds) {
    ModelRun run(GetParam(), seed);
    const bool ok = run.Run(static_cast<int>(ops));
    printf("config %s seed %d: %d ops, %s: %s\n", GetParam().name,
           static_cast<int>(seed), static_cast<int>(ops), run.Summary().c_str(),
           ok ? "ok" : "MISMATCH");
    if (!ok) break;
    // Row blocks batch keys (ReadKeys) in the forward scans that use it:
    // the check above must have covered that path.
    if (GetParam().encoding == BlockEncodingChoice::kRow) {
      EXPECT_GT(run.key_batched(), 0) << "seed " << seed;
    }
  }
}

ModelConfig MemRow() {
  ModelConfig c{"MemRow"};
  c.encoding = BlockEncodingChoice::kRow;
  return c;
}
ModelConfig MemColumnarWriteTimeTtl() {
  ModelConfig c{"MemColumnarWriteTimeTtl"};
  c.encoding = BlockEncodingChoice::kColumnar;
  c.columnar_block_size = 4096;
  c.time_window_ns = 5000;
  c.default_ttl_ns = 20'000;
  c.ttl_base = TtlBase::kWriteTime;
  c.compression = false;
  c.bloom_bits_per_key = 0;
  c.block_cache_bytes = 0;
  c.paranoid_checks = true;
  return c;
}
ModelConfig MemAutoTimestampTtl() {
  ModelConfig c{"MemAutoTimestampTtl"};
  c.encoding = BlockEncodingChoice::kAuto;
  c.default_ttl_ns = 40'000;
  c.block_cache_bytes = 64 << 10;  // evicts constantly
  c.max_immutable_memtables = 4;
  c.write_buffer_size = 64 << 10;  // a flush after every batch
  return c;
}
ModelConfig PosixAuto() {
  ModelConfig c{"PosixAuto"};
  c.posix = true;
  c.encoding = BlockEncodingChoice::kAuto;
  c.time_window_ns = 2000;
  return c;
}

INSTANTIATE_TEST_SUITE_P(Configs, DBModelTest,
                         ::testing::Values(MemRow(), MemColumnarWriteTimeTtl(),
                                           MemAutoTimestampTtl(), PosixAuto()),
                         [](const ::testing::TestParamInfo<ModelConfig>& info) {
                           return std::string(info.param.name);
                         });

// The reference's cached range-delete bookkeeping against the rules spelled
// out literally, over random small histories: a wrong reference would make
// every other check here meaningless.
TEST(ModelReferenceTest, CachedVisibilityMatchesLiteralRules) {
  for (uint64_t seed = 1; seed <= 10; seed++) {
    Workload w(seed);
    ModelDB m(seed % 2 == 0 ? 30'000 : 0,
              seed % 3 == 0 ? TtlBase::kWriteTime : TtlBase::kTimestamp);
    int64_t now = kStart;
    for (int i = 0; i < 400; i++) {
      std::vector<Op> ops;
      const int n = 1 + static_cast<int>(w.Uniform(3));
      for (int j = 0; j < n; j++) ops.push_back(w.AnyWrite(now, i));
      m.Apply(ops, now);
      now += static_cast<int64_t>(w.Uniform(500));
    }
    for (int q = 0; q < 200; q++) {
      const SequenceNumber seq = w.Uniform(m.last_sequence() + 1);
      const int64_t at = kStart + static_cast<int64_t>(w.Uniform(300'000));
      for (const auto& [key, versions] : m.groups()) {
        const auto* cached = ModelDB::Visible(versions, seq, at);
        const auto* literal = m.VisibleLiteral(key, seq, at);
        ASSERT_EQ(cached, literal)
            << "seed " << seed << " seq " << seq << " now " << at << "\n"
            << m.DescribeGroup(key.first, key.second);
      }
    }
  }
}

}  // namespace
}  // namespace strata
