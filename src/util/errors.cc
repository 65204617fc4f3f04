#include "util/errors.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace strata {

// Note: Debian's abseil has its own absl::string_view, distinct from
// std::string_view, so messages are built with StrFormat (which accepts
// both) rather than StrCat.

absl::Status CorruptionError(std::string_view file, uint64_t offset,
                             std::string_view what) {
  return absl::DataLossError(
      absl::StrFormat("corruption in %s at offset %d: %s", file, offset, what));
}

absl::Status ErrnoError(std::string_view op, std::string_view path, int err) {
  std::string msg = absl::StrFormat("%s %s: %s", op, path, std::strerror(err));
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    case ENOENT:
      return absl::NotFoundError(msg);
    default:
      return absl::UnavailableError("IO error: " + msg);
  }
}

absl::Status Annotate(const absl::Status& s, std::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(),
                      absl::StrFormat("%s: %s", context, s.message()));
}

}  // namespace strata
