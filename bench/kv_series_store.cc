// SeriesStore over a KvBackend (RocksDB, LevelDB): key = series name +
// big-endian timestamp (kv_store.h), value = the float64's 8 bytes.
#include <cstring>

#include "kv_store.h"
#include "series_store.h"

namespace strata::bench {
namespace {

class KvSeriesStore final : public SeriesStore {
 public:
  explicit KvSeriesStore(std::unique_ptr<KvBackend> kv) : kv_(std::move(kv)) {}
  std::string name() const override { return kv_->name(); }
  std::string config() const override { return kv_->config(); }
  absl::Status Open(const StoreOptions& o) override {
    KvOptions ko;
    ko.dir = o.dir;
    ko.write_buffer_size = o.write_buffer_size;
    ko.ttl_ns = o.ttl_ns;
    ko.clock = o.clock;
    sync_ = o.sync;
    return kv_->Open(ko);
  }
  absl::Status Write(const std::vector<SeriesPoint>& batch) override {
    auto b = kv_->NewBatch();
    std::string key;
    for (const SeriesPoint& p : batch) {
      key = Name(p.series);
      AppendKeyTs(&key, p.ts);
      char v[8];
      std::memcpy(v, &p.value, 8);
      b->Put(key, std::string_view(v, 8));
    }
    return kv_->Write(b.get(), sync_);
  }
  absl::Status Settle() override { return kv_->Settle(); }
  absl::Status Scan(uint32_t series, int64_t t0, int64_t t1, double* sum,
                    int64_t* count) override {
    std::string start = Name(series), end = start;
    AppendKeyTs(&start, t0);
    AppendKeyTs(&end, t1);
    auto it = kv_->NewIterator(end);
    for (it->Seek(start); it->Valid(); it->Next()) {
      double v;
      std::memcpy(&v, it->value().data(), 8);
      *sum += v;
      ++*count;
    }
    return it->status();
  }
  absl::Status Latest(uint32_t series, int64_t* ts, double* value) override {
    const std::string prefix = Name(series);
    std::string last = prefix;
    AppendKeyTs(&last, INT64_MAX);
    auto it = kv_->NewIterator({});
    it->SeekForPrev(last);
    if (!it->Valid() || it->key().substr(0, prefix.size()) != prefix ||
        it->key().size() != prefix.size() + 8) {
      return absl::NotFoundError("no point");
    }
    *ts = KeyTs(it->key());
    std::memcpy(value, it->value().data(), 8);
    return absl::OkStatus();
  }
  absl::Status Get(uint32_t series, int64_t ts, double* value) override {
    std::string key = Name(series), v;
    AppendKeyTs(&key, ts);
    absl::Status s = kv_->Get(key, &v);
    if (!s.ok()) return s;
    if (v.size() != 8) return absl::DataLossError("value size");
    std::memcpy(value, v.data(), 8);
    return absl::OkStatus();
  }
  void Close() override { kv_->Close(); }
  uint64_t FileCount() override { return kv_->FileCount(); }

 private:
  const std::string& Name(uint32_t series) {
    if (series >= names_.size()) names_.resize(series + 1);
    if (names_[series].empty()) names_[series] = SeriesName(series);
    return names_[series];
  }
  std::unique_ptr<KvBackend> kv_;
  bool sync_ = false;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<SeriesStore> NewRocksDbStore() {
  return std::make_unique<KvSeriesStore>(NewRocksDbKv());
}
std::unique_ptr<SeriesStore> NewLevelDbStore() {
  return std::make_unique<KvSeriesStore>(NewLevelDbKv());
}

}  // namespace strata::bench
