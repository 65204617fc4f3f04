// SST building blocks shared by the table builder and reader: block handles,
// the 56-byte block header, the footer, index entries, range tombstones and
// the properties codec, plus reading/writing one checksummed block. Byte
// layout: schema/sst.md. Decoders never trust their input.
#ifndef STRATA_LSM_FORMAT_H_
#define STRATA_LSM_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lsm/range_tombstone.h"
#include "strata/env.h"
#include "strata/types.h"

namespace strata {

inline constexpr uint32_t kSstFormatVersion = 2;
// The bytes "strt_sst" read as a little-endian u64.
inline constexpr uint64_t kSstMagic = 0x7473735f74727473ull;
inline constexpr size_t kBlockHeaderSize = 56;
inline constexpr size_t kFooterSize = 80;

// Persisted: never renumber.
enum class BlockType : uint8_t {
  kData = 0,
  kRangeTombstones = 1,
  kFilter = 2,
  kProperties = 3,
  kIndex = 4,
};

// Persisted: never renumber.
enum class CompressionType : uint8_t { kNone = 0, kLZ4 = 1 };

// A whole block: header and stored payload.
struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct BlockHeader {
  BlockType type = BlockType::kData;
  uint8_t encoding = 0;  // BlockEncoding for data blocks, 0 for meta blocks
  CompressionType compression = CompressionType::kNone;
  uint32_t count = 0;
  uint32_t raw_length = 0;
  uint32_t stored_length = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  int64_t min_expire_at = 0;
  int64_t max_expire_at = 0;
};

// Writes the header for `stored_payload` into out[0, kBlockHeaderSize),
// checksum included.
void EncodeBlockHeader(const BlockHeader& h, std::string_view stored_payload,
                       char* out);
// Parses the fixed fields of a header (no checksum check); false if a field
// has a value version 1 does not know.
bool DecodeBlockHeader(std::string_view in, BlockHeader* h);

// Compresses `raw` if allowed and worthwhile (saves >= 1/8), fills the
// length/compression fields of *h and appends header + stored payload to
// *out.
void AppendBlock(BlockHeader h, std::string_view raw, bool compress,
                 std::string* out);

// Reads the block at `handle`, verifies its checksum, type and lengths and
// returns the decompressed payload. DataLoss names file and handle.offset.
absl::StatusOr<std::string> ReadBlock(const RandomAccessFile& file,
                                      std::string_view file_name,
                                      const BlockHandle& handle,
                                      BlockType expected, BlockHeader* header);

struct Footer {
  BlockHandle range_tombstones;
  BlockHandle filter;
  BlockHandle properties;
  BlockHandle index;
  uint32_t format_version = kSstFormatVersion;
};

void EncodeFooter(const Footer& f, std::string* dst);
// `in` is the last kFooterSize bytes of a file of `file_size` bytes.
// DataLoss for damage; FailedPrecondition for a newer format version.
absl::Status DecodeFooter(std::string_view in, std::string_view file_name,
                          uint64_t file_size, Footer* f);

// One index entry per data block: what a reader needs to pick or skip it.
struct IndexEntry {
  std::string first_key;  // internal keys
  std::string last_key;
  BlockHandle handle;
  uint32_t count = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  int64_t min_expire_at = 0;
  int64_t max_expire_at = 0;
};

void EncodeIndexEntry(const IndexEntry& e, std::string* dst);
bool DecodeIndexEntry(std::string_view* in, IndexEntry* e);

void EncodeRangeTombstone(const RangeTombstone& t, std::string* dst);
bool DecodeRangeTombstone(std::string_view* in, RangeTombstone* t);

// Summary of one SST; see schema/sst.md "Properties block" for each field.
struct TableProperties {
  std::string smallest_key;  // internal keys of point records
  std::string largest_key;
  int64_t min_ts = kMaxTimestamp;  // empty range when there are no records
  int64_t max_ts = kMinTimestamp;
  int64_t min_expire_at = kNeverExpires;
  int64_t max_expire_at = kMinTimestamp;
  uint64_t num_records = 0;
  uint64_t num_puts = 0;
  uint64_t num_point_deletes = 0;
  uint64_t num_range_tombstones = 0;
  uint64_t num_data_blocks = 0;
  uint64_t num_columnar_blocks = 0;
  uint64_t raw_key_bytes = 0;
  uint64_t raw_value_bytes = 0;
  uint64_t stored_data_bytes = 0;
  uint64_t min_seq = 0;
  uint64_t max_seq = 0;
  int64_t window_id = 0;
  int64_t creation_time = 0;

  bool operator==(const TableProperties&) const = default;
};

// Appends the tagged fields; returns how many were written.
uint32_t EncodeProperties(const TableProperties& p, std::string* dst);
// False if malformed; unknown fields are skipped.
bool DecodeProperties(std::string_view in, TableProperties* p);

}  // namespace strata

#endif  // STRATA_LSM_FORMAT_H_
