// SeriesReader over a DB snapshot: catalog lookups come from the store's
// CatalogSnapshot or, without one, are prefix scans of the 0x11-0x15
// families (schema/series.md). Field data is read through DB iterators
// restricted to the query's time window so the core skips files and blocks
// outside it: one per (series, field) key from NewFieldIterator, or one per
// measurement re-seeked to each key from NewFieldScan.
#include "series/series_db_reader.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/key_codec.h"
#include "series/line_protocol.h"

namespace strata::series {

namespace {

// One key of a wider DB iterator, as an Iterator over that key alone. The
// wide iterator may step onto the next key; that reads as the end.
class KeyView final : public Iterator {
 public:
  void Reset(Iterator* base, std::string_view key) {
    base_ = base;
    key_.assign(key.data(), key.size());
    valid_ = false;
  }

  bool Valid() const override { return valid_; }
  void SeekToFirst() override {
    base_->Seek(key_, kMinTimestamp);
    Settle();
  }
  void SeekToLast() override {
    base_->SeekForPrev(key_, kMaxTimestamp);
    Settle();
  }
  void Seek(std::string_view key, Timestamp ts) override {
    const int c = key.compare(key_);
    if (c < 0) return SeekToFirst();
    if (c > 0) {
      valid_ = false;
      return;
    }
    base_->Seek(key_, ts);
    Settle();
  }
  void SeekForPrev(std::string_view key, Timestamp ts) override {
    const int c = key.compare(key_);
    if (c > 0) return SeekToLast();
    if (c < 0) {
      valid_ = false;
      return;
    }
    base_->SeekForPrev(key_, ts);
    Settle();
  }
  void Next() override {
    base_->Next();
    Settle();
  }
  void Prev() override {
    base_->Prev();
    Settle();
  }
  std::string_view key() const override { return key_; }
  Timestamp timestamp() const override { return base_->timestamp(); }
  int64_t expire_at() const override { return base_->expire_at(); }
  std::string_view value() const override { return base_->value(); }
  absl::Status status() const override { return base_->status(); }

 private:
  void Settle() { valid_ = base_->Valid() && base_->key() == key_; }

  Iterator* base_ = nullptr;
  std::string key_;
  bool valid_ = false;
};

// kAll: every key gets its own single-key iterator (the core checks each
// file's bloom filter for it and stops at the key's end without a
// comparison per point). kEnds: the first key too; from the second key on,
// one iterator over the measurement's data serves every key, so a query
// over many series sets up two iterators instead of one per pair.
class DbFieldScan final : public FieldScan {
 public:
  DbFieldScan(DB* db, const ReadOptions& options, std::string_view measurement,
              Timestamp t0, Timestamp t1, ScanPattern pattern)
      : db_(db),
        options_(options),
        prefix_(MeasurementPrefix(kDataTag, measurement)),
        t0_(t0),
        t1_(t1),
        pattern_(pattern) {}

  Iterator* Open(uint64_t series_id, uint32_t field_id) override {
    key_.assign(prefix_);
    AppendBigEndian64(&key_, series_id);
    AppendBigEndian32(&key_, field_id);
    if (pattern_ == ScanPattern::kAll || (wide_ == nullptr && !opened_)) {
      opened_ = true;
      single_.reset();  // release the previous key's sources first
      end_.assign(key_);
      end_.push_back('\0');
      single_ = db_->NewIterator(options_, ScanRange{key_, end_, t0_, t1_});
      return single_.get();
    }
    if (wide_ == nullptr) {
      single_.reset();
      end_ = PrefixSuccessor(prefix_);
      wide_ = db_->NewIterator(options_, ScanRange{prefix_, end_, t0_, t1_});
    }
    view_.Reset(wide_.get(), key_);
    return &view_;
  }

