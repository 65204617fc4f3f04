// MemTable: a skiplist of user keys, each with a skiplist of its entries
// (memtable_rep.h). The writer finds a key through a hash index and links
// in-order points at the key's tail; readers walk both levels without
// locks. Nothing here may block readers or move a published node.
#include "lsm/memtable.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace strata {

using memtable_rep::Entries;
using memtable_rep::EntryKey;
using memtable_rep::EntryList;
using memtable_rep::EntryTraits;
using memtable_rep::KeyList;
using memtable_rep::UserKey;

namespace {

// Positions on (key node, entry node) and keeps the internal key of the
// current entry in a small buffer: user key bytes, then the 16-byte trailer.
class MemTableIterator final : public InternalIterator {
 public:
  explicit MemTableIterator(const KeyList* keys) : keys_(keys) {}

  bool Valid() const override { return entry_ != nullptr; }
  void SeekToFirst() override { FirstFrom(keys_->First()); }
  void SeekToLast() override { LastFrom(keys_->Last()); }

  void Seek(std::string_view target) override {
    std::string_view uk;
    EntryKey ek;
    ParseTarget(target, &uk, &ek);
    SkipNode* k = keys_->LowerBound(uk);
    if (k != nullptr && UserKey(k) == uk) {
      if (SkipNode* e = Entries(k)->LowerBound(ek)) {
        Set(k, e);
        return;
      }
      k = k->Next(0);
    }
    FirstFrom(k);
  }

  void SeekForPrev(std::string_view target) override {
    std::string_view uk;
    EntryKey ek;
    ParseTarget(target, &uk, &ek);
    SkipNode* k = keys_->LastLessOrEqual(uk);
    if (k != nullptr && UserKey(k) == uk) {
      if (SkipNode* e = Entries(k)->LastLessOrEqual(ek)) {
        Set(k, e);
        return;
      }
      k = keys_->LastLess(uk);
    }
    LastFrom(k);
  }

  void Next() override {
    if (SkipNode* e = entry_->Next(0)) {
      SetEntry(e);
      return;
    }
    FirstFrom(key_->Next(0));
  }

  void Prev() override {
    if (SkipNode* e = Entries(key_)->LastLess(EntryTraits::KeyOf(entry_))) {
      SetEntry(e);
      return;
    }
    LastFrom(keys_->LastLess(UserKey(key_)));
  }

  std::string_view key() const override { return ikey_; }
  std::string_view value() const override {
    return memtable_rep::EntryValue(entry_);
  }
  int64_t expire_at() const override {
    return memtable_rep::EntryExpireAt(entry_);
  }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  // A target shorter than a trailer is taken as a bare user key, sorting
  // before every entry of that key.
  static void ParseTarget(std::string_view target, std::string_view* uk,
                          EntryKey* ek) {
    if (target.size() < kInternalKeyTrailer) {
      *uk = target;
      *ek = EntryKey{kMinTimestamp, ~uint64_t{0}};
      return;
    }
    *uk = ExtractUserKey(target);
    *ek = EntryKey{ExtractTimestamp(target), ExtractPackedSeqKind(target)};
  }

  // First entry of k or of a later key. A published key always has an
  // entry; the loop is only defensive.
  void FirstFrom(SkipNode* k) {
    for (; k != nullptr; k = k->Next(0)) {
      if (SkipNode* e = Entries(k)->First()) {
        Set(k, e);
        return;
      }
    }
    entry_ = nullptr;
  }

  void LastFrom(SkipNode* k) {
    for (; k != nullptr; k = keys_->LastLess(UserKey(k))) {
      if (SkipNode* e = Entries(k)->Last()) {
        Set(k, e);
        return;
      }
    }
    entry_ = nullptr;
  }

  void Set(SkipNode* k, SkipNode* e) {
    if (k != key_) {
      key_ = k;
      std::string_view uk = UserKey(k);
      ikey_.assign(uk.data(), uk.size());
      ikey_.resize(uk.size() + kInternalKeyTrailer);
    }
    SetEntry(e);
  }

  void SetEntry(SkipNode* e) {
    entry_ = e;
    char* trailer = ikey_.data() + ikey_.size() - kInternalKeyTrailer;
    EncodeOrderedInt64(trailer, memtable_rep::EntryTs(e));
    EncodeBigEndian64(trailer + 8, ~memtable_rep::EntryPacked(e));
  }

  const KeyList* const keys_;
  SkipNode* key_ = nullptr;
  SkipNode* entry_ = nullptr;  // nullptr: not Valid()
  std::string ikey_;
};

}  // namespace

MemTable::MemTable() : keys_(&arena_), rnd_(0x5eed5eed) {}

SkipNode* MemTable::NewKeyNode(std::string_view user_key, int* height) {
  *height = KeyList::RandomHeight(&rnd_);
  SkipNode* k = SkipNode::New(
      &arena_, *height, memtable_rep::KeyNodePayloadSize(user_key.size()));
  char* p = k->payload();
  uint32_t len = static_cast<uint32_t>(user_key.size());
  std::memcpy(p, &len, 4);
  if (len > 0) std::memcpy(p + 4, user_key.data(), len);
  new (p + memtable_rep::EntriesOffset(len)) EntryList(&arena_);
  return k;
}

