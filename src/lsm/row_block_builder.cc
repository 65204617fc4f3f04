// Row block writers (schema/sst.md "Block encodings"): encoding 1 (kRow)
// and encoding 3 (kRowPacked, what tables write since format version 2).
#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "lsm/key_prefix.h"
#include "lsm/row_block_format.h"
#include "util/coding.h"

namespace strata {
namespace {

// The expire_delta field, present only for entries that expire.
void AppendExpireDelta(std::string* dst, Timestamp ts, int64_t expire_at) {
  if (expire_at == kNeverExpires) return;
  // Wrapping subtraction: any (ts, expire_at) pair round-trips.
  const uint64_t delta =
      static_cast<uint64_t>(expire_at) - static_cast<uint64_t>(ts);
  PutVarint64(dst, ZigZagEncode(static_cast<int64_t>(delta)));
}

// Encoding 1 (kRow) streams each entry out as it is added. Encoding 3
// (kRowPacked) keeps the entries until Finish(), when the bases (smallest
// ts and sequence, and the ts step) are known; restarts and shared
// prefixes are chosen as they come, the same way, over user keys.
class RowBlockBuilder final : public BlockBuilder {
 public:
  RowBlockBuilder(int restart_interval, BlockEncoding encoding)
      : interval_(std::max(1, restart_interval)),
        packed_(encoding == BlockEncoding::kRowPacked) {}

  void Add(std::string_view ikey, int64_t expire_at,
           std::string_view value) override {
    // Packed entries share only user-key bytes: the trailer is encoded
    // apart.
    const std::string_view key = packed_ ? ExtractUserKey(ikey) : ikey;
    size_t shared = 0;
    if (counter_ >= interval_ || count_ == 0 ||
        size_ - restarts_.back() >= kRestartBytes) {
      restarts_.push_back(static_cast<uint32_t>(size_));
      counter_ = 0;
    } else {
      size_t n = std::min(last_key_.size(), key.size());
      while (shared < n && last_key_[shared] == key[shared]) shared++;
      // A large entry starting a user key shares no more than the block's
      // first user key does, so point reads can parse it alone.
      const std::string_view user_key = ExtractUserKey(ikey);
      const std::string_view last_user_key =
          packed_ ? std::string_view(last_key_) : ExtractUserKey(last_key_);
      if (value.size() >= kAloneEntryBytes && user_key != last_user_key) {
        shared = std::min(shared, CommonPrefix(first_user_key_, user_key));
      }
    }
    if (count_ == 0) first_user_key_.assign(ExtractUserKey(ikey));
    if (packed_) {
      Pending p;
      p.restart = counter_ == 0;
      p.shared = static_cast<uint32_t>(shared);
      p.unshared = static_cast<uint32_t>(key.size() - shared);
      p.value_size = value.size();
      p.ts = ExtractTimestamp(ikey);
      const uint64_t packed = ExtractPackedSeqKind(ikey);
      p.seq = packed >> 8;
      p.kind = static_cast<uint8_t>(packed & 0xff);
      p.expire_at = expire_at;
      p.bytes_offset = bytes_.size();
      bytes_.append(key.data() + shared, key.size() - shared);
      bytes_.append(value.data(), value.size());
      pending_.push_back(p);
      // An estimate of the entry's encoded size (the deltas are not known
      // yet): what restarts by bytes and SizeEstimate() go by.
      size_ += 12 + (key.size() - shared) + value.size() +
               (expire_at != kNeverExpires ? 5 : 0);
    } else {
      PutVarint32(&buf_, static_cast<uint32_t>(shared));
      PutVarint32(&buf_, static_cast<uint32_t>(key.size() - shared));
      PutVarint64(&buf_, uint64_t{value.size()} << 1 |
                             (expire_at != kNeverExpires ? 1 : 0));
      AppendExpireDelta(&buf_, ExtractTimestamp(ikey), expire_at);
      buf_.append(key.data() + shared, key.size() - shared);
      buf_.append(value.data(), value.size());
      size_ = buf_.size();
    }
    last_key_.assign(key.data(), key.size());
    counter_++;
    count_++;
  }

