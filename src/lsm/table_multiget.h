// Batched point reads inside one SST, for DB::MultiGet: many (user key, ts)
// targets in key order are located block by block in small groups, each
// stage done for the whole group before the next (find the blocks, fetch
// them, seek in them), so the CPU overlaps the cache misses of different
// targets instead of paying them one after another.
#ifndef STRATA_LSM_TABLE_MULTIGET_H_
#define STRATA_LSM_TABLE_MULTIGET_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "lsm/dbformat.h"
#include "lsm/table_reader.h"

namespace strata {

struct TablePointTarget {
  std::string_view seek_key;  // SeekKey(user_key, ts, read sequence)
  uint32_t id;                // passed back to the caller
};

// Blocks a caller keeps alive so that emitted values stay valid.
using BlockPins = std::vector<std::shared_ptr<const Block>>;

// One entry of a target's (user key, ts): the versions at or below the
// read sequence, newest first, until the caller returns false (the target
// is decided: older versions cannot matter, and reading on would touch one
// more entry per target). `value` is valid during the call, or, when
// `pinned`, as long as the caller's pins.
using TablePointEmit = absl::FunctionRef<bool(
    uint32_t id, const ParsedInternalKey& key, int64_t expire_at,
    std::string_view value, bool pinned)>;

// Emits, for each target (sorted by seek_key), the entries of its
// (user key, ts) from `table`, reading as options say (block skipping by
// time and expiry, cache fill). With `pins`, the blocks read are appended
// to it (and most values emitted pinned); without, nothing is pinned.
absl::Status TableMultiGet(const Table& table, const TableReadOptions& options,
                           std::span<const TablePointTarget> targets,
                           TablePointEmit emit, BlockPins* pins = nullptr);

}  // namespace strata

#endif  // STRATA_LSM_TABLE_MULTIGET_H_
