// Series retention as DB retention rules (schema/series.md, "Retention"):
// the DB-wide default covers the whole data family [0x10, 0x11) and each
// measurement's 0x15 override covers its data range [0x10 comp(m),
// PrefixSuccessor), nested inside it, so a shortened retention is reclaimed
// by compaction even for points written with no expiry or a longer one.
// Rules live in the DB's memory only: register them after every open.
// Never touches catalog or docs keys.
#ifndef STRATA_SERIES_RETENTION_RULES_H_
#define STRATA_SERIES_RETENTION_RULES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "strata/db.h"

namespace strata::series {

// Registers the default (0 = none) for the data family and one rule per
// 0x15 override in db's catalog (read at the latest state). DataLoss naming
// the key for a malformed override record.
[[nodiscard]] absl::Status RegisterRetentionRules(DB* db,
                                                  int64_t default_retention_ns);

// One measurement's override changed: retention_ns > 0 sets its rule, 0
// removes it (the family default applies again). Call after the override is
// persisted, and with 0 when the measurement is dropped.
[[nodiscard]] absl::Status SetMeasurementRetentionRule(
    DB* db, std::string_view measurement, int64_t retention_ns);

}  // namespace strata::series

#endif  // STRATA_SERIES_RETENTION_RULES_H_
