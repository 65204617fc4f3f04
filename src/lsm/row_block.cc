// Row-encoded data blocks (BlockEncoding::kRow): LevelDB-style prefix
// compression of internal keys with restart points, plus per-entry expiry.
// Packed row blocks (kRowPacked, what tables write since format version 2)
// are the same with each key's 16-byte trailer stored as a ts step and a
// sequence delta from block-wide bases, and prefixes shared over user keys
// only; this file reads both, and the layout below is encoding 1's.
//
// Layout (schema/sst.md, "Block encodings", is the authority):
//   payload  := entry* restart(fixed32)* num_restarts(fixed32)
//   entry    := shared varint | unshared varint
//             | (value_len << 1 | has_expiry) varint
//             | [zigzag(expire_at - ts) varint, only if has_expiry]
//             | key_delta[unshared] | value[value_len]
//   has_expiry == 0 means expire_at == kNeverExpires; ts comes from the key.
//   Restarts (shared == 0) every `restart_interval` entries, or sooner once
//   the entries since the last restart span kRestartBytes, so blocks of
//   large values (documents) restart every entry or two: a seek is then a
//   binary search touching a few cache lines instead of a linear parse
//   through kilobytes of values (512 rather than 256 bytes: the same speed
//   with a smaller block, which kept the bench's documents in the cache).
//   Binary search runs over the restarts; in memory only, a decoded block with
//   many restarts also keeps 8-byte fingerprints of its restart keys so the
//   search reads one compact array. Instead of fingerprints, a block of
//   large entries (documents) gets a point index, also in memory only: each
//   distinct user key hashed to its first entry (or, if that entry shares
//   more with the one before than with the block's first key, to the
//   restart whose run holds it), so a seek to a key the block holds (point
//   reads: Get, MultiGet, index fetches) is one probe instead of a search.
//   Decoding validates every offset once, up front, and the iterator re-checks
//   bounds as it parses, so corrupt input never reads out of range.
#include <algorithm>
#include <cassert>
#include <cstring>
#include <typeinfo>
#include <vector>

#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "lsm/key_prefix.h"
#include "lsm/row_block_format.h"
#include "util/coding.h"
#include "util/errors.h"
#include "util/hash.h"

