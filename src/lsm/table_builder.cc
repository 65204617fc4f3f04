// Writes an SST. Layout (schema/sst.md is the authority):
//
//   [data block]*            56-byte header + row or columnar payload (LZ4?)
//   [range-tombstone block]  begin, end, t0, t1, seq per tombstone
//   [filter block]           bloom bits over distinct user keys | k
//   [properties block]       tagged varint fields
//   [index block]            per data block: first/last key, handle, count,
//                            min/max ts, min/max expire_at
//   [footer, 80 bytes]       4 meta handles | crc | version 1 | magic
//
// Entries of the block being filled are buffered so the encoding can be
// chosen when the block is cut (time-series shaped -> columnar).
#include "lsm/table_builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

constexpr size_t kMaxColumnarEntries = 8192;
// Entries per distinct user key from which a block counts as time series.
constexpr size_t kTimeSeriesEntriesPerKey = 4;
// A row block past block_size is cut once it holds this many entries, or
// at kMaxRowBlockSizes block sizes. A block costs about the same whatever
// it holds (an index entry and a search step, a cache slot, its own point
// index), so blocks of large entries, such as documents, share that among
// more entries; and the records of one time window, written together, lie
// in fewer blocks for a windowed read to fetch. Blocks of small entries
// reach the count well before block_size and are cut as before.
constexpr size_t kMinRowBlockEntries = 128;
constexpr size_t kMaxRowBlockSizes = 4;
// Per-entry overhead counted in a block's logical size.
constexpr size_t kEntryOverhead = 8;
// Keeps every block's raw length far inside the header's u32.
constexpr size_t kMaxEntryBytes = size_t{1} << 30;

}  // namespace

TableBuilder::TableBuilder(const TableBuildOptions& options, WritableFile* file,
                           std::string file_name)
    : options_(options),
      file_(file),
      file_name_(std::move(file_name)),
      row_builder_(NewRowBlockBuilder(16, options.row_encoding)),
      columnar_builder_(options.encoding == BlockEncodingChoice::kRow
                            ? nullptr
                            : NewColumnarBlockBuilder()),
      bloom_(options.bloom_bits_per_key) {}

TableBuilder::~TableBuilder() = default;

void TableBuilder::Add(std::string_view ikey, int64_t expire_at,
                       std::string_view value) {
  if (!status_.ok()) return;
  if (closed_) {
    status_ = absl::FailedPreconditionError(
        absl::StrFormat("%s: Add after Finish or Abandon", file_name_));
    return;
  }
  ParsedInternalKey pk;
  if (!ParseInternalKey(ikey, &pk)) {
    status_ = absl::InvalidArgumentError(absl::StrFormat(
        "%s: malformed internal key of %d bytes", file_name_, ikey.size()));
    return;
  }
  if (ikey.size() + value.size() > kMaxEntryBytes) {
    status_ = absl::InvalidArgumentError(
        absl::StrFormat("%s: entry of %d bytes is too large", file_name_,
                        ikey.size() + value.size()));
    return;
  }
  bool first = props_.num_records == 0;
  if (!first && CompareInternalKeys(ikey, last_key_) <= 0) {
    status_ = absl::InvalidArgumentError(
        absl::StrFormat("%s: keys added out of order", file_name_));
    return;
  }
  bool new_user_key = first || pk.user_key != ExtractUserKey(last_key_);
  if (new_user_key) bloom_.AddKey(pk.user_key);

  // Deletes must never let a block or file be skipped as expired.
  int64_t stat_expire =
      pk.kind == ValueKind::kDelete ? kNeverExpires : expire_at;
  IndexEntry& b = pending_index_;
  if (pending_.empty()) {
    b.first_key.assign(ikey);
    b.min_ts = b.max_ts = pk.ts;
    b.min_expire_at = b.max_expire_at = stat_expire;
    pending_distinct_keys_ = 1;
  } else {
    b.min_ts = std::min(b.min_ts, pk.ts);
    b.max_ts = std::max(b.max_ts, pk.ts);
    b.min_expire_at = std::min(b.min_expire_at, stat_expire);
    b.max_expire_at = std::max(b.max_expire_at, stat_expire);
    if (new_user_key) pending_distinct_keys_++;
  }
  pending_.push_back(
      PendingEntry{pending_bytes_.size(), static_cast<uint32_t>(ikey.size()),
                   static_cast<uint32_t>(value.size()), expire_at});
  pending_bytes_.append(ikey.data(), ikey.size());
  pending_bytes_.append(value.data(), value.size());
  pending_logical_ += ikey.size() + value.size() + kEntryOverhead;

  TableProperties& p = props_;
  if (first) p.smallest_key.assign(ikey);
  p.num_records++;
  (pk.kind == ValueKind::kPut ? p.num_puts : p.num_point_deletes)++;
  p.raw_key_bytes += ikey.size();
  p.raw_value_bytes += value.size();
  p.min_ts = std::min(p.min_ts, pk.ts);
  p.max_ts = std::max(p.max_ts, pk.ts);
  p.min_expire_at = std::min(p.min_expire_at, stat_expire);
  p.max_expire_at = std::max(p.max_expire_at, stat_expire);
  p.min_seq = has_seq_ ? std::min(p.min_seq, pk.seq) : pk.seq;
  p.max_seq = has_seq_ ? std::max(p.max_seq, pk.seq) : pk.seq;
  has_seq_ = true;
  last_key_.assign(ikey);

  if (BlockFull()) FlushBlock();
}

