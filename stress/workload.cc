// The crash loop's child workload (see workload.h). Each batch is logged
// with one write(2) before it goes to the DB and acknowledged with another
// after the DB accepted it; see expected_state.h for why that suffices.
#include "stress/workload.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "strata/db.h"
#include "strata/env.h"
#include "stress/expected_state.h"
#include "stress/layers.h"
#include "util/random.h"

namespace strata::stress {
namespace {

constexpr Timestamp kBase = int64_t{1'700'000'000} * 1'000'000'000;
constexpr int64_t kTick = 1'000'000;  // 1 ms between points of a series
constexpr int kTicks = 4096;          // points cycle over ~4 s of time
constexpr int kSeries = 8;
constexpr int kDocs = 300;

std::string SeriesKey(int s) {
  return absl::StrFormat("cpu,host=h%d,region=r%d", s, s % 3);
}
Timestamp TickTime(uint64_t tick) {
  return kBase + static_cast<int64_t>(tick % kTicks) * kTick;
}

bool WriteAll(int fd, const std::string& s) {
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

WriteBatch ToWriteBatch(const std::vector<Op>& ops) {
  WriteBatch b;
  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::kPut:
        b.Put(op.key, op.ts, op.value,
              op.expire_at == kNeverExpires ? Expiry::Never()
                                            : Expiry::At(op.expire_at));
        break;
      case Op::kDelete:
        b.Delete(op.key, op.ts);
        break;
      case Op::kDeleteRange:
        b.DeleteRange(op.key, op.end, op.ts, op.t1);
        break;
      default:  // layer operations never reach a core batch
        break;
    }
  }
  return b;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed), tick_(rng_.Uniform(kTicks)) {}

  std::vector<Op> Next(int64_t now) {
    std::vector<Op> ops;
    const uint64_t dice = rng_.Uniform(100);
    if (dice < 40) {  // time-series points: a few series, consecutive ticks
      int n = 1 + static_cast<int>(rng_.Uniform(16));
      int first = static_cast<int>(rng_.Uniform(kSeries));
      int spread = 1 + static_cast<int>(rng_.Uniform(3));
      for (int i = 0; i < n; i++) {
        Op op;
        op.key = SeriesKey((first + i % spread) % kSeries);
        op.ts = TickTime(tick_);
        op.value = absl::StrFormat("%.3f", rng_.NextDouble() * 100);
        if (i % spread == spread - 1) tick_++;
        ops.push_back(std::move(op));
      }
    } else if (dice < 50) {  // a JSON document
      Op op;
      int id = static_cast<int>(rng_.Uniform(kDocs));
      op.key = absl::StrFormat("doc/%03d", id);
      op.value = absl::StrFormat(
          R"({"id":%d,"name":"user-%d","tags":["a","b%d"],"n":%d,"pad":"%s"})",
          id, rng_.Uniform(1000), rng_.Uniform(10), rng_.Uniform(1 << 20),
          std::string(rng_.Uniform(400), 'p'));
      ops.push_back(std::move(op));
    } else if (dice < 60) {  // point deletes
      Op op;
      op.kind = Op::kDelete;
      if (rng_.OneIn(2)) {
        op.key = SeriesKey(static_cast<int>(rng_.Uniform(kSeries)));
        op.ts = TickTime(tick_ - rng_.Uniform(200));
      } else {
        op.key = absl::StrFormat("doc/%03d", rng_.Uniform(kDocs));
      }
      ops.push_back(std::move(op));
    } else if (dice < 64) {  // range deletes
      Op op;
      op.kind = Op::kDeleteRange;
      if (rng_.OneIn(2)) {
        int a = static_cast<int>(rng_.Uniform(kSeries));
        op.key = SeriesKey(a);
        op.end = SeriesKey(
            std::min(kSeries - 1, a + 1 + static_cast<int>(rng_.Uniform(3))));
        if (op.end <= op.key) op.end = op.key + "~";
        op.ts = TickTime(tick_ - rng_.Uniform(300));
        op.t1 = op.ts + static_cast<int64_t>(1 + rng_.Uniform(100)) * kTick;
      } else {
        int a = static_cast<int>(rng_.Uniform(kDocs));
        op.key = absl::StrFormat("doc/%03d", a);
        op.end = absl::StrFormat("doc/%03d", a + 1 + rng_.Uniform(20));
        op.ts = kMinTimestamp;
        op.t1 = kMaxTimestamp;
      }
      ops.push_back(std::move(op));
    } else if (dice < 78) {  // points through the time-series layer
      int n = 1 + static_cast<int>(rng_.Uniform(8));
      for (int i = 0; i < n; i++) {
        Op op;
        op.kind = Op::kPoint;
        op.key = absl::StrFormat("m%d", 1 + rng_.Uniform(2));
        op.end = absl::StrFormat("h%d", rng_.Uniform(5));
        op.ts = TickTime(tick_++);
        op.value = absl::StrFormat("%.2f", rng_.NextDouble() * 1000);
        ops.push_back(std::move(op));
      }
    } else if (dice < 90) {  // documents through the document layer
      Op op;
      op.key = absl::StrFormat("d%03d", rng_.Uniform(kDocs));
      if (rng_.OneIn(4)) {
        op.kind = Op::kDocDelete;
      } else {
        op.kind = Op::kDocPut;
        op.value = absl::StrFormat(
            R"({"id":"%s","n":%d,"name":"u%d","tags":["a","b%d"]})", op.key,
            rng_.Uniform(1 << 20), rng_.Uniform(1000), rng_.Uniform(10));
      }
      ops.push_back(std::move(op));
    } else {  // TTL writes: already expired, or expiring in a day
      int n = 1 + static_cast<int>(rng_.Uniform(4));
      for (int i = 0; i < n; i++) {
        Op op;
        op.key = absl::StrFormat("ttl/%03d", rng_.Uniform(200));
        op.ts = kBase + static_cast<int64_t>(rng_.Uniform(4)) * kTick;
        op.value = absl::StrFormat("t%d", rng_.Uniform(1000000));
        op.expire_at =
            rng_.OneIn(3) ? now - 3'600'000'000'000 : now + 86'400'000'000'000;
        ops.push_back(std::move(op));
      }
    }
    return ops;
  }

