#include "lsm/table_cache.h"

#include "lsm/filename.h"

namespace strata {

TableCache::TableCache(std::string dir, Env* env, size_t capacity,
                       BlockCache* blocks, ReadStats* stats)
    : dir_(std::move(dir)),
      env_(env),
      capacity_(capacity < 1 ? 1 : capacity),
      blocks_(blocks),
      stats_(stats) {}

absl::StatusOr<std::shared_ptr<Table>> TableCache::Get(uint64_t file_number,
                                                       uint64_t file_size) {
  {
    MutexLock l(&mu_);
    auto it = index_.find(file_number);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  // Open outside the lock; a racing open of the same file is harmless.
  std::string name = TableFileName(dir_, file_number);
  auto file = env_->NewRandomAccessFile(name);
  if (!file.ok()) return file.status();
  auto table = Table::Open(std::move(*file), file_size, name, file_number,
                           blocks_, stats_);
  if (!table.ok()) return table.status();

  MutexLock l(&mu_);
  auto it = index_.find(file_number);
  if (it != index_.end()) return it->second->second;
  lru_.emplace_front(file_number, *table);
  index_[file_number] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return *table;
}

void TableCache::Evict(uint64_t file_number) {
  MutexLock l(&mu_);
  auto it = index_.find(file_number);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace strata
