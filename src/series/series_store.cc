// The time-series catalog of a SeriesStore: loading it at Open, retention
// overrides, deletes and drops, and publishing the CatalogSnapshot readers
// use (layout: schema/series.md). Ingest is in series_ingest.cc.
//
// Every change runs with mu_ exclusive: it writes the DB, then updates the
// caches and publishes a new catalog version before releasing mu_, so a
// reader, which takes its DB snapshot and catalog version under mu_ shared,
// always gets the two in the same state.
#include "series/series_store.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/key_codec.h"
#include "series/line_protocol.h"
#include "series/retention_rules.h"

namespace strata::series {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

Expiry CatalogExpiry() { return Expiry::Never(); }

}  // namespace

// ---------------------------------------------------------------------------
// SeriesStore

SeriesStore::SeriesStore(DB* db, const TimeSeriesOptions& options)
    : db_(db),
      options_(options),
      env_(options.env != nullptr ? options.env : Env::Default()) {}

absl::StatusOr<std::unique_ptr<SeriesStore>> SeriesStore::Open(
    DB* db, const TimeSeriesOptions& options) {
  if (db == nullptr) return absl::InvalidArgumentError("no DB");
  if (options.default_retention_ns < 0) {
    return absl::InvalidArgumentError("default_retention_ns must be >= 0");
  }
  std::unique_ptr<SeriesStore> store(new SeriesStore(db, options));
  if (absl::Status s = store->LoadCatalog(); !s.ok()) return s;
  // Retention rules live in memory in the core: register them on every
  // open so compaction reclaims what the catalog's retentions hide.
  if (absl::Status s = RegisterRetentionRules(db, options.default_retention_ns);
      !s.ok()) {
    return s;
  }
  return store;
}

absl::Status SeriesStore::LoadCatalog() {
  WriterLock l(&mu_);
  // Calls fn(key, value) for each record of one family; fn returns false
  // for a malformed record.
  const auto scan = [this](char tag, std::string_view what, auto&& fn) {
    const std::string begin(1, tag);
    const std::string end = PrefixSuccessor(begin);
    std::unique_ptr<Iterator> it =
        db_->NewIterator(ReadOptions(), ScanRange{begin, end});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!fn(it->key(), it->value())) {
        return CatalogCorruption(it->key(),
                                 absl::StrFormat("malformed %s", what));
      }
    }
    return it->status();
  };
  uint64_t max_series = 0;
  uint32_t max_field = 0;
  uint64_t counter_series = 0;
  uint32_t counter_field = 0;
  std::string m;
  std::string name;
  // Series of each measurement, in key order (the scan's order).
  absl::flat_hash_map<std::string, std::vector<SeriesInfo>> series_of;
  std::string parsed_m;
  absl::Status s =
      scan(kSeriesTag, "series catalog record",
           [&](std::string_view key, std::string_view value) {
             SeriesInfo info;
             if (!ParseSeriesRecordKey(key, &m, &info.key) ||
                 !DecodeSeriesIdValue(value, &info.id) ||
                 !ParseSeriesKey(info.key, &parsed_m, &info.tags).ok() ||
                 parsed_m != m) {
               return false;
             }
             series_[info.key] = info.id;
             max_series = std::max(max_series, info.id);
             series_of[m].push_back(std::move(info));
             return true;
           });
  if (s.ok()) {
    s = scan(kFieldTag, "field catalog record",
             [&](std::string_view key, std::string_view value) {
               FieldEntry e;
               if (!ParseFieldRecordKey(key, &m, &name) ||
                   !DecodeFieldCatalogValue(value, &e.type, &e.id)) {
                 return false;
               }
               measurements_[m].fields[name] = e;
               max_field = std::max(max_field, e.id);
               return true;
             });
  }
  if (s.ok()) {
    s = scan(
        kRetentionTag, "retention record",
        [&](std::string_view key, std::string_view value) {
          int64_t r;
          if (!ParseRetentionKey(key, &m) || !DecodeRetentionValue(value, &r)) {
            return false;
          }
          retention_[m] = r;
          return true;
        });
  }
  if (s.ok()) {
    s = scan(kCountersTag, "id counters record",
             [&](std::string_view key, std::string_view value) {
               return key.size() == 1 &&
                      DecodeCountersValue(value, &counter_series,
                                          &counter_field);
             });
  }
  if (!s.ok()) return s;
  // Every batch that assigns ids also writes the counters; the maximum
  // with the ids seen also repairs counters that lag the records.
  if (max_field == std::numeric_limits<uint32_t>::max()) {
    return CatalogCorruption(CountersKey(), "field ids exhausted");
  }
  next_series_id_ = std::max<uint64_t>({1, counter_series, max_series + 1});
  next_field_id_ = std::max<uint32_t>({1, counter_field, max_field + 1});
  catalog_ = std::make_shared<const CatalogSnapshot>();
  std::vector<CatalogChange> changes;
  for (auto& [name, series] : series_of) {
    changes.emplace_back();
    changes.back().measurement = name;
    changes.back().added = std::move(series);
  }
  for (const auto& [name, entry] : measurements_) {
    if (!series_of.contains(name)) {
      changes.emplace_back();
      changes.back().measurement = name;
    }
  }
  Publish(std::move(changes));
  return absl::OkStatus();
}