namespace strata {
namespace {

// What a scan entering a block prefetches from its start.
constexpr uint32_t kScanStartBytes = 1024;

// Varint decoding with the one- and two-byte cases inline: lengths and shared
// prefixes are almost always below 128, and a document's value length
// (shifted left for the flags) below 16384.
inline const char* Varint32(const char* p, const char* end, uint32_t* v) {
  if (p < end && (static_cast<unsigned char>(*p) & 0x80) == 0) {
    *v = static_cast<unsigned char>(*p);
    return p + 1;
  }
  return GetVarint32Ptr(p, end, v);
}
inline const char* Varint64(const char* p, const char* end, uint64_t* v) {
  if (p < end) {
    const uint32_t b0 = static_cast<unsigned char>(p[0]);
    if ((b0 & 0x80) == 0) {
      *v = b0;
      return p + 1;
    }
    if (end - p >= 2) {
      const uint32_t b1 = static_cast<unsigned char>(p[1]);
      if ((b1 & 0x80) == 0) {
        *v = (b0 & 0x7f) | b1 << 7;
        return p + 2;
      }
    }
  }
  return GetVarint64Ptr(p, end, v);
}

// One parsed entry; pointers into the payload. In a packed block the key
// bytes (shared, unshared, key_delta) are the user key's and the trailer
// comes from ts and seq_kind; in a kRow block they cover the whole
// internal key.
struct Entry {
  uint32_t shared = 0;
  uint32_t unshared = 0;
  uint64_t value_len = 0;
  bool has_expiry = false;
  bool packed = false;
  int64_t expire_delta = 0;
  Timestamp ts = 0;       // packed only
  uint64_t seq_kind = 0;  // packed only: seq << 8 | kind
  const char* key_delta = nullptr;
  const char* value = nullptr;
  uint32_t next = 0;  // offset of the following entry
};

// Parses the entry at `off`; false if it does not fit below `limit`.
// `trailers`: the block's bases if it is packed, else null.
bool ParseEntry(const char* base, uint32_t off, uint32_t limit,
                const TrailerBase* trailers, Entry* e) {
  const char* p = base + off;
  const char* end = base + limit;
  uint64_t flag;
  if ((p = Varint32(p, end, &e->shared)) == nullptr) return false;
  if ((p = Varint32(p, end, &e->unshared)) == nullptr) return false;
  if ((p = Varint64(p, end, &flag)) == nullptr) return false;
  e->has_expiry = (flag & 1) != 0;
  e->packed = trailers != nullptr;
  if (e->packed) {
    e->value_len = flag >> 2;
    uint64_t steps, seq;
    if ((p = Varint64(p, end, &steps)) == nullptr) return false;
    if ((p = Varint64(p, end, &seq)) == nullptr) return false;
    // The base is at most kMaxSequenceNumber (checked when decoded).
    if (seq > kMaxSequenceNumber - trailers->seq) return false;
    e->ts = static_cast<Timestamp>(static_cast<uint64_t>(trailers->ts) +
                                   steps * trailers->ts_unit);
    e->seq_kind = (trailers->seq + seq) << 8 | ((flag >> 1) & 1);
  } else {
    e->value_len = flag >> 1;
  }
  e->expire_delta = 0;
  if (e->has_expiry) {
    uint64_t z;
    if ((p = Varint64(p, end, &z)) == nullptr) return false;
    e->expire_delta = ZigZagDecode(z);
  }
  uint64_t avail = static_cast<uint64_t>(end - p);
  if (e->unshared > avail || e->value_len > avail - e->unshared) return false;
  e->key_delta = p;
  e->value = p + e->unshared;
  e->next = static_cast<uint32_t>(e->value + e->value_len - base);
  return true;
}

// The size of entry e's internal key.
inline size_t KeySize(const Entry& e) {
  return size_t{e.shared} + e.unshared + (e.packed ? kInternalKeyTrailer : 0);
}

// Whether e's shared prefix fits in the previous internal key (of
// prev_size bytes; a packed entry shares only user-key bytes).
inline bool SharedFits(const Entry& e, size_t prev_size) {
  if (!e.packed) return e.shared <= prev_size;
  return e.shared == 0 || (prev_size >= kInternalKeyTrailer &&
                           e.shared <= prev_size - kInternalKeyTrailer);
}

// Whether the entry's whole internal key lies in the payload (kRow
// restarts), to be compared where it is.
inline bool KeyInPlace(const Entry& e) { return !e.packed && e.shared == 0; }

// Writes a packed entry's trailer at dst (16 bytes).
inline void WriteTrailer(char* dst, const Entry& e) {
  EncodeOrderedInt64(dst, e.ts);
  EncodeBigEndian64(dst + 8, ~e.seq_kind);
}

// Replaces *key, the previous entry's internal key, with e's.
inline void AppendKey(std::string* key, const Entry& e) {
  key->resize(e.shared);
  key->append(e.key_delta, e.unshared);
  if (e.packed) {
    char t[kInternalKeyTrailer];
    WriteTrailer(t, e);
    key->append(t, sizeof(t));
  }
}

// Keys up to this size are rebuilt from their shared prefix in a buffer on
// the stack, longer ones in a string.
constexpr size_t kInlineKeyBytes = 128;

// The key of entry e, whose previous key is `prev`: rebuilt into `buf`
// (kInlineKeyBytes) or, when longer, *scratch; prev may lie in either.
inline std::string_view RebuildKey(std::string_view prev, const Entry& e,
                                   char* buf, std::string* scratch) {
  const size_t size = KeySize(e);
  char* dst;
  if (size <= kInlineKeyBytes) {
    if (prev.data() != buf && e.shared > 0) {
      std::memcpy(buf, prev.data(), e.shared);
    }
    dst = buf;
  } else {
    if (prev.data() != scratch->data()) scratch->assign(prev);
    scratch->resize(size);
    dst = scratch->data();
  }
  std::memcpy(dst + e.shared, e.key_delta, e.unshared);
  if (e.packed) WriteTrailer(dst + e.shared + e.unshared, e);
  return std::string_view(dst, size);
}

// Compares the internal key of e, an entry at a restart, with target.
inline int CompareRestartKey(const Entry& e, std::string_view target) {
  const std::string_view k(e.key_delta, e.unshared);
  if (!e.packed) return CompareInternalKeys(k, target);
  const int c = k.compare(ExtractUserKey(target));
  if (c != 0) return c;
  char t[kInternalKeyTrailer];
  WriteTrailer(t, e);
  return std::string_view(t, kInternalKeyTrailer)
      .compare(target.substr(target.size() - kInternalKeyTrailer));
}

// The user key of e, an entry at a restart.
inline std::string_view RestartUserKeyOf(const Entry& e) {
  const std::string_view k(e.key_delta, e.unshared);
  return e.packed ? k : ExtractUserKey(k);
}

// For two internal keys of the same user key: whether a sorts before b
// (their 16-byte trailers compared as two big-endian words).
inline bool TrailerBefore(std::string_view a, std::string_view b) {
  const char* ta = a.data() + a.size() - kInternalKeyTrailer;
  const char* tb = b.data() + b.size() - kInternalKeyTrailer;
  const uint64_t a0 = DecodeBigEndian64(ta), b0 = DecodeBigEndian64(tb);
  if (a0 != b0) return a0 < b0;
  return DecodeBigEndian64(ta + 8) < DecodeBigEndian64(tb + 8);
}

// Blocks with at least this many restarts get restart fingerprints.
constexpr uint32_t kMinFingerprintRestarts = 8;

// Point index buckets: the hash's top 12 bits (a tag) above the payload
// offset of an entry or a restart (20 bits), so a point read goes from the
// bucket straight to the entry, without the restart array (one cache line
// fewer); blocks whose entries reach kEmptyBucket's offset (1 MiB) get no
// index.
using Bucket32 = uint32_t;
constexpr Bucket32 kEmptyBucket = 0xFFFFFFFF;
constexpr uint32_t kMaxIndexedEntriesEnd = 0xFFFFF;  // offsets 0..0xFFFFE
// How much of the block's common key prefix the point index keeps.
constexpr size_t kPointPrefixBytes = 32;
// Fingerprint bytes per restart (the fingerprint and a restart offset).
constexpr size_t kFingerprintBytesPerRestart = 12;
inline uint32_t HashTag(uint64_t h) { return static_cast<uint32_t>(h >> 52); }
inline uint32_t BucketTag(Bucket32 b) { return b >> 20; }
inline uint32_t BucketRunOffset(Bucket32 b) { return b & 0xFFFFF; }

class RowBlock final : public Block {
 public:
  // `trailers`: the bases of a packed block; null for kRow.
  RowBlock(std::string data, uint32_t entries_end, uint32_t num_restarts,
           uint32_t count, const TrailerBase* trailers)
      : trailers_(trailers != nullptr ? *trailers : TrailerBase{}),
        entries_end_(entries_end),
        num_restarts_(num_restarts),
        one_per_restart_(count == num_restarts),
        packed_(trailers != nullptr),
        data_(std::move(data)) {
    base_ = data_.data();
    assert(point_prefix_ + kPointPrefixBytes <=
           reinterpret_cast<const char*>(this) + kPointHeadBytes);
    // A block with a point index seldom sees other seeks (a scan starts at
    // most once per block): it does without fingerprints and their memory.
    BuildPointIndex(count);
    if (!has_point_index()) BuildFingerprints();
  }