  std::string_view Finish() override {
    if (packed_) {
      EncodePacked();
    } else {
      for (uint32_t r : restarts_) PutFixed32(&buf_, r);
    }
    PutFixed32(&buf_, static_cast<uint32_t>(restarts_.size()));
    return buf_;
  }

  void Reset() override {
    buf_.clear();
    bytes_.clear();
    pending_.clear();
    restarts_.clear();
    last_key_.clear();
    first_user_key_.clear();
    size_ = 0;
    counter_ = 0;
    count_ = 0;
  }

  uint32_t count() const override { return count_; }
  size_t SizeEstimate() const override {
    return size_ + 4 * restarts_.size() + 4 + (packed_ ? kTrailerBaseBytes : 0);
  }
  BlockEncoding encoding() const override {
    return packed_ ? BlockEncoding::kRowPacked : BlockEncoding::kRow;
  }

 private:
  struct Pending {
    bool restart;  // the entry starts a run
    uint32_t shared, unshared;
    size_t value_size;
    Timestamp ts;
    SequenceNumber seq;
    uint8_t kind;
    int64_t expire_at;
    size_t bytes_offset;  // in bytes_: key delta, then value
  };

  void EncodePacked() {
    TrailerBase base;
    if (!pending_.empty()) {
      base.ts = pending_[0].ts;
      base.seq = pending_[0].seq;
      for (const Pending& p : pending_) {
        base.ts = std::min(base.ts, p.ts);
        base.seq = std::min(base.seq, p.seq);
      }
      uint64_t unit = 0;
      for (const Pending& p : pending_) {
        unit = std::gcd(
            unit, static_cast<uint64_t>(p.ts) - static_cast<uint64_t>(base.ts));
      }
      base.ts_unit = unit == 0 ? 1 : unit;
    }
    // The restarts were placed by estimated offsets: now the real ones.
    restarts_.clear();
    for (const Pending& p : pending_) {
      if (p.restart) restarts_.push_back(static_cast<uint32_t>(buf_.size()));
      PutVarint32(&buf_, p.shared);
      PutVarint32(&buf_, p.unshared);
      const bool has_expiry = p.expire_at != kNeverExpires;
      PutVarint64(&buf_, uint64_t{p.value_size} << 2 | uint64_t{p.kind} << 1 |
                             (has_expiry ? 1 : 0));
      PutVarint64(&buf_, (static_cast<uint64_t>(p.ts) -
                          static_cast<uint64_t>(base.ts)) /
                             base.ts_unit);
      PutVarint64(&buf_, p.seq - base.seq);
      AppendExpireDelta(&buf_, p.ts, p.expire_at);
      buf_.append(bytes_, p.bytes_offset, p.unshared + p.value_size);
    }
    for (uint32_t off : restarts_) PutFixed32(&buf_, off);
    PutFixed64(&buf_, static_cast<uint64_t>(base.ts));
    PutFixed64(&buf_, base.ts_unit);
    PutFixed64(&buf_, base.seq);
  }

  const int interval_;
  const bool packed_;
  std::string buf_;
  // Packed: the entries until Finish(), their key deltas and values.
  std::vector<Pending> pending_;
  std::string bytes_;
  std::vector<uint32_t> restarts_;  // packed: estimated offsets until Finish
  std::string last_key_;            // packed: the user key
  std::string first_user_key_;      // the block's
  size_t size_ = 0;                 // of the entries (packed: estimated)
  int counter_ = 0;
  uint32_t count_ = 0;
};

}  // namespace

std::unique_ptr<BlockBuilder> NewRowBlockBuilder(int restart_interval,
                                                 BlockEncoding encoding) {
  return std::make_unique<RowBlockBuilder>(restart_interval, encoding);
}

}  // namespace strata
