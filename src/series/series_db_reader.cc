// SeriesReader over a DB snapshot: catalog lookups are prefix scans of the
// 0x11-0x15 families (schema/series.md); field data is one DB iterator per
// (series, field) key, restricted to the query's time window so the core
// skips files and blocks outside it.
#include "series/series_db_reader.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/key_codec.h"
#include "series/line_protocol.h"

namespace strata::series {

SeriesDbReader::SeriesDbReader(DB* db, Env* env, int64_t default_retention_ns)
    : db_(db),
      snapshot_(db->GetSnapshot()),
      now_(env->NowNanos()),
      default_retention_ns_(default_retention_ns) {
  read_options_.snapshot = snapshot_.get();
}

std::unique_ptr<Iterator> SeriesDbReader::Scan(std::string_view begin,
                                               std::string_view end) {
  return db_->NewIterator(read_options_, ScanRange{begin, end});
}

absl::StatusOr<std::vector<std::string>> SeriesDbReader::DistinctComponents(
    std::string_view prefix, std::string_view what) {
  std::vector<std::string> out;
  const std::string end = PrefixSuccessor(prefix);
  std::unique_ptr<Iterator> it = Scan(prefix, end);
  std::string name;
  std::string next;
  it->SeekToFirst();
  while (it->Valid()) {
    std::string_view rest = it->key();
    rest.remove_prefix(prefix.size());
    if (!ConsumeComponent(&rest, &name)) {
      return CatalogCorruption(it->key(),
                               absl::StrFormat("malformed %s", what));
    }
    // Jump past every key sharing this component.
    next.assign(prefix.data(), prefix.size());
    AppendComponent(&next, name);
    next = PrefixSuccessor(next);
    out.push_back(std::move(name));
    it->Seek(next);
  }
  if (!it->status().ok()) return it->status();
  return out;
}

absl::StatusOr<std::vector<std::string>> SeriesDbReader::Measurements() {
  return DistinctComponents(std::string(1, kFieldTag), "field catalog key");
}

absl::StatusOr<std::vector<FieldInfo>> SeriesDbReader::Fields(
    std::string_view measurement) {
  std::vector<FieldInfo> out;
  const std::string prefix = MeasurementPrefix(kFieldTag, measurement);
  std::unique_ptr<Iterator> it = Scan(prefix, PrefixSuccessor(prefix));
  std::string m;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    FieldInfo f;
    if (!ParseFieldRecordKey(it->key(), &m, &f.name) ||
        !DecodeFieldCatalogValue(it->value(), &f.type, &f.id)) {
      return CatalogCorruption(it->key(), "malformed field catalog record");
    }
    out.push_back(std::move(f));
  }
  if (!it->status().ok()) return it->status();
  return out;  // key order is field-name order
}

absl::Status SeriesDbReader::ForEachSeries(
    std::string_view measurement,
    const std::function<absl::Status(const SeriesInfo&)>& fn) {
  const std::string prefix = MeasurementPrefix(kSeriesTag, measurement);
  std::unique_ptr<Iterator> it = Scan(prefix, PrefixSuccessor(prefix));
  std::string m;
  std::string parsed_m;
  SeriesInfo info;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!ParseSeriesRecordKey(it->key(), &m, &info.key) ||
        !DecodeSeriesIdValue(it->value(), &info.id)) {
      return CatalogCorruption(it->key(), "malformed series catalog record");
    }
    absl::Status s = ParseSeriesKey(info.key, &parsed_m, &info.tags);
    if (!s.ok() || parsed_m != m) {
      return CatalogCorruption(it->key(), "series key does not parse");
    }
    if (absl::Status s = fn(info); !s.ok()) return s;
  }
  return it->status();
}

absl::StatusOr<std::vector<uint64_t>> SeriesDbReader::SeriesWithTag(
    std::string_view measurement, std::string_view key,
    std::string_view value) {
  std::vector<uint64_t> out;
  const std::string prefix = TagValuePrefix(measurement, key, value);
  std::unique_ptr<Iterator> it = Scan(prefix, PrefixSuccessor(prefix));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view rest = it->key();
    rest.remove_prefix(prefix.size());
    uint64_t id;
    if (!ConsumeBigEndian64(&rest, &id) || !rest.empty()) {
      return CatalogCorruption(it->key(), "malformed tag index key");
    }
    out.push_back(id);
  }
  if (!it->status().ok()) return it->status();
  return out;
}

absl::StatusOr<std::vector<std::string>> SeriesDbReader::TagKeys(
    std::string_view measurement) {
  return DistinctComponents(MeasurementPrefix(kTagIndexTag, measurement),
                            "tag index key");
}

absl::StatusOr<std::vector<std::string>> SeriesDbReader::TagValues(
    std::string_view measurement, std::string_view key) {
  return DistinctComponents(TagKeyPrefix(measurement, key), "tag index key");
}

std::unique_ptr<Iterator> SeriesDbReader::NewFieldIterator(
    std::string_view measurement, uint64_t series_id, uint32_t field_id,
    Timestamp t0, Timestamp t1) {
  const std::string key = DataKey(measurement, series_id, field_id);
  std::string end = key;
  end.push_back('\0');
  // A single-key range: the core also consults each file's bloom filter.
  return db_->NewIterator(read_options_, ScanRange{key, end, t0, t1});
}

int64_t SeriesDbReader::Retention(std::string_view measurement) {
  auto it = retention_cache_.find(
      absl::string_view(measurement.data(), measurement.size()));
  if (it != retention_cache_.end()) return it->second;
  int64_t retention = default_retention_ns_;
  absl::StatusOr<Record> r =
      db_->Get(read_options_, RetentionKey(measurement), kCatalogTs);
  int64_t override_ns;
  if (r.ok() && DecodeRetentionValue(r->value, &override_ns)) {
    retention = override_ns;
  }
  retention_cache_.emplace(std::string(measurement), retention);
  return retention;
}

Timestamp SeriesDbReader::RetentionFloor(std::string_view measurement) {
  const int64_t retention = Retention(measurement);
  if (retention <= 0) return kMinTimestamp;
  // now - retention + 1 without overflow.
  if (now_ < std::numeric_limits<int64_t>::min() + retention) {
    return kMinTimestamp;
  }
  return now_ - retention + 1;
}

}  // namespace strata::series
