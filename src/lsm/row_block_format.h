// What the row block writer (row_block_builder.cc) and reader
// (row_block*.cc) share beyond schema/sst.md: the packed encoding's block-wide
// bases, the writer's restart spacing, which the reader's prefetches are
// sized by, and which entries the writer keeps readable on their own.
#ifndef STRATA_LSM_ROW_BLOCK_FORMAT_H_
#define STRATA_LSM_ROW_BLOCK_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "lsm/dbformat.h"

namespace strata {

// A new restart begins once the entries since the last one span this many
// bytes, whatever the interval (a writer choice; readers do not assume one).
inline constexpr size_t kRestartBytes = 512;

// An entry with a value at least this large that starts a user key shares
// with its predecessor no more than with the block's first key (a writer
// choice): its key is then the first key's bytes and its own, and a point
// read parses it without the entries before it (row_block_point.cc).
inline constexpr size_t kAloneEntryBytes = 128;

// The block-wide bases of a packed block (kRowPacked), stored before
// num_restarts: entry ts = ts + steps * ts_unit, seq = seq + delta.
struct TrailerBase {
  Timestamp ts = 0;
  uint64_t ts_unit = 1;
  SequenceNumber seq = 0;
};
inline constexpr size_t kTrailerBaseBytes = 24;

}  // namespace strata

#endif  // STRATA_LSM_ROW_BLOCK_FORMAT_H_