  size_t MemoryUsage() const override {
    return sizeof(*this) + data_.capacity() +
           fingerprints_.capacity() * sizeof(uint64_t) +
           (has_point_index() ? bucket_mask_ + size_t{1} : 0) *
               sizeof(Bucket32);
  }
  std::unique_ptr<InternalIterator> NewIterator() const override;
  bool Rebind(InternalIterator* it) const override;

  const char* base() const { return base_; }
  // The trailer bases to parse entries with (null: kRow).
  const TrailerBase* trailers() const { return packed_ ? &trailers_ : nullptr; }
  uint32_t entries_end() const { return entries_end_; }
  uint32_t num_restarts() const { return num_restarts_; }
  uint32_t restart(uint32_t i) const {
    if (offsets_ != nullptr) return DecodeFixed32(offsets_ + 4 * i);
    return DecodeFixed32(base_ + entries_end_ + 4 * i);
  }

  // Seeks compare against restart keys through a compact array instead of
  // parsing each probed entry (a cache miss apiece in a cold block): every
  // restart's user key shares prefix() (that of the first and last
  // restart keys), and fingerprint(i) is the KeyWindow after it. Empty when
  // the block has few restarts.
  // The prefix bytes are stored just before the fingerprints, so one
  // prefetch covers both.
  bool has_fingerprints() const { return !fingerprints_.empty(); }
  std::string_view prefix() const {
    return std::string_view(reinterpret_cast<const char*>(fingerprints_.data()),
                            prefix_len_);
  }
  const uint64_t* fingerprints() const {
    return fingerprints_.data() + prefix_words_;
  }
  const char* fingerprint_bytes() const {
    return reinterpret_cast<const char*>(fingerprints_.data());
  }
  size_t fingerprint_size() const { return 8 * fingerprints_.size(); }
  // Every restart starts a one-entry run (blocks of large values).
  bool one_per_restart() const { return one_per_restart_; }

  // With fingerprints, for a target whose user key tuk starts with
  // prefix(): the last restart whose key is < target into *left. False if
  // a probed entry is malformed (*left is then its restart).
  bool SearchFingerprints(std::string_view tuk, std::string_view target,
                          uint32_t* left) const {
    const uint64_t* fp = fingerprints();
    const uint64_t t = KeyWindow(tuk, prefix_len_);
    uint32_t lo = 0, hi = num_restarts_ - 1;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo + 1) / 2;
      int c;
      if (fp[mid] != t) {
        c = fp[mid] < t ? -1 : 1;
      } else {
        Entry e;
        if (!ParseEntry(base(), restart(mid), entries_end_, trailers(), &e) ||
            e.shared != 0) {
          *left = mid;
          return false;
        }
        c = CompareRestartKey(e, target);
      }
      if (c < 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    *left = lo;
    return true;
  }

  // Batched point reads: load what a seek will read into the CPU cache:
  // the target's point-index bucket (else the fingerprints), then, once it
  // arrived, the run it names (else the run the fingerprints name).
  void PrefetchIndex(std::string_view target, uint64_t hash) const override {
    if (has_point_index() && target.size() >= kInternalKeyTrailer) {
      // The bucket, which holds the run's offset.
      __builtin_prefetch(&buckets_[Bucket(hash)]);
      return;
    }
    const char* p =
        has_fingerprints() ? fingerprint_bytes() : base() + entries_end_;
    const size_t n =
        has_fingerprints() ? fingerprint_size() : 4 * size_t{num_restarts_};
    for (size_t off = 0; off < n && off < 2048; off += 64) {
      __builtin_prefetch(p + off);
    }
  }
  void PrefetchSeek(std::string_view target, uint64_t hash) const override {
    if (target.size() < kInternalKeyTrailer) return;
    uint32_t from;
    // A searched run may hold a few entries; an indexed one starts with
    // the target's.
    uint32_t span = 2 * static_cast<uint32_t>(kRestartBytes);
    if (has_point_index()) {
      // The first candidate run, probing as the seek will (the key is often
      // not in its home bucket; a miss here would cost the seek a full
      // memory round trip).
      const uint64_t h = hash;
      Bucket32 b = kEmptyBucket;
      for (uint32_t i = Bucket(h), probes = 0; probes <= bucket_mask_;
           i = (i + 1) & bucket_mask_, ++probes) {
        b = buckets_[i];
        if (b == kEmptyBucket || BucketTag(b) == HashTag(h)) break;
      }
      if (b == kEmptyBucket) return;
      // The key's first entry, or its run (the run's end would take the
      // restart array, the very line the bucket spares).
      from = BucketRunOffset(b);
      span = point_span_;
    } else {
      std::string_view tuk = ExtractUserKey(target);
      if (!has_fingerprints() || !tuk.starts_with(prefix())) return;
      // The last restart whose fingerprint is below the target's: the
      // target lies in its run or in the runs after it that share the
      // target's fingerprint. Equal fingerprints are not resolved (that
      // would read an entry, the very miss this hides).
      const uint64_t* fp = fingerprints();
      const uint64_t t = KeyWindow(tuk, prefix_len_);
      uint32_t lo = 0, hi = num_restarts_ - 1;
      while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (fp[mid] < t) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      from = restart(lo);
    }
    const uint32_t to = std::min<uint32_t>(entries_end_, from + span);
    for (uint32_t off = from & ~63u; off < to; off += 64) {
      __builtin_prefetch(base() + off);
    }
  }