void SeriesStore::Publish(std::vector<CatalogChange> changes) {
  auto next = std::make_shared<CatalogSnapshot>();
  next->measurements = catalog_->measurements;
  next->retention = retention_;
  for (CatalogChange& c : changes) {
    auto old = next->measurements.find(c.measurement);
    const MeasurementCatalog* prev =
        c.drop_all || old == next->measurements.end() ? nullptr
                                                      : old->second.get();
    std::vector<FieldInfo> fields;
    auto m = measurements_.find(AsAbsl(c.measurement));
    if (m != measurements_.end()) {
      fields.reserve(m->second.fields.size());
      for (const auto& [name, f] : m->second.fields) {
        fields.push_back(FieldInfo{name, f.type, f.id});
      }
    }
    std::shared_ptr<const MeasurementCatalog> updated =
        MeasurementCatalog::Updated(prev, std::move(c.added), c.removed,
                                    std::move(fields));
    if (updated->series().empty() && updated->fields().empty()) {
      if (old != next->measurements.end()) next->measurements.erase(old);
    } else if (old != next->measurements.end()) {
      old->second = std::move(updated);
    } else {
      next->measurements.emplace(c.measurement, std::move(updated));
    }
  }
  catalog_ = std::move(next);
}

absl::Status SeriesStore::SetRetention(std::string_view measurement,
                                       int64_t retention_ns) {
  if (measurement.empty()) {
    return absl::InvalidArgumentError("retention: empty measurement name");
  }
  if (retention_ns < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "retention of \"%s\" must be >= 0, got %d", measurement, retention_ns));
  }
  const std::string key = RetentionKey(measurement);
  if (key.size() > kMaxKeySize) {
    return absl::InvalidArgumentError("retention: measurement name too long");
  }
  WriterLock l(&mu_);
  WriteBatch b;
  if (retention_ns == 0) {
    b.Delete(key, kCatalogTs);
  } else {
    b.Put(key, kCatalogTs, EncodeRetentionValue(retention_ns), CatalogExpiry());
  }
  if (absl::Status s = db_->Write(WriteOptions(), b); !s.ok()) return s;
  if (retention_ns == 0) {
    retention_.erase(AsAbsl(measurement));
  } else {
    retention_[std::string(measurement)] = retention_ns;
  }
  Publish({});
  // After the catalog: a failure here leaves the override stored, and the
  // next open registers it.
  return SetMeasurementRetentionRule(db_, measurement, retention_ns);
}

absl::StatusOr<std::vector<SeriesInfo>> SeriesStore::ListSeries(
    std::string_view measurement) {
  std::vector<SeriesInfo> out;
  const std::string prefix = MeasurementPrefix(kSeriesTag, measurement);
  const std::string end = PrefixSuccessor(prefix);
  std::unique_ptr<Iterator> it =
      db_->NewIterator(ReadOptions(), ScanRange{prefix, end});
  std::string m;
  std::string parsed_m;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    SeriesInfo info;
    if (!ParseSeriesRecordKey(it->key(), &m, &info.key) ||
        !DecodeSeriesIdValue(it->value(), &info.id) ||
        !ParseSeriesKey(info.key, &parsed_m, &info.tags).ok()) {
      return CatalogCorruption(it->key(), "malformed series catalog record");
    }
    out.push_back(std::move(info));
  }
  if (!it->status().ok()) return it->status();
  return out;
}

