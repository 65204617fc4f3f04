// The one iterator contract inside the LSM. Memtables, blocks, SSTs and
// their compositions (merging, two-level, block-skipping) all implement it.
//
// Entries are ordered by CompareInternalKeys. Every method other than the
// seeks REQUIRES Valid(). key() and value() stay valid until the iterator
// moves. An error makes Valid() false and status() not OK.
#ifndef STRATA_LSM_INTERNAL_ITERATOR_H_
#define STRATA_LSM_INTERNAL_ITERATOR_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"

namespace strata {

class InternalIterator {
 public:
  InternalIterator() = default;
  InternalIterator(const InternalIterator&) = delete;
  InternalIterator& operator=(const InternalIterator&) = delete;
  virtual ~InternalIterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // First entry >= target.
  virtual void Seek(std::string_view target) = 0;
  // Last entry <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;

  virtual std::string_view key() const = 0;  // internal key (dbformat.h)
  virtual std::string_view value() const = 0;
  virtual int64_t expire_at() const = 0;
  virtual absl::Status status() const = 0;
};

// An iterator with no entries and the given status.
std::unique_ptr<InternalIterator> NewEmptyIterator(
    absl::Status status = absl::OkStatus());

}  // namespace strata

#endif  // STRATA_LSM_INTERNAL_ITERATOR_H_
