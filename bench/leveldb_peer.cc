// KvBackend over LevelDB (Debian libleveldb-dev 1.23), configured as close
// to Strata and RocksDB as LevelDB allows: 64 MiB memtable, 16 KiB blocks,
// 64 MiB files, bloom 10 bits/key, 64 MiB block cache, WAL always on
// (fsync only when a write asks). LevelDB has no LZ4 (Snappy is used), no
// iterator upper bound (checked here), no flush call (Settle reopens, which
// writes the log to a table) and no TTL, so it sits out retention.
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include "absl/strings/str_format.h"
#include "kv_store.h"

namespace strata::bench {
namespace {

absl::Status Convert(const leveldb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError("leveldb: not found");
  return absl::InternalError("leveldb: " + s.ToString());
}

leveldb::Slice ToSlice(std::string_view s) {
  return leveldb::Slice(s.data(), s.size());
}

class LevelBatch final : public KvBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch.Put(ToSlice(key), ToSlice(value));
  }
  void Clear() override { batch.Clear(); }
  leveldb::WriteBatch batch;
};

class LevelIterator final : public KvIterator {
 public:
  LevelIterator(leveldb::DB* db, std::string_view upper, bool fill_cache)
      : upper_(upper) {
    leveldb::ReadOptions ro;
    ro.fill_cache = fill_cache;
    it_.reset(db->NewIterator(ro));
  }
  void Seek(std::string_view key) override {
    it_->Seek(ToSlice(key));
    Check();
  }
  void SeekForPrev(std::string_view key) override {
    it_->Seek(ToSlice(key));
    if (!it_->Valid()) {
      it_->SeekToLast();
    } else if (it_->key().compare(ToSlice(key)) > 0) {
      it_->Prev();
    }
    Check();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    it_->Next();
    Check();
  }
  std::string_view key() const override {
    return std::string_view(it_->key().data(), it_->key().size());
  }
  std::string_view value() const override {
    return std::string_view(it_->value().data(), it_->value().size());
  }
  absl::Status status() const override { return Convert(it_->status()); }

 private:
  void Check() {
    valid_ = it_->Valid() &&
             (upper_.empty() || it_->key().compare(ToSlice(upper_)) < 0);
  }
  std::string upper_;
  bool valid_ = false;
  std::unique_ptr<leveldb::Iterator> it_;
};

class LevelKv final : public KvBackend {
 public:
  ~LevelKv() override { Close(); }
  std::string name() const override { return "LevelDB"; }
  std::string config() const override {
    return absl::StrFormat(
        "LevelDB %d.%d: %d MiB memtable, 16 KiB blocks, 64 MiB files, Snappy "
        "(no LZ4 in LevelDB), bloom 10 bits/key, %d MiB block cache, one "
        "background compaction thread, WAL on, fsync per batch only in the "
        "sync runs; no TTL",
        leveldb::kMajorVersion, leveldb::kMinorVersion,
        options_.write_buffer_size >> 20, options_.block_cache_bytes >> 20);
  }
  bool supports_ttl() const override { return false; }
  absl::Status Open(const KvOptions& o) override {
    options_ = o;
    cache_.reset(leveldb::NewLRUCache(o.block_cache_bytes));
    filter_.reset(leveldb::NewBloomFilterPolicy(10));
    return Reopen();
  }
  std::unique_ptr<KvBatch> NewBatch() override {
    return std::make_unique<LevelBatch>();
  }
  absl::Status Write(KvBatch* batch, bool sync) override {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    return Convert(db_->Write(wo, &static_cast<LevelBatch*>(batch)->batch));
  }
  absl::Status Get(std::string_view key, std::string* value) override {
    return Convert(db_->Get(leveldb::ReadOptions(), ToSlice(key), value));
  }
  std::unique_ptr<KvIterator> NewIterator(std::string_view upper,
                                          bool fill_cache) override {
    return std::make_unique<LevelIterator>(db_.get(), upper, fill_cache);
  }
  absl::Status Settle() override {
    db_.reset();
    return Reopen();
  }
  uint64_t FileCount() override {
    uint64_t n = 0;
    for (int level = 0; level < 7; level++) {
      std::string v;
      if (db_->GetProperty(
              absl::StrFormat("leveldb.num-files-at-level%d", level), &v)) {
        n += std::strtoull(v.c_str(), nullptr, 10);
      }
    }
    return n;
  }
  void Close() override { db_.reset(); }

 private:
  absl::Status Reopen() {
    leveldb::Options opt;
    opt.create_if_missing = true;
    opt.write_buffer_size = options_.write_buffer_size;
    opt.block_size = 16 << 10;
    opt.max_file_size = 64 << 20;
    opt.block_cache = cache_.get();
    opt.filter_policy = filter_.get();
    opt.compression = leveldb::kSnappyCompression;
    leveldb::DB* db;
    leveldb::Status s = leveldb::DB::Open(opt, options_.dir, &db);
    if (!s.ok()) return Convert(s);
    db_.reset(db);
    return absl::OkStatus();
  }

  KvOptions options_;
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace

std::unique_ptr<KvBackend> NewLevelDbKv() {
  return std::make_unique<LevelKv>();
}

}  // namespace strata::bench
