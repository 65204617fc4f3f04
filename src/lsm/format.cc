// Codecs for the SST framing: block header, footer, index entries, range
// tombstones and properties, and checksummed block read/write.
//
// Layout (schema/sst.md is the authority):
//   file   := data_block* range_tombstone_block filter_block
//             properties_block index_block footer
//   block  := header(56) stored_payload        (LZ4 if it saves >= 1/8)
//   header := type u8 | encoding u8 | compression u8 | 0 u8 | count u32
//           | raw_len u32 | stored_len u32 | min_ts, max_ts,
//             min_expire_at, max_expire_at i64 | 0 u32 | masked crc32c u32
//   footer := 4 x (offset, size) fixed64 | crc u32 | version u32 | magic u64
// Readers verify every checksum before trusting a length.
#include "lsm/format.h"

#include <lz4.h>

#include "absl/strings/str_format.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/errors.h"

namespace strata {
namespace {

constexpr size_t kHeaderCrcOffset = 52;
constexpr size_t kFooterCrcOffset = 64;

uint32_t BlockCrc(const char* header, std::string_view payload) {
  uint32_t crc = crc32c::Value(header, kHeaderCrcOffset);
  return crc32c::Extend(crc, payload.data(), payload.size());
}

uint32_t FooterCrc(std::string_view footer) {
  uint32_t crc = crc32c::Value(footer.data(), kFooterCrcOffset);
  return crc32c::Extend(crc, footer.data() + kFooterCrcOffset + 4,
                        kFooterSize - kFooterCrcOffset - 4);
}

void PutHandleFixed(std::string* dst, const BlockHandle& h) {
  PutFixed64(dst, h.offset);
  PutFixed64(dst, h.size);
}

BlockHandle GetHandleFixed(const char* p) {
  return BlockHandle{DecodeFixed64(p), DecodeFixed64(p + 8)};
}

// Property field numbers (schema/sst.md); persisted: never renumber.
enum PropTag : uint32_t {
  kPropSmallestKey = 1,
  kPropLargestKey = 2,
  kPropMinTs = 3,
  kPropMaxTs = 4,
  kPropMinExpireAt = 5,
  kPropMaxExpireAt = 6,
  kPropNumRecords = 7,
  kPropNumPuts = 8,
  kPropNumPointDeletes = 9,
  kPropNumRangeTombstones = 10,
  kPropNumDataBlocks = 11,
  kPropRawKeyBytes = 12,
  kPropRawValueBytes = 13,
  kPropStoredDataBytes = 14,
  kPropMinSeq = 15,
  kPropMaxSeq = 16,
  kPropWindowId = 17,
  kPropCreationTime = 18,
  kPropNumColumnarBlocks = 19,
};
constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireBytes = 2;

}  // namespace

void EncodeBlockHeader(const BlockHeader& h, std::string_view stored_payload,
                       char* out) {
  out[0] = static_cast<char>(h.type);
  out[1] = static_cast<char>(h.encoding);
  out[2] = static_cast<char>(h.compression);
  out[3] = 0;
  EncodeFixed32(out + 4, h.count);
  EncodeFixed32(out + 8, h.raw_length);
  EncodeFixed32(out + 12, h.stored_length);
  EncodeFixed64(out + 16, static_cast<uint64_t>(h.min_ts));
  EncodeFixed64(out + 24, static_cast<uint64_t>(h.max_ts));
  EncodeFixed64(out + 32, static_cast<uint64_t>(h.min_expire_at));
  EncodeFixed64(out + 40, static_cast<uint64_t>(h.max_expire_at));
  EncodeFixed32(out + 48, 0);
  EncodeFixed32(out + kHeaderCrcOffset,
                crc32c::Mask(BlockCrc(out, stored_payload)));
}

bool DecodeBlockHeader(std::string_view in, BlockHeader* h) {
  if (in.size() < kBlockHeaderSize) return false;
  const char* p = in.data();
  uint8_t type = static_cast<uint8_t>(p[0]);
  uint8_t encoding = static_cast<uint8_t>(p[1]);
  uint8_t compression = static_cast<uint8_t>(p[2]);
  if (type > static_cast<uint8_t>(BlockType::kIndex)) return false;
  if (compression > static_cast<uint8_t>(CompressionType::kLZ4)) return false;
  if (p[3] != 0 || DecodeFixed32(p + 48) != 0) return false;
  if (type == static_cast<uint8_t>(BlockType::kData)) {
    if (encoding < 1 || encoding > 3) return false;
  } else if (encoding != 0) {
    return false;
  }
  h->type = static_cast<BlockType>(type);
  h->encoding = encoding;
  h->compression = static_cast<CompressionType>(compression);
  h->count = DecodeFixed32(p + 4);
  h->raw_length = DecodeFixed32(p + 8);
  h->stored_length = DecodeFixed32(p + 12);
  h->min_ts = static_cast<int64_t>(DecodeFixed64(p + 16));
  h->max_ts = static_cast<int64_t>(DecodeFixed64(p + 24));
  h->min_expire_at = static_cast<int64_t>(DecodeFixed64(p + 32));
  h->max_expire_at = static_cast<int64_t>(DecodeFixed64(p + 40));
  return true;
}

void AppendBlock(BlockHeader h, std::string_view raw, bool compress,
                 std::string* out) {
  size_t start = out->size();
  out->resize(start + kBlockHeaderSize);
  h.raw_length = static_cast<uint32_t>(raw.size());
  h.compression = CompressionType::kNone;
  h.stored_length = h.raw_length;
  if (compress && !raw.empty() && raw.size() <= LZ4_MAX_INPUT_SIZE) {
    int bound = LZ4_compressBound(static_cast<int>(raw.size()));
    out->resize(start + kBlockHeaderSize + bound);
    int n =
        LZ4_compress_default(raw.data(), out->data() + start + kBlockHeaderSize,
                             static_cast<int>(raw.size()), bound);
    if (n > 0 && static_cast<size_t>(n) <= raw.size() - raw.size() / 8) {
      h.compression = CompressionType::kLZ4;
      h.stored_length = static_cast<uint32_t>(n);
    }
  }
  if (h.compression == CompressionType::kNone) {
    out->resize(start + kBlockHeaderSize);
    out->append(raw.data(), raw.size());
  } else {
    out->resize(start + kBlockHeaderSize + h.stored_length);
  }
  std::string_view stored(out->data() + start + kBlockHeaderSize,
                          h.stored_length);
  EncodeBlockHeader(h, stored, out->data() + start);
}

absl::StatusOr<std::string> ReadBlock(const RandomAccessFile& file,
                                      std::string_view file_name,
                                      const BlockHandle& handle,
                                      BlockType expected, BlockHeader* header) {
  auto corrupt = [&](std::string_view what) {
    return CorruptionError(file_name, handle.offset, what);
  };
  if (handle.size < kBlockHeaderSize ||
      handle.size > kBlockHeaderSize + uint64_t{UINT32_MAX}) {
    return corrupt("bad block handle size");
  }
  std::string buf(handle.size, '\0');
  std::string_view got;
  absl::Status s = file.Read(handle.offset, handle.size, &got, buf.data());
  if (!s.ok()) {
    return Annotate(s, absl::StrFormat("reading block of %s at offset %d",
                                       file_name, handle.offset));
  }
  if (got.size() != handle.size) return corrupt("truncated block");
  std::string_view payload = got.substr(kBlockHeaderSize);
  uint32_t stored_crc =
      crc32c::Unmask(DecodeFixed32(got.data() + kHeaderCrcOffset));
  if (stored_crc != BlockCrc(got.data(), payload)) {
    return corrupt("block checksum mismatch");
  }
  BlockHeader h;
  if (!DecodeBlockHeader(got, &h)) return corrupt("bad block header");
  if (h.type != expected) return corrupt("unexpected block type");
  if (h.stored_length != payload.size()) {
    return corrupt("block length does not match its handle");
  }
  *header = h;
  if (h.compression == CompressionType::kNone) {
    if (h.raw_length != h.stored_length) return corrupt("bad raw length");
    if (got.data() == buf.data()) {
      buf.erase(0, kBlockHeaderSize);
      return buf;
    }
    return std::string(payload);
  }
  // LZ4 expands at most ~255x; a larger claim is damage, not data.
  if (h.raw_length > 255ull * h.stored_length + 64 ||
      h.stored_length > LZ4_MAX_INPUT_SIZE) {
    return corrupt("implausible raw length");
  }
  std::string raw(h.raw_length, '\0');
  int n = LZ4_decompress_safe(payload.data(), raw.data(),
                              static_cast<int>(payload.size()),
                              static_cast<int>(raw.size()));
  if (n < 0 || static_cast<uint32_t>(n) != h.raw_length) {
    return corrupt("LZ4 decompression failed");
  }
  return raw;
}

void EncodeFooter(const Footer& f, std::string* dst) {
  size_t start = dst->size();
  PutHandleFixed(dst, f.range_tombstones);
  PutHandleFixed(dst, f.filter);
  PutHandleFixed(dst, f.properties);
  PutHandleFixed(dst, f.index);
  PutFixed32(dst, 0);  // checksum, filled below
  PutFixed32(dst, f.format_version);
  PutFixed64(dst, kSstMagic);
  std::string_view footer(dst->data() + start, kFooterSize);
  EncodeFixed32(dst->data() + start + kFooterCrcOffset,
                crc32c::Mask(FooterCrc(footer)));
}

absl::Status DecodeFooter(std::string_view in, std::string_view file_name,
                          uint64_t file_size, Footer* f) {
  if (in.size() != kFooterSize || file_size < kFooterSize) {
    return CorruptionError(file_name, 0, "file too short to be an SST");
  }
  uint64_t footer_offset = file_size - kFooterSize;
  auto corrupt = [&](std::string_view what) {
    return CorruptionError(file_name, footer_offset, what);
  };
  const char* p = in.data();
  if (DecodeFixed64(p + 72) != kSstMagic) {
    return corrupt("not an SST file (bad magic)");
  }
  if (crc32c::Unmask(DecodeFixed32(p + kFooterCrcOffset)) != FooterCrc(in)) {
    return corrupt("footer checksum mismatch");
  }
  uint32_t version = DecodeFixed32(p + 68);
  if (version == 0) return corrupt("format version 0");
  if (version > kSstFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: written by a newer Strata: format version %d > %d",
                        file_name, version, kSstFormatVersion));
  }
  f->format_version = version;
  f->range_tombstones = GetHandleFixed(p);
  f->filter = GetHandleFixed(p + 16);
  f->properties = GetHandleFixed(p + 32);
  f->index = GetHandleFixed(p + 48);
  // Version 1 writes the meta blocks back to back right before the footer.
  const BlockHandle* chain[] = {&f->range_tombstones, &f->filter,
                                &f->properties, &f->index};
  for (int i = 0; i < 4; i++) {
    const BlockHandle& h = *chain[i];
    uint64_t next = i < 3 ? chain[i + 1]->offset : footer_offset;
    if (h.size < kBlockHeaderSize || h.offset > next ||
        next - h.offset != h.size) {
      return corrupt("meta block handles out of place");
    }
  }
  return absl::OkStatus();
}