  PointRead ReadPoint(std::string_view target, uint64_t hash,
                      std::string* scratch, PointVisitor visit,
                      size_t* visited) const override;

  // The point index: bucket i (linear probing from Bucket(hash of the user
  // key)) holds HashTag(hash) << 20 | the offset of the first entry of that
  // user key, or of the restart whose run holds it, or kEmptyBucket. A named
  // entry shares with its predecessor only bytes of point_prefix_, so it
  // parses with that in place of the predecessor's key. Every distinct
  // user key is in it, so an empty bucket on the probe path means the block has
  // no entry of the key.
  bool has_point_index() const { return buckets_ != nullptr; }
  static uint64_t PointHash(std::string_view internal_key) {
    return PointKeyHash(ExtractUserKey(internal_key));
  }
  uint32_t Bucket(uint64_t h) const {
    return static_cast<uint32_t>(h) & bucket_mask_;
  }
  Bucket32 bucket(uint32_t i) const { return buckets_[i & bucket_mask_]; }
  // The number of the restart at payload offset `off` (a restart's).
  uint32_t RestartAt(uint32_t off) const {
    uint32_t lo = 0, hi = num_restarts_ - 1;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo + 1) / 2;
      if (restart(mid) <= off) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
  uint32_t bucket_mask() const { return bucket_mask_; }

 private:
  // The restart keys of a decoded (validated) block, full at restarts.
  std::string_view RestartUserKey(uint32_t i) const {
    Entry e;
    ParseEntry(base(), restart(i), entries_end_, trailers(), &e);
    return RestartUserKeyOf(e);
  }

  void BuildFingerprints() {
    if (num_restarts_ < kMinFingerprintRestarts) return;
    std::string_view first = RestartUserKey(0);
    std::string_view last = RestartUserKey(num_restarts_ - 1);
    size_t cp = 0;
    while (cp < first.size() && cp < last.size() && first[cp] == last[cp]) ++cp;
    prefix_len_ = cp;
    prefix_words_ = (cp + 7) / 8;
    const size_t offset_words = (num_restarts_ + 1) / 2;
    fingerprints_.assign(prefix_words_ + num_restarts_ + offset_words, 0);
    std::memcpy(fingerprints_.data(), first.data(), cp);
    for (uint32_t i = 0; i < num_restarts_; ++i) {
      fingerprints_[prefix_words_ + i] = KeyWindow(RestartUserKey(i), cp);
    }
    // A copy of the restart offsets next to the fingerprints, so a seek
    // does not also miss on the restart array at the block's end.
    char* offsets = reinterpret_cast<char*>(fingerprints_.data() +
                                            prefix_words_ + num_restarts_);
    for (uint32_t i = 0; i < num_restarts_; ++i) {
      EncodeFixed32(offsets + 4 * i, restart(i));
    }
    offsets_ = offsets;
  }

  // Load factor at most 8/9: the probes of a present key (the usual point
  // read) still mostly stay on the first line, 16 buckets long. A block
  // of documents (the writer keeps 128 to a block) takes 256 buckets, 1 KiB
  // of its ~37 KiB.
  static uint32_t BucketsFor(size_t keys) {
    uint32_t n = 8;
    while (n < keys + keys / 8) n *= 2;
    return n;
  }

  // Only where it costs no more than fingerprints would (or 1/32 of the
  // block): blocks of large entries, such as documents. Blocks of many
  // small entries per restart keep fingerprints.
  void BuildPointIndex(uint32_t count) {
    if (num_restarts_ == 0 || entries_end_ >= kMaxIndexedEntriesEnd) return;
    const size_t fingerprints =
        num_restarts_ >= kMinFingerprintRestarts
            ? kFingerprintBytesPerRestart * num_restarts_
            : 0;
    const size_t budget = std::max(fingerprints, data_.size() / 32);
    // Blocks of small entries are turned down before a pass over them (a
    // cache miss decodes the block, and this pass was half of that): the
    // index would not fit even with two versions per key on average.
    if (BucketsFor(count / 2) * sizeof(Bucket32) > budget) return;
    // The first entry of each distinct user key: its hash, and its offset
    // if it reads on its own (below), else the offset of the restart whose
    // run holds it.
    std::vector<std::pair<uint64_t, uint32_t>> firsts;
    std::string key, first_user_key;
    uint32_t off = 0, run = 0, next_restart = 0;
    bool all_entries = true;
    while (off < entries_end_) {
      Entry e;
      // Validated when decoded; a failure here just leaves no index.
      if (!ParseEntry(base(), off, entries_end_, trailers(), &e) ||
          !SharedFits(e, key.size())) {
        return;
      }
      if (next_restart < num_restarts_ && restart(next_restart) == off) {
        run = off;
        ++next_restart;
      }
      const size_t prev_user_len = key.size() >= kInternalKeyTrailer
                                       ? key.size() - kInternalKeyTrailer
                                       : 0;
      // Same length and no user-key byte changed (or, at a restart, the
      // same bytes written out again).
      const bool same_user_key =
          !firsts.empty() && KeySize(e) == key.size() &&
          (e.shared >= prev_user_len ||
           (e.shared == 0 &&
            std::memcmp(e.key_delta, key.data(), prev_user_len) == 0));
      AppendKey(&key, e);
      if (key.size() < kInternalKeyTrailer) return;
      if (firsts.empty()) {
        first_user_key.assign(ExtractUserKey(key));
        point_prefix_len_ = static_cast<uint8_t>(
            std::min(first_user_key.size(), kPointPrefixBytes));
        std::memcpy(point_prefix_, first_user_key.data(), point_prefix_len_);
      }
      if (same_user_key) {
        off = e.next;
        continue;
      }
      // Keys between the block's first and this one share their common
      // prefix, so an entry sharing no more than that with its predecessor
      // (writers keep it so: row_block_builder.cc) is the kept prefix's
      // bytes and its own: it parses without the entries before it.
      const std::string_view user_key = ExtractUserKey(key);
      const size_t common = std::min<size_t>(
          point_prefix_len_, CommonPrefix(first_user_key, user_key));
      const bool alone = e.shared <= common;
      firsts.emplace_back(PointHash(key), alone ? off : run);
      all_entries = all_entries && alone;
      off = e.next;
    }
    const uint32_t n = BucketsFor(firsts.size());
    if (n * sizeof(Bucket32) > budget) return;
    buckets_ = std::make_unique<Bucket32[]>(n);
    std::fill_n(buckets_.get(), n, kEmptyBucket);
    bucket_mask_ = n - 1;
    for (const auto& [h, at] : firsts) {
      uint32_t i = Bucket(h);
      while (buckets_[i] != kEmptyBucket) i = (i + 1) & bucket_mask_;
      buckets_[i] = HashTag(h) << 20 | at;
    }
    // A point read prefetches what it will parse: from a named entry, a
    // mean entry's bytes (a longer one's tail follows while it is copied;
    // a line more measured 2% slower); from a run, the run.
    point_span_ = all_entries
                      ? std::min<uint32_t>(kRestartBytes, entries_end_ / count)
                      : kRestartBytes;
  }

