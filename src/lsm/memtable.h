// The memtable: recent writes in memory, sorted by internal key, until
// they are flushed to an SST. Shaped for time series: a skiplist of
// distinct user keys, each holding its own skiplist of (ts, seq) entries,
// so appending the next point of an existing series is a hash lookup plus
// a link at the series' tail. Internal layouts: memtable_rep.h.
#ifndef STRATA_LSM_MEMTABLE_H_
#define STRATA_LSM_MEMTABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "lsm/dbformat.h"
#include "lsm/internal_iterator.h"
#include "lsm/memtable_rep.h"
#include "lsm/range_tombstone.h"
#include "strata/types.h"
#include "util/arena.h"
#include "util/mutex.h"
#include "util/random.h"

namespace strata {

class MemTable {
 public:
  MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Single writer (the DB serialises writers); safe concurrently with any
  // number of readers. Adding the same (key, ts, seq, kind) twice is not
  // supported (the DB never does: sequences are unique).
  void Add(SequenceNumber seq, ValueKind kind, std::string_view user_key,
           Timestamp ts, int64_t expire_at, std::string_view value);
  // As Add, for runs of records in key order (sorted batches): each key is
  // found or placed by a finger search of the key list, next to the one
  // before, and the hash index is neither probed nor grown (a later Add
  // that misses it searches the list). Single writer, like Add.
  void AddInOrder(SequenceNumber seq, ValueKind kind, std::string_view user_key,
                  Timestamp ts, int64_t expire_at, std::string_view value);
  // Single writer, like Add.
  void AddRangeTombstone(const RangeTombstone& t);

  // Point entries (puts and point deletes) in internal-key order; key() is
  // the internal key, expire_at() and value() as added. Sees every entry
  // added before its creation, maybe some later ones, never a torn entry.
  // The caller keeps the MemTable alive while the iterator lives.
  std::unique_ptr<InternalIterator> NewIterator() const;

  // The rest are thread-safe.
  std::vector<RangeTombstone> RangeTombstones() const;  // a copy
  size_t ApproximateMemoryUsage() const;
  uint64_t num_entries() const {
    return num_entries_.load(std::memory_order_acquire);
  }
  uint64_t num_range_tombstones() const {
    return num_range_tombstones_.load(std::memory_order_acquire);
  }
  // Of point entries. With none, min_ts() is kMaxTimestamp and max_ts() is
  // kMinTimestamp (an empty interval).
  Timestamp min_ts() const { return min_ts_.load(std::memory_order_relaxed); }
  Timestamp max_ts() const { return max_ts_.load(std::memory_order_relaxed); }
  bool empty() const {
    return num_entries() == 0 && num_range_tombstones() == 0;
  }

 private:
  // Hashes std::string_view through absl::string_view (Debian's abseil
  // keeps the two types apart).
  struct KeyHash {
    size_t operator()(std::string_view k) const {
      return absl::Hash<absl::string_view>()(
          absl::string_view(k.data(), k.size()));
    }
  };

  void AddImpl(SequenceNumber seq, ValueKind kind, std::string_view user_key,
               Timestamp ts, int64_t expire_at, std::string_view value,
               bool use_index);
  SkipNode* NewKeyNode(std::string_view user_key, int* height);
  SkipNode* NewEntryNode(Timestamp ts, uint64_t packed, int64_t expire_at,
                         std::string_view value, int* height);

  Arena arena_;
  memtable_rep::KeyList keys_;
  // Writer only: user key (bytes in the arena) -> its key node.
  absl::flat_hash_map<std::string_view, SkipNode*, KeyHash> index_;
  size_t index_size_ = 0;  // writer only: index_.size() when last charged
  SkipNode* last_key_node_ = nullptr;  // writer only: key of the last Add
  Random rnd_;                         // writer only: node heights

  std::atomic<uint64_t> num_entries_{0};
  std::atomic<uint64_t> num_range_tombstones_{0};
  std::atomic<Timestamp> min_ts_{kMaxTimestamp};
  std::atomic<Timestamp> max_ts_{kMinTimestamp};
  std::atomic<size_t> index_bytes_{0};
  std::atomic<size_t> tombstone_bytes_{0};

  mutable Mutex tombstones_mu_;
  std::vector<RangeTombstone> tombstones_ ABSL_GUARDED_BY(tombstones_mu_);
};

}  // namespace strata

#endif  // STRATA_LSM_MEMTABLE_H_