void EncodeIndexEntry(const IndexEntry& e, std::string* dst) {
  PutLengthPrefixed(dst, e.first_key);
  PutLengthPrefixed(dst, e.last_key);
  PutVarint64(dst, e.handle.offset);
  PutVarint64(dst, e.handle.size);
  PutVarint32(dst, e.count);
  PutVarsignedint64(dst, e.min_ts);
  PutVarsignedint64(dst, e.max_ts);
  PutVarsignedint64(dst, e.min_expire_at);
  PutVarsignedint64(dst, e.max_expire_at);
}

bool DecodeIndexEntry(std::string_view* in, IndexEntry* e) {
  std::string_view first, last;
  if (!GetLengthPrefixed(in, &first) || !GetLengthPrefixed(in, &last) ||
      !GetVarint64(in, &e->handle.offset) ||
      !GetVarint64(in, &e->handle.size) || !GetVarint32(in, &e->count) ||
      !GetVarsignedint64(in, &e->min_ts) ||
      !GetVarsignedint64(in, &e->max_ts) ||
      !GetVarsignedint64(in, &e->min_expire_at) ||
      !GetVarsignedint64(in, &e->max_expire_at)) {
    return false;
  }
  e->first_key.assign(first);
  e->last_key.assign(last);
  return true;
}

