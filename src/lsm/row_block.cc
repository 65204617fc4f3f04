// Row blocks: decoding (every offset validated once, up front) and the
// restart fingerprints of blocks without a point index. The layout and
// the reader's structures are described in row_block.h.
#include "lsm/row_block.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "util/errors.h"
#include "util/hash.h"

namespace strata {
namespace row_block_internal {

std::string_view RowBlock::RestartUserKey(uint32_t i) const {
  Entry e;
  ParseEntry(base(), restart(i), entries_end_, trailers(), &e);
  return RestartUserKeyOf(e);
}

void RowBlock::BuildFingerprints() {
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
  char* offsets = reinterpret_cast<char*>(fingerprints_.data() + prefix_words_ +
                                          num_restarts_);
  for (uint32_t i = 0; i < num_restarts_; ++i) {
    EncodeFixed32(offsets + 4 * i, restart(i));
  }
  offsets_ = offsets;
}

}  // namespace row_block_internal

using row_block_internal::Entry;
using row_block_internal::ParseEntry;
using row_block_internal::RowBlock;

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