  // What a point read touches, together: the first kPointHeadBytes of the
  // object (checked in the constructor).
  const char* base_;                     // data_.data()
  std::unique_ptr<Bucket32[]> buckets_;  // the point index; null if none
  TrailerBase trailers_;
  uint32_t entries_end_;
  uint32_t bucket_mask_ = 0;
  // How far PrefetchSeek loads from where a bucket points.
  uint32_t point_span_ = kRestartBytes;
  uint32_t num_restarts_;
  bool one_per_restart_;
  bool packed_;
  // The first kPointPrefixBytes of the block's first user key.
  uint8_t point_prefix_len_ = 0;
  char point_prefix_[kPointPrefixBytes];

  std::string data_;
  size_t prefix_len_ = 0;
  size_t prefix_words_ = 0;
  // prefix_words_ words of prefix bytes, one fingerprint per restart, then
  // the restart offsets (u32).
  std::vector<uint64_t> fingerprints_;
  const char* offsets_ = nullptr;  // into fingerprints_ when built
};

class RowBlockIterator final : public InternalIterator {
 public:
  explicit RowBlockIterator(const RowBlock* b)
      : b_(b),
        end_(b->entries_end()),
        current_(end_),
        restart_index_(b->num_restarts()) {}

  // Moves to block b, unpositioned, keeping the key buffer.
  void Reset(const RowBlock* b) {
    b_ = b;
    end_ = b->entries_end();
    current_ = end_;
    next_ = 0;
    restart_index_ = b->num_restarts();
    key_.clear();
    value_ = {};
    expire_at_ = kNeverExpires;
    status_ = absl::OkStatus();
  }

  bool Valid() const override { return current_ < end_; }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  int64_t expire_at() const override { return expire_at_; }
  absl::Status status() const override { return status_; }

  void SeekToFirst() override {
    if (b_->num_restarts() == 0) return Invalidate();
    // A scan entering the block: start loading its first lines together
    // rather than one entry's at a time.
    for (uint32_t off = 0; off < std::min<uint32_t>(end_, kScanStartBytes);
         off += 64) {
      __builtin_prefetch(b_->base() + off);
    }
    SeekToRestart(0);
    ParseNextKey();
  }

  void SeekToLast() override {
    if (b_->num_restarts() == 0) return Invalidate();
    SeekToRestart(b_->num_restarts() - 1);
    while (ParseNextKey() && next_ < end_) {
    }
  }

