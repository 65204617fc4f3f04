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

// Entries [begin, end) of one user key as a source holds them decoded in
// memory, for scans that read many entries without a virtual call each.
// Entry i has internal key (user_key, ts[i], packed[i] = seq << 8 | kind).
// The arrays stay valid until the iterator moves past entry end - 1.
struct EntryRun {
  std::string_view user_key;
  const int64_t* ts = nullptr;
  const uint64_t* packed = nullptr;
  const int64_t* expire = nullptr;
  // Values: 8-byte words when words is set, else slices of value_data
  // delimited by value_offsets[i], value_offsets[i + 1].
  const uint64_t* words = nullptr;
  const char* value_data = nullptr;
  const size_t* value_offsets = nullptr;
  size_t begin = 0, end = 0;

  std::string_view value(size_t i) const {
    if (words != nullptr) {
      return std::string_view(reinterpret_cast<const char*>(words + i), 8);
    }
    return std::string_view(value_data + value_offsets[i],
                            value_offsets[i + 1] - value_offsets[i]);
  }
};

// Entries [0, size) from the current one on (entry 0), of any user keys,
// as a source holds them decoded in memory, for scans of many short
// records (index entries) without a virtual call each. Keys are internal
// keys. Keys and values stay valid until the iterator moves other than by
// MoveInKeyRun into this run.
struct KeyRunEntry {
  std::string_view key;
  std::string_view value;
  int64_t expire_at;
};
struct KeyRun {
  const KeyRunEntry* entries = nullptr;
  size_t size = 0;
};

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

  // Optional bulk access. Fills *run with the current entry (run->begin)
  // and the ones after it that share its user key and are already decoded
  // in memory (at least one). False if the source cannot (step with Next).
  // REQUIRES Valid().
  virtual bool CurrentRun(EntryRun* run) { return false; }
  // Moves to entry i of the run CurrentRun just returned, i in
  // [run->begin, run->end). Only called after CurrentRun returned true.
  virtual void MoveInRun(size_t i) {}

  // Optional bulk access across keys. Fills *run with the current entry and
  // up to max - 1 following ones already decoded in memory whose user keys
  // sort below user_limit (empty: no limit); at least the current one.
  // False if the source cannot (step with Next). Forward only: only called
  // after a forward seek or step. REQUIRES Valid(), max >= 1.
  virtual bool CurrentKeyRun(KeyRun* run, size_t max,
                             std::string_view user_limit) {
    return false;
  }
  // Moves to entry i of the run CurrentKeyRun just returned, i < run size.
  virtual void MoveInKeyRun(size_t i) {}
};

// Shortens *run so that every entry in [run->begin, run->end) sorts before
// the internal key `bound`: what a merge of several sources may hand out
// from its current child when another child's next key is `bound`. False
// if no entry is left. REQUIRES bound is a well-formed internal key.
bool ClampRunBefore(EntryRun* run, std::string_view bound);

// An iterator with no entries and the given status.
std::unique_ptr<InternalIterator> NewEmptyIterator(
    absl::Status status = absl::OkStatus());

}  // namespace strata

#endif  // STRATA_LSM_INTERNAL_ITERATOR_H_
