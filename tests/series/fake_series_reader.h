// FakeSeriesReader: an in-memory SeriesReader for executor tests. Points
// are added per field; series ids follow first use; the clock and the
// retention floor are set by the test. Counts iterators and points read so
// tests can check that scans stay inside the query's time range.
#ifndef STRATA_TESTS_SERIES_FAKE_SERIES_READER_H_
#define STRATA_TESTS_SERIES_FAKE_SERIES_READER_H_

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "series/series_reader.h"
#include "series/value_codec.h"

namespace strata::series::testing {

class FakeSeriesReader final : public SeriesReader {
 public:
  // Adds one field value. The field's type is fixed by its first value.
  void Add(const std::string& measurement, std::vector<Tag> tags,
           const std::string& field, const FieldValue& value, Timestamp ts) {
    std::string bytes;
    EncodeFieldValue(value, &bytes);
    AddRaw(measurement, std::move(tags), field, value.type(), bytes, ts);
  }
  void AddFloat(const std::string& m, std::vector<Tag> tags,
                const std::string& field, double v, Timestamp ts) {
    Add(m, std::move(tags), field, FieldValue::Float(v), ts);
  }
  void AddInt(const std::string& m, std::vector<Tag> tags,
              const std::string& field, int64_t v, Timestamp ts) {
    Add(m, std::move(tags), field, FieldValue::Integer(v), ts);
  }
  // Stores `bytes` as the value, e.g. malformed bytes for corruption tests.
  void AddRaw(const std::string& measurement, std::vector<Tag> tags,
              const std::string& field, FieldType type,
              const std::string& bytes, Timestamp ts) {
    Measurement& m = measurements_[measurement];
    auto f = m.fields.find(field);
    if (f == m.fields.end()) {
      f = m.fields.emplace(field, FieldInfo{field, type, next_field_id_++})
              .first;
    }
    std::sort(tags.begin(), tags.end(),
              [](const Tag& a, const Tag& b) { return a.key < b.key; });
    std::string key = measurement;
    for (const Tag& t : tags) key += "," + t.key + "=" + t.value;
    auto s = m.series.find(key);
    if (s == m.series.end()) {
      Series ns;
      ns.info.id = next_series_id_++;
      ns.info.key = key;
      ns.info.tags = tags;
      s = m.series.emplace(key, std::move(ns)).first;
    }
    s->second.data[f->second.id][ts] = bytes;
  }

  void SetNow(int64_t now) { now_ = now; }
  void SetRetentionFloor(const std::string& m, Timestamp floor) {
    floors_[m] = floor;
  }
  int iterators_opened() const { return iterators_opened_; }
  int64_t points_read() const { return *points_read_; }

  absl::StatusOr<std::vector<std::string>> Measurements() override {
    std::vector<std::string> out;
    for (const auto& [name, m] : measurements_) out.push_back(name);
    return out;
  }
  absl::StatusOr<std::vector<FieldInfo>> Fields(
      std::string_view measurement) override {
    std::vector<FieldInfo> out;
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [name, f] : m->fields) out.push_back(f);
    }
    return out;
  }
  absl::Status ForEachSeries(
      std::string_view measurement,
      const std::function<absl::Status(const SeriesInfo&)>& fn) override {
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [key, s] : m->series) {
        if (absl::Status st = fn(s.info); !st.ok()) return st;
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<uint64_t>> SeriesWithTag(
      std::string_view measurement, std::string_view key,
      std::string_view value) override {
    std::vector<uint64_t> out;
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [k, s] : m->series) {
        for (const Tag& t : s.info.tags) {
          if (t.key == key && t.value == value) out.push_back(s.info.id);
        }
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  absl::StatusOr<std::vector<std::string>> TagKeys(
      std::string_view measurement) override {
    std::vector<std::string> out;
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [k, s] : m->series) {
        for (const Tag& t : s.info.tags) out.push_back(t.key);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  absl::StatusOr<std::vector<std::string>> TagValues(
      std::string_view measurement, std::string_view key) override {
    std::vector<std::string> out;
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [k, s] : m->series) {
        for (const Tag& t : s.info.tags) {
          if (t.key == key) out.push_back(t.value);
        }
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  std::unique_ptr<Iterator> NewFieldIterator(std::string_view measurement,
                                             uint64_t series_id,
                                             uint32_t field_id, Timestamp t0,
                                             Timestamp t1) override {
    ++iterators_opened_;
    std::vector<std::pair<Timestamp, std::string>> points;
    if (const Measurement* m = Find(measurement)) {
      for (const auto& [k, s] : m->series) {
        if (s.info.id != series_id) continue;
        auto d = s.data.find(field_id);
        if (d == s.data.end()) break;
        for (auto it = d->second.lower_bound(t0);
             it != d->second.end() && it->first < t1; ++it) {
          points.push_back(*it);
        }
      }
    }
    return std::make_unique<VectorIterator>(std::move(points), points_read_);
  }
  Timestamp RetentionFloor(std::string_view measurement) override {
    auto it = floors_.find(std::string(measurement));
    return it == floors_.end() ? kMinTimestamp : it->second;
  }
  int64_t Now() override { return now_; }

 private:
  struct Series {
    SeriesInfo info;
    std::map<uint32_t, std::map<Timestamp, std::string>> data;
  };
  struct Measurement {
    std::map<std::string, FieldInfo> fields;
    std::map<std::string, Series> series;  // by series key
  };

  class VectorIterator final : public Iterator {
   public:
    VectorIterator(std::vector<std::pair<Timestamp, std::string>> points,
                   std::shared_ptr<int64_t> counter)
        : points_(std::move(points)), counter_(std::move(counter)) {}
    bool Valid() const override { return pos_ < points_.size(); }
    void SeekToFirst() override { Move(0); }
    void SeekToLast() override {
      Move(points_.empty() ? 0 : points_.size() - 1);
    }
    void Seek(std::string_view, Timestamp ts) override {
      size_t i = 0;
      while (i < points_.size() && points_[i].first < ts) ++i;
      Move(i);
    }
    void SeekForPrev(std::string_view, Timestamp ts) override {
      size_t i = points_.size();
      while (i > 0 && points_[i - 1].first > ts) --i;
      Move(i == 0 ? points_.size() : i - 1);
    }
    void Next() override { Move(pos_ + 1); }
    void Prev() override { Move(pos_ == 0 ? points_.size() : pos_ - 1); }
    std::string_view key() const override { return "fake"; }
    Timestamp timestamp() const override { return points_[pos_].first; }
    int64_t expire_at() const override { return kNeverExpires; }
    std::string_view value() const override { return points_[pos_].second; }
    absl::Status status() const override { return absl::OkStatus(); }

   private:
    void Move(size_t pos) {
      pos_ = pos;
      if (Valid()) ++*counter_;
    }
    std::vector<std::pair<Timestamp, std::string>> points_;
    std::shared_ptr<int64_t> counter_;
    size_t pos_ = 0;
  };

  const Measurement* Find(std::string_view name) const {
    auto it = measurements_.find(std::string(name));
    return it == measurements_.end() ? nullptr : &it->second;
  }

  std::map<std::string, Measurement> measurements_;
  std::map<std::string, Timestamp> floors_;
  uint64_t next_series_id_ = 1;
  uint32_t next_field_id_ = 1;
  int64_t now_ = 0;
  int iterators_opened_ = 0;
  std::shared_ptr<int64_t> points_read_ = std::make_shared<int64_t>(0);
};

}  // namespace strata::series::testing

#endif  // STRATA_TESTS_SERIES_FAKE_SERIES_READER_H_
