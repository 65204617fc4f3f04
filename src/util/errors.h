// Constructors for the error statuses documented in strata/status.h. Every
// message names the place: file and offset, or the operation and path.
#ifndef STRATA_UTIL_ERRORS_H_
#define STRATA_UTIL_ERRORS_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace strata {

// DataLoss: "corruption in <file> at offset <offset>: <what>".
absl::Status CorruptionError(std::string_view file, uint64_t offset,
                             std::string_view what);
// Maps an errno from operation `op` on `path`: ENOSPC -> ResourceExhausted,
// ENOENT -> NotFound, anything else -> Unavailable.
absl::Status ErrnoError(std::string_view op, std::string_view path, int err);
// Prefixes a status message with context, keeping its code.
absl::Status Annotate(const absl::Status& s, std::string_view context);

}  // namespace strata

#endif  // STRATA_UTIL_ERRORS_H_