SkipNode* MemTable::NewEntryNode(Timestamp ts, uint64_t packed,
                                 int64_t expire_at, std::string_view value,
                                 int* height) {
  *height = EntryList::RandomHeight(&rnd_);
  uint32_t len = static_cast<uint32_t>(value.size());
  SkipNode* e = SkipNode::New(
      &arena_, *height,
      memtable_rep::kEntryFixedSize + VarintLength(len) + value.size());
  char* p = e->payload();
  std::memcpy(p, &ts, 8);
  std::memcpy(p + 8, &packed, 8);
  std::memcpy(p + 16, &expire_at, 8);
  p = EncodeVarint32(p + memtable_rep::kEntryFixedSize, len);
  if (len > 0) std::memcpy(p, value.data(), len);
  return e;
}

void MemTable::Add(SequenceNumber seq, ValueKind kind,
                   std::string_view user_key, Timestamp ts, int64_t expire_at,
                   std::string_view value) {
  AddImpl(seq, kind, user_key, ts, expire_at, value, /*use_index=*/true);
}

void MemTable::AddInOrder(SequenceNumber seq, ValueKind kind,
                          std::string_view user_key, Timestamp ts,
                          int64_t expire_at, std::string_view value) {
  AddImpl(seq, kind, user_key, ts, expire_at, value, /*use_index=*/false);
}

void MemTable::AddImpl(SequenceNumber seq, ValueKind kind,
                       std::string_view user_key, Timestamp ts,
                       int64_t expire_at, std::string_view value,
                       bool use_index) {
  const EntryKey ek{ts, PackSeqAndKind(seq, static_cast<uint8_t>(kind))};
  int height;
  SkipNode* e = NewEntryNode(ek.ts, ek.packed, expire_at, value, &height);
  // The key's node: the last one used (points of one series in a row), the
  // hash index, or a search of the key list, which also places a new key.
  SkipNode* k = nullptr;
  if (last_key_node_ != nullptr && UserKey(last_key_node_) == user_key) {
    k = last_key_node_;
  } else if (SkipNode* last = keys_.WriterLast();
             last == nullptr || UserKey(last) < user_key) {
    // After every key (ids that grow, new series): certainly new, linked
    // without a search. The node gets its entry before it is published,
    // so readers never meet an empty key.
    int key_height;
    k = NewKeyNode(user_key, &key_height);
    Entries(k)->Append(e, height);
    keys_.Append(k, key_height);
    if (use_index) index_.emplace(UserKey(k), k);
    e = nullptr;
  } else {
    // Finds the key in the list, or links a new node for it there.
    auto find_or_link = [&] {
      SkipNode* prev[memtable_rep::KeyTraits::kMaxHeight];
      SkipNode* n = keys_.FindForInsert(user_key, prev);
      if (n == nullptr) {
        int key_height;
        n = NewKeyNode(user_key, &key_height);
        Entries(n)->Append(e, height);
        keys_.InsertAt(n, key_height, prev);
        e = nullptr;
      }
      return n;
    };
    if (use_index) {
      // One hash probe finds the key or makes its slot.
      auto it = index_.lazy_emplace(user_key, [&](const auto& ctor) {
        SkipNode* n = find_or_link();
        ctor(UserKey(n), n);
      });
      k = it->second;
    } else {
      k = find_or_link();
    }
  }
  last_key_node_ = k;
  if (e != nullptr) {
    EntryList* list = Entries(k);
    SkipNode* last = list->WriterLast();
    // In-order points of a series (the common case for metrics) skip the
    // search entirely.
    if (last == nullptr || EntryTraits::Compare(last, ek) < 0) {
      list->Append(e, height);
    } else {
      list->Insert(e, height);
    }
  }
  if (use_index && index_.size() > index_size_) {
    index_size_ = index_.size();
    index_bytes_.store(index_.capacity() *
                           (sizeof(std::pair<std::string_view, SkipNode*>) + 1),
                       std::memory_order_relaxed);
  }
  // Single writer: plain load/store instead of read-modify-write.
  num_entries_.store(num_entries_.load(std::memory_order_relaxed) + 1,
                     std::memory_order_release);
  if (ts < min_ts_.load(std::memory_order_relaxed)) {
    min_ts_.store(ts, std::memory_order_relaxed);
  }
  if (ts > max_ts_.load(std::memory_order_relaxed)) {
    max_ts_.store(ts, std::memory_order_relaxed);
  }
}

void MemTable::AddRangeTombstone(const RangeTombstone& t) {
  {
    MutexLock l(&tombstones_mu_);
    tombstones_.push_back(t);
  }
  tombstone_bytes_.fetch_add(
      sizeof(RangeTombstone) + t.begin.size() + t.end.size(),
      std::memory_order_relaxed);
  num_range_tombstones_.fetch_add(1, std::memory_order_release);
}

std::unique_ptr<InternalIterator> MemTable::NewIterator() const {
  return std::make_unique<MemTableIterator>(&keys_);
}

std::vector<RangeTombstone> MemTable::RangeTombstones() const {
  MutexLock l(&tombstones_mu_);
  return tombstones_;
}

size_t MemTable::ApproximateMemoryUsage() const {
  return arena_.MemoryUsage() + index_bytes_.load(std::memory_order_relaxed) +
         tombstone_bytes_.load(std::memory_order_relaxed);
}

}  // namespace strata
