// SST framing codecs: block header, checksummed block write/read with LZ4,
// footer (including the newer-version error), index entries, range
// tombstones and properties with forward-compatible unknown fields.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lsm/format.h"
#include "table_test_util.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/random.h"

namespace strata {
namespace {

BlockHeader SampleHeader() {
  BlockHeader h;
  h.type = BlockType::kData;
  h.encoding = 1;
  h.count = 17;
  h.min_ts = -5;
  h.max_ts = kMaxTimestamp;
  h.min_expire_at = kMinTimestamp;
  h.max_expire_at = kNeverExpires;
  return h;
}

TEST(BlockHeaderCodec, RoundTripsEveryField) {
  std::string block;
  AppendBlock(SampleHeader(), "payload", /*compress=*/false, &block);
  ASSERT_EQ(block.size(), kBlockHeaderSize + 7);
  BlockHeader got;
  ASSERT_TRUE(DecodeBlockHeader(block, &got));
  EXPECT_EQ(got.type, BlockType::kData);
  EXPECT_EQ(got.encoding, 1);
  EXPECT_EQ(got.compression, CompressionType::kNone);
  EXPECT_EQ(got.count, 17u);
  EXPECT_EQ(got.raw_length, 7u);
  EXPECT_EQ(got.stored_length, 7u);
  EXPECT_EQ(got.min_ts, -5);
  EXPECT_EQ(got.max_ts, kMaxTimestamp);
  EXPECT_EQ(got.min_expire_at, kMinTimestamp);
  EXPECT_EQ(got.max_expire_at, kNeverExpires);
}

TEST(BlockHeaderCodec, RejectsUnknownValues) {
  std::string block;
  AppendBlock(SampleHeader(), "x", false, &block);
  struct Case {
    size_t offset;
    char value;
  };
  // type 5, encoding 0/4 for data, compression 2, reserved bytes.
  const Case cases[] = {{0, 5}, {1, 0}, {1, 4}, {2, 2}, {3, 1}, {48, 1}};
  for (const Case& c : cases) {
    std::string bad = block;
    bad[c.offset] = c.value;
    BlockHeader h;
    EXPECT_FALSE(DecodeBlockHeader(bad, &h)) << c.offset;
  }
  std::string meta;
  BlockHeader mh;
  mh.type = BlockType::kIndex;
  mh.encoding = 1;  // meta blocks carry encoding 0
  AppendBlock(mh, "x", false, &meta);
  BlockHeader h;
  EXPECT_FALSE(DecodeBlockHeader(meta, &h));
}

struct BlockIoCase {
  const char* name;
  std::string raw;
  bool compress;
  CompressionType expect;
};

TEST(BlockIo, CompressesOnlyWhenItSavesAnEighth) {
  Random rnd(1);
  std::string random(4000, '\0');
  for (char& c : random) c = static_cast<char>(rnd.Next());
  const BlockIoCase cases[] = {
      {"repetitive", std::string(4000, 'a'), true, CompressionType::kLZ4},
      {"repetitive, off", std::string(4000, 'a'), false,
       CompressionType::kNone},
      {"random", random, true, CompressionType::kNone},
      {"empty", "", true, CompressionType::kNone},
  };
  for (const BlockIoCase& c : cases) {
    std::string file;
    BlockHeader h;
    h.type = BlockType::kFilter;
    h.count = 3;
    AppendBlock(h, c.raw, c.compress, &file);
    BlockHeader got;
    StringSource src(file);
    auto payload = ReadBlock(src, "f.sst", BlockHandle{0, file.size()},
                             BlockType::kFilter, &got);
    ASSERT_TRUE(payload.ok()) << c.name << ": " << payload.status();
    EXPECT_EQ(*payload, c.raw) << c.name;
    EXPECT_EQ(got.compression, c.expect) << c.name;
    EXPECT_EQ(got.count, 3u);
    if (c.expect == CompressionType::kLZ4) {
      EXPECT_LT(file.size(), kBlockHeaderSize + c.raw.size() / 2) << c.name;
    }
  }
}

TEST(BlockIo, EveryFlippedByteIsDataLossNamingTheBlock) {
  std::string file(100, 'z');  // a block that does not start at offset 0
  BlockHeader h;
  h.type = BlockType::kIndex;
  AppendBlock(h, std::string(500, 'q') + "tail", true, &file);
  BlockHandle handle{100, file.size() - 100};
  for (size_t pos = 100; pos < file.size(); pos++) {
    std::string bad = file;
    bad[pos] ^= 0x10;
    StringSource src(bad);
    BlockHeader got;
    auto r = ReadBlock(src, "f.sst", handle, BlockType::kIndex, &got);
    ASSERT_FALSE(r.ok()) << pos;
    EXPECT_TRUE(absl::IsDataLoss(r.status()));
    EXPECT_EQ(std::string(r.status().message()),
              "corruption in f.sst at offset 100: block checksum mismatch");
  }
  StringSource src(file);
  BlockHeader got;
  auto wrong_type = ReadBlock(src, "f.sst", handle, BlockType::kFilter, &got);
  EXPECT_TRUE(absl::IsDataLoss(wrong_type.status()));
  auto short_handle =
      ReadBlock(src, "f.sst", BlockHandle{100, 20}, BlockType::kIndex, &got);
  EXPECT_TRUE(absl::IsDataLoss(short_handle.status()));
  auto past_end = ReadBlock(src, "f.sst", BlockHandle{200, handle.size},
                            BlockType::kIndex, &got);
  EXPECT_TRUE(absl::IsDataLoss(past_end.status()));
}

Footer SampleFooter() {
  Footer f;
  f.range_tombstones = {1000, 56};
  f.filter = {1056, 100};
  f.properties = {1156, 200};
  f.index = {1356, 300};
  return f;
}
constexpr uint64_t kSampleFileSize = 1656 + kFooterSize;

TEST(FooterCodec, RoundTrips) {
  std::string buf;
  EncodeFooter(SampleFooter(), &buf);
  ASSERT_EQ(buf.size(), kFooterSize);
  EXPECT_EQ(buf.substr(72), "strt_sst");
  Footer got;
  ASSERT_TRUE(DecodeFooter(buf, "f.sst", kSampleFileSize, &got).ok());
  EXPECT_EQ(got.index.offset, 1356u);
  EXPECT_EQ(got.index.size, 300u);
  EXPECT_EQ(got.filter.offset, 1056u);
  EXPECT_EQ(got.format_version, kSstFormatVersion);
}

TEST(FooterCodec, NewerVersionIsAClearErrorNotCorruption) {
  Footer f = SampleFooter();
  f.format_version = kSstFormatVersion + 1;
  std::string buf;
  EncodeFooter(f, &buf);
  Footer got;
  absl::Status s = DecodeFooter(buf, "f.sst", kSampleFileSize, &got);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()),
            "f.sst: written by a newer Strata: format version 3 > 2");
}

