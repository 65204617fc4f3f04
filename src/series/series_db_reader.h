// SeriesDbReader: the SeriesReader the executor and the SHOW statements use,
// over one DB snapshot, so a whole statement sees one consistent catalog and
// data state however writers and deletes interleave. Reads only; never
// writes the DB. Not thread-safe (one reader per statement).
//
// Two modes. Given a CatalogSnapshot taken together with the DB snapshot
// (SeriesStore::NewReader), catalog calls answer from memory. Without one,
// they scan and parse the catalog records of the DB snapshot: slower, but
// independent of any store's caches (tests check the DB with it).
#ifndef STRATA_SERIES_SERIES_DB_READER_H_
#define STRATA_SERIES_SERIES_DB_READER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "series/catalog_snapshot.h"
#include "series/series_reader.h"
#include "strata/db.h"
#include "strata/env.h"

namespace strata::series {

class SeriesDbReader : public SeriesReader {
 public:
  // Takes a snapshot of db now and reads the catalog from it. now() and
  // retention floors use env's wall clock, read once here so every call
  // agrees. default_retention_ns as TimeSeriesOptions (0 = none). db and
  // env must outlive the reader.
  SeriesDbReader(DB* db, Env* env, int64_t default_retention_ns);
  // Reads data from `snapshot` and the catalog from `catalog`, which must
  // describe the same state (taken under the store's lock).
  SeriesDbReader(DB* db, Env* env, int64_t default_retention_ns,
                 std::unique_ptr<const Snapshot> snapshot,
                 std::shared_ptr<const CatalogSnapshot> catalog);

  absl::StatusOr<std::vector<std::string>> Measurements() override;
  absl::StatusOr<std::vector<FieldInfo>> Fields(
      std::string_view measurement) override;
  absl::Status ForEachSeries(
      std::string_view measurement,
      const std::function<absl::Status(const SeriesInfo&)>& fn) override;
  absl::StatusOr<std::vector<const SeriesInfo*>> SeriesByTag(
      std::string_view measurement, std::string_view key,
      std::string_view value) override;
  absl::StatusOr<std::vector<uint64_t>> SeriesWithTag(
      std::string_view measurement, std::string_view key,
      std::string_view value) override;
  absl::StatusOr<std::vector<std::string>> TagKeys(
      std::string_view measurement) override;
  absl::StatusOr<std::vector<std::string>> TagValues(
      std::string_view measurement, std::string_view key) override;
  std::unique_ptr<Iterator> NewFieldIterator(std::string_view measurement,
                                             uint64_t series_id,
                                             uint32_t field_id, Timestamp t0,
                                             Timestamp t1) override;
  std::unique_ptr<FieldScan> NewFieldScan(std::string_view measurement,
                                          Timestamp t0, Timestamp t1,
                                          ScanPattern pattern) override;
  // now - retention + 1: a point at exactly now - retention has
  // expire_at == now, which the DB already treats as expired.
  Timestamp RetentionFloor(std::string_view measurement) override;
  int64_t Now() override { return now_; }

  // The retention in effect for measurement (override, else default);
  // 0 = none. Errors (a corrupt override) read as the default.
  int64_t Retention(std::string_view measurement);

 private:
  // A catalog iterator over [begin, end) as of the snapshot, all times.
  std::unique_ptr<Iterator> Scan(std::string_view begin, std::string_view end);
  // The distinct components that follow prefix in its family's keys, in
  // order: tag keys after 0x13 comp(m), tag values after 0x13 comp(m)
  // comp(k), measurements after 0x14.
  absl::StatusOr<std::vector<std::string>> DistinctComponents(
      std::string_view prefix, std::string_view what);

  DB* const db_;
  std::unique_ptr<const Snapshot> snapshot_;
  const std::shared_ptr<const CatalogSnapshot> catalog_;  // null: scan DB
  ReadOptions read_options_;
  const int64_t now_;
  const int64_t default_retention_ns_;
  absl::flat_hash_map<std::string, int64_t> retention_cache_;
  // Scan mode: every SeriesInfo handed out, kept for the reader's life.
  std::deque<SeriesInfo> scanned_;
};

}  // namespace strata::series

#endif  // STRATA_SERIES_SERIES_DB_READER_H_