absl::StatusOr<size_t> SeriesStore::DeleteSeries(std::string_view measurement,
                                                 const SeriesPredicate& match,
                                                 Timestamp t0, Timestamp t1,
                                                 bool drop_series) {
  if (t0 >= t1) return size_t{0};
  WriterLock l(&mu_);
  absl::StatusOr<std::vector<SeriesInfo>> all = ListSeries(measurement);
  if (!all.ok()) return all.status();
  std::vector<const SeriesInfo*> matched;
  for (const SeriesInfo& s : *all) {
    if (match(s)) matched.push_back(&s);
  }
  if (matched.empty()) return size_t{0};

  const bool all_time = t0 <= kMinPointTime && t1 > kMaxPointTime;
  WriteBatch b;
  for (const SeriesInfo* s : matched) {
    const std::string begin = SeriesDataPrefix(measurement, s->id);
    b.DeleteRange(begin, PrefixSuccessor(begin), t0, t1);
  }
  std::vector<const SeriesInfo*> dropped;
  if (drop_series || all_time) {
    dropped = matched;
  } else {
    // Series whose data is now all gone leave the catalog too.
    if (absl::Status s = db_->Write(WriteOptions(), b); !s.ok()) return s;
    b.Clear();
    for (const SeriesInfo* s : matched) {
      const std::string begin = SeriesDataPrefix(measurement, s->id);
      const std::string end = PrefixSuccessor(begin);
      std::unique_ptr<Iterator> it =
          db_->NewIterator(ReadOptions(), ScanRange{begin, end});
      it->SeekToFirst();
      if (!it->status().ok()) return it->status();
      if (!it->Valid()) dropped.push_back(s);
    }
  }
  for (const SeriesInfo* s : dropped) {
    b.Delete(SeriesKey(measurement, s->key), kCatalogTs);
    b.Delete(SeriesIdKey(s->id), kCatalogTs);
    for (const Tag& t : s->tags) {
      b.Delete(TagIndexKey(measurement, t.key, t.value, s->id), kCatalogTs);
    }
  }
  const bool drop_fields = dropped.size() == all->size();
  if (drop_fields) {
    const std::string prefix = MeasurementPrefix(kFieldTag, measurement);
    b.DeleteRange(prefix, PrefixSuccessor(prefix));
  }
  if (b.Count() > 0) {
    if (absl::Status s = db_->Write(WriteOptions(), b); !s.ok()) return s;
  }
  for (const SeriesInfo* s : dropped) series_.erase(s->key);
  if (drop_fields) measurements_.erase(AsAbsl(measurement));
  std::vector<CatalogChange> changes(1);
  changes[0].measurement = std::string(measurement);
  for (const SeriesInfo* s : dropped) changes[0].removed.insert(s->id);
  Publish(std::move(changes));
  return matched.size();
}

absl::Status SeriesStore::DropMeasurement(std::string_view measurement) {
  WriterLock l(&mu_);
  absl::StatusOr<std::vector<SeriesInfo>> all = ListSeries(measurement);
  if (!all.ok()) return all.status();
  WriteBatch b;
  for (const SeriesInfo& s : *all) b.Delete(SeriesIdKey(s.id), kCatalogTs);
  for (char tag :
       {kDataTag, kSeriesTag, kTagIndexTag, kFieldTag, kRetentionTag}) {
    const std::string prefix = MeasurementPrefix(tag, measurement);
    b.DeleteRange(prefix, PrefixSuccessor(prefix));
  }
  if (absl::Status s = db_->Write(WriteOptions(), b); !s.ok()) return s;
  for (const SeriesInfo& s : *all) series_.erase(s.key);
  measurements_.erase(AsAbsl(measurement));
  retention_.erase(AsAbsl(measurement));
  std::vector<CatalogChange> changes(1);
  changes[0].measurement = std::string(measurement);
  changes[0].drop_all = true;
  Publish(std::move(changes));
  return SetMeasurementRetentionRule(db_, measurement, 0);
}

std::unique_ptr<SeriesDbReader> SeriesStore::NewReader() {
  // Both under mu_: no change can commit between the two.
  ReaderLock l(&mu_);
  return std::make_unique<SeriesDbReader>(
      db_, env_, options_.default_retention_ns, db_->GetSnapshot(), catalog_);
}

std::shared_ptr<const CatalogSnapshot> SeriesStore::catalog() const {
  ReaderLock l(&mu_);
  return catalog_;
}

std::vector<std::string> SeriesStore::Measurements() const {
  ReaderLock l(&mu_);
  std::vector<std::string> out;
  out.reserve(measurements_.size());
  for (const auto& [name, entry] : measurements_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

size_t SeriesStore::SeriesCount() const {
  ReaderLock l(&mu_);
  return series_.size();
}

bool SeriesStore::LookupFieldType(std::string_view measurement,
                                  std::string_view field,
                                  FieldType* type) const {
  ReaderLock l(&mu_);
  auto it = measurements_.find(AsAbsl(measurement));
  if (it == measurements_.end()) return false;
  auto f = it->second.fields.find(AsAbsl(field));
  if (f == it->second.fields.end()) return false;
  *type = f->second.type;
  return true;
}

}  // namespace strata::series