// The row block's point index (built when a block is decoded) and the
// point reads that use it: batched prefetches and ReadPoint.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "lsm/row_block.h"

namespace strata::row_block_internal {

// Load factor at most 8/9: the probes of a present key (the usual point
// read) still mostly stay on the first line, 16 buckets long. A block
// of documents (the writer keeps 128 to a block) takes 256 buckets, 1 KiB
// of its ~37 KiB.
uint32_t RowBlock::BucketsFor(size_t keys) {
  uint32_t n = 8;
  while (n < keys + keys / 8) n *= 2;
  return n;
}

// Only where it costs no more than fingerprints would (or 1/32 of the
// block): blocks of large entries, such as documents. Blocks of many
// small entries per restart keep fingerprints.
void RowBlock::BuildPointIndex(uint32_t count) {
  if (num_restarts_ == 0 || entries_end_ >= kMaxIndexedEntriesEnd) return;
  const size_t fingerprints = num_restarts_ >= kMinFingerprintRestarts
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
  std::string key;
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
      const std::string_view first = ExtractUserKey(key);
      point_prefix_len_ =
          static_cast<uint8_t>(std::min(first.size(), kPointPrefixBytes));
      std::memcpy(point_prefix_, first.data(), point_prefix_len_);
    }
    if (same_user_key) {
      off = e.next;
      continue;
    }
    // Keys between the block's first and this one share their common
    // prefix, so an entry sharing no more than that with its predecessor
    // (writers keep it so: row_block_builder.cc) is the kept prefix's
    // bytes and its own: it parses without the entries before it.
    const bool alone =
        e.shared <=
        CommonPrefix(std::string_view(point_prefix_, point_prefix_len_),
                     ExtractUserKey(key));
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

void RowBlock::PrefetchIndex(std::string_view target, uint64_t hash) const {
  if (has_point_index() && target.size() >= kInternalKeyTrailer) {
    // The bucket, which holds the entry's (or its run's) offset.
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

void RowBlock::PrefetchSeek(std::string_view target, uint64_t hash) const {
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

}  // namespace strata::row_block_internal
