// Arena layouts of the memtable's two skiplist levels. Internal to the
// memtable; nothing here is persisted.
//
//   key node payload   := u32 key_len | key | pad to 8 | EntryList (the
//                         key's entries)
// The key comes first so a search comparing against a node reads the
// cache line its links are on; the EntryList (~110 bytes) follows.
//   entry node payload := i64 ts | u64 seq<<8|kind | i64 expire_at
//                         | varint32 value_len | value
//
// Entries of one key are ordered by ts ascending, then (seq, kind)
// descending: the order of internal keys (dbformat.h) within a user key.
#ifndef STRATA_LSM_MEMTABLE_REP_H_
#define STRATA_LSM_MEMTABLE_REP_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#include "lsm/skiplist.h"
#include "strata/types.h"
#include "util/coding.h"

namespace strata::memtable_rep {

struct EntryKey {
  Timestamp ts;
  uint64_t packed;  // PackSeqAndKind(seq, kind)
};

inline constexpr size_t kEntryFixedSize = 24;

inline Timestamp EntryTs(const SkipNode* n) {
  int64_t v;
  std::memcpy(&v, n->payload(), 8);
  return v;
}
inline uint64_t EntryPacked(const SkipNode* n) {
  uint64_t v;
  std::memcpy(&v, n->payload() + 8, 8);
  return v;
}
inline int64_t EntryExpireAt(const SkipNode* n) {
  int64_t v;
  std::memcpy(&v, n->payload() + 16, 8);
  return v;
}
inline std::string_view EntryValue(const SkipNode* n) {
  const char* p = n->payload() + kEntryFixedSize;
  uint32_t len = 0;
  p = GetVarint32Ptr(p, p + 5, &len);  // written by us: always well formed
  return std::string_view(p, len);
}

struct EntryTraits {
  using Key = EntryKey;
  static constexpr int kMaxHeight = 12;
  static int Compare(const SkipNode* n, const EntryKey& k) {
    Timestamp ts = EntryTs(n);
    if (ts != k.ts) return ts < k.ts ? -1 : 1;
    uint64_t packed = EntryPacked(n);
    if (packed != k.packed) return packed > k.packed ? -1 : 1;  // newest first
    return 0;
  }
  static EntryKey KeyOf(const SkipNode* n) {
    return EntryKey{EntryTs(n), EntryPacked(n)};
  }
};

using EntryList = SkipList<EntryTraits>;

inline uint32_t UserKeyLength(const SkipNode* k) {
  uint32_t len;
  std::memcpy(&len, k->payload(), 4);
  return len;
}
inline std::string_view UserKey(const SkipNode* k) {
  return std::string_view(k->payload() + 4, UserKeyLength(k));
}
// Offset of the EntryList in a key node's payload.
inline size_t EntriesOffset(size_t key_len) {
  return (4 + key_len + 7) & ~size_t{7};
}
inline size_t KeyNodePayloadSize(size_t key_len) {
  return EntriesOffset(key_len) + sizeof(EntryList);
}
inline EntryList* Entries(SkipNode* k) {
  return reinterpret_cast<EntryList*>(k->payload() +
                                      EntriesOffset(UserKeyLength(k)));
}
inline const EntryList* Entries(const SkipNode* k) {
  return reinterpret_cast<const EntryList*>(k->payload() +
                                            EntriesOffset(UserKeyLength(k)));
}

struct KeyTraits {
  using Key = std::string_view;
  static constexpr int kMaxHeight = 12;
  static int Compare(const SkipNode* n, std::string_view k) {
    return UserKey(n).compare(k);
  }
  static std::string_view KeyOf(const SkipNode* n) { return UserKey(n); }
};

using KeyList = SkipList<KeyTraits>;

}  // namespace strata::memtable_rep

#endif  // STRATA_LSM_MEMTABLE_REP_H_
