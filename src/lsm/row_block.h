// Row-encoded data blocks (BlockEncoding::kRow): LevelDB-style prefix
// compression of internal keys with restart points, plus per-entry expiry.
// Packed row blocks (kRowPacked, what tables write since format version 2)
// are the same with each key's 16-byte trailer stored as a ts step and a
// sequence delta from block-wide bases, and prefixes shared over user keys
// only; the reader reads both, and the layout below is encoding 1's.
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
//
// This header: the decoded block (RowBlock), shared by row_block.cc
// (decoding, fingerprints), row_block_point.cc (the point index and point
// reads) and row_block_iterator.cc.
#ifndef STRATA_LSM_ROW_BLOCK_H_
#define STRATA_LSM_ROW_BLOCK_H_

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "lsm/key_prefix.h"
#include "lsm/row_block_entry.h"
#include "lsm/row_block_format.h"
#include "util/coding.h"

namespace strata::row_block_internal {

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
                          uint32_t* left) const;

  // Batched point reads: load what a seek will read into the CPU cache:
  // the target's point-index bucket (else the fingerprints), then, once it
  // arrived, the run it names (else the run the fingerprints name).
  void PrefetchIndex(std::string_view target, uint64_t hash) const override;
  void PrefetchSeek(std::string_view target, uint64_t hash) const override;

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
  // The user key of restart i (whole there) of the decoded block.
  std::string_view RestartUserKey(uint32_t i) const;
  // Built when the block is decoded, one or the other (row_block.cc,
  // row_block_point.cc).
  void BuildFingerprints();
  void BuildPointIndex(uint32_t count);
  // The point index's size for `keys` distinct user keys.
  static uint32_t BucketsFor(size_t keys);

  // What a point read touches, together: the first kPointHeadBytes of the
  // object (checked in the constructor).
  // data_.data(), here so that a point read finds it in the head (data_
  // itself lies past it).
  const char* base_;
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

inline bool RowBlock::SearchFingerprints(std::string_view tuk,
                                         std::string_view target,
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

}  // namespace strata::row_block_internal

#endif  // STRATA_LSM_ROW_BLOCK_H_
