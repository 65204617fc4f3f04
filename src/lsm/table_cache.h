// Keeps a bounded number of SSTs open (file handle, index, filter and
// properties in memory), evicting the least recently used. Thread-safe.
#ifndef STRATA_LSM_TABLE_CACHE_H_
#define STRATA_LSM_TABLE_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lsm/table_reader.h"
#include "strata/env.h"
#include "util/mutex.h"

namespace strata {

class BlockCache;
struct ReadStats;

class TableCache {
 public:
  TableCache(std::string dir, Env* env, size_t capacity, BlockCache* blocks,
             ReadStats* stats);

  absl::StatusOr<std::shared_ptr<Table>> Get(uint64_t file_number,
                                             uint64_t file_size);
  // Forgets a deleted file (open iterators keep their own reference).
  void Evict(uint64_t file_number);

 private:
  using Lru = std::list<std::pair<uint64_t, std::shared_ptr<Table>>>;

  const std::string dir_;
  Env* const env_;
  const size_t capacity_;
  BlockCache* const blocks_;
  ReadStats* const stats_;

  Mutex mu_;
  Lru lru_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<uint64_t, Lru::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata

#endif  // STRATA_LSM_TABLE_CACHE_H_
