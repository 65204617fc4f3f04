// Direct access to the files of a DB directory for `strata dump` and
// `strata check`, without DB::Open (so they work on a DB that no longer
// opens): which files exist, the manifest CURRENT names, opening an SST,
// reading a log's records, and printing internal keys and values.
#ifndef STRATA_CLI_DB_FILES_H_
#define STRATA_CLI_DB_FILES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lsm/table_reader.h"

namespace strata::cli {

struct DbFiles {
  std::vector<std::string> ssts;  // paths, by file number
  std::vector<std::string> logs;  // paths, by file number
  std::string current_manifest;   // path named by CURRENT, "" if none
  absl::Status current_status;    // why CURRENT could not be used
};

// Lists dir. NotFound if dir does not exist.
absl::StatusOr<DbFiles> ListDbFiles(const std::string& dir);

// Opens an SST for inspection (no cache, no stats). The file number comes
// from its name when it has the NNNNNN.sst form.
absl::StatusOr<std::shared_ptr<Table>> OpenTableFile(const std::string& path);

// What a log reader saw.
struct LogScan {
  uint64_t log_number = 0;
  uint64_t records = 0;
  bool torn = false;
  uint64_t torn_offset = 0;
  absl::Status status;  // header or mid-log damage, or an I/O error
};
// Reads every record of the log at path (magic: log::kWalMagic or
// log::kManifestMagic) and calls fn(offset, payload) for each; fn may stop
// the scan by returning an error, which lands in status.
LogScan ScanLog(
    const std::string& path, std::string_view magic,
    const std::function<absl::Status(uint64_t, std::string_view)>& fn);

// "'user\x01key' @ts #seq put" for a well-formed internal key, else the
// escaped bytes marked "(malformed internal key)".
std::string DescribeInternalKey(std::string_view ikey);
// A value for humans: printable text quoted, binary as hex; at most
// max_bytes shown (0 = all), with the full length when cut.
std::string DescribeValue(std::string_view value, size_t max_bytes);
// An expiry time: "never" or its ns value.
std::string DescribeExpire(int64_t expire_at);
// The final path component.
std::string BaseName(std::string_view path);
// "corruption in F at offset N: why" -> "F at offset N: why"; other errors
// become "<file>: <message>".
std::string DamageLine(std::string_view file, const absl::Status& s);

}  // namespace strata::cli

#endif  // STRATA_CLI_DB_FILES_H_
