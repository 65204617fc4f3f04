// Table: an open, immutable SST (schema/sst.md). Open() verifies the footer
// and loads the index, filter, properties and range tombstones into memory;
// data blocks are read on demand, through the block cache, and are skipped
// unread when their index entry shows they lie outside a read's time window
// or have entirely expired. Thread-safe.
#ifndef STRATA_LSM_TABLE_READER_H_
#define STRATA_LSM_TABLE_READER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lsm/block.h"
#include "lsm/block_cache.h"
#include "lsm/dbformat.h"
#include "lsm/format.h"
#include "lsm/internal_iterator.h"
#include "lsm/range_tombstone.h"
#include "lsm/read_stats.h"
#include "strata/env.h"
#include "strata/types.h"

namespace strata {

struct TableReadOptions {
  // Blocks are always checksummed when read from disk (a cached block was
  // checked when it entered the cache); kept for parity with ReadOptions.
  bool verify_checksums = true;
  // Insert blocks read from disk into the cache (lookups happen anyway).
  bool fill_cache = true;
  // Skip blocks whose [min_ts, max_ts] misses [t0, t1). t1 == kMaxTimestamp
  // means "no upper bound" (it includes ts == kMaxTimestamp).
  Timestamp t0 = kMinTimestamp;
  Timestamp t1 = kMaxTimestamp;
  // Skip blocks whose max_expire_at <= now (every record in them expired).
  int64_t now = kMinTimestamp;
};

// Why a read with these options need not read a data block (its index
// entry says it holds nothing the read can see), if it need not.
enum class BlockSkip { kNone, kTime, kExpired };
inline BlockSkip SkipReason(const IndexEntry& e, const TableReadOptions& o) {
  if (e.max_ts < o.t0 || (o.t1 != kMaxTimestamp && e.min_ts >= o.t1)) {
    return BlockSkip::kTime;
  }
  return e.max_expire_at <= o.now ? BlockSkip::kExpired : BlockSkip::kNone;
}
// False if SkipReason is kNone for every block under these options, so a
// reader need not look at the index entries' bounds.
inline bool MaySkipBlocks(const TableReadOptions& o) {
  return o.t0 != kMinTimestamp || o.t1 != kMaxTimestamp ||
         o.now != kMinTimestamp;
}

// The in-memory form a reader wants for a data block. Row blocks have one.
enum class BlockForm {
  // Every column decoded into arrays: for scans, which read most entries.
  kDecoded,
  // Columnar blocks kept encoded plus a directory of run tails (block.h,
  // DecodeCompactColumnarBlock): for seeks that read a few entries, so
  // that the blocks they touch cost their encoded size in the cache. A
  // cached decoded copy is still used when there is one.
  kCompact,
};

class Table : public std::enable_shared_from_this<Table> {
 public:
  // Takes the file. cache and stats may be null and must outlive the Table.
  // DataLoss (naming file and offset) for a damaged file;
  // FailedPrecondition for a file written by a newer format version.
  static absl::StatusOr<std::shared_ptr<Table>> Open(
      std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
      std::string file_name, uint64_t file_number, BlockCache* cache,
      ReadStats* stats);

  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table();

  const TableProperties& properties() const { return props_; }
  const std::vector<RangeTombstone>& range_tombstones() const {
    return tombstones_;
  }
  const std::string& file_name() const { return file_name_; }
  uint64_t file_number() const { return file_number_; }
  uint64_t file_size() const { return file_size_; }

  // Bloom filter check; false means the file holds no record of user_key.
  // Bumps bloom_checks, and bloom_useful when it answers false.
  bool KeyMayMatch(std::string_view user_key) const;

  // Iterates every entry (puts and point tombstones), skipping whole blocks
  // per options. The iterator keeps the Table alive.
  std::unique_ptr<InternalIterator> NewIterator(
      const TableReadOptions& options) const;

  // Reads every data block from disk (bypassing the cache) and checks its
  // checksum, encoding, entry order and that its contents match the index.
  absl::Status VerifyAllBlocks() const;

  // Approximate file offset where internal_key's data would start.
  uint64_t ApproximateOffsetOf(std::string_view internal_key) const;

  // For the table iterator and inspection tools: the in-memory index, and
  // the data block it names at position i (from the cache or disk; bumps
  // blocks_read and the cache counters, one hit or miss per call).
  const std::vector<IndexEntry>& index() const { return index_; }
  // The first block whose last key >= target (index().size() if none),
  // searched outward from block `near` (index().size(): no guess; see
  // partition_near.h).
  size_t FirstBlockEndingAtOrAfter(std::string_view target, size_t near) const;
  // The same for targets taken in key order: every block before `from`
  // (the previous target's block) ends before target. Steps forward from
  // `from`, as the next target mostly lies in the same block or the next.
  size_t NextBlockEndingAtOrAfter(std::string_view target, size_t from) const;
  absl::StatusOr<std::shared_ptr<const Block>> ReadDataBlock(
      size_t i, bool fill_cache, BlockForm form = BlockForm::kDecoded) const;
  // ReadDataBlock for many blocks at once, for batched point reads: out[k]
  // is block blocks[k] (decoded form), the cache searched for all of them
  // in one batch (BlockCache::LookupMany), misses read from the file.
  // Counts as the ReadDataBlock calls would.
  absl::Status ReadDataBlocks(
      std::span<const size_t> blocks, bool fill_cache,
      std::span<std::shared_ptr<const Block>> out) const;

 private:
  Table(std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
        std::string file_name, uint64_t file_number, BlockCache* cache,
        ReadStats* stats);

  // 24 bytes of each block's last user key as KeyWindows, past head_prefix_
  // (the prefix every last key shares: a collection's
  // documents all begin with the same bytes), so the index search compares
  // integers and reads whole keys only on ties.
  using LastKeyHead = std::array<uint64_t, 3>;
  // A target's head, when it shares the heads' prefix (else whole keys
  // decide).
  struct TargetHead {
    LastKeyHead words;
    bool usable = false;
  };
  TargetHead HeadOf(std::string_view target) const;
  // Whether block i's last key is below target.
  bool EndsBefore(size_t i, const TargetHead& head,
                  std::string_view target) const {
    if (head.usable) {
      const LastKeyHead& h = last_heads_[i];
      for (size_t w = 0; w < h.size(); ++w) {
        if (h[w] != head.words[w]) return h[w] < head.words[w];
      }
    }
    return CompareInternalKeys(index_[i].last_key, target) < 0;
  }

  absl::Status LoadMetaBlocks(const Footer& footer);
  absl::Status LoadIndex(const BlockHandle& handle, uint64_t data_end);
  // Reads block i from disk, checks it against its index entry, decodes it
  // (columnar blocks into `form`).
  absl::StatusOr<std::shared_ptr<const Block>> ReadDataBlockFromFile(
      size_t i, BlockForm form = BlockForm::kDecoded) const;

  const std::unique_ptr<RandomAccessFile> file_;
  const uint64_t file_size_;
  const std::string file_name_;
  const uint64_t file_number_;
  BlockCache* const cache_;
  ReadStats* const stats_;

  uint64_t data_end_ = 0;  // first byte after the data blocks
  TableProperties props_;
  std::vector<IndexEntry> index_;
  std::vector<LastKeyHead> last_heads_;
  std::string head_prefix_;
  std::string filter_;
  std::vector<RangeTombstone> tombstones_;
};

}  // namespace strata

#endif  // STRATA_LSM_TABLE_READER_H_
