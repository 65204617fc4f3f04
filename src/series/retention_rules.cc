// Series retention registered as DB retention rules: the family default and
// the per-measurement overrides of the catalog (schema/series.md).
#include "series/retention_rules.h"

#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "series/key_codec.h"

namespace strata::series {
namespace {

// The data range of one measurement: every key starting 0x10 comp(m).
struct DataRange {
  std::string begin, end;
};
DataRange MeasurementDataRange(std::string_view measurement) {
  DataRange r;
  r.begin = MeasurementPrefix(kDataTag, measurement);
  r.end = PrefixSuccessor(r.begin);
  return r;
}

}  // namespace

absl::Status RegisterRetentionRules(DB* db, int64_t default_retention_ns) {
  if (db == nullptr) return absl::InvalidArgumentError("no DB");
  if (default_retention_ns < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "default retention must be >= 0, got %d", default_retention_ns));
  }
  const std::string family(1, kDataTag);
  absl::Status s = db->SetRetentionRule(family, PrefixSuccessor(family),
                                        default_retention_ns);
  if (!s.ok()) return s;
  const std::string begin(1, kRetentionTag);
  const std::string end = PrefixSuccessor(begin);
  std::unique_ptr<Iterator> it =
      db->NewIterator(ReadOptions(), ScanRange{begin, end});
  std::string m;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    int64_t retention = 0;
    if (!ParseRetentionKey(it->key(), &m) ||
        !DecodeRetentionValue(it->value(), &retention) || retention <= 0) {
      return CatalogCorruption(it->key(), "malformed retention record");
    }
    s = SetMeasurementRetentionRule(db, m, retention);
    if (!s.ok()) return s;
  }
  return it->status();
}

absl::Status SetMeasurementRetentionRule(DB* db, std::string_view measurement,
                                         int64_t retention_ns) {
  if (db == nullptr) return absl::InvalidArgumentError("no DB");
  if (measurement.empty()) {
    return absl::InvalidArgumentError("retention rule: empty measurement name");
  }
  const DataRange r = MeasurementDataRange(measurement);
  return db->SetRetentionRule(r.begin, r.end, retention_ns);
}

}  // namespace strata::series