void EncodeRangeTombstone(const RangeTombstone& t, std::string* dst) {
  PutLengthPrefixed(dst, t.begin);
  PutLengthPrefixed(dst, t.end);
  PutFixed64(dst, static_cast<uint64_t>(t.t0));
  PutFixed64(dst, static_cast<uint64_t>(t.t1));
  PutVarint64(dst, t.seq);
}

bool DecodeRangeTombstone(std::string_view* in, RangeTombstone* t) {
  std::string_view begin, end;
  uint64_t t0, t1;
  if (!GetLengthPrefixed(in, &begin) || !GetLengthPrefixed(in, &end) ||
      !GetFixed64(in, &t0) || !GetFixed64(in, &t1) ||
      !GetVarint64(in, &t->seq)) {
    return false;
  }
  t->begin.assign(begin);
  t->end.assign(end);
  t->t0 = static_cast<int64_t>(t0);
  t->t1 = static_cast<int64_t>(t1);
  return true;
}

uint32_t EncodeProperties(const TableProperties& p, std::string* dst) {
  uint32_t n = 0;
  auto bytes = [&](uint32_t tag, std::string_view v) {
    PutVarint32(dst, tag << 3 | kWireBytes);
    PutLengthPrefixed(dst, v);
    n++;
  };
  auto u64 = [&](uint32_t tag, uint64_t v) {
    PutVarint32(dst, tag << 3 | kWireVarint);
    PutVarint64(dst, v);
    n++;
  };
  auto i64 = [&](uint32_t tag, int64_t v) { u64(tag, ZigZagEncode(v)); };
  bytes(kPropSmallestKey, p.smallest_key);
  bytes(kPropLargestKey, p.largest_key);
  i64(kPropMinTs, p.min_ts);
  i64(kPropMaxTs, p.max_ts);
  i64(kPropMinExpireAt, p.min_expire_at);
  i64(kPropMaxExpireAt, p.max_expire_at);
  u64(kPropNumRecords, p.num_records);
  u64(kPropNumPuts, p.num_puts);
  u64(kPropNumPointDeletes, p.num_point_deletes);
  u64(kPropNumRangeTombstones, p.num_range_tombstones);
  u64(kPropNumDataBlocks, p.num_data_blocks);
  u64(kPropRawKeyBytes, p.raw_key_bytes);
  u64(kPropRawValueBytes, p.raw_value_bytes);
  u64(kPropStoredDataBytes, p.stored_data_bytes);
  u64(kPropMinSeq, p.min_seq);
  u64(kPropMaxSeq, p.max_seq);
  i64(kPropWindowId, p.window_id);
  i64(kPropCreationTime, p.creation_time);
  u64(kPropNumColumnarBlocks, p.num_columnar_blocks);
  return n;
}