TEST(FooterCodec, DamageIsDataLossAtTheFooterOffset) {
  std::string buf;
  EncodeFooter(SampleFooter(), &buf);
  for (size_t pos = 0; pos < kFooterSize; pos++) {
    std::string bad = buf;
    bad[pos] ^= 0x01;  // also turns version 1 into 0 or 3
    Footer got;
    absl::Status s = DecodeFooter(bad, "f.sst", kSampleFileSize, &got);
    EXPECT_TRUE(absl::IsDataLoss(s)) << pos << " " << s;
    EXPECT_NE(std::string(s.message()).find("at offset 1656"),
              std::string::npos)
        << s;
  }
  // A footer whose handles do not tile the meta region.
  Footer f = SampleFooter();
  f.filter.size = 99;
  buf.clear();
  EncodeFooter(f, &buf);
  Footer got;
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeFooter(buf, "f.sst", kSampleFileSize, &got)));
  EXPECT_TRUE(absl::IsDataLoss(DecodeFooter(buf, "f.sst", 10, &got)));
}

TEST(IndexEntryCodec, RoundTripsAndRejectsTruncation) {
  IndexEntry e;
  e.first_key = IKey("a", -3);
  e.last_key = IKey("b", 9);
  e.handle = {123456789, 4096};
  e.count = 77;
  e.min_ts = kMinTimestamp;
  e.max_ts = 9;
  e.min_expire_at = -1;
  e.max_expire_at = kNeverExpires;
  std::string buf;
  EncodeIndexEntry(e, &buf);
  std::string_view in(buf);
  IndexEntry got;
  ASSERT_TRUE(DecodeIndexEntry(&in, &got));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(got.first_key, e.first_key);
  EXPECT_EQ(got.last_key, e.last_key);
  EXPECT_EQ(got.handle.offset, e.handle.offset);
  EXPECT_EQ(got.handle.size, e.handle.size);
  EXPECT_EQ(got.count, 77u);
  EXPECT_EQ(got.min_ts, kMinTimestamp);
  EXPECT_EQ(got.max_ts, 9);
  EXPECT_EQ(got.min_expire_at, -1);
  EXPECT_EQ(got.max_expire_at, kNeverExpires);
  for (size_t n = 0; n < buf.size(); n++) {
    std::string_view part(buf.data(), n);
    EXPECT_FALSE(DecodeIndexEntry(&part, &got)) << n;
  }
}

