// Ingest of the time-series layer (layout: schema/series.md).
//
// One ingest call = one WriteBatch: for each point, one data record per
// field at 0x10 comp(m) be64(series_id) be32(field_id), plus the catalog
// records (0x11 series, 0x12 reverse, 0x13 tag index, 0x14 field, 0x16
// counters) of series and fields the batch creates. The hot path builds
// every key in reused buffers and reuses the last series' key prefix, so a
// value costs a few appends and no allocation.
//
// Concurrency: a call first runs with mu_ shared. If it meets a series or
// field the catalog does not know, it starts over with mu_ exclusive and
// assigns ids, entering them into the caches as it goes and removing them
// again if the call fails, so the caches never claim what the DB lacks.
// Once the batch is committed, and still under mu_, the new series and
// fields are published to readers as a new CatalogSnapshot.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/key_codec.h"
#include "series/line_protocol.h"
#include "series/series_store.h"
#include "series/value_codec.h"

namespace strata::series {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  }
  return r;
}

Expiry CatalogExpiry() { return Expiry::Never(); }

// Checks what the parser guarantees for line protocol but a caller-built
// Point may break. Returns the reason, empty if valid.
std::string ValidatePoint(const Point& p) {
  if (p.measurement.empty()) return "empty measurement";
  for (size_t i = 0; i < p.tags.size(); ++i) {
    if (p.tags[i].key.empty()) return "empty tag key";
    if (p.tags[i].key == kReservedTimeKey) {
      return "invalid tag key \"time\": it names the timestamp";
    }
    if (p.tags[i].value.empty()) {
      return absl::StrFormat("empty value for tag \"%s\"", p.tags[i].key);
    }
  }
  std::vector<std::string_view> keys;
  keys.reserve(p.tags.size());
  for (const Tag& t : p.tags) keys.push_back(t.key);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] == keys[i - 1]) {
      return absl::StrFormat("duplicate tag \"%s\"", keys[i]);
    }
  }
  if (p.fields.empty()) return "no fields";
  keys.clear();
  for (const Field& f : p.fields) keys.push_back(f.key);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] == keys[i - 1]) {
      return absl::StrFormat("duplicate field \"%s\"", keys[i]);
    }
  }
  for (const Field& f : p.fields) {
    if (f.key.empty()) return "empty field key";
    // Refused, not skipped as in line protocol: a caller-built point with
    // a "time" field is a mistake worth reporting.
    if (f.key == kReservedTimeKey) {
      return "invalid field name \"time\": it names the timestamp";
    }
    if (f.value.type() == FieldType::kFloat &&
        !std::isfinite(f.value.float_value())) {
      return absl::StrFormat("field \"%s\" is NaN or infinite", f.key);
    }
  }
  if (p.timestamp < kMinPointTime || p.timestamp > kMaxPointTime) {
    return absl::StrFormat("timestamp %d out of range", p.timestamp);
  }
  return "";
}

// 1-based column of field `key` in a raw line: where its "key=" starts in
// the field section, else the section's start. Best effort (escaped keys
// are not matched); used only to point at a type conflict.
size_t FieldColumn(std::string_view line, std::string_view key) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  for (; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ' ' || line[i] == '\t') {
      break;
    }
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  const size_t fields = i;
  for (size_t j = fields; j + key.size() < line.size(); ++j) {
    if ((j == fields || line[j - 1] == ',') &&
        line.compare(j, key.size(), key) == 0 && line[j + key.size()] == '=') {
      return j + 1;
    }
  }
  return fields < line.size() ? fields + 1 : 1;
}

// Each writer thread keeps its last batch's buffer for the next call: a
// 1,000-line batch is about half a megabyte, which built from empty is
// reallocated a dozen times and, past malloc's mmap threshold, mapped and
// page-faulted afresh on every call. Buffers past the cap are freed.
constexpr size_t kMaxCachedBatchBytes = size_t{4} << 20;
thread_local WriteBatch cached_batch;

WriteBatch TakeCachedBatch() {
  WriteBatch b = std::move(cached_batch);
  b.Clear();
  return b;
}

void ReturnCachedBatch(WriteBatch&& b) {
  if (b.ApproximateSize() <= kMaxCachedBatchBytes) cached_batch = std::move(b);
}

}  // namespace

// ---------------------------------------------------------------------------
// Batch building

// Builds one ingest's batch under mu_ (shared or exclusive, as constructed).
class IngestBuilder {
 public:
  enum class Result { kAdded, kRejected, kNeedExclusive };

