// A time-series engine as the ingest, queries and scaling workloads see it:
// line protocol in, four query shapes out. Implemented by Strata's
// TimeSeries (InfluxQL), by RocksDB and LevelDB (our line-protocol parser,
// key = series key + field + big-endian ts, queries iterate and aggregate
// in C++) and by SQLite (a points table indexed by series and time).
#ifndef STRATA_BENCH_TS_ENGINE_H_
#define STRATA_BENCH_TS_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::bench {

// What a query returned, reduced so engines can be cross-checked: how many
// values (rows x value columns, nulls excluded) and their sum.
struct QueryAnswer {
  int64_t values = 0;
  double sum = 0;
};

// Queries name series by measurement and the "hostname" tag (TSBS).
class TsEngine {
 public:
  virtual ~TsEngine() = default;
  virtual std::string name() const = 0;
  virtual std::string config() const = 0;
  virtual absl::Status Open(const std::string& dir) = 0;
  // Writes one batch of line protocol atomically; with sync, durable on
  // return. Thread-safe (the multi-writer runs call it concurrently).
  virtual absl::Status WriteLines(std::string_view lines, bool sync) = 0;
  // Makes everything durable and lets background work finish.
  virtual absl::Status Settle() = 0;

  // The raw points of one field of one host with t0 <= time < t1.
  virtual absl::StatusOr<QueryAnswer> SeriesRange(std::string_view measurement,
                                                  std::string_view host,
                                                  std::string_view field,
                                                  int64_t t0, int64_t t1) = 0;
  // mean(field) over all hosts per bucket of `bucket` ns in [t0, t1)
  // (t0 aligned to bucket): one value per non-empty bucket.
  virtual absl::StatusOr<QueryAnswer> MeanPerBucket(
      std::string_view measurement, std::string_view field, int64_t t0,
      int64_t t1, int64_t bucket) = 0;
  // The newest value of every field of every series of the measurement.
  virtual absl::StatusOr<QueryAnswer> LastPerSeries(
      std::string_view measurement) = 0;
  // max(field) over every host and all time.
  virtual absl::StatusOr<QueryAnswer> MaxAll(std::string_view measurement,
                                             std::string_view field) = 0;
  virtual void Close() = 0;
};

// Strata's TimeSeries, or nullptr when this build has no series layer
// (*why says so).
std::unique_ptr<TsEngine> NewStrataTsEngine(std::string* why);
std::unique_ptr<TsEngine> NewRocksDbTsEngine();
std::unique_ptr<TsEngine> NewLevelDbTsEngine();
std::unique_ptr<TsEngine> NewSqliteTsEngine();

}  // namespace strata::bench

#endif  // STRATA_BENCH_TS_ENGINE_H_
