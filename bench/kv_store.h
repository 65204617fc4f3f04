// A narrow ordered key-value interface over the peers (RocksDB, LevelDB),
// so the series and time-series workloads drive each peer with one
// implementation of the key layout and the queries. Keys of time-series
// data end in an 8-byte big-endian timestamp (sign bit flipped, so older
// sorts first); retention reads it from there.
#ifndef STRATA_BENCH_KV_STORE_H_
#define STRATA_BENCH_KV_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::bench {

struct KvOptions {
  std::string dir;
  size_t write_buffer_size = 64 << 20;
  size_t block_cache_bytes = 64 << 20;
  // Retention by the timestamp in a key's last 8 bytes; 0 = none. Only
  // peers with supports_ttl() honour it.
  int64_t ttl_ns = 0;
  // Simulated wall clock in ns for retention; nullptr = real time.
  const std::atomic<int64_t>* clock = nullptr;
};

class KvBatch {
 public:
  virtual ~KvBatch() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Clear() = 0;
};

// Forward iterator over [lower bound given to Seek, upper bound).
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual void Seek(std::string_view key) = 0;
  // The last entry <= key.
  virtual void SeekForPrev(std::string_view key) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual absl::Status status() const = 0;
};

class KvBackend {
 public:
  virtual ~KvBackend() = default;
  virtual std::string name() const = 0;
  virtual std::string config() const = 0;
  virtual bool supports_ttl() const = 0;
  virtual absl::Status Open(const KvOptions& options) = 0;
  virtual std::unique_ptr<KvBatch> NewBatch() = 0;
  // Thread-safe; concurrent writers are group-committed by the peer.
  virtual absl::Status Write(KvBatch* batch, bool sync) = 0;
  // NotFound when absent.
  virtual absl::Status Get(std::string_view key, std::string* value) = 0;
  // upper_bound empty = none. fill_cache false for long scans.
  virtual std::unique_ptr<KvIterator> NewIterator(std::string_view upper_bound,
                                                  bool fill_cache = true) = 0;
  // Flushes the memtable and waits for compactions to finish.
  virtual absl::Status Settle() = 0;
  virtual uint64_t FileCount() = 0;
  virtual void Close() = 0;
};

std::unique_ptr<KvBackend> NewRocksDbKv();
std::unique_ptr<KvBackend> NewLevelDbKv();

// Big-endian timestamp with the sign bit flipped: byte order = time order.
void AppendKeyTs(std::string* key, int64_t ts);
// Reads the timestamp from the last 8 bytes; REQUIRES key.size() >= 8.
int64_t KeyTs(std::string_view key);

}  // namespace strata::bench

#endif  // STRATA_BENCH_KV_STORE_H_
