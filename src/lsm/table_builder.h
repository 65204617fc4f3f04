// TableBuilder: writes one SST (schema/sst.md) from internal keys added in
// order. It picks each data block's encoding (rows or columns), builds the
// bloom filter, properties and index, and never reads back what it wrote.
#ifndef STRATA_LSM_TABLE_BUILDER_H_
#define STRATA_LSM_TABLE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "lsm/block.h"
#include "lsm/bloom.h"
#include "lsm/format.h"
#include "lsm/range_tombstone.h"
#include "strata/env.h"
#include "strata/options.h"

namespace strata {

struct TableBuildOptions {
  // Logical bytes (internal key + value + 8 per entry) of a row block; a
  // block short of 128 entries goes on to at most 4 times this size.
  // [256 B, 4 MiB].
  size_t block_size = 16 << 10;
  // Logical bytes a time-series-shaped (columnar) block may grow to; such a
  // block is also cut at 8192 entries. [block_size, 16 MiB].
  size_t columnar_block_size = 128 << 10;
  BlockEncodingChoice encoding = BlockEncodingChoice::kAuto;
  // How row blocks are written: kRowPacked (format version 2), or kRow,
  // which makes a format version 1 file (what older builds wrote: for
  // tests that old files stay readable).
  BlockEncoding row_encoding = BlockEncoding::kRowPacked;
  // LZ4 per block, kept only when it saves at least 1/8.
  bool compression = true;
  // Bloom filter bits per distinct user key; 0 writes no filter. [0, 32].
  int bloom_bits_per_key = 10;
  // Stored in the properties; not interpreted by the table.
  int64_t window_id = 0;
  int64_t creation_time = 0;  // ns since the epoch
};

class TableBuilder {
 public:
  // Writes to `file` (not owned; the caller syncs and closes it).
  // file_name only labels error messages.
  TableBuilder(const TableBuildOptions& options, WritableFile* file,
               std::string file_name);
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;
  ~TableBuilder();

  // REQUIRES: internal_key sorts after every key added before. A malformed
  // or out-of-order key makes status() InvalidArgument and is dropped.
  void Add(std::string_view internal_key, int64_t expire_at,
           std::string_view value);
  void AddRangeTombstone(const RangeTombstone& tombstone);

  // Writes the last data block, the meta blocks and the footer. No Sync or
  // Close. Returns the first error met while building.
  absl::Status Finish();
  // Gives up; the file's contents are unspecified.
  void Abandon();

  // Bytes written so far (the file size once Finish() succeeded). The data
  // block being filled is not counted.
  uint64_t FileSize() const { return offset_; }
  // Point records added.
  uint64_t NumEntries() const { return props_.num_records; }
  // Final after Finish().
  const TableProperties& properties() const { return props_; }
  absl::Status status() const { return status_; }

 private:
  struct PendingEntry {
    size_t key_offset;  // into pending_bytes_; the value follows the key
    uint32_t key_size;
    uint32_t value_size;
    int64_t expire_at;
  };

  bool TimeSeriesShaped() const;
  bool BlockFull() const;
  void FlushBlock();
  BlockHandle WriteMetaBlock(BlockType type, uint32_t count,
                             std::string_view payload);
  void Write(std::string_view data);

  const TableBuildOptions options_;
  WritableFile* const file_;
  const std::string file_name_;
  absl::Status status_;
  bool closed_ = false;  // Finish() or Abandon() was called
  uint64_t offset_ = 0;

  std::unique_ptr<BlockBuilder> row_builder_;
  std::unique_ptr<BlockBuilder> columnar_builder_;  // null if not built in

  // The data block being filled.
  std::string pending_bytes_;
  std::vector<PendingEntry> pending_;
  size_t pending_logical_ = 0;
  size_t pending_distinct_keys_ = 0;
  IndexEntry pending_index_;  // keys and min/max of the pending block

  std::string last_key_;  // last internal key added
  std::string index_block_;
  uint32_t num_index_entries_ = 0;
  BloomFilterBuilder bloom_;
  std::vector<RangeTombstone> tombstones_;
  bool has_seq_ = false;
  TableProperties props_;
  std::string block_buf_;  // reused output buffer
};

}  // namespace strata

#endif  // STRATA_LSM_TABLE_BUILDER_H_