 private:
  DB* const db_;
  const ReadOptions options_;
  const std::string prefix_;  // 0x10 comp(m)
  const Timestamp t0_, t1_;
  const ScanPattern pattern_;
  bool opened_ = false;
  std::string end_;
  std::string key_;
  std::unique_ptr<Iterator> single_;
  std::unique_ptr<Iterator> wide_;
  KeyView view_;
};

}  // namespace

SeriesDbReader::SeriesDbReader(DB* db, Env* env, int64_t default_retention_ns)
    : db_(db),
      snapshot_(db->GetSnapshot()),
      now_(env->NowNanos()),
      default_retention_ns_(default_retention_ns) {
  read_options_.snapshot = snapshot_.get();
}

SeriesDbReader::SeriesDbReader(DB* db, Env* env, int64_t default_retention_ns,
                               std::unique_ptr<const Snapshot> snapshot,
                               std::shared_ptr<const CatalogSnapshot> catalog)
    : db_(db),
      snapshot_(std::move(snapshot)),
      catalog_(std::move(catalog)),
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
  if (catalog_ != nullptr) {
    std::vector<std::string> out;
    for (const auto& [name, m] : catalog_->measurements) {
      if (!m->fields().empty()) out.push_back(name);
    }
    return out;
  }
  return DistinctComponents(std::string(1, kFieldTag), "field catalog key");
}

absl::StatusOr<std::vector<FieldInfo>> SeriesDbReader::Fields(
    std::string_view measurement) {
  if (catalog_ != nullptr) {
    const MeasurementCatalog* m = catalog_->Find(measurement);
    if (m == nullptr) return std::vector<FieldInfo>();
    return m->fields();
  }
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
  if (catalog_ != nullptr) {
    const MeasurementCatalog* m = catalog_->Find(measurement);
    if (m == nullptr) return absl::OkStatus();
    for (const auto& s : m->series()) {
      if (absl::Status st = fn(*s); !st.ok()) return st;
    }
    return absl::OkStatus();
  }
  const std::string prefix = MeasurementPrefix(kSeriesTag, measurement);
  std::unique_ptr<Iterator> it = Scan(prefix, PrefixSuccessor(prefix));
  std::string m;
  std::string parsed_m;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    SeriesInfo& info = scanned_.emplace_back();
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

absl::StatusOr<std::vector<const SeriesInfo*>> SeriesDbReader::SeriesByTag(
    std::string_view measurement, std::string_view key,
    std::string_view value) {
  if (catalog_ == nullptr) {
    return SeriesReader::SeriesByTag(measurement, key, value);
  }
  const MeasurementCatalog* m = catalog_->Find(measurement);
  if (m == nullptr) return std::vector<const SeriesInfo*>();
  const TagIndex& index = m->tag_index();
  auto k = index.find(key);
  if (k == index.end()) return std::vector<const SeriesInfo*>();
  auto v = k->second.find(value);
  if (v == k->second.end()) return std::vector<const SeriesInfo*>();
  return v->second;
}

absl::StatusOr<std::vector<uint64_t>> SeriesDbReader::SeriesWithTag(
    std::string_view measurement, std::string_view key,
    std::string_view value) {
  std::vector<uint64_t> out;
  if (catalog_ != nullptr) {
    absl::StatusOr<std::vector<const SeriesInfo*>> series =
        SeriesByTag(measurement, key, value);
    if (!series.ok()) return series.status();
    for (const SeriesInfo* s : *series) out.push_back(s->id);
    std::sort(out.begin(), out.end());
    return out;
  }
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
  if (catalog_ != nullptr) {
    std::vector<std::string> out;
    if (const MeasurementCatalog* m = catalog_->Find(measurement)) {
      for (const auto& [k, values] : m->tag_index()) out.push_back(k);
    }
    return out;
  }
  return DistinctComponents(MeasurementPrefix(kTagIndexTag, measurement),
                            "tag index key");
}

absl::StatusOr<std::vector<std::string>> SeriesDbReader::TagValues(
    std::string_view measurement, std::string_view key) {
  if (catalog_ != nullptr) {
    std::vector<std::string> out;
    if (const MeasurementCatalog* m = catalog_->Find(measurement)) {
      const TagIndex& index = m->tag_index();
      auto k = index.find(key);
      if (k != index.end()) {
        for (const auto& [v, series] : k->second) out.push_back(v);
      }
    }
    return out;
  }
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

std::unique_ptr<FieldScan> SeriesDbReader::NewFieldScan(
    std::string_view measurement, Timestamp t0, Timestamp t1,
    ScanPattern pattern) {
  return std::make_unique<DbFieldScan>(db_, read_options_, measurement, t0, t1,
                                       pattern);
}

int64_t SeriesDbReader::Retention(std::string_view measurement) {
  if (catalog_ != nullptr) {
    auto it = catalog_->retention.find(
        absl::string_view(measurement.data(), measurement.size()));
    return it != catalog_->retention.end() ? it->second : default_retention_ns_;
  }
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
