// CatalogSnapshot: an immutable, shared copy of the time-series catalog
// (measurements, their fields and series, retention overrides) that the
// SeriesStore publishes after every change it commits, so a query reads the
// catalog from memory instead of scanning and parsing catalog records.
// Published copy-on-write: a change builds new objects and swaps one
// pointer; readers keep the version they took. Never touches the DB.
#ifndef STRATA_SERIES_CATALOG_SNAPSHOT_H_
#define STRATA_SERIES_CATALOG_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "series/series_reader.h"

namespace strata::series {

// Series of one measurement by tag: key -> value -> series, each level
// sorted, series in series-key order.
using TagIndex =
    std::map<std::string,
             std::map<std::string, std::vector<const SeriesInfo*>, std::less<>>,
             std::less<>>;

class MeasurementCatalog {
 public:
  // series sorted by key, unique; fields sorted by name, unique.
  MeasurementCatalog(std::vector<std::shared_ptr<const SeriesInfo>> series,
                     std::vector<FieldInfo> fields);
  MeasurementCatalog(const MeasurementCatalog&) = delete;
  MeasurementCatalog& operator=(const MeasurementCatalog&) = delete;

  // old (may be null) without the series in `removed` (ids), plus `added`
  // (any order; keys not in old), with `fields` (any order).
  static std::shared_ptr<const MeasurementCatalog> Updated(
      const MeasurementCatalog* old, std::vector<SeriesInfo> added,
      const absl::flat_hash_set<uint64_t>& removed,
      std::vector<FieldInfo> fields);

  const std::vector<std::shared_ptr<const SeriesInfo>>& series() const {
    return series_;
  }
  const std::vector<FieldInfo>& fields() const { return fields_; }
  // Built on first use (thread-safe), then shared by every reader of this
  // version; pointers stay valid while this object lives.
  const TagIndex& tag_index() const;

 private:
  const std::vector<std::shared_ptr<const SeriesInfo>> series_;
  const std::vector<FieldInfo> fields_;
  mutable std::once_flag index_once_;
  mutable TagIndex index_;
};

struct CatalogSnapshot {
  // Measurements with at least one field, by name.
  std::map<std::string, std::shared_ptr<const MeasurementCatalog>, std::less<>>
      measurements;
  // Retention overrides (ns > 0) by measurement.
  absl::flat_hash_map<std::string, int64_t> retention;

  // The measurement's catalog, or nullptr.
  const MeasurementCatalog* Find(std::string_view measurement) const;
};

}  // namespace strata::series

#endif  // STRATA_SERIES_CATALOG_SNAPSHOT_H_