  IngestBuilder(SeriesStore* store, bool exclusive)
      : store_(store),
        exclusive_(exclusive),
        saved_next_series_(store->next_series_id_),
        saved_next_field_(store->next_field_id_),
        batch_(TakeCachedBatch()) {}
  ~IngestBuilder() { ReturnCachedBatch(std::move(batch_)); }
  IngestBuilder(const IngestBuilder&) = delete;
  IngestBuilder& operator=(const IngestBuilder&) = delete;

  Result Add(const PointView& p);
  // Appends the counters record if ids were assigned.
  void Finish();
  // Takes back everything this builder entered into the caches.
  void Rollback();

  // The catalog changes of the batch, by measurement, to publish once the
  // batch is committed.
  std::vector<SeriesStore::CatalogChange> TakeChanges();

  const WriteBatch& batch() const { return batch_; }
  bool created() const { return counters_dirty_; }
  uint64_t points() const { return points_; }
  uint64_t values() const { return values_; }
  // Why the last Add() rejected, and the index of the field at fault (or
  // npos if not one field).
  const std::string& reason() const { return reason_; }
  size_t bad_field() const { return bad_field_; }

 private:
  void SwitchMeasurement(std::string_view m);
  Result Reject(std::string reason, size_t field) {
    reason_ = std::move(reason);
    bad_field_ = field;
    return Result::kRejected;
  }
  // Catalog records of a new series; false (with reason_) if it cannot be
  // stored: a key over the core's limit or one that does not parse back.
  bool BuildSeriesRecords(const PointView& p);

  SeriesStore* const store_;
  const bool exclusive_;
  const uint64_t saved_next_series_;
  const uint32_t saved_next_field_;
  WriteBatch batch_;
  bool counters_dirty_ = false;
  uint64_t points_ = 0;
  uint64_t values_ = 0;
  std::string reason_;
  size_t bad_field_ = std::string::npos;

  // Current measurement.
  bool have_m_ = false;
  std::string cur_m_;
  SeriesStore::MeasurementEntry* cur_entry_ = nullptr;
  int64_t cur_retention_ = 0;
  std::string data_prefix_;  // 0x10 comp(m)
  std::string m_error_;      // why every point of it is rejected, if so

  // Last series: its key and data key prefix.
  bool have_series_ = false;
  std::string series_key_;
  std::string last_series_key_;
  uint64_t last_sid_ = 0;
  std::string series_prefix_;  // 0x10 comp(m) be64(id)

  // Scratch reused per point.
  std::vector<uint32_t> field_ids_;
  std::vector<size_t> new_fields_;
  std::vector<std::pair<std::string, std::string>> series_records_;
  std::string parsed_m_;
  std::vector<Tag> parsed_tags_;
  std::string key_;
  std::string value_;

  // Undo log of the exclusive mode.
  std::vector<std::pair<SeriesStore::MeasurementEntry*, std::string>>
      added_fields_;
  std::vector<std::string> added_measurements_;
  std::vector<std::string> added_series_;
  // For publishing: new series (measurement, info) and measurements whose
  // fields changed.
  std::vector<std::pair<std::string, SeriesInfo>> new_series_;
  std::vector<std::string> new_field_measurements_;
};

void IngestBuilder::SwitchMeasurement(std::string_view m) {
  have_m_ = true;
  have_series_ = false;
  cur_m_.assign(m.data(), m.size());
  auto it = store_->measurements_.find(AsAbsl(m));
  cur_entry_ = it == store_->measurements_.end() ? nullptr : &it->second;
  auto rit = store_->retention_.find(AsAbsl(m));
  cur_retention_ = rit != store_->retention_.end()
                       ? rit->second
                       : store_->options_.default_retention_ns;
  data_prefix_.assign(1, kDataTag);
  AppendComponent(&data_prefix_, m);
  m_error_.clear();
  if (data_prefix_.size() + 12 > kMaxKeySize) {
    m_error_ = "measurement name too long";
  }
}

