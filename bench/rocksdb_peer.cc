// SeriesStore over RocksDB (Debian librocksdb-dev): key = series name +
// big-endian timestamp (sign bit flipped so negative times sort first),
// value = 8 bytes, LZ4, bloom 10 bits/key, same memtable and cache sizes
// and WAL settings as Strata. Retention uses RocksDB's own TTL compaction.
#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cstring>

#include "absl/strings/str_format.h"
#include "series_store.h"

namespace strata::bench {
namespace {

void AppendTs(std::string* k, int64_t ts) {
  uint64_t u = static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63);
  for (int i = 7; i >= 0; i--) k->push_back(static_cast<char>(u >> (8 * i)));
}

absl::Status Convert(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError("rocksdb: " + s.ToString());
}

int64_t KeyTs(const rocksdb::Slice& key) {
  const char* p = key.data() + key.size() - 8;
  uint64_t u = 0;
  for (int i = 0; i < 8; i++) u = (u << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

// Retention the way RocksDB users do it for time series: a compaction
// filter dropping points whose timestamp + TTL has passed.
class RetentionFilter : public rocksdb::CompactionFilter {
 public:
  RetentionFilter(int64_t ttl, const std::atomic<int64_t>* clock)
      : ttl_(ttl), clock_(clock) {}
  bool Filter(int, const rocksdb::Slice& key, const rocksdb::Slice&,
              std::string*, bool*) const override {
    return key.size() >= 8 && KeyTs(key) + ttl_ <= clock_->load();
  }
  const char* Name() const override { return "RetentionFilter"; }

 private:
  int64_t ttl_;
  const std::atomic<int64_t>* clock_;
};

class RocksStore final : public SeriesStore {
 public:
  std::string name() const override { return "RocksDB"; }
  std::string config() const override {
    return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." +
           std::to_string(ROCKSDB_MINOR) +
           ": 64 MiB memtable, 16 KiB blocks, LZ4, bloom 10 bits/key, "
           "64 MiB block cache, leveled compaction, 2 background jobs, WAL on";
  }
  absl::Status Open(const StoreOptions& o) override {
    rocksdb::Options opt;
    opt.create_if_missing = true;
    opt.compression = rocksdb::kLZ4Compression;
    opt.write_buffer_size = o.write_buffer_size;
    opt.max_background_jobs = 2;
    rocksdb::BlockBasedTableOptions t;
    t.block_size = 16 << 10;
    t.block_cache = rocksdb::NewLRUCache(64 << 20);
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    if (o.ttl_ns > 0 && o.clock != nullptr) {
      filter_ = std::make_unique<RetentionFilter>(o.ttl_ns, o.clock);
      opt.compaction_filter = filter_.get();
    }
    sync_ = o.sync;
    rocksdb::DB* db;
    rocksdb::Status s = rocksdb::DB::Open(opt, o.dir, &db);
    if (!s.ok()) return Convert(s);
    db_.reset(db);
    return absl::OkStatus();
  }
  absl::Status Write(const std::vector<Point>& batch) override {
    rocksdb::WriteBatch b;
    std::string key;
    for (const Point& p : batch) {
      if (p.series >= names_.size()) names_.resize(p.series + 1);
      if (names_[p.series].empty()) names_[p.series] = SeriesName(p.series);
      key = names_[p.series];
      AppendTs(&key, p.ts);
      char v[8];
      std::memcpy(v, &p.value, 8);
      b.Put(key, rocksdb::Slice(v, 8));
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync_;
    return Convert(db_->Write(wo, &b));
  }
  absl::Status Settle() override {
    rocksdb::Status s = db_->Flush(rocksdb::FlushOptions());
    if (!s.ok()) return Convert(s);
    // Let background compactions finish, as Strata's WaitForBackgroundWork.
    uint64_t pending = 1, running = 1;
    while (pending || running) {
      db_->GetIntProperty("rocksdb.compaction-pending", &pending);
      db_->GetIntProperty("rocksdb.num-running-compactions", &running);
      if (pending || running) usleep(10'000);
    }
    return absl::OkStatus();
  }
  absl::Status Scan(uint32_t series, int64_t t0, int64_t t1, double* sum,
                    int64_t* count) override {
    std::string start = SeriesName(series), end = start;
    AppendTs(&start, t0);
    AppendTs(&end, t1);
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(end);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(start); it->Valid(); it->Next()) {
      double v;
      std::memcpy(&v, it->value().data(), 8);
      *sum += v;
      ++*count;
    }
    return Convert(it->status());
  }
  absl::Status Latest(uint32_t series, int64_t* ts, double* value) override {
    std::string prefix = SeriesName(series), last = prefix;
    AppendTs(&last, INT64_MAX);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(last);
    if (!it->Valid() || !it->key().starts_with(prefix)) {
      return absl::NotFoundError("no point");
    }
    *ts = KeyTs(it->key());
    std::memcpy(value, it->value().data(), 8);
    return absl::OkStatus();
  }
  void Close() override { db_.reset(); }
  uint64_t FileCount() override {
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    return files.size();
  }

 private:
  std::unique_ptr<RetentionFilter> filter_;
  std::unique_ptr<rocksdb::DB> db_;
  bool sync_ = false;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<SeriesStore> NewRocksDbStore() {
  return std::make_unique<RocksStore>();
}

}  // namespace strata::bench
