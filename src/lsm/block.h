// Data blocks: the unit of reading, caching and skipping in an SST. A
// builder encodes a sorted run of entries into a payload (before
// compression); a Block is a decoded payload that can be iterated.
// Encodings are identified on disk (schema/sst.md, "Block encodings").
#ifndef STRATA_LSM_BLOCK_H_
#define STRATA_LSM_BLOCK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "lsm/internal_iterator.h"

namespace strata {

// Persisted: never renumber.
enum class BlockEncoding : uint8_t {
  kRow = 1,        // prefix-compressed rows with restart points
  kColumnar = 2,   // per-column codecs for time-series-shaped runs
  kRowPacked = 3,  // rows whose key trailers are deltas from block bases
};

class BlockBuilder {
 public:
  virtual ~BlockBuilder() = default;
  // REQUIRES: internal_key sorts after every key added since Reset().
  virtual void Add(std::string_view internal_key, int64_t expire_at,
                   std::string_view value) = 0;
  // Encodes everything added; the view is valid until the next Reset().
  virtual std::string_view Finish() = 0;
  virtual void Reset() = 0;
  virtual uint32_t count() const = 0;
  // Size of the payload if Finish() were called now (an estimate).
  virtual size_t SizeEstimate() const = 0;
  // The encoding Finish() writes (the block header's).
  virtual BlockEncoding encoding() const = 0;
};

class Block {
 public:
  virtual ~Block() = default;
  // Bytes of memory held, for the block cache's budget.
  virtual size_t MemoryUsage() const = 0;
  // The iterator borrows the block: keep the Block alive while it is used.
  virtual std::unique_ptr<InternalIterator> NewIterator() const = 0;
  // Points `it`, an iterator made by NewIterator() of some block, at this
  // block instead (unpositioned), keeping its buffers: saves an allocation
  // per block when a reader hops between blocks. False if `it` is of
  // another encoding; then use NewIterator().
  virtual bool Rebind(InternalIterator* it) const { return false; }
  // Batched point reads (table_multiget.cc). `hash` is PointKeyHash of
  // the target's user key, computed once per target for every pass.
  // Hints, no-ops by default: start loading into the CPU cache what a
  // point read of target reads first (the block's search structure), and
  // then what it reads after that.
  virtual void PrefetchIndex(std::string_view target, uint64_t hash) const {}
  virtual void PrefetchSeek(std::string_view target, uint64_t hash) const {}
  // A point read without an iterator: visits the entries of the target
  // seek key's (user key, ts) from the target on (every version at or
  // below its sequence, newest first) until `visit` returns false or
  // they end. *visited counts the calls. kRanOff: the block ended with
  // the entries still matching (they may go on in the next block).
  // kUnsupported (the default): the block has no such fast path; use an
  // iterator. `scratch` holds rebuilt keys too long for the stack.
  enum class PointRead { kDone, kRanOff, kCorrupt, kUnsupported };
  using PointVisitor =
      absl::FunctionRef<bool(std::string_view internal_key, int64_t expire_at,
                             std::string_view value)>;
  virtual PointRead ReadPoint(std::string_view target, uint64_t hash,
                              std::string* scratch, PointVisitor visit,
                              size_t* visited) const {
    return PointRead::kUnsupported;
  }
  // A block keeps what a point read needs first in this many bytes from
  // its start (after its reference counts, see DecodeRowBlock), so that a
  // batched reader can load them before reading.
  static constexpr size_t kPointHeadBytes = 100;
  // True for the compact form of a columnar block (the cache keys it apart
  // from the decoded form).
  virtual bool IsCompact() const { return false; }
};

// The hash of a user key that point reads pass to blocks (in memory only:
// it keys the row blocks' point indexes, built when a block is decoded).
uint64_t PointKeyHash(std::string_view user_key);

// `encoding`: kRowPacked (what tables write) or kRow (format version 1,
// kept for reading old files and for tests that make them).
std::unique_ptr<BlockBuilder> NewRowBlockBuilder(
    int restart_interval = 16,
    BlockEncoding encoding = BlockEncoding::kRowPacked);
// For tests and inspection: a decoded row block that seeks by its point
// index (row_block_point.cc: blocks of large entries) rather than a search.
bool RowBlockHasPointIndex(const Block& block);
std::unique_ptr<BlockBuilder> NewColumnarBlockBuilder();

// Decodes a payload (already decompressed and checksum-verified).
// Malformed input gives a DataLoss error naming `where` and the offset
// within the payload; never a crash or an out-of-range read.
// Row blocks come made by make_shared: the block sits next to its reference
// counts, one cache miss for both when a cached block is taken.
// `encoding` is kRow or kRowPacked.
absl::StatusOr<std::shared_ptr<Block>> DecodeRowBlock(std::string payload,
                                                      uint32_t count,
                                                      std::string_view where,
                                                      BlockEncoding encoding);
absl::StatusOr<std::unique_ptr<Block>> DecodeColumnarBlock(
    std::string payload, uint32_t count, std::string_view where);
// The same payload checked as fully, but kept encoded with a directory of
// each run's last entry (columnar_compact.cc): costs about the payload's
// size in memory; its iterator decodes on demand into its own buffers.
// For caching blocks that reads only seek into (reverse seeks).
absl::StatusOr<std::unique_ptr<Block>> DecodeCompactColumnarBlock(
    std::string payload, uint32_t count, std::string_view where);

}  // namespace strata

#endif  // STRATA_LSM_BLOCK_H_