bool IngestBuilder::BuildSeriesRecords(const PointView& p) {
  std::string& parsed_m = parsed_m_;
  std::vector<Tag>& parsed_tags = parsed_tags_;
  parsed_tags.clear();
  bool round_trips =
      ParseSeriesKey(series_key_, &parsed_m, &parsed_tags).ok() &&
      parsed_m == p.measurement && parsed_tags.size() == p.tags.size();
  for (size_t i = 0; round_trips && i < p.tags.size(); ++i) {
    const TagView& t = p.tags[i];
    round_trips = std::any_of(
        parsed_tags.begin(), parsed_tags.end(),
        [&](const Tag& pt) { return pt.key == t.key && pt.value == t.value; });
  }
  if (!round_trips) {
    reason_ = "series key cannot be stored (it does not parse back)";
    return false;
  }
  // The id is filled in at commit; sizes do not depend on it.
  const uint64_t id = store_->next_series_id_;
  series_records_.clear();
  series_records_.emplace_back(SeriesKey(p.measurement, series_key_),
                               EncodeSeriesIdValue(id));
  series_records_.emplace_back(
      SeriesIdKey(id), EncodeSeriesReverseValue(p.measurement, series_key_));
  for (const TagView& t : p.tags) {
    series_records_.emplace_back(TagIndexKey(p.measurement, t.key, t.value, id),
                                 std::string());
  }
  for (const auto& [k, v] : series_records_) {
    if (k.size() > kMaxKeySize) {
      reason_ = "series key too long";
      return false;
    }
  }
  return true;
}

IngestBuilder::Result IngestBuilder::Add(const PointView& p) {
  if (!have_m_ || p.measurement != cur_m_) SwitchMeasurement(p.measurement);
  if (!m_error_.empty()) return Reject(m_error_, std::string::npos);

  // Resolve the series.
  series_key_.clear();
  AppendSeriesKey(p, &series_key_);
  uint64_t sid = 0;
  bool new_series = false;
  if (have_series_ && series_key_ == last_series_key_) {
    sid = last_sid_;
  } else {
    auto it = store_->series_.find(AsAbsl(series_key_));
    if (it != store_->series_.end()) {
      sid = it->second;
    } else {
      new_series = true;
    }
  }

  // Resolve the fields; a conflict rejects the point before it changes
  // anything.
  field_ids_.resize(p.fields.size());
  new_fields_.clear();
  for (size_t i = 0; i < p.fields.size(); ++i) {
    const FieldView& f = p.fields[i];
    if (f.value.type() == FieldType::kString &&
        f.value.string_value().size() > kMaxValueSize) {
      return Reject(absl::StrFormat("value of field \"%s\" too large", f.key),
                    i);
    }
    const SeriesStore::FieldEntry* e = nullptr;
    if (cur_entry_ != nullptr) {
      auto it = cur_entry_->fields.find(AsAbsl(f.key));
      if (it != cur_entry_->fields.end()) e = &it->second;
    }
    if (e == nullptr) {
      if (!exclusive_) return Result::kNeedExclusive;
      if (FieldKey(p.measurement, f.key).size() > kMaxKeySize) {
        return Reject(absl::StrFormat("field key \"%s\" too long", f.key), i);
      }
      new_fields_.push_back(i);
      continue;
    }
    if (e->type != f.value.type()) {
      return Reject(
          absl::StrFormat("field type conflict: input field \"%s\" on "
                          "measurement \"%s\" is type %s, already exists as "
                          "type %s",
                          f.key, p.measurement, FieldTypeName(f.value.type()),
                          FieldTypeName(e->type)),
          i);
    }
    field_ids_[i] = e->id;
  }
  if (new_series) {
    if (!exclusive_) return Result::kNeedExclusive;
    if (!BuildSeriesRecords(p)) return Result::kRejected;
  }

  // Accepted: enter new ids into the caches (undone by Rollback) and the
  // batch.
  for (size_t i : new_fields_) {
    const FieldView& f = p.fields[i];
    if (cur_entry_ == nullptr) {
      auto [it, inserted] = store_->measurements_.try_emplace(cur_m_);
      cur_entry_ = &it->second;
      if (inserted) added_measurements_.push_back(cur_m_);
    }
    const uint32_t id = store_->next_field_id_++;
    cur_entry_->fields.emplace(std::string(f.key),
                               SeriesStore::FieldEntry{f.value.type(), id});
    added_fields_.emplace_back(cur_entry_, std::string(f.key));
    batch_.Put(FieldKey(p.measurement, f.key), kCatalogTs,
               EncodeFieldCatalogValue(f.value.type(), id), CatalogExpiry());
    field_ids_[i] = id;
    counters_dirty_ = true;
    if (new_field_measurements_.empty() ||
        new_field_measurements_.back() != cur_m_) {
      new_field_measurements_.push_back(cur_m_);
    }
  }
  if (new_series) {
    sid = store_->next_series_id_++;
    for (const auto& [k, v] : series_records_) {
      batch_.Put(k, kCatalogTs, v, CatalogExpiry());
    }
    store_->series_.emplace(series_key_, sid);
    added_series_.push_back(series_key_);
    new_series_.emplace_back(
        cur_m_, SeriesInfo{sid, series_key_, std::move(parsed_tags_)});
    parsed_tags_.clear();
    counters_dirty_ = true;
  }
  if (!have_series_ || sid != last_sid_) {
    have_series_ = true;
    last_sid_ = sid;
    series_prefix_.assign(data_prefix_);
    AppendBigEndian64(&series_prefix_, sid);
  }
  std::swap(last_series_key_, series_key_);

  // One data record per field.
  const Expiry expiry =
      cur_retention_ > 0
          ? Expiry::At(SaturatingAdd(p.timestamp, cur_retention_))
          : Expiry::Default();
  for (size_t i = 0; i < p.fields.size(); ++i) {
    const FieldValueView& v = p.fields[i].value;
    key_.assign(series_prefix_);
    AppendBigEndian32(&key_, field_ids_[i]);
    if (v.type() == FieldType::kString) {
      batch_.Put(key_, p.timestamp, v.string_value(), expiry);
    } else {
      value_.clear();
      EncodeFieldValue(v, &value_);
      batch_.Put(key_, p.timestamp, value_, expiry);
    }
  }
  ++points_;
  values_ += p.fields.size();
  return Result::kAdded;
}

