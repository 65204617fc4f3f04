// Options for opening a DB, reading and writing. Plain structs: every field
// states its default and valid range.
#ifndef STRATA_OPTIONS_H_
#define STRATA_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "strata/types.h"

namespace strata {

class Env;
class Snapshot;

// When the WAL is fsynced.
enum class SyncPolicy {
  kNever,       // only when a write asks for it (WriteOptions::sync)
  kEveryBatch,  // every write is synced before it is acknowledged
  kInterval,    // a background thread syncs every sync_interval_ms
};

// What a TTL counts from.
enum class TtlBase {
  kTimestamp,  // expire_at = record ts + ttl (metrics retention)
  kWriteTime,  // expire_at = write time + ttl (cache style)
};

// How SST data blocks are encoded.
enum class BlockEncodingChoice {
  kAuto,      // columnar for time-series-shaped blocks, rows otherwise
  kRow,       // always prefix-compressed rows
  kColumnar,  // always columnar
};

struct Options {
  // File system and clock. Default: Env::Default(). Not owned.
  Env* env = nullptr;

  bool create_if_missing = true;
  bool error_if_exists = false;

  // Memtable size in bytes before it is frozen and flushed. [64 KiB, 4 GiB].
  size_t write_buffer_size = 64 << 20;
  // Frozen memtables waiting for flush before writers stall. [1, 16].
  int max_immutable_memtables = 2;

  // Target uncompressed size of a row-encoded data block. [256 B, 4 MiB].
  // A block of large entries (documents) grows past it until it holds 128
  // entries, up to 4 times this size.
  size_t block_size = 16 << 10;
  // Target logical size of a columnar block (time-series data encodes ~10x
  // smaller than its logical size). [block_size, 16 MiB].
  size_t columnar_block_size = 128 << 10;
  BlockEncodingChoice block_encoding = BlockEncodingChoice::kAuto;
  // Compress blocks with LZ4 when it saves space.
  bool compression = true;
  // Bloom filter bits per distinct key in each SST. 0 disables. [0, 32].
  int bloom_bits_per_key = 10;
  // Target SST size; flush and compaction outputs are cut near it.
  size_t target_file_size = 64 << 20;

  // Shared cache of uncompressed blocks, in bytes. 0 disables.
  size_t block_cache_bytes = 64 << 20;
  // SSTs kept open at once. [16, 1'000'000].
  int max_open_files = 1000;

  SyncPolicy sync_policy = SyncPolicy::kNever;
  // With SyncPolicy::kInterval. [1, 60'000].
  int64_t sync_interval_ms = 100;

  // Default TTL in ns applied to puts without their own expiry. 0 = none.
  int64_t default_ttl_ns = 0;
  TtlBase ttl_base = TtlBase::kTimestamp;

  // Width of the time windows that partition SSTs, in ns. Compaction never
  // mixes windows, so retention drops whole files. Default one day.
  int64_t time_window_ns = 86'400'000'000'000;
  // L0-style files in the current window before a size-tiered merge. [2, 64].
  int window_merge_trigger = 4;
  // Background threads for flush and compaction. [1, 16].
  int background_threads = 2;
  // Writers are slowed when a window holds this many files, and stopped
  // at twice as many. [8, 10'000].
  int slowdown_files = 64;

  // On open, a corrupt record in the middle of a WAL normally fails the open
  // with its file and offset. When true, the WAL is cut at the corrupt
  // record instead and the loss is counted in stats (data after it is lost).
  bool wal_salvage = false;
  // Verify block checksums on every read (they are always verified when a
  // block enters the cache).
  bool paranoid_checks = false;
};

struct ReadOptions {
  // Read as of this snapshot; nullptr = the latest state.
  const Snapshot* snapshot = nullptr;
  // Keep blocks read by this operation in the block cache. Turn off for long
  // scans so they do not evict the working set.
  bool fill_cache = true;
  bool verify_checksums = true;
  // Point reads (Get, MultiGet): the keys almost surely exist (an index
  // named them), so bloom filters, which pay only for absent keys, are not
  // probed. Answers are the same either way.
  bool keys_likely_exist = false;
};

struct WriteOptions {
  // Sync the WAL before acknowledging. With it, an acknowledged write
  // survives a process crash and a power loss.
  bool sync = false;
};

}  // namespace strata

#endif  // STRATA_OPTIONS_H_