  void Seek(std::string_view target) override {
    if (b_->num_restarts() == 0) return Invalidate();
    if (b_->has_point_index() && target.size() >= kInternalKeyTrailer &&
        SeekByPointIndex(target)) {
      return;
    }
    // Last restart whose key is < target; entries before it are too small.
    uint32_t left = 0, right = b_->num_restarts() - 1;
    std::string_view tuk = ExtractUserKey(target);
    if (b_->has_fingerprints()) {
      for (size_t off = 0; off < b_->fingerprint_size() && off < 2048;
           off += 64) {
        __builtin_prefetch(b_->fingerprint_bytes() + off);
      }
    }
    if (b_->has_fingerprints() && target.size() >= kInternalKeyTrailer &&
        tuk.starts_with(b_->prefix())) {
      if (!b_->SearchFingerprints(tuk, target, &left)) {
        return Corrupt(b_->restart(left));
      }
      if (b_->one_per_restart() && left > 0) {
        // Restart `left` holds one entry, known to be < target: the answer
        // starts the next restart (or lies past this block).
        if (left + 1 >= b_->num_restarts()) return Invalidate();
        SeekToRestart(left + 1);
        ParseNextKey();
        return;
      }
      SeekToRestart(left);
      while (ParseNextKey()) {
        if (CompareInternalKeys(key_, target) >= 0) return;
      }
      return;
    }
    // The restart array is read at every probe: fetch its lines at once.
    const char* restarts = b_->base() + b_->entries_end();
    for (uint32_t off = 0; off < 4 * b_->num_restarts() && off < 1024;
         off += 64) {
      __builtin_prefetch(restarts + off);
    }
    while (left < right) {
      uint32_t mid = left + (right - left + 1) / 2;
      // Blocks are mostly cold in the CPU cache and each probe stalls on
      // its entry: fetch both possible next probes while this one waits.
      if (right - left >= 3) {
        __builtin_prefetch(b_->base() + b_->restart(left + (mid - left) / 2));
        __builtin_prefetch(b_->base() +
                           b_->restart(mid + (right - mid + 1) / 2));
      }
      Entry e;
      if (!ParseEntry(b_->base(), b_->restart(mid), end_, b_->trailers(), &e) ||
          e.shared != 0) {
        return Corrupt(b_->restart(mid));
      }
      if (CompareRestartKey(e, target) < 0) {
        left = mid;
      } else {
        right = mid - 1;
      }
    }
    SeekToRestart(left);
    while (ParseNextKey()) {
      if (CompareInternalKeys(key_, target) >= 0) return;
    }
  }

  void SeekForPrev(std::string_view target) override {
    Seek(target);
    if (!status_.ok()) return;
    if (!Valid()) {
      SeekToLast();
    } else if (CompareInternalKeys(key_, target) > 0) {
      Prev();
    }
  }

  void Next() override { ParseNextKey(); }

  // The current entry and the ones after it in this block: keys rebuilt
  // into run_arena_ (the current key too, as MoveInKeyRun rewrites key_).
  // A malformed entry ends the run: Next() reports it. Decoding stops at
  // user_limit: a scan's last block is mostly past its range.
  bool CurrentKeyRun(KeyRun* run, size_t max,
                     std::string_view user_limit) override {
    run_at_.clear();
    run_.clear();
    run_at_.reserve(max);
    run_.reserve(max);
    // The arena's bytes past `used` are garbage, not cleared: it is only
    // resized (zero-filled) when a run needs more room than any before.
    size_t used = key_.size();
    const size_t want = std::max(max, size_t{1}) * (key_.size() + 8);
    if (run_arena_.size() < want) run_arena_.resize(want);
    std::memcpy(run_arena_.data(), key_.data(), key_.size());
    run_at_.push_back({current_, next_, 0, static_cast<uint32_t>(key_.size())});
    run_.push_back({{}, value_, expire_at_});
    AscendingLimit below(user_limit);
    // Past the limit already: so is every later key.
    if (!user_limit.empty() && !below.First(ExtractUserKey(key_))) {
      max = 1;
    }
    uint32_t off = next_;
    while (run_at_.size() < max && off < end_) {
      Entry e;
      const RunAt& prev = run_at_.back();
      if (!ParseEntry(b_->base(), off, end_, b_->trailers(), &e) ||
          !SharedFits(e, prev.key_size)) {
        break;
      }
      const uint32_t key_size = static_cast<uint32_t>(KeySize(e));
      if (used + key_size > run_arena_.size()) {
        run_arena_.resize(std::max(2 * run_arena_.size(), used + key_size));
      }
      // The shared bytes come from the previous key, just before.
      char* dst = run_arena_.data() + used;
      std::memcpy(dst, run_arena_.data() + prev.key_off, e.shared);
      std::memcpy(dst + e.shared, e.key_delta, e.unshared);
      if (e.packed) WriteTrailer(dst + e.shared + e.unshared, e);
      const std::string_view key(dst, key_size);
      if (key_size < kInternalKeyTrailer) break;
      // e.shared counts user-key bytes (packed) or internal-key bytes.
      if (!user_limit.empty() &&
          !below.Next(ExtractUserKey(key),
                      std::min<size_t>(e.shared,
                                       prev.key_size - kInternalKeyTrailer))) {
        break;
      }
      const uint32_t key_off = static_cast<uint32_t>(used);
      used += key_size;
      const Timestamp ts = ExtractTimestamp(key);
      run_at_.push_back({off, e.next, key_off, key_size});
      run_.push_back({{},
                      std::string_view(e.value, e.value_len),
                      e.has_expiry ? static_cast<int64_t>(
                                         static_cast<uint64_t>(ts) +
                                         static_cast<uint64_t>(e.expire_delta))
                                   : kNeverExpires});
      off = e.next;
      __builtin_prefetch(b_->base() + std::min(off + 256, end_));
    }
    // The arena is complete: its keys can be handed out.
    for (size_t i = 0; i < run_.size(); ++i) {
      run_[i].key = std::string_view(run_arena_.data() + run_at_[i].key_off,
                                     run_at_[i].key_size);
    }
    run->entries = run_.data();
    run->size = run_.size();
    return true;
  }

  void MoveInKeyRun(size_t i) override {
    const RunAt& at = run_at_[i];
    current_ = at.current;
    next_ = at.next;
    key_.assign(run_[i].key);
    value_ = run_[i].value;
    expire_at_ = run_[i].expire_at;
    while (restart_index_ + 1 < b_->num_restarts() &&
           b_->restart(restart_index_ + 1) <= current_) {
      restart_index_++;
    }
  }

  void Prev() override {
    uint32_t original = current_;

    while (b_->restart(restart_index_) >= original) {
      if (restart_index_ == 0) return Invalidate();
      restart_index_--;
    }
    SeekToRestart(restart_index_);
    // Walk forward to the entry just before `original`.
    while (ParseNextKey() && next_ < original) {
    }
  }