  Random& rng() { return rng_; }

 private:
  Random rng_;
  uint64_t tick_;
};

// Reads while the writer writes: point reads and short scans.
void ReaderLoop(DB* db, uint64_t seed, const std::atomic<bool>* stop) {
  Random rng(seed);
  while (!stop->load(std::memory_order_relaxed)) {
    if (rng.OneIn(2)) {
      (void)db->GetLatest(ReadOptions(),
                          SeriesKey(static_cast<int>(rng.Uniform(kSeries))));
    } else {
      ScanRange range;
      std::string begin = absl::StrFormat("doc/%03d", rng.Uniform(kDocs));
      range.begin = begin;
      auto it = db->NewIterator(ReadOptions(), range);
      int n = 0;
      for (it->SeekToFirst(); it->Valid() && n < 50; it->Next()) n++;
    }
  }
}

}  // namespace

Options StressDbOptions() {
  Options o;
  o.write_buffer_size = 256 << 10;
  o.time_window_ns = 1'000'000'000;
  o.window_merge_trigger = 3;
  o.background_threads = 2;
  o.block_cache_bytes = 8 << 20;
  o.sync_policy = SyncPolicy::kNever;
  return o;
}

int RunChild(const ChildArgs& args) {
  auto db = DB::Open(StressDbOptions(), args.db_dir);
  if (!db.ok()) {
    std::fprintf(stderr, "child: open: %s\n",
                 std::string(db.status().message()).c_str());
    return 3;
  }
  int fd = ::open(args.log_path.c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::fprintf(stderr, "child: open %s: %s\n", args.log_path.c_str(),
                 std::strerror(errno));
    return 3;
  }
  auto layers = OpenLayers(db->get());
  if (!layers.ok()) {
    std::fprintf(stderr, "child: opening the layers: %s\n",
                 std::string(layers.status().message()).c_str());
    return 3;
  }
  std::atomic<bool> stop{false};
  std::thread reader(ReaderLoop, db->get(), args.seed ^ 0x5eed, &stop);
  Generator gen(args.seed);
  int status = 0;
  Env* env = Env::Default();
  for (uint64_t n = 1; status == 0; n++) {
    const uint64_t dice = gen.rng().Uniform(1000);
    if (dice < 4) {
      absl::Status s = (*db)->Flush();
      if (!s.ok()) {
        std::fprintf(stderr, "child: flush: %s\n",
                     std::string(s.message()).c_str());
        status = 4;
      }
      continue;
    }
    if (dice < 6) {
      absl::Status s = (*db)->CompactRange("", "");
      if (!s.ok()) {
        std::fprintf(stderr, "child: compact: %s\n",
                     std::string(s.message()).c_str());
        status = 4;
      }
      continue;
    }
    std::vector<Op> ops = gen.Next(env->NowNanos());
    if (!WriteAll(fd, EncodeBatchRecord(n, ops))) {
      std::fprintf(stderr, "child: log write: %s\n", std::strerror(errno));
      status = 3;
      break;
    }
    WriteOptions wo;
    wo.sync = gen.rng().OneIn(4);
    const bool layer = ops[0].kind == Op::kPoint ||
                       ops[0].kind == Op::kDocPut ||
                       ops[0].kind == Op::kDocDelete;
    absl::Status s = layer ? ApplyLayerBatch(&*layers, ops, wo.sync)
                           : (*db)->Write(wo, ToWriteBatch(ops));
    // Deleting a missing document is a no-op, as in the model.
    if (absl::IsNotFound(s) && ops[0].kind == Op::kDocDelete) {
      s = absl::OkStatus();
    }
    if (!s.ok()) {
      std::fprintf(stderr, "child: write %d: %s\n", static_cast<int>(n),
                   std::string(s.message()).c_str());
      status = 4;
      break;
    }
    if (!WriteAll(fd, EncodeAckRecord(n))) status = 3;
  }
  stop = true;
  reader.join();
  ::close(fd);
  return status;
}

}  // namespace strata::stress
