// Aggregate accumulators: one per (result series, aggregate column). Each
// series' points arrive in time order and are folded into a running state
// for the current GROUP BY time bucket, which is merged into a per-bucket
// table when the bucket changes, so the per-point loop decodes the stored
// 8 bytes directly and neither allocates nor looks anything up. Memory is
// one state per non-empty bucket (median and percentile keep the values of
// a bucket). Results follow InfluxDB 1.x: types, tie-breaks of selectors,
// percentile's nearest rank, median's midpoint, sample stddev.
#ifndef STRATA_SERIES_EXEC_AGGREGATE_H_
#define STRATA_SERIES_EXEC_AGGREGATE_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "series/exec_plan.h"
#include "series/exec_value.h"
#include "strata/iterator.h"
#include "strata/series.h"

namespace strata::series {

// GROUP BY time(interval, offset) bucketing; interval 0 = one bucket (0).
struct BucketSpec {
  int64_t interval = 0;
  int64_t offset = 0;

  // floor((t - offset) / interval).
  int64_t Index(int64_t t) const;
  // Start of bucket k: k * interval + offset, clamped to the int64 range.
  int64_t Start(int64_t k) const;
  // [lo, hi) of the times in bucket k, clamped to the int64 range.
  void Bounds(int64_t k, int64_t* lo, int64_t* hi) const;
};

// One column's result in one bucket.
struct AggCell {
  QueryValue value;             // monostate = null
  int64_t time = 0;             // selectors: the chosen point's time
  std::vector<QueryValue> aux;  // selectors: the point's row (aux columns)
};

// Supplies the aux column values of the current row when a selector keeps
// a point.
class AuxSource {
 public:
  virtual ~AuxSource() = default;
  virtual void Fill(std::vector<QueryValue>* out) const = 0;
};

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  // Folds every point of `it` (one series and field, in time order). A
  // malformed stored value is DataLoss naming its timestamp.
  virtual absl::Status AddSeries(Iterator* it) = 0;
  // Folds one point of the current series (v has the field's type); call
  // EndSeries() after the last point of each series.
  virtual void AddPoint(const Val& v, int64_t t, const AuxSource* aux) = 0;
  // Folds n points of the current series, in time order, whose values were
  // decoded by DecodeBits (fixed-size field types only); call EndSeries()
  // after the series' last chunk. Lets several accumulators share one read.
  virtual void AddBits(const int64_t* ts, const uint64_t* bits, size_t n) = 0;
  virtual void EndSeries() = 0;
  // Non-empty buckets so far.
  virtual size_t buckets() const = 0;
  // Results by ascending bucket index; buckets without a result point
  // (percentile out of range) are left out. Call once.
  virtual std::vector<std::pair<int64_t, AggCell>> Finish() = 0;
};

// The stored bytes of a fixed-size value (float, integer, unsigned,
// boolean) as 64 bits for AddBits; false if malformed or a string.
bool DecodeBits(FieldType type, std::string_view bytes, uint64_t* bits);

// REQUIRES: AggSupports(fn, type).
std::unique_ptr<Accumulator> NewAccumulator(AggFn fn, FieldType type,
                                            double percentile,
                                            const BucketSpec& spec);

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_AGGREGATE_H_