 private:
  // Seek through the point index: true if done (positioned, or past the
  // block, or corrupt), false if the block holds no entry of the target's
  // user key (then the caller searches: the answer is another key's).
  bool SeekByPointIndex(std::string_view target) {
    const std::string_view tuk = ExtractUserKey(target);
    const uint64_t h = RowBlock::PointHash(target);
    for (uint32_t i = b_->Bucket(h), probes = 0; probes <= b_->bucket_mask();
         ++i, ++probes) {
      const Bucket32 b = b_->bucket(i);
      if (b == kEmptyBucket) return false;
      if (BucketTag(b) != HashTag(h)) continue;
      // The run holding the first entry of this bucket's key: walk to the
      // first entry whose user key is >= tuk.
      SeekToRestart(b_->RestartAt(BucketRunOffset(b)));
      int c = -1;
      while (ParseNextKey()) {
        c = ExtractUserKey(key_).compare(tuk);
        if (c >= 0) break;
      }
      if (!status_.ok() || !Valid()) return true;  // nothing >= target
      if (c > 0) continue;  // another key with the same tag
      while (CompareInternalKeys(key_, target) < 0) {
        if (!ParseNextKey()) return true;
      }
      return true;
    }
    return false;
  }

  void Invalidate() {
    current_ = end_;
    restart_index_ = b_->num_restarts();
  }

  void Corrupt(uint32_t off) {
    status_ = CorruptionError("row block", off, "malformed entry");
    Invalidate();
  }

  void SeekToRestart(uint32_t index) {
    key_.clear();
    restart_index_ = index;
    next_ = b_->restart(index);
  }

  bool ParseNextKey() {
    current_ = next_;
    if (current_ >= end_) {
      Invalidate();
      return false;
    }
    Entry e;
    if (!ParseEntry(b_->base(), current_, end_, b_->trailers(), &e) ||
        !SharedFits(e, key_.size())) {
      Corrupt(current_);
      return false;
    }
    AppendKey(&key_, e);
    if (key_.size() < kInternalKeyTrailer) {
      Corrupt(current_);
      return false;
    }
    value_ = std::string_view(e.value, e.value_len);
    expire_at_ = e.has_expiry
                     ? static_cast<int64_t>(
                           static_cast<uint64_t>(ExtractTimestamp(key_)) +
                           static_cast<uint64_t>(e.expire_delta))
                     : kNeverExpires;
    next_ = e.next;
    // Scans read on: start loading the entries a few lines ahead (large
    // values put every entry on lines of its own).
    __builtin_prefetch(b_->base() + std::min(next_ + 256, end_));
    while (restart_index_ + 1 < b_->num_restarts() &&
           b_->restart(restart_index_ + 1) <= current_) {
      restart_index_++;
    }
    return true;
  }