void TableBuilder::AddRangeTombstone(const RangeTombstone& t) {
  if (!status_.ok() || closed_) return;
  tombstones_.push_back(t);
  props_.num_range_tombstones++;
  props_.min_seq = has_seq_ ? std::min(props_.min_seq, t.seq) : t.seq;
  props_.max_seq = has_seq_ ? std::max(props_.max_seq, t.seq) : t.seq;
  has_seq_ = true;
}

bool TableBuilder::TimeSeriesShaped() const {
  return pending_.size() >= kTimeSeriesEntriesPerKey * pending_distinct_keys_;
}

bool TableBuilder::BlockFull() const {
  bool columnar;
  switch (options_.encoding) {
    case BlockEncodingChoice::kRow:
      columnar = false;
      break;
    case BlockEncodingChoice::kColumnar:
      columnar = columnar_builder_ != nullptr;
      break;
    case BlockEncodingChoice::kAuto:
    default:
      // Without a columnar codec a big block would only be a slow row block.
      columnar = columnar_builder_ != nullptr && TimeSeriesShaped();
      break;
  }
  if (columnar) {
    return pending_logical_ >= options_.columnar_block_size ||
           pending_.size() >= kMaxColumnarEntries;
  }
  return pending_logical_ >= options_.block_size &&
         (pending_.size() >= kMinRowBlockEntries ||
          pending_logical_ >= kMaxRowBlockSizes * options_.block_size);
}

void TableBuilder::FlushBlock() {
  if (pending_.empty() || !status_.ok()) return;
  bool columnar = false;
  if (columnar_builder_ != nullptr) {
    columnar =
        options_.encoding == BlockEncodingChoice::kColumnar ||
        (options_.encoding == BlockEncodingChoice::kAuto && TimeSeriesShaped());
  }
  BlockBuilder* builder =
      columnar ? columnar_builder_.get() : row_builder_.get();
  builder->Reset();
  for (const PendingEntry& e : pending_) {
    const char* k = pending_bytes_.data() + e.key_offset;
    builder->Add(std::string_view(k, e.key_size), e.expire_at,
                 std::string_view(k + e.key_size, e.value_size));
  }
  std::string_view payload = builder->Finish();
  if (payload.size() > UINT32_MAX) {
    status_ = absl::InvalidArgumentError(
        absl::StrFormat("%s: data block too large", file_name_));
    return;
  }

  IndexEntry& idx = pending_index_;
  idx.last_key = last_key_;
  idx.count = static_cast<uint32_t>(pending_.size());
  BlockHeader h;
  h.type = BlockType::kData;
  h.encoding = static_cast<uint8_t>(builder->encoding());
  h.count = idx.count;
  h.min_ts = idx.min_ts;
  h.max_ts = idx.max_ts;
  h.min_expire_at = idx.min_expire_at;
  h.max_expire_at = idx.max_expire_at;
  block_buf_.clear();
  AppendBlock(h, payload, options_.compression, &block_buf_);
  idx.handle = BlockHandle{offset_, block_buf_.size()};
  Write(block_buf_);
  EncodeIndexEntry(idx, &index_block_);
  num_index_entries_++;
  props_.num_data_blocks++;
  if (columnar) props_.num_columnar_blocks++;
  props_.stored_data_bytes += block_buf_.size();

  pending_.clear();
  pending_bytes_.clear();
  pending_logical_ = 0;
  pending_distinct_keys_ = 0;
}

void TableBuilder::Write(std::string_view data) {
  if (!status_.ok()) return;
  status_ = file_->Append(data);
  if (status_.ok()) offset_ += data.size();
}

BlockHandle TableBuilder::WriteMetaBlock(BlockType type, uint32_t count,
                                         std::string_view payload) {
  BlockHeader h;
  h.type = type;
  h.count = count;
  block_buf_.clear();
  AppendBlock(h, payload, options_.compression, &block_buf_);
  BlockHandle handle{offset_, block_buf_.size()};
  Write(block_buf_);
  return handle;
}

absl::Status TableBuilder::Finish() {
  if (!status_.ok()) return status_;
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: Finish after Finish or Abandon", file_name_));
  }
  FlushBlock();
  closed_ = true;

  Footer footer;
  // Version 1 has no packed row blocks.
  if (options_.row_encoding == BlockEncoding::kRow) footer.format_version = 1;
  std::string payload;
  for (const RangeTombstone& t : tombstones_) EncodeRangeTombstone(t, &payload);
  footer.range_tombstones =
      WriteMetaBlock(BlockType::kRangeTombstones,
                     static_cast<uint32_t>(tombstones_.size()), payload);

  uint32_t distinct_keys = static_cast<uint32_t>(bloom_.num_keys());
  footer.filter =
      WriteMetaBlock(BlockType::kFilter, distinct_keys, bloom_.Finish());

  props_.largest_key = props_.num_records > 0 ? last_key_ : std::string();
  // A range tombstone hides data in other files until it is compacted away,
  // so a file holding one must never be dropped as expired.
  if (!tombstones_.empty()) props_.max_expire_at = kNeverExpires;
  props_.window_id = options_.window_id;
  props_.creation_time = options_.creation_time;
  payload.clear();
  uint32_t fields = EncodeProperties(props_, &payload);
  footer.properties = WriteMetaBlock(BlockType::kProperties, fields, payload);

  footer.index =
      WriteMetaBlock(BlockType::kIndex, num_index_entries_, index_block_);

  payload.clear();
  EncodeFooter(footer, &payload);
  Write(payload);
  return status_;
}

void TableBuilder::Abandon() {
  closed_ = true;
  pending_.clear();
  pending_bytes_.clear();
}

}  // namespace strata