void IngestBuilder::Finish() {
  if (!counters_dirty_) return;
  batch_.Put(
      CountersKey(), kCatalogTs,
      EncodeCountersValue(store_->next_series_id_, store_->next_field_id_),
      CatalogExpiry());
}

std::vector<SeriesStore::CatalogChange> IngestBuilder::TakeChanges() {
  std::vector<SeriesStore::CatalogChange> out;
  auto change = [&](const std::string& m) -> SeriesStore::CatalogChange& {
    for (SeriesStore::CatalogChange& c : out) {
      if (c.measurement == m) return c;
    }
    out.emplace_back();
    out.back().measurement = m;
    return out.back();
  };
  for (auto& [m, info] : new_series_) {
    change(m).added.push_back(std::move(info));
  }
  for (const std::string& m : new_field_measurements_) change(m);
  new_series_.clear();
  new_field_measurements_.clear();
  return out;
}

void IngestBuilder::Rollback() {
  for (const std::string& k : added_series_) store_->series_.erase(k);
  for (auto& [entry, field] : added_fields_) entry->fields.erase(field);
  for (const std::string& m : added_measurements_) {
    auto it = store_->measurements_.find(m);
    if (it != store_->measurements_.end() && it->second.fields.empty()) {
      store_->measurements_.erase(it);
    }
  }
  store_->next_series_id_ = saved_next_series_;
  store_->next_field_id_ = saved_next_field_;
}

// ---------------------------------------------------------------------------
// Point sources

namespace {

// Line protocol text, parsed again on each pass.
class LineSource {
 public:
  LineSource(std::string_view text, const LineProtocolOptions& options)
      : text_(text), options_(options) {}

  void Reset() {
    parser_.reset();
    parser_.emplace(text_, options_);
    rejects_.clear();
    cursor_line_ = 1;
    cursor_pos_ = 0;
  }
  bool Next(const PointView** p, size_t* line) {
    if (!parser_->Next(&point_)) return false;
    *p = &point_;
    *line = point_.line;
    return true;
  }
  // A point the builder refused: its status in strict mode, or recorded.
  absl::Status Reject(size_t line, const PointView& p, size_t field,
                      const std::string& reason) {
    size_t column = 1;
    if (field < p.fields.size()) {
      column = FieldColumn(LineText(line), p.fields[field].key);
    }
    rejects_.push_back(LineProtocolError{line, column, reason});
    return rejects_.back().ToStatus();
  }
  absl::Status status() const { return parser_->status(); }

  // Parser and builder rejections, in line order.
  std::vector<std::string> Rejected() const {
    std::vector<LineProtocolError> all = parser_->errors();
    all.insert(all.end(), rejects_.begin(), rejects_.end());
    std::stable_sort(
        all.begin(), all.end(),
        [](const LineProtocolError& a, const LineProtocolError& b) {
          return a.line < b.line;
        });
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const LineProtocolError& e : all) {
      out.push_back(absl::StrFormat("line %d, column %d: %s", e.line, e.column,
                                    e.reason));
    }
    return out;
  }

 private:
  // The text of a 1-based line; lines are asked for in increasing order.
  std::string_view LineText(size_t line) {
    while (cursor_line_ < line && cursor_pos_ < text_.size()) {
      const size_t nl = text_.find('\n', cursor_pos_);
      cursor_pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
      ++cursor_line_;
    }
    std::string_view rest = text_.substr(cursor_pos_);
    return rest.substr(0, rest.find('\n'));
  }

