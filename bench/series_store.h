// A minimal "store points of numbered series" interface, implemented over
// the Strata storage core and over each key-value peer with the equivalent
// key layout (series name + timestamp -> 8-byte value), so the storage
// workloads (core, sustained, retention, gets) drive them all identically.
#ifndef STRATA_BENCH_SERIES_STORE_H_
#define STRATA_BENCH_SERIES_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace strata::bench {

struct SeriesPoint {
  uint32_t series;
  int64_t ts;
  double value;
};

struct StoreOptions {
  std::string dir;
  bool sync = false;   // fsync the WAL on every batch
  int64_t ttl_ns = 0;  // retention by record timestamp; 0 = none
  // Simulated wall clock in ns (for retention runs); nullptr = real time.
  const std::atomic<int64_t>* clock = nullptr;
  size_t write_buffer_size = 64 << 20;
};

class SeriesStore {
 public:
  virtual ~SeriesStore() = default;
  virtual std::string name() const = 0;
  // The settings used, printed with the results so fairness can be judged.
  virtual std::string config() const = 0;
  virtual absl::Status Open(const StoreOptions& options) = 0;
  virtual absl::Status Write(const std::vector<SeriesPoint>& batch) = 0;
  // Makes everything durable and lets background work settle.
  virtual absl::Status Settle() = 0;
  // Adds the values and count of one series' points with t0 <= ts < t1.
  virtual absl::Status Scan(uint32_t series, int64_t t0, int64_t t1,
                            double* sum, int64_t* count) = 0;
  // The newest point of a series.
  virtual absl::Status Latest(uint32_t series, int64_t* ts, double* value) = 0;
  // The point of a series at exactly ts; NotFound if none.
  virtual absl::Status Get(uint32_t series, int64_t ts, double* value) = 0;
  virtual void Close() = 0;
  // Live SST count, for "file count stays flat" checks.
  virtual uint64_t FileCount() = 0;
};

// "cpu,host=host_0042,region=r3#usage_user"-like names: realistic length.
std::string SeriesName(uint32_t series);

std::unique_ptr<SeriesStore> NewStrataStore();
std::unique_ptr<SeriesStore> NewRocksDbStore();
std::unique_ptr<SeriesStore> NewLevelDbStore();

}  // namespace strata::bench

#endif  // STRATA_BENCH_SERIES_STORE_H_
