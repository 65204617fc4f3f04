// SeriesStore over the Strata storage core: key = series name, ts = point
// time, value = the float64's 8 bytes. Same sizes as the peers: 64 MiB
// memtable and block cache, bloom 10 bits/key, LZ4.
#include <cstring>

#include "absl/strings/str_format.h"
#include "series_store.h"
#include "strata/db.h"
#include "strata/env.h"

namespace strata::bench {

std::string SeriesName(uint32_t series) {
  static const char* kFields[] = {"usage_user", "usage_system", "usage_idle",
                                  "usage_iowait", "usage_nice"};
  return absl::StrFormat("cpu,host=host_%04d,region=r%d#%s", series / 5,
                         series % 7, kFields[series % 5]);
}

namespace {

// Env whose wall clock is the benchmark's simulated clock.
class SimulatedClockEnv : public EnvWrapper {
 public:
  explicit SimulatedClockEnv(const std::atomic<int64_t>* clock)
      : EnvWrapper(Env::Default()), clock_(clock) {}
  int64_t NowNanos() override { return clock_->load(); }

 private:
  const std::atomic<int64_t>* clock_;
};

class StrataStore final : public SeriesStore {
 public:
  std::string name() const override { return "Strata"; }
  std::string config() const override {
    return "Strata: 64 MiB memtable, 16 KiB row / 128 KiB columnar blocks, "
           "LZ4, bloom 10 bits/key, 64 MiB block cache, WAL on";
  }
  absl::Status Open(const StoreOptions& o) override {
    Options opt;
    opt.default_ttl_ns = o.ttl_ns;
    opt.write_buffer_size = o.write_buffer_size;
    if (o.clock != nullptr) {
      env_ = std::make_unique<SimulatedClockEnv>(o.clock);
      opt.env = env_.get();
      // Windows a fraction of the TTL so whole files expire together.
      if (o.ttl_ns > 0) opt.time_window_ns = std::max<int64_t>(o.ttl_ns / 4, 1);
    }
    sync_ = o.sync;
    auto db = DB::Open(opt, o.dir);
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    return absl::OkStatus();
  }
  absl::Status Write(const std::vector<SeriesPoint>& batch) override {
    WriteBatch b;
    for (const SeriesPoint& p : batch) {
      char v[8];
      std::memcpy(v, &p.value, 8);
      b.Put(Name(p.series), p.ts, std::string_view(v, 8));
    }
    WriteOptions wo;
    wo.sync = sync_;
    return db_->Write(wo, b);
  }
  absl::Status Settle() override {
    absl::Status s = db_->Flush();
    if (s.ok()) s = db_->WaitForBackgroundWork();
    return s;
  }
  absl::Status Scan(uint32_t series, int64_t t0, int64_t t1, double* sum,
                    int64_t* count) override {
    const std::string& key = Name(series);
    std::string end = key;
    end.push_back('\0');
    auto it = db_->NewIterator(ReadOptions(), ScanRange{key, end, t0, t1});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      double v;
      std::memcpy(&v, it->value().data(), 8);
      *sum += v;
      ++*count;
    }
    return it->status();
  }
  absl::Status Latest(uint32_t series, int64_t* ts, double* value) override {
    auto r = db_->GetLatest(ReadOptions(), Name(series));
    if (!r.ok()) return r.status();
    *ts = r->ts;
    std::memcpy(value, r->value.data(), 8);
    return absl::OkStatus();
  }
  absl::Status Get(uint32_t series, int64_t ts, double* value) override {
    auto r = db_->Get(ReadOptions(), Name(series), ts);
    if (!r.ok()) return r.status();
    if (r->value.size() != 8) return absl::DataLossError("value size");
    std::memcpy(value, r->value.data(), 8);
    return absl::OkStatus();
  }
  void Close() override { db_.reset(); }
  uint64_t FileCount() override { return db_->GetStats().live_files; }

 private:
  const std::string& Name(uint32_t series) {
    if (series >= names_.size()) names_.resize(series + 1);
    if (names_[series].empty()) names_[series] = SeriesName(series);
    return names_[series];
  }
  std::unique_ptr<Env> env_;
  std::unique_ptr<DB> db_;
  bool sync_ = false;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<SeriesStore> NewStrataStore() {
  return std::make_unique<StrataStore>();
}

}  // namespace strata::bench