  const RowBlock* b_;
  uint32_t end_;
  uint32_t current_;  // offset of the current entry; end_ when invalid
  uint32_t next_ = 0;
  uint32_t restart_index_;
  std::string key_;
  std::string_view value_;
  int64_t expire_at_ = kNeverExpires;
  absl::Status status_;
  // The last CurrentKeyRun: where each entry lies and its key in
  // run_arena_, and the arrays handed out.
  struct RunAt {
    uint32_t current, next;
    uint32_t key_off, key_size;
  };
  std::string run_arena_;
  std::vector<RunAt> run_at_;
  std::vector<KeyRunEntry> run_;
};

// The iterator's point-index seek and walk over the target's versions in
// one pass, without an iterator's state: keys stored whole (kRow restarts,
// which is where a run's first entry is) are compared where they lie, and
// only keys rebuilt from a shared prefix or a packed trailer are copied (on
// the stack, or into *scratch).
Block::PointRead RowBlock::ReadPoint(std::string_view target, uint64_t hash,
                                     std::string* scratch, PointVisitor visit,
                                     size_t* visited) const {
  *visited = 0;
  if (!has_point_index() || target.size() < kInternalKeyTrailer) {
    return PointRead::kUnsupported;
  }
  const std::string_view tuk = ExtractUserKey(target);
  const Timestamp ts = ExtractTimestamp(target);
  char inline_key[kInlineKeyBytes];
  for (uint32_t i = Bucket(hash), probes = 0; probes <= bucket_mask_;
       i = (i + 1) & bucket_mask_, ++probes) {
    const Bucket32 b = buckets_[i];
    if (b == kEmptyBucket) return PointRead::kDone;  // no entry of tuk
    if (BucketTag(b) != HashTag(hash)) continue;
    // The first entry of this bucket's key, or the run holding it.
    uint32_t off = BucketRunOffset(b);
    // The entry's key, in the block or in *scratch; first the block's
    // first key's prefix, which holds a named entry's shared bytes.
    std::string_view key(point_prefix_, point_prefix_len_);
    bool first = true;
    enum { kBefore, kAtOrAfter, kMatching } phase = kBefore;
    bool probe_on = false;
    while (off < entries_end_) {
      Entry e;
      if (!ParseEntry(base(), off, entries_end_, trailers(), &e) ||
          !(first ? e.shared <= key.size() : SharedFits(e, key.size()))) {
        return PointRead::kCorrupt;
      }
      first = false;
      if (KeyInPlace(e)) {
        key = std::string_view(e.key_delta, e.unshared);
      } else {
        key = RebuildKey(key, e, inline_key, scratch);
      }
      if (key.size() < kInternalKeyTrailer) return PointRead::kCorrupt;
      off = e.next;
      // Whether the entry's user key is tuk (each entry compares it once).
      bool same_user_key;
      if (phase == kBefore) {
        const int c = ExtractUserKey(key).compare(tuk);
        if (c < 0) continue;
        if (c > 0) {  // another key with the same tag
          probe_on = true;
          break;
        }
        phase = kAtOrAfter;
        same_user_key = true;
      } else {
        same_user_key = ExtractUserKey(key) == tuk;
      }
      if (!same_user_key) return PointRead::kDone;
      if (phase == kAtOrAfter) {
        // Same user key: the trailers (ts, then sequence descending) order
        // the versions, as big-endian words.
        if (TrailerBefore(key, target)) continue;
        phase = kMatching;
      }
      if (ExtractTimestamp(key) != ts) return PointRead::kDone;
      const int64_t expire_at =
          e.has_expiry
              ? static_cast<int64_t>(static_cast<uint64_t>(ts) +
                                     static_cast<uint64_t>(e.expire_delta))
              : kNeverExpires;
      ++*visited;
      if (!visit(key, expire_at, std::string_view(e.value, e.value_len))) {
        return PointRead::kDone;
      }
    }
    if (probe_on) continue;
    // Ran off the block: still matching, or nothing at or after target.
    return phase == kMatching ? PointRead::kRanOff : PointRead::kDone;
  }
  return PointRead::kDone;
}

std::unique_ptr<InternalIterator> RowBlock::NewIterator() const {
  return std::make_unique<RowBlockIterator>(this);
}

bool RowBlock::Rebind(InternalIterator* it) const {
  if (it == nullptr || typeid(*it) != typeid(RowBlockIterator)) return false;
  static_cast<RowBlockIterator*>(it)->Reset(this);
  return true;
}

}  // namespace

uint64_t PointKeyHash(std::string_view user_key) {
  return StableHash64(user_key);
}

bool RowBlockHasPointIndex(const Block& block) {
  const auto* row = dynamic_cast<const RowBlock*>(&block);
  return row != nullptr && row->has_point_index();
}

absl::StatusOr<std::shared_ptr<Block>> DecodeRowBlock(std::string payload,
                                                      uint32_t count,
                                                      std::string_view where,
                                                      BlockEncoding encoding) {
  auto corrupt = [&](uint64_t off, std::string_view what) {
    return CorruptionError(where, off, what);
  };
  const bool packed = encoding == BlockEncoding::kRowPacked;
  // What follows the restart array: the packed bases, num_restarts.
  const size_t tail = 4 + (packed ? kTrailerBaseBytes : 0);
  if (payload.size() < tail || payload.size() > UINT32_MAX) {
    return corrupt(0, "row block has a bad size");
  }
  const uint32_t size = static_cast<uint32_t>(payload.size());
  const uint32_t num_restarts = DecodeFixed32(payload.data() + size - 4);
  if (num_restarts > (size - tail) / 4) {
    return corrupt(size - 4, "restart count exceeds the block");
  }
  const uint32_t entries_end =
      static_cast<uint32_t>(size - tail - 4 * size_t{num_restarts});
  if ((count == 0) != (num_restarts == 0) || num_restarts > count) {
    return corrupt(size - 4, "restart count does not fit the record count");
  }
  const char* base = payload.data();
  TrailerBase trailers;
  if (packed) {
    const size_t at = entries_end + 4 * size_t{num_restarts};
    trailers.ts = static_cast<Timestamp>(DecodeFixed64(base + at));
    trailers.ts_unit = DecodeFixed64(base + at + 8);
    trailers.seq = DecodeFixed64(base + at + 16);
    if (trailers.ts_unit == 0) return corrupt(at + 8, "ts unit of 0");
    if (trailers.seq > kMaxSequenceNumber) {
      return corrupt(at + 16, "base sequence out of range");
    }
  }
  const TrailerBase* tb = packed ? &trailers : nullptr;
  auto restart = [&](uint32_t i) {
    return DecodeFixed32(base + entries_end + 4 * i);
  };
  if (num_restarts > 0 && restart(0) != 0) {
    return corrupt(entries_end, "first restart is not at offset 0");
  }
  // One pass over every entry, so iterators never meet a surprise.
  uint32_t off = 0, next_restart = 0, seen = 0;
  uint64_t prev_len = 0;  // of the previous key (packed: its user key)
  while (off < entries_end) {
    Entry e;
    if (!ParseEntry(base, off, entries_end, tb, &e)) {
      return corrupt(off, "entry overruns the block");
    }
    bool at_restart =
        next_restart < num_restarts && restart(next_restart) == off;
    if (next_restart < num_restarts && restart(next_restart) < off) {
      return corrupt(entries_end + 4 * next_restart,
                     "restart point not on an entry boundary");
    }
    if (at_restart) next_restart++;
    if ((at_restart && e.shared != 0) || e.shared > prev_len) {
      return corrupt(off, "bad shared key length");
    }
    prev_len = uint64_t{e.shared} + e.unshared;
    // (A packed entry's sequence was range-checked as it was parsed.)
    if (!packed && prev_len < kInternalKeyTrailer) {
      return corrupt(off, "key too short");
    }
    if (++seen > count) return corrupt(off, "more entries than the header");
    off = e.next;
  }
  if (next_restart != num_restarts) {
    return corrupt(entries_end, "restart point past the entries");
  }
  if (seen != count) return corrupt(entries_end, "fewer entries than header");
  return std::shared_ptr<Block>(std::make_shared<RowBlock>(
      std::move(payload), entries_end, num_restarts, count, tb));
}

}  // namespace strata
