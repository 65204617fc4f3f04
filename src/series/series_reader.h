// SeriesReader: the read side of the time-series catalog and data, as the
// query executor sees it. Implemented over the DB by the storage code
// (series_store.*) and by an in-memory fake in tests. One reader is one
// consistent snapshot; not thread-safe. The SeriesInfo objects a reader
// hands out stay valid, unchanged, for as long as the reader lives.
#ifndef STRATA_SERIES_SERIES_READER_H_
#define STRATA_SERIES_SERIES_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/iterator.h"
#include "strata/point.h"

namespace strata::series {

struct FieldInfo {
  std::string name;
  FieldType type = FieldType::kFloat;
  uint32_t id = 0;
};

struct SeriesInfo {
  uint64_t id = 0;
  std::string key;        // canonical "measurement,k=v,..." form
  std::vector<Tag> tags;  // sorted by key
};

// How a FieldScan is going to be read.
enum class ScanPattern {
  // Most points of each pair: every Open() gets an iterator bounded to the
  // pair, so reading a point costs no more than through NewFieldIterator.
  kAll,
  // A point or two at either end of each pair (first(), last()): one
  // underlying iterator is re-seeked for each pair, so a pair costs a seek
  // instead of an iterator set-up, and each step a key comparison more.
  kEnds,
};

// Reads the points of many (series, field) pairs of one measurement over
// one time range.
class FieldScan {
 public:
  virtual ~FieldScan() = default;
  // The points of (series_id, field_id) with t0 <= ts < t1, in time order,
  // as NewFieldIterator's (seek it before reading). Owned by the scan: valid
  // until the next Open() or the scan's destruction. Never null.
  virtual Iterator* Open(uint64_t series_id, uint32_t field_id) = 0;
};

class SeriesReader {
 public:
  virtual ~SeriesReader() = default;

  // Measurement names, sorted.
  virtual absl::StatusOr<std::vector<std::string>> Measurements() = 0;
  // Fields of a measurement, sorted by name; empty if none.
  virtual absl::StatusOr<std::vector<FieldInfo>> Fields(
      std::string_view measurement) = 0;
  // Every series of a measurement, in series-key order.
  virtual absl::Status ForEachSeries(
      std::string_view measurement,
      const std::function<absl::Status(const SeriesInfo&)>& fn) = 0;
  // The series ForEachSeries would pass whose tag `key` equals `value`
  // (non-empty), in series-key order; through the tag index where the
  // reader has one (the default filters ForEachSeries).
  virtual absl::StatusOr<std::vector<const SeriesInfo*>> SeriesByTag(
      std::string_view measurement, std::string_view key,
      std::string_view value);
  // Series whose tag `key` equals `value`, via the tag index, ascending ids.
  virtual absl::StatusOr<std::vector<uint64_t>> SeriesWithTag(
      std::string_view measurement, std::string_view key,
      std::string_view value) = 0;
  // Tag keys of a measurement, sorted; values of one key, sorted.
  virtual absl::StatusOr<std::vector<std::string>> TagKeys(
      std::string_view measurement) = 0;
  virtual absl::StatusOr<std::vector<std::string>> TagValues(
      std::string_view measurement, std::string_view key) = 0;
  // Stored points of one field of one series with t0 <= ts < t1, in time
  // order; value() is the stored bytes (value_codec.h). Only the blocks
  // overlapping [t0, t1) are read.
  virtual std::unique_ptr<Iterator> NewFieldIterator(
      std::string_view measurement, uint64_t series_id, uint32_t field_id,
      Timestamp t0, Timestamp t1) = 0;
  // A FieldScan over the measurement's fields in [t0, t1). The default
  // opens one NewFieldIterator per Open() whatever the pattern.
  virtual std::unique_ptr<FieldScan> NewFieldScan(std::string_view measurement,
                                                  Timestamp t0, Timestamp t1,
                                                  ScanPattern pattern);
  // The oldest visible timestamp for the measurement (now - retention), or
  // kMinTimestamp without retention.
  virtual Timestamp RetentionFloor(std::string_view measurement) = 0;
  // The clock queries use for now().
  virtual int64_t Now() = 0;
};

}  // namespace strata::series

#endif  // STRATA_SERIES_SERIES_READER_H_
