// Copy-on-write catalog versions (see catalog_snapshot.h). An update copies
// the series pointers of one measurement (not the series) and merges the
// new ones in key order, so publishing costs O(series of the measurement)
// pointer copies per committed batch that creates or drops series.
#include "series/catalog_snapshot.h"

#include <algorithm>
#include <utility>

namespace strata::series {

namespace {

bool KeyLess(const std::shared_ptr<const SeriesInfo>& a,
             const std::shared_ptr<const SeriesInfo>& b) {
  return a->key < b->key;
}

}  // namespace

MeasurementCatalog::MeasurementCatalog(
    std::vector<std::shared_ptr<const SeriesInfo>> series,
    std::vector<FieldInfo> fields)
    : series_(std::move(series)), fields_(std::move(fields)) {}

std::shared_ptr<const MeasurementCatalog> MeasurementCatalog::Updated(
    const MeasurementCatalog* old, std::vector<SeriesInfo> added,
    const absl::flat_hash_set<uint64_t>& removed,
    std::vector<FieldInfo> fields) {
  std::vector<std::shared_ptr<const SeriesInfo>> series;
  series.reserve((old == nullptr ? 0 : old->series_.size()) + added.size());
  if (old != nullptr) {
    for (const auto& s : old->series_) {
      if (!removed.contains(s->id)) series.push_back(s);
    }
  }
  const size_t kept = series.size();
  for (SeriesInfo& s : added) {
    series.push_back(std::make_shared<const SeriesInfo>(std::move(s)));
  }
  std::sort(series.begin() + kept, series.end(), KeyLess);
  std::inplace_merge(series.begin(), series.begin() + kept, series.end(),
                     KeyLess);
  std::sort(
      fields.begin(), fields.end(),
      [](const FieldInfo& a, const FieldInfo& b) { return a.name < b.name; });
  return std::make_shared<const MeasurementCatalog>(std::move(series),
                                                    std::move(fields));
}

const TagIndex& MeasurementCatalog::tag_index() const {
  std::call_once(index_once_, [this] {
    // Series are visited in key order, so each list comes out sorted.
    for (const auto& s : series_) {
      for (const Tag& t : s->tags) {
        auto k = index_.find(t.key);
        if (k == index_.end())
          k = index_.emplace(t.key, TagIndex::mapped_type()).first;
        auto v = k->second.find(t.value);
        if (v == k->second.end()) {
          v = k->second.emplace(t.value, std::vector<const SeriesInfo*>())
                  .first;
        }
        v->second.push_back(s.get());
      }
    }
  });
  return index_;
}

const MeasurementCatalog* CatalogSnapshot::Find(
    std::string_view measurement) const {
  auto it = measurements.find(measurement);
  return it == measurements.end() ? nullptr : it->second.get();
}

}  // namespace strata::series
