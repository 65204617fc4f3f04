// Opens an SST and reads its blocks: footer and meta blocks once at open,
// data blocks on demand through the block cache. Every byte from disk is
// checksummed before it is parsed, and every parsed length is bounded by
// the file, so a damaged file yields DataLoss naming the file and the
// offset of the damaged block, never a crash or wrong data.
#include "lsm/table_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "lsm/bloom.h"
#include "lsm/dbformat.h"
#include "lsm/partition_near.h"
#include "util/errors.h"

namespace strata {
namespace {

void Bump(ReadStats* stats, std::atomic<uint64_t> ReadStats::*counter,
          uint64_t n = 1) {
  if (stats != nullptr && n > 0) ReadStats::Bump(stats->*counter, n);
}

// Compact forms are cached beside the decoded ones under the block's offset
// with the top bit set (offsets stay far below 2^63), so EraseFile drops
// both.
constexpr uint64_t kCompactFormBit = uint64_t{1} << 63;

bool HeaderMatchesIndex(const BlockHeader& h, const IndexEntry& e) {
  return h.count == e.count && h.min_ts == e.min_ts && h.max_ts == e.max_ts &&
         h.min_expire_at == e.min_expire_at &&
         h.max_expire_at == e.max_expire_at;
}

}  // namespace

Table::Table(std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
             std::string file_name, uint64_t file_number, BlockCache* cache,
             ReadStats* stats)
    : file_(std::move(file)),
      file_size_(file_size),
      file_name_(std::move(file_name)),
      file_number_(file_number),
      cache_(cache),
      stats_(stats) {}

Table::~Table() = default;

absl::StatusOr<std::shared_ptr<Table>> Table::Open(
    std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
    std::string file_name, uint64_t file_number, BlockCache* cache,
    ReadStats* stats) {
  if (file_size < kFooterSize) {
    return CorruptionError(
        file_name, 0,
        absl::StrFormat("file of %d bytes is too short to be an SST",
                        file_size));
  }
  char buf[kFooterSize];
  std::string_view got;
  uint64_t footer_offset = file_size - kFooterSize;
  absl::Status s = file->Read(footer_offset, kFooterSize, &got, buf);
  if (!s.ok()) return Annotate(s, file_name);
  if (got.size() != kFooterSize) {
    return CorruptionError(file_name, footer_offset, "truncated footer");
  }
  Footer footer;
  s = DecodeFooter(got, file_name, file_size, &footer);
  if (!s.ok()) return s;

  std::shared_ptr<Table> t(new Table(std::move(file), file_size,
                                     std::move(file_name), file_number, cache,
                                     stats));
  s = t->LoadMetaBlocks(footer);
  if (!s.ok()) return s;
  return t;
}

absl::Status Table::LoadMetaBlocks(const Footer& footer) {
  BlockHeader h;
  // Properties first: the index is checked against them.
  absl::StatusOr<std::string> props = ReadBlock(
      *file_, file_name_, footer.properties, BlockType::kProperties, &h);
  if (!props.ok()) return props.status();
  if (!DecodeProperties(*props, &props_)) {
    return CorruptionError(file_name_, footer.properties.offset,
                           "malformed properties");
  }

  absl::Status s = LoadIndex(footer.index, footer.range_tombstones.offset);
  if (!s.ok()) return s;

  absl::StatusOr<std::string> filter =
      ReadBlock(*file_, file_name_, footer.filter, BlockType::kFilter, &h);
  if (!filter.ok()) return filter.status();
  filter_ = std::move(*filter);

  absl::StatusOr<std::string> rt =
      ReadBlock(*file_, file_name_, footer.range_tombstones,
                BlockType::kRangeTombstones, &h);
  if (!rt.ok()) return rt.status();
  std::string_view in(*rt);
  for (uint32_t i = 0; i < h.count; i++) {
    RangeTombstone t;
    if (!DecodeRangeTombstone(&in, &t)) break;
    tombstones_.push_back(std::move(t));
  }
  if (!in.empty() || tombstones_.size() != h.count ||
      tombstones_.size() != props_.num_range_tombstones) {
    return CorruptionError(file_name_, footer.range_tombstones.offset,
                           "malformed range tombstone block");
  }
  return absl::OkStatus();
}

absl::Status Table::LoadIndex(const BlockHandle& handle, uint64_t data_end) {
  BlockHeader h;
  absl::StatusOr<std::string> payload =
      ReadBlock(*file_, file_name_, handle, BlockType::kIndex, &h);
  if (!payload.ok()) return payload.status();
  auto corrupt = [&](std::string_view what) {
    return CorruptionError(file_name_, handle.offset, what);
  };
  std::string_view in(*payload);
  uint64_t expect_offset = 0;
  for (uint32_t i = 0; i < h.count; i++) {
    IndexEntry e;
    if (!DecodeIndexEntry(&in, &e)) return corrupt("malformed index entry");
    if (e.first_key.size() < kInternalKeyTrailer ||
        e.last_key.size() < kInternalKeyTrailer ||
        CompareInternalKeys(e.first_key, e.last_key) > 0 ||
        (!index_.empty() &&
         CompareInternalKeys(index_.back().last_key, e.first_key) >= 0)) {
      return corrupt("index keys out of order");
    }
    // Data blocks sit back to back from offset 0.
    if (e.handle.offset != expect_offset || e.handle.size < kBlockHeaderSize ||
        e.handle.size > data_end - e.handle.offset) {
      return corrupt("index entry points outside the data blocks");
    }
    expect_offset += e.handle.size;
    index_.push_back(std::move(e));
  }
  if (!in.empty() || expect_offset != data_end ||
      index_.size() != props_.num_data_blocks) {
    return corrupt("index does not cover the data blocks");
  }
  data_end_ = data_end;
  // The last keys are sorted: all share the first and last ones' common
  // prefix, and their heads start after it.
  head_prefix_.clear();
  if (!index_.empty()) {
    const std::string_view first = ExtractUserKey(index_.front().last_key);
    const std::string_view last = ExtractUserKey(index_.back().last_key);
    head_prefix_ = first.substr(
        0, static_cast<size_t>(std::mismatch(first.begin(), first.end(),
                                             last.begin(), last.end())
                                   .first -
                               first.begin()));
  }
  last_heads_.resize(index_.size());
  for (size_t i = 0; i < index_.size(); ++i) {
    const std::string_view uk = ExtractUserKey(index_[i].last_key);
    for (size_t w = 0; w < last_heads_[i].size(); ++w) {
      last_heads_[i][w] = KeyWindow(uk, head_prefix_.size() + 8 * w);
    }
  }
  return absl::OkStatus();
}

Table::TargetHead Table::HeadOf(std::string_view target) const {
  TargetHead head;
  const std::string_view tuk = ExtractUserKey(target);
  head.usable = !index_.empty() && tuk.starts_with(head_prefix_);
  if (head.usable) {
    for (size_t w = 0; w < head.words.size(); ++w) {
      head.words[w] = KeyWindow(tuk, head_prefix_.size() + 8 * w);
    }
  }
  return head;
}

size_t Table::FirstBlockEndingAtOrAfter(std::string_view target,
                                        size_t near) const {
  const TargetHead head = HeadOf(target);
  return PartitionNear(index_.size(), near,
                       [&](size_t i) { return EndsBefore(i, head, target); });
}

size_t Table::NextBlockEndingAtOrAfter(std::string_view target,
                                       size_t from) const {
  const TargetHead head = HeadOf(target);
  const size_t n = index_.size();
  // A few steps, then a search outward (the targets may be far apart).
  constexpr size_t kSteps = 4;
  for (const size_t end = std::min(n, from + kSteps); from < end; ++from) {
    if (!EndsBefore(from, head, target)) return from;
  }
  return from >= n ? n : PartitionNear(n, from, [&](size_t i) {
    return EndsBefore(i, head, target);
  });
}

absl::StatusOr<std::shared_ptr<const Block>> Table::ReadDataBlockFromFile(
    size_t i, BlockForm form) const {
  const IndexEntry& e = index_[i];
  BlockHeader h;
  absl::StatusOr<std::string> payload =
      ReadBlock(*file_, file_name_, e.handle, BlockType::kData, &h);
  if (!payload.ok()) return payload.status();
  if (!HeaderMatchesIndex(h, e)) {
    return CorruptionError(file_name_, e.handle.offset,
                           "block header disagrees with the index");
  }
  std::string where = absl::StrFormat("%s (data block at offset %d)",
                                      file_name_, e.handle.offset);
  if (h.encoding == static_cast<uint8_t>(BlockEncoding::kRow) ||
      h.encoding == static_cast<uint8_t>(BlockEncoding::kRowPacked)) {
    auto block = DecodeRowBlock(std::move(*payload), h.count, where,
                                static_cast<BlockEncoding>(h.encoding));
    if (!block.ok()) return block.status();
    return std::shared_ptr<const Block>(std::move(*block));
  }
  absl::StatusOr<std::unique_ptr<Block>> block =
      form == BlockForm::kCompact
          ? DecodeCompactColumnarBlock(std::move(*payload), h.count, where)
          : DecodeColumnarBlock(std::move(*payload), h.count, where);
  if (!block.ok()) return block.status();
  return std::shared_ptr<const Block>(std::move(*block));
}

absl::StatusOr<std::shared_ptr<const Block>> Table::ReadDataBlock(
    size_t i, bool fill_cache, BlockForm form) const {
  const uint64_t offset = index_[i].handle.offset;
  const bool compact = form == BlockForm::kCompact;
  if (cache_ != nullptr) {
    // A compact read takes a decoded copy too: it is complete. The compact
    // key goes first: reverse seeks mostly find that one.
    std::shared_ptr<const Block> hit;
    if (compact) hit = cache_->Lookup(file_number_, offset | kCompactFormBit);
    if (hit == nullptr) hit = cache_->Lookup(file_number_, offset);
    if (hit != nullptr) {
      Bump(stats_, &ReadStats::block_cache_hits);
      Bump(stats_, &ReadStats::blocks_read);
      return hit;
    }
    Bump(stats_, &ReadStats::block_cache_misses);
  }
  absl::StatusOr<std::shared_ptr<const Block>> block =
      ReadDataBlockFromFile(i, form);
  if (!block.ok()) return block.status();
  Bump(stats_, &ReadStats::blocks_read);
  if (cache_ != nullptr && fill_cache) {
    // A row block has one form: cache it where decoded reads look.
    const bool keyed_compact = compact && (*block)->IsCompact();
    cache_->Insert(file_number_,
                   keyed_compact ? offset | kCompactFormBit : offset, *block);
  }
  return block;
}

absl::Status Table::ReadDataBlocks(
    std::span<const size_t> blocks, bool fill_cache,
    std::span<std::shared_ptr<const Block>> out) const {
  const size_t n = blocks.size();
  if (cache_ != nullptr) {
    std::vector<uint64_t> offsets(n);
    for (size_t k = 0; k < n; ++k) offsets[k] = index_[blocks[k]].handle.offset;
    const size_t hits = cache_->LookupMany(file_number_, offsets, out);
    Bump(stats_, &ReadStats::block_cache_hits, hits);
    Bump(stats_, &ReadStats::block_cache_misses, n - hits);
  }
  Bump(stats_, &ReadStats::blocks_read, n);
  for (size_t k = 0; k < n; ++k) {
    if (cache_ != nullptr && out[k] != nullptr) continue;
    absl::StatusOr<std::shared_ptr<const Block>> block =
        ReadDataBlockFromFile(blocks[k]);
    if (!block.ok()) return block.status();
    if (cache_ != nullptr && fill_cache) {
      cache_->Insert(file_number_, index_[blocks[k]].handle.offset, *block);
    }
    out[k] = std::move(*block);
  }
  return absl::OkStatus();
}

bool Table::KeyMayMatch(std::string_view user_key) const {
  Bump(stats_, &ReadStats::bloom_checks);
  bool may = BloomFilterMayMatch(filter_, user_key);
  if (!may) Bump(stats_, &ReadStats::bloom_useful);
  return may;
}

uint64_t Table::ApproximateOffsetOf(std::string_view internal_key) const {
  auto it = std::lower_bound(index_.begin(), index_.end(), internal_key,
                             [](const IndexEntry& e, std::string_view k) {
                               return CompareInternalKeys(e.last_key, k) < 0;
                             });
  return it == index_.end() ? data_end_ : it->handle.offset;
}

absl::Status Table::VerifyAllBlocks() const {
  for (size_t i = 0; i < index_.size(); i++) {
    const IndexEntry& e = index_[i];
    absl::StatusOr<std::shared_ptr<const Block>> block =
        ReadDataBlockFromFile(i);
    if (!block.ok()) return block.status();
    auto corrupt = [&](std::string_view what) {
      return CorruptionError(file_name_, e.handle.offset, what);
    };
    std::unique_ptr<InternalIterator> it = (*block)->NewIterator();
    IndexEntry seen;
    std::string prev;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ParsedInternalKey pk;
      if (!ParseInternalKey(it->key(), &pk)) return corrupt("bad record key");
      if (!prev.empty() && CompareInternalKeys(prev, it->key()) >= 0) {
        return corrupt("records out of order");
      }
      int64_t exp =
          pk.kind == ValueKind::kDelete ? kNeverExpires : it->expire_at();
      if (seen.count == 0) {
        seen.first_key.assign(it->key());
        seen.min_ts = seen.max_ts = pk.ts;
        seen.min_expire_at = seen.max_expire_at = exp;
      }
      seen.min_ts = std::min(seen.min_ts, pk.ts);
      seen.max_ts = std::max(seen.max_ts, pk.ts);
      seen.min_expire_at = std::min(seen.min_expire_at, exp);
      seen.max_expire_at = std::max(seen.max_expire_at, exp);
      seen.count++;
      prev.assign(it->key());
    }
    if (!it->status().ok()) return it->status();
    if (seen.count != e.count || seen.first_key != e.first_key ||
        prev != e.last_key || seen.min_ts != e.min_ts ||
        seen.max_ts != e.max_ts || seen.min_expire_at != e.min_expire_at ||
        seen.max_expire_at != e.max_expire_at) {
      return corrupt("block contents disagree with the index");
    }
  }
  return absl::OkStatus();
}

}  // namespace strata