TEST(RangeTombstoneCodec, RoundTripsAndRejectsTruncation) {
  RangeTombstone t{"begin", "", kMinTimestamp, 42, 1u << 20};
  std::string buf;
  EncodeRangeTombstone(t, &buf);
  std::string_view in(buf);
  RangeTombstone got;
  ASSERT_TRUE(DecodeRangeTombstone(&in, &got));
  EXPECT_EQ(got.begin, "begin");
  EXPECT_EQ(got.end, "");
  EXPECT_EQ(got.t0, kMinTimestamp);
  EXPECT_EQ(got.t1, 42);
  EXPECT_EQ(got.seq, 1u << 20);
  for (size_t n = 0; n < buf.size(); n++) {
    std::string_view part(buf.data(), n);
    EXPECT_FALSE(DecodeRangeTombstone(&part, &got)) << n;
  }
}

TableProperties SampleProperties() {
  TableProperties p;
  p.smallest_key = IKey("a", 1);
  p.largest_key = IKey("z", 2);
  p.min_ts = -100;
  p.max_ts = 100;
  p.min_expire_at = 5;
  p.max_expire_at = kNeverExpires;
  p.num_records = 10;
  p.num_puts = 7;
  p.num_point_deletes = 3;
  p.num_range_tombstones = 2;
  p.num_data_blocks = 4;
  p.num_columnar_blocks = 1;
  p.raw_key_bytes = 1000;
  p.raw_value_bytes = 2000;
  p.stored_data_bytes = 2500;
  p.min_seq = 1;
  p.max_seq = 99;
  p.window_id = -7;
  p.creation_time = 1700000000000000000;
  return p;
}

TEST(PropertiesCodec, RoundTripsEveryField) {
  std::string buf;
  EXPECT_EQ(EncodeProperties(SampleProperties(), &buf), 19u);
  TableProperties got;
  ASSERT_TRUE(DecodeProperties(buf, &got));
  EXPECT_EQ(got, SampleProperties());
}

TEST(PropertiesCodec, SkipsUnknownFieldsOfKnownWireTypes) {
  std::string buf;
  PutVarint32(&buf, 200 << 3 | 0);  // a future varint field
  PutVarint64(&buf, 12345);
  EncodeProperties(SampleProperties(), &buf);
  PutVarint32(&buf, 201 << 3 | 2);  // a future bytes field
  PutLengthPrefixed(&buf, "future");
  TableProperties got;
  ASSERT_TRUE(DecodeProperties(buf, &got));
  EXPECT_EQ(got, SampleProperties());
}

TEST(PropertiesCodec, RejectsUnknownWireTypesAndTruncation) {
  std::string buf;
  EncodeProperties(SampleProperties(), &buf);
  std::string bad = buf;
  PutVarint32(&bad, 202 << 3 | 5);
  PutFixed32(&bad, 0);
  TableProperties got;
  EXPECT_FALSE(DecodeProperties(bad, &got));
  int accepted = 0;
  for (size_t n = 0; n < buf.size(); n++) {
    // A cut between fields is a valid (shorter) property list.
    if (DecodeProperties(std::string_view(buf.data(), n), &got)) accepted++;
  }
  EXPECT_LE(accepted, 20);
  EXPECT_GT(accepted, 0);
}

TEST(PropertiesCodec, MissingFieldsReadAsDefaults) {
  TableProperties got;
  ASSERT_TRUE(DecodeProperties("", &got));
  EXPECT_EQ(got, TableProperties());
  EXPECT_GT(got.min_ts, got.max_ts);  // empty range
}

}  // namespace
}  // namespace strata
