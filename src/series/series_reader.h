// SeriesReader: the read side of the time-series catalog and data, as the
// query executor sees it. Implemented over the DB by the storage code
// (series_store.*) and by an in-memory fake in tests. One reader is one
// consistent snapshot; not thread-safe.
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
  // The oldest visible timestamp for the measurement (now - retention), or
  // kMinTimestamp without retention.
  virtual Timestamp RetentionFloor(std::string_view measurement) = 0;
  // The clock queries use for now().
  virtual int64_t Now() = 0;
};

}  // namespace strata::series

#endif  // STRATA_SERIES_SERIES_READER_H_
