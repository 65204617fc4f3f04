// KvBackend over RocksDB (Debian librocksdb-dev), configured like Strata:
// 64 MiB memtable, 16 KiB blocks, LZ4, bloom 10 bits/key, 64 MiB block
// cache, 2 background jobs, WAL on (fsync only when a write asks). Retention
// the way RocksDB users do it for time series: a compaction filter that
// drops entries whose key timestamp + TTL has passed.
#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_format.h"
#include "kv_store.h"

namespace strata::bench {

void AppendKeyTs(std::string* key, int64_t ts) {
  const uint64_t u = static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63);
  for (int i = 7; i >= 0; i--) key->push_back(static_cast<char>(u >> (8 * i)));
}

int64_t KeyTs(std::string_view key) {
  const char* p = key.data() + key.size() - 8;
  uint64_t u = 0;
  for (int i = 0; i < 8; i++) u = (u << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<int64_t>(u ^ (uint64_t{1} << 63));
}

namespace {

absl::Status Convert(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError("rocksdb: not found");
  return absl::InternalError("rocksdb: " + s.ToString());
}

int64_t RealNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RetentionFilter : public rocksdb::CompactionFilter {
 public:
  RetentionFilter(int64_t ttl, const std::atomic<int64_t>* clock)
      : ttl_(ttl), clock_(clock) {}
  bool Filter(int, const rocksdb::Slice& key, const rocksdb::Slice&,
              std::string*, bool*) const override {
    const int64_t now = clock_ != nullptr ? clock_->load() : RealNow();
    return key.size() >= 8 &&
           KeyTs(std::string_view(key.data(), key.size())) + ttl_ <= now;
  }
  const char* Name() const override { return "RetentionFilter"; }

 private:
  int64_t ttl_;
  const std::atomic<int64_t>* clock_;
};

class RocksBatch final : public KvBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch.Put(rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
  }
  void Clear() override { batch.Clear(); }
  rocksdb::WriteBatch batch;
};

class RocksIterator final : public KvIterator {
 public:
  RocksIterator(rocksdb::DB* db, std::string_view upper, bool fill_cache)
      : upper_(upper), upper_slice_(upper_) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = fill_cache;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro));
  }
  void Seek(std::string_view key) override {
    it_->Seek(rocksdb::Slice(key.data(), key.size()));
  }
  void SeekForPrev(std::string_view key) override {
    it_->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override {
    return std::string_view(it_->key().data(), it_->key().size());
  }
  std::string_view value() const override {
    return std::string_view(it_->value().data(), it_->value().size());
  }
  absl::Status status() const override { return Convert(it_->status()); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksKv final : public KvBackend {
 public:
  std::string name() const override { return "RocksDB"; }
  std::string config() const override {
    return absl::StrFormat(
        "RocksDB %d.%d.%d: %d MiB memtable, 16 KiB blocks, LZ4, bloom 10 "
        "bits/key, %d MiB block cache, leveled compaction, 2 background "
        "jobs, WAL on, fsync per batch only in the sync runs; retention by "
        "a compaction filter on the key's timestamp",
        ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH,
        options_.write_buffer_size >> 20, options_.block_cache_bytes >> 20);
  }
  bool supports_ttl() const override { return true; }
  absl::Status Open(const KvOptions& o) override {
    options_ = o;
    rocksdb::Options opt;
    opt.create_if_missing = true;
    opt.compression = rocksdb::kLZ4Compression;
    opt.write_buffer_size = o.write_buffer_size;
    opt.max_background_jobs = 2;
    rocksdb::BlockBasedTableOptions t;
    t.block_size = 16 << 10;
    t.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    if (o.ttl_ns > 0) {
      filter_ = std::make_unique<RetentionFilter>(o.ttl_ns, o.clock);
      opt.compaction_filter = filter_.get();
    }
    rocksdb::DB* db;
    rocksdb::Status s = rocksdb::DB::Open(opt, o.dir, &db);
    if (!s.ok()) return Convert(s);
    db_.reset(db);
    return absl::OkStatus();
  }
  std::unique_ptr<KvBatch> NewBatch() override {
    return std::make_unique<RocksBatch>();
  }
  absl::Status Write(KvBatch* batch, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return Convert(db_->Write(wo, &static_cast<RocksBatch*>(batch)->batch));
  }
  absl::Status Get(std::string_view key, std::string* value) override {
    return Convert(db_->Get(rocksdb::ReadOptions(),
                            rocksdb::Slice(key.data(), key.size()), value));
  }
  std::unique_ptr<KvIterator> NewIterator(std::string_view upper,
                                          bool fill_cache) override {
    return std::make_unique<RocksIterator>(db_.get(), upper, fill_cache);
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
  uint64_t FileCount() override {
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    return files.size();
  }
  void Close() override { db_.reset(); }

 private:
  KvOptions options_;
  std::unique_ptr<RetentionFilter> filter_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

std::unique_ptr<KvBackend> NewRocksDbKv() {
  return std::make_unique<RocksKv>();
}

}  // namespace strata::bench
