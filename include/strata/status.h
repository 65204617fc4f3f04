// How Strata reports errors. Every fallible call returns absl::Status or
// absl::StatusOr<T>; no exception crosses the API. Codes used:
//
//   NotFound          the key, file or collection does not exist
//   InvalidArgument   bad input: malformed key, line protocol, JSON, query;
//                     the message names the place (line:column, byte offset)
//   DataLoss          corruption on disk; the message names file and offset
//   ResourceExhausted disk full (ENOSPC) or a configured limit was exceeded
//   Unavailable       an I/O error from the operating system (EIO, ...)
//   FailedPrecondition the DB is locked by another process, already exists,
//                     or was put in read-only mode by an earlier write error
//   Aborted           a transaction conflict; retrying may succeed
//   AlreadyExists     insert of a key or unique index value that exists
#ifndef STRATA_STATUS_H_
#define STRATA_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata {

inline bool IsCorruption(const absl::Status& s) { return absl::IsDataLoss(s); }
inline bool IsNotFound(const absl::Status& s) { return absl::IsNotFound(s); }
inline bool IsNoSpace(const absl::Status& s) {
  return absl::IsResourceExhausted(s);
}

}  // namespace strata

#endif  // STRATA_STATUS_H_
