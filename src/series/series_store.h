// SeriesStore: the time-series catalog and ingest over a DB (layout in
// schema/series.md). Assigns series and field ids from persisted counters,
// fixes each field's type per measurement, writes every call as one atomic
// WriteBatch, and runs the deletes and drops of the catalog. Its in-memory
// catalog caches are loaded at Open and only ever claim what the DB holds:
// a failed write leaves them as they were. After each committed change it
// publishes a CatalogSnapshot, which readers take together with a DB
// snapshot. Thread-safe.
#ifndef STRATA_SERIES_SERIES_STORE_H_
#define STRATA_SERIES_SERIES_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "series/catalog_snapshot.h"
#include "series/series_db_reader.h"
#include "series/series_reader.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/series.h"
#include "util/mutex.h"

namespace strata::series {

// Selects series for DELETE and DROP SERIES.
using SeriesPredicate = std::function<bool(const SeriesInfo&)>;

class SeriesStore {
 public:
  // Loads the catalog of db (not owned; must outlive the store).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SeriesStore>> Open(
      DB* db, const TimeSeriesOptions& options);

  SeriesStore(const SeriesStore&) = delete;
  SeriesStore& operator=(const SeriesStore&) = delete;

  // All or nothing: InvalidArgument "point N: why" for an invalid point or
  // a field type conflict (N 0-based), and nothing is written.
  [[nodiscard]] absl::Status WritePoints(const std::vector<Point>& points,
                                         bool sync);
  // As TimeSeries::WriteLineProtocol: errors are "line L, column C: why".
  [[nodiscard]] absl::StatusOr<WriteResult> WriteLineProtocol(
      std::string_view text, const LineProtocolWriteOptions& options);
  // Persists the override (0 removes it) and applies it to later writes.
  [[nodiscard]] absl::Status SetRetention(std::string_view measurement,
                                          int64_t retention_ns);

  // Deletes the data with t0 <= ts < t1 (t0 < t1) of measurement's series
  // that match. As in InfluxDB 1.x, a series left without data loses its
  // catalog and index records, and a measurement left without series loses
  // its field catalog. With drop_series the matching series are removed
  // whatever their data (DROP SERIES). Returns how many series matched.
  [[nodiscard]] absl::StatusOr<size_t> DeleteSeries(
      std::string_view measurement, const SeriesPredicate& match, Timestamp t0,
      Timestamp t1, bool drop_series);
  // Removes every record of the measurement: data, series, tag index,
  // fields and retention override. OK if it does not exist.
  [[nodiscard]] absl::Status DropMeasurement(std::string_view measurement);

  // A reader over a fresh snapshot of the DB and the catalog version
  // matching it.
  std::unique_ptr<SeriesDbReader> NewReader();
  // The current catalog version (for tests).
  std::shared_ptr<const CatalogSnapshot> catalog() const;

  // Cache views, for tests and statement planning.
  std::vector<std::string> Measurements() const;
  size_t SeriesCount() const;
  // Type of a field, false if the measurement has no such field.
  bool LookupFieldType(std::string_view measurement, std::string_view field,
                       FieldType* type) const;

  Env* env() const { return env_; }
  const TimeSeriesOptions& options() const { return options_; }

 private:
  friend class IngestBuilder;
  struct FieldEntry {
    FieldType type;
    uint32_t id;
  };
  struct MeasurementEntry {
    absl::flat_hash_map<std::string, FieldEntry> fields;
  };

  // A committed change of one measurement's catalog.
  struct CatalogChange {
    std::string measurement;
    std::vector<SeriesInfo> added;          // new series
    absl::flat_hash_set<uint64_t> removed;  // dropped series ids
    bool drop_all = false;                  // the measurement is gone
  };

  SeriesStore(DB* db, const TimeSeriesOptions& options);
  absl::Status LoadCatalog();
  // Publishes a new catalog version: the changed measurements rebuilt
  // (fields from measurements_), retention from retention_.
  void Publish(std::vector<CatalogChange> changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Every series of measurement in the DB's latest state.
  absl::StatusOr<std::vector<SeriesInfo>> ListSeries(
      std::string_view measurement);

  // Runs one ingest over Source (see series_store.cc): first with the
  // catalog shared, again exclusively if it meets a new series or field.
  template <typename Source>
  absl::Status Ingest(Source* source, bool skip_invalid, bool sync,
                      WriteResult* result);

  DB* const db_;
  const TimeSeriesOptions options_;
  Env* const env_;

  // Writers that only meet known series and fields share mu_ (and so still
  // group-commit in the DB); new ids, deletes and drops hold it exclusively.
  mutable SharedMutex mu_;
  // Stable addresses: the ingest keeps a pointer to the current entry.
  absl::node_hash_map<std::string, MeasurementEntry> measurements_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint64_t> series_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int64_t> retention_ ABSL_GUARDED_BY(mu_);
  uint64_t next_series_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint32_t next_field_id_ ABSL_GUARDED_BY(mu_) = 1;
  // What readers see; replaced, never modified, under mu_ exclusive.
  std::shared_ptr<const CatalogSnapshot> catalog_ ABSL_GUARDED_BY(mu_);
  // The last ingest met new ids: start the next one exclusively instead of
  // parsing twice. Cleared by an exclusive ingest that created nothing.
  std::atomic<bool> prefer_exclusive_{false};
};

}  // namespace strata::series

#endif  // STRATA_SERIES_SERIES_STORE_H_
