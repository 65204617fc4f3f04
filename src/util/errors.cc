#include "util/errors.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace strata {

absl::Status CorruptionError(std::string_view file, uint64_t offset,
                             std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("corruption in ", file, " at offset ", offset, ": ", what));
}

absl::Status ErrnoError(std::string_view op, std::string_view path, int err) {
  std::string msg = absl::StrCat(op, " ", path, ": ", std::strerror(err));
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    case ENOENT:
      return absl::NotFoundError(msg);
    default:
      return absl::UnavailableError(absl::StrCat("IO error: ", msg));
  }
}

absl::Status Annotate(const absl::Status& s, std::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

}  // namespace strata
