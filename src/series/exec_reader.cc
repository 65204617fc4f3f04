// Default implementations of the optional SeriesReader calls
// (series_reader.h), written with the required ones so any reader (the
// test fake included) gets correct, if slower, answers.
#include <memory>
#include <utility>

#include "series/series_reader.h"

namespace strata::series {

namespace {

// One NewFieldIterator per Open().
class PerPairScan final : public FieldScan {
 public:
  PerPairScan(SeriesReader* reader, std::string_view measurement, Timestamp t0,
              Timestamp t1)
      : reader_(reader), measurement_(measurement), t0_(t0), t1_(t1) {}

  Iterator* Open(uint64_t series_id, uint32_t field_id) override {
    it_.reset();  // release the previous one first
    it_ =
        reader_->NewFieldIterator(measurement_, series_id, field_id, t0_, t1_);
    return it_.get();
  }

 private:
  SeriesReader* const reader_;
  const std::string measurement_;
  const Timestamp t0_, t1_;
  std::unique_ptr<Iterator> it_;
};

}  // namespace

absl::StatusOr<std::vector<const SeriesInfo*>> SeriesReader::SeriesByTag(
    std::string_view measurement, std::string_view key,
    std::string_view value) {
  std::vector<const SeriesInfo*> out;
  absl::Status s =
      ForEachSeries(measurement, [&](const SeriesInfo& info) -> absl::Status {
        for (const Tag& t : info.tags) {
          if (t.key == key) {
            if (t.value == value) out.push_back(&info);
            break;
          }
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

std::unique_ptr<FieldScan> SeriesReader::NewFieldScan(
    std::string_view measurement, Timestamp t0, Timestamp t1, ScanPattern) {
  return std::make_unique<PerPairScan>(this, measurement, t0, t1);
}

}  // namespace strata::series