bool DecodeProperties(std::string_view in, TableProperties* p) {
  *p = TableProperties();
  while (!in.empty()) {
    uint32_t tag;
    if (!GetVarint32(&in, &tag)) return false;
    uint32_t wire = tag & 7;
    uint32_t field = tag >> 3;
    if (wire == kWireBytes) {
      std::string_view v;
      if (!GetLengthPrefixed(&in, &v)) return false;
      if (field == kPropSmallestKey) p->smallest_key.assign(v);
      if (field == kPropLargestKey) p->largest_key.assign(v);
      continue;
    }
    if (wire != kWireVarint) return false;
    uint64_t v;
    if (!GetVarint64(&in, &v)) return false;
    int64_t s = ZigZagDecode(v);
    switch (field) {
      case kPropMinTs:
        p->min_ts = s;
        break;
      case kPropMaxTs:
        p->max_ts = s;
        break;
      case kPropMinExpireAt:
        p->min_expire_at = s;
        break;
      case kPropMaxExpireAt:
        p->max_expire_at = s;
        break;
      case kPropNumRecords:
        p->num_records = v;
        break;
      case kPropNumPuts:
        p->num_puts = v;
        break;
      case kPropNumPointDeletes:
        p->num_point_deletes = v;
        break;
      case kPropNumRangeTombstones:
        p->num_range_tombstones = v;
        break;
      case kPropNumDataBlocks:
        p->num_data_blocks = v;
        break;
      case kPropRawKeyBytes:
        p->raw_key_bytes = v;
        break;
      case kPropRawValueBytes:
        p->raw_value_bytes = v;
        break;
      case kPropStoredDataBytes:
        p->stored_data_bytes = v;
        break;
      case kPropMinSeq:
        p->min_seq = v;
        break;
      case kPropMaxSeq:
        p->max_seq = v;
        break;
      case kPropWindowId:
        p->window_id = s;
        break;
      case kPropCreationTime:
        p->creation_time = s;
        break;
      case kPropNumColumnarBlocks:
        p->num_columnar_blocks = v;
        break;
      default:
        break;  // a newer writer's field: skip it
    }
  }
  return true;
}

}  // namespace strata