  std::string_view text_;
  LineProtocolOptions options_;
  std::optional<LineProtocolParser> parser_;
  ParsedPoint point_;
  std::vector<LineProtocolError> rejects_;
  size_t cursor_line_ = 1;
  size_t cursor_pos_ = 0;
};

// Caller-built points, viewed one at a time through a reused PointView.
class PointsSource {
 public:
  explicit PointsSource(const std::vector<Point>& points) : points_(points) {}

  void Reset() { next_ = 0; }
  bool Next(const PointView** p, size_t* index) {
    if (next_ >= points_.size()) return false;
    const Point& src = points_[next_];
    view_.measurement = src.measurement;
    view_.tags.clear();
    for (const Tag& t : src.tags) view_.tags.push_back(TagView{t.key, t.value});
    view_.fields.clear();
    for (const Field& f : src.fields) {
      view_.fields.push_back(FieldView{f.key, FieldValueView(f.value)});
    }
    view_.timestamp = src.timestamp;
    *p = &view_;
    *index = next_++;
    return true;
  }
  absl::Status Reject(size_t index, const PointView&, size_t,
                      const std::string& reason) {
    return absl::InvalidArgumentError(
        absl::StrFormat("point %d: %s", index, reason));
  }
  absl::Status status() const { return absl::OkStatus(); }

 private:
  const std::vector<Point>& points_;
  size_t next_ = 0;
  PointView view_;
};

}  // namespace

// ---------------------------------------------------------------------------
// Ingest

template <typename Source>
absl::Status SeriesStore::Ingest(Source* source, bool skip_invalid, bool sync,
                                 WriteResult* result) {
  bool exclusive = prefer_exclusive_.load(std::memory_order_relaxed);
  while (true) {
    source->Reset();
    if (exclusive) {
      mu_.Lock();
    } else {
      mu_.ReaderLock();
    }
    IngestBuilder builder(this, exclusive);
    absl::Status s;
    bool restart = false;
    const PointView* p;
    size_t pos;
    while (source->Next(&p, &pos)) {
      const IngestBuilder::Result r = builder.Add(*p);
      if (r == IngestBuilder::Result::kNeedExclusive) {
        restart = true;
        break;
      }
      if (r == IngestBuilder::Result::kRejected) {
        absl::Status reject =
            source->Reject(pos, *p, builder.bad_field(), builder.reason());
        if (!skip_invalid) {
          s = reject;
          break;
        }
      }
    }
    if (!restart) {
      if (s.ok()) s = source->status();
      if (s.ok()) {
        builder.Finish();
        if (builder.batch().Count() > 0) {
          WriteOptions wo;
          wo.sync = sync;
          s = db_->Write(wo, builder.batch());
        }
      }
      if (exclusive) {
        if (!s.ok()) {
          builder.Rollback();
        } else if (builder.created()) {
          Publish(builder.TakeChanges());
        }
        prefer_exclusive_.store(s.ok() && builder.created(),
                                std::memory_order_relaxed);
      }
    }
    if (exclusive) {
      mu_.Unlock();
    } else {
      mu_.ReaderUnlock();
    }
    if (restart) {
      exclusive = true;
      continue;
    }
    if (s.ok()) {
      result->points_written = builder.points();
      result->values_written = builder.values();
    }
    return s;
  }
}

absl::Status SeriesStore::WritePoints(const std::vector<Point>& points,
                                      bool sync) {
  for (size_t i = 0; i < points.size(); ++i) {
    std::string why = ValidatePoint(points[i]);
    if (!why.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("point %d: %s", i, why));
    }
  }
  PointsSource source(points);
  WriteResult result;
  return Ingest(&source, /*skip_invalid=*/false, sync, &result);
}

absl::StatusOr<WriteResult> SeriesStore::WriteLineProtocol(
    std::string_view text, const LineProtocolWriteOptions& options) {
  absl::StatusOr<Precision> precision = ParsePrecision(options.precision);
  if (!precision.ok()) return precision.status();
  LineProtocolOptions lp;
  lp.precision = *precision;
  lp.default_time_ns = env_->NowNanos();
  lp.skip_invalid = options.skip_invalid;
  // Every rejected line is reported; their number is bounded by the input.
  lp.max_errors = std::numeric_limits<size_t>::max();
  LineSource source(text, lp);
  WriteResult result;
  absl::Status s = Ingest(&source, options.skip_invalid, options.sync, &result);
  if (!s.ok()) return s;
  if (options.skip_invalid) result.rejected = source.Rejected();
  return result;
}

}  // namespace strata::series
