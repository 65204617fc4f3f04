// Tests of the log framing (schema/log.md): round trips, torn tails at
// every truncation point, corruption in the middle vs at the end, salvage
// mode, header checks and a garbage fuzz loop. Files live in std::strings
// so the tests need no Env.
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/fault_injection_env.h"
#include "gtest/gtest.h"
#include "lsm/log_format.h"
#include "lsm/log_reader.h"
#include "lsm/log_writer.h"
#include "strata/env.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/random.h"

namespace strata {
namespace {

constexpr char kFile[] = "000007.log";

// Appends to a string; can be told to fail from the n-th Append on.
class StringSink : public WritableFile {
 public:
  explicit StringSink(std::string* dst) : dst_(dst) {}
  absl::Status Append(std::string_view data) override {
    if (fail_after_ >= 0 && appends_ >= fail_after_) {
      return absl::UnavailableError("injected EIO");
    }
    ++appends_;
    dst_->append(data);
    return absl::OkStatus();
  }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Sync() override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
  int appends() const { return appends_; }
  void FailFromAppend(int n) { fail_after_ = n; }

 private:
  std::string* dst_;
  int appends_ = 0;
  int fail_after_ = -1;
};

// Reads a copy of a string. Alternates between returning views of its own
// memory and copying into scratch, as real files may do either. Can fail
// once offset fail_at is reached.
class StringSource : public SequentialFile {
 public:
  explicit StringSource(std::string data, int64_t fail_at = -1)
      : data_(std::move(data)), fail_at_(fail_at) {}
  absl::Status Read(size_t n, std::string_view* result,
                    char* scratch) override {
    if (fail_at_ >= 0 && pos_ + n > static_cast<uint64_t>(fail_at_)) {
      return absl::UnavailableError("injected read error");
    }
    size_t k = std::min<size_t>(n, data_.size() - pos_);
    if (++reads_ % 2 == 0) {
      *result = std::string_view(data_.data() + pos_, k);
    } else {
      std::memcpy(scratch, data_.data() + pos_, k);
      *result = std::string_view(scratch, k);
    }
    pos_ += k;
    return absl::OkStatus();
  }
  absl::Status Skip(uint64_t n) override {
    pos_ = std::min<uint64_t>(pos_ + n, data_.size());
    return absl::OkStatus();
  }

 private:
  std::string data_;
  int64_t fail_at_;
  uint64_t pos_ = 0;
  int reads_ = 0;
};

std::string Payload(size_t n, uint64_t seed) {
  Random rnd(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rnd.Uniform(26));
  return s;
}

// Writes a log and remembers where each record starts and ends.
struct BuiltLog {
  std::string bytes;
  std::vector<std::string> payloads;
  std::vector<uint64_t> starts;
  std::vector<uint64_t> ends;
};

BuiltLog Build(const std::vector<std::string>& payloads,
               std::string_view magic = log::kWalMagic, uint64_t number = 7) {
  BuiltLog b;
  StringSink sink(&b.bytes);
  LogWriter w(&sink);
  EXPECT_TRUE(w.WriteHeader(magic, number).ok());
  for (const auto& p : payloads) {
    b.starts.push_back(w.offset());
    EXPECT_TRUE(w.AddRecord(p).ok());
    b.ends.push_back(w.offset());
    b.payloads.push_back(p);
  }
  EXPECT_EQ(w.offset(), b.bytes.size());
  return b;
}

struct ReadResult {
  absl::Status header;
  uint64_t log_number = 0;
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;
  bool torn = false;
  uint64_t torn_offset = 0;
  uint64_t dropped = 0;
  absl::Status status;
};

ReadResult ReadAll(std::string bytes, bool salvage = false,
                   std::string_view magic = log::kWalMagic,
                   int64_t declared_size = -1, int64_t fail_at = -1) {
  uint64_t size = declared_size >= 0 ? declared_size : bytes.size();
  LogReader r(std::make_unique<StringSource>(std::move(bytes), fail_at), kFile,
              size);
  r.set_salvage_mode(salvage);
  ReadResult out;
  out.header = r.ReadHeader(magic, &out.log_number);
  std::string_view rec;
  std::string scratch;
  if (out.header.ok()) {
    while (r.ReadRecord(&rec, &scratch)) {
      out.records.emplace_back(rec);
      out.offsets.push_back(r.last_record_offset());
    }
  }
  out.torn = r.torn_tail();
  out.torn_offset = r.torn_offset();
  out.dropped = r.dropped_bytes();
  out.status = r.status();
  return out;
}

TEST(LogTest, RoundTripManySizes) {
  std::vector<std::string> payloads;
  const size_t sizes[] = {
      0,     1,     2,      8, 9,       100, 32767,   32768,        65535,
      65536, 65537, 100000, 0, 1 << 20, 3,   5 << 20, (1 << 20) + 7};
  uint64_t seed = 1;
  for (size_t n : sizes) payloads.push_back(Payload(n, seed++));
  Random rnd(42);
  for (int i = 0; i < 200; ++i) {
    payloads.push_back(
        Payload(rnd.Uniform(rnd.OneIn(10) ? 200000 : 300), seed++));
  }
  BuiltLog b = Build(payloads, log::kWalMagic, 123456789012345ull);
  ReadResult r = ReadAll(b.bytes);
  ASSERT_TRUE(r.header.ok()) << r.header;
  EXPECT_EQ(r.log_number, 123456789012345ull);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_FALSE(r.torn);
  ASSERT_EQ(r.records.size(), payloads.size());
  for (size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(r.records[i], payloads[i]) << "record " << i;
    EXPECT_EQ(r.offsets[i], b.starts[i]) << "record " << i;
  }
}

TEST(LogTest, HeaderLayoutIsAsSpecified) {
  BuiltLog b = Build({"abc"}, log::kManifestMagic, 0x0102030405060708ull);
  ASSERT_EQ(b.bytes.size(), log::kFileHeaderSize + log::kRecordHeaderSize + 3);
  EXPECT_EQ(b.bytes.substr(0, 8), "STRATAMF");
  EXPECT_EQ(DecodeFixed32(b.bytes.data() + 8), 1u);
  EXPECT_EQ(DecodeFixed64(b.bytes.data() + 12), 0x0102030405060708ull);
  EXPECT_EQ(crc32c::Unmask(DecodeFixed32(b.bytes.data() + 20)),
            crc32c::Value(b.bytes.data(), 20));
  const char* rec = b.bytes.data() + 24;
  EXPECT_EQ(DecodeFixed32(rec + 4), 3u);
  EXPECT_EQ(rec[8], 1);
  EXPECT_EQ(std::string_view(rec + 9, 3), "abc");
  EXPECT_EQ(crc32c::Unmask(DecodeFixed32(rec)), crc32c::Value(rec + 4, 8));
}

TEST(LogTest, EachRecordIsOneAppend) {
  std::string bytes;
  StringSink sink(&bytes);
  LogWriter w(&sink);
  ASSERT_TRUE(w.WriteHeader(log::kWalMagic, 1).ok());
  ASSERT_TRUE(w.AddRecord(Payload(100000, 1)).ok());
  ASSERT_TRUE(w.AddRecord("").ok());
  ASSERT_TRUE(w.AddRecord("x").ok());
  EXPECT_EQ(sink.appends(), 4);
}

TEST(LogTest, WriterRefusesMisuse) {
  std::string bytes;
  StringSink sink(&bytes);
  LogWriter w(&sink);
  EXPECT_TRUE(absl::IsFailedPrecondition(w.AddRecord("early")));
  EXPECT_TRUE(absl::IsInvalidArgument(w.WriteHeader("SHORT", 1)));
  ASSERT_TRUE(w.WriteHeader(log::kWalMagic, 1).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(w.WriteHeader(log::kWalMagic, 1)));
  // The size check comes before any byte is touched.
  std::string small(16, 'x');
  std::string_view too_big(small.data(), size_t{log::kMaxRecordSize} + 1);
  EXPECT_TRUE(absl::IsInvalidArgument(w.AddRecord(too_big)));
  EXPECT_EQ(bytes.size(), log::kFileHeaderSize);
}

TEST(LogTest, WriterErrorIsSticky) {
  std::string bytes;
  StringSink sink(&bytes);
  LogWriter w(&sink);
  ASSERT_TRUE(w.WriteHeader(log::kWalMagic, 1).ok());
  ASSERT_TRUE(w.AddRecord("one").ok());
  uint64_t off = w.offset();
  sink.FailFromAppend(2);
  EXPECT_TRUE(absl::IsUnavailable(w.AddRecord("two")));
  sink.FailFromAppend(-1);  // even if the file recovers
  EXPECT_TRUE(absl::IsUnavailable(w.AddRecord("three")));
  EXPECT_EQ(w.offset(), off);
  ReadResult r = ReadAll(bytes);
  EXPECT_EQ(r.records, std::vector<std::string>{"one"});
}

// Every cut of a 3-record log yields exactly the records wholly before the
// cut; a cut inside a record (or the header) is a torn tail, never an error.
TEST(LogTest, EveryTruncationPointIsTornNotCorrupt) {
  BuiltLog b = Build({Payload(10, 1), Payload(300, 2), Payload(50, 3)});
  for (size_t cut = 0; cut <= b.bytes.size(); ++cut) {
    SCOPED_TRACE(absl::StrFormat("cut at %d", cut));
    ReadResult r = ReadAll(b.bytes.substr(0, cut));
    ASSERT_TRUE(r.header.ok()) << r.header;
    ASSERT_TRUE(r.status.ok()) << r.status;
    size_t whole = 0;
    while (whole < b.ends.size() && b.ends[whole] <= cut) ++whole;
    ASSERT_EQ(r.records.size(), whole);
    for (size_t i = 0; i < whole; ++i) EXPECT_EQ(r.records[i], b.payloads[i]);
    bool at_boundary =
        cut == log::kFileHeaderSize || (whole > 0 && b.ends[whole - 1] == cut);
    EXPECT_EQ(r.torn, !at_boundary);
    if (cut < log::kFileHeaderSize) {
      EXPECT_EQ(r.torn_offset, 0u);
      EXPECT_EQ(r.log_number, 0u);
    } else {
      EXPECT_EQ(r.log_number, 7u);
      if (r.torn) {
        EXPECT_EQ(r.torn_offset, b.starts[whole]);
      }
    }
  }
}

TEST(LogTest, FlippedByteInLastRecordIsTorn) {
  BuiltLog b = Build({Payload(20, 1), Payload(40, 2), Payload(30, 3)});
  for (uint64_t pos = b.starts[2]; pos < b.ends[2]; ++pos) {
    SCOPED_TRACE(absl::StrFormat("flip at %d", pos));
    std::string bytes = b.bytes;
    bytes[pos] ^= 0x5a;
    ReadResult r = ReadAll(bytes);
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_TRUE(r.torn);
    EXPECT_EQ(r.torn_offset, b.starts[2]);
    ASSERT_EQ(r.records.size(), 2u);
    EXPECT_EQ(r.records[1], b.payloads[1]);
  }
}

// A bad record followed by valid ones is corruption at the bad record's
// offset, whichever byte of it was damaged.
TEST(LogTest, FlippedByteMidLogIsDataLossAtItsOffset) {
  BuiltLog b = Build({Payload(20, 1), Payload(40, 2), Payload(30, 3)});
  for (int victim : {0, 1}) {
    for (uint64_t pos = b.starts[victim]; pos < b.ends[victim]; ++pos) {
      SCOPED_TRACE(absl::StrFormat("record %d, flip at %d", victim, pos));
      std::string bytes = b.bytes;
      bytes[pos] ^= 0x01;
      ReadResult r = ReadAll(bytes);
      EXPECT_TRUE(absl::IsDataLoss(r.status)) << r.status;
      std::string msg(r.status.message());
      EXPECT_NE(msg.find(absl::StrFormat(
                    "corruption in %s at offset %d:", kFile, b.starts[victim])),
                std::string::npos)
          << msg;
      EXPECT_FALSE(r.torn);
      EXPECT_EQ(r.records.size(), static_cast<size_t>(victim));
    }
  }
}

TEST(LogTest, SalvageModeStopsAtMidLogCorruption) {
  BuiltLog b = Build({Payload(20, 1), Payload(40, 2), Payload(30, 3)});
  for (int victim : {0, 1}) {
    std::string bytes = b.bytes;
    bytes[b.starts[victim] + 12] ^= 0x01;  // inside the payload
    ReadResult r = ReadAll(bytes, /*salvage=*/true);
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_FALSE(r.torn);
    EXPECT_EQ(r.records.size(), static_cast<size_t>(victim));
    EXPECT_EQ(r.dropped, b.bytes.size() - b.starts[victim]);
  }
  // A torn tail is not "dropped": salvage changes nothing there.
  ReadResult r = ReadAll(b.bytes.substr(0, b.bytes.size() - 1), true);
  EXPECT_TRUE(r.torn);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.records.size(), 2u);
}

TEST(LogTest, ZeroOrGarbageTailIsTorn) {
  BuiltLog b = Build({Payload(20, 1), Payload(40, 2)});
  struct Case {
    const char* name;
    std::string tail;
  };
  Random rnd(9);
  std::string garbage(100000, '\0');
  for (auto& c : garbage) c = static_cast<char>(rnd.Next());
  const Case cases[] = {
      {"zeros", std::string(4096, '\0')},
      {"one zero", std::string(1, '\0')},
      {"garbage", garbage},
      {"ones", std::string(5000, '\xff')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ReadResult r = ReadAll(b.bytes + c.tail);
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_TRUE(r.torn);
    EXPECT_EQ(r.torn_offset, b.bytes.size());
    EXPECT_EQ(r.records.size(), 2u);
  }
}

// The forward scan must stay about linear: 8 MiB of zeros and 8 MiB of
// bytes that all look like "type 1, length 1 GiB" finish quickly.
TEST(LogTest, LongTornTailScanIsBounded) {
  BuiltLog b = Build({Payload(20, 1)});
  std::string ones(8 << 20, '\x01');
  for (const std::string* tail : {&ones}) {
    ReadResult r = ReadAll(b.bytes + *tail);
    EXPECT_TRUE(r.torn);
    EXPECT_TRUE(r.status.ok());
  }
  ReadResult r = ReadAll(b.bytes + std::string(8 << 20, '\0'));
  EXPECT_TRUE(r.torn);
  EXPECT_EQ(r.records.size(), 1u);
}

TEST(LogTest, HeaderErrors) {
  BuiltLog wal = Build({"x"}, log::kWalMagic);
  // A manifest opened as a WAL.
  BuiltLog mf = Build({"x"}, log::kManifestMagic);
  ReadResult r = ReadAll(mf.bytes, false, log::kWalMagic);
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
  EXPECT_NE(std::string(r.header.message()).find(kFile), std::string::npos);
  EXPECT_NE(std::string(r.header.message()).find("magic"), std::string::npos);
  EXPECT_TRUE(absl::IsDataLoss(r.status));

  // Damaged log number: checksum mismatch.
  std::string bytes = wal.bytes;
  bytes[13] ^= 1;
  r = ReadAll(bytes);
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
  EXPECT_NE(std::string(r.header.message()).find("checksum"),
            std::string::npos);

  // Versions with a valid checksum.
  auto with_version = [&](uint32_t v) {
    std::string s = wal.bytes;
    EncodeFixed32(s.data() + 8, v);
    EncodeFixed32(s.data() + 20, crc32c::Mask(crc32c::Value(s.data(), 20)));
    return s;
  };
  r = ReadAll(with_version(0));
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
  r = ReadAll(with_version(2));
  EXPECT_TRUE(absl::IsFailedPrecondition(r.header)) << r.header;
  EXPECT_NE(std::string(r.header.message()).find("newer Strata"),
            std::string::npos);
  EXPECT_NE(std::string(r.header.message()).find(kFile), std::string::npos);
  r = ReadAll(with_version(1));
  EXPECT_TRUE(r.header.ok());

  // A short header that disagrees with the magic is not a torn header.
  r = ReadAll("STRATAMF");
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
}

TEST(LogTest, ZeroedHeaderIsTornUnlessRecordsFollow) {
  ReadResult r = ReadAll(std::string(log::kFileHeaderSize + 100, '\0'));
  EXPECT_TRUE(r.header.ok()) << r.header;
  EXPECT_TRUE(r.torn);
  EXPECT_EQ(r.torn_offset, 0u);
  EXPECT_TRUE(r.records.empty());

  BuiltLog b = Build({"a", "b"});
  std::memset(b.bytes.data(), 0, log::kFileHeaderSize);
  r = ReadAll(b.bytes);
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
}

TEST(LogTest, DeclaredSizeBoundsTheRead) {
  BuiltLog b = Build({Payload(20, 1), Payload(40, 2), Payload(30, 3)});
  // Told the file is bigger than it is: its real end is used.
  ReadResult r = ReadAll(b.bytes, false, log::kWalMagic, b.bytes.size() + 1000);
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.torn);
  EXPECT_EQ(r.records.size(), 3u);
  // Told it is smaller: bytes past the size are never looked at.
  r = ReadAll(b.bytes, false, log::kWalMagic, b.ends[1]);
  EXPECT_FALSE(r.torn);
  EXPECT_EQ(r.records.size(), 2u);
  r = ReadAll(b.bytes, false, log::kWalMagic, b.ends[1] + 5);
  EXPECT_TRUE(r.torn);
  EXPECT_EQ(r.torn_offset, b.ends[1]);
  // A file cut inside its header while declared whole: a torn header, or
  // corruption if the bytes there disagree with the magic.
  r = ReadAll(b.bytes.substr(0, 10), false, log::kWalMagic, b.bytes.size());
  EXPECT_TRUE(r.header.ok()) << r.header;
  EXPECT_TRUE(r.torn);
  r = ReadAll("STRATAMF", false, log::kWalMagic, b.bytes.size());
  EXPECT_TRUE(absl::IsDataLoss(r.header)) << r.header;
}

TEST(LogTest, ReadErrorIsReported) {
  BuiltLog b = Build({Payload(100000, 1), Payload(100000, 2)});
  ReadResult r =
      ReadAll(b.bytes, false, log::kWalMagic, -1, /*fail_at=*/150000);
  EXPECT_TRUE(absl::IsUnavailable(r.status)) << r.status;
  EXPECT_NE(std::string(r.status.message()).find(kFile), std::string::npos);
  EXPECT_FALSE(r.torn);
}

TEST(LogTest, ReadRecordBeforeHeaderFails) {
  LogReader r(std::make_unique<StringSource>(std::string()), kFile, 0);
  std::string_view rec;
  std::string scratch;
  EXPECT_FALSE(r.ReadRecord(&rec, &scratch));
  EXPECT_TRUE(absl::IsFailedPrecondition(r.status()));
}

// The same framing through real Envs: a memory env, and a power loss that
// keeps only the synced prefix (a clean end, or a torn tail, never an
// error).
TEST(LogTest, ThroughEnvsAndPowerLoss) {
  std::unique_ptr<Env> mem = NewMemEnv();
  ASSERT_TRUE(mem->CreateDir("/db").ok());
  FaultInjectionEnv env(mem.get());
  const std::string path = "/db/000009.log";
  std::vector<std::string> payloads;
  for (int i = 0; i < 8; ++i) payloads.push_back(Payload(100 * i, i));
  {
    auto file = env.NewWritableFile(path);
    ASSERT_TRUE(file.ok()) << file.status();
    LogWriter w(file->get());
    ASSERT_TRUE(w.WriteHeader(log::kWalMagic, 9).ok());
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE(w.AddRecord(payloads[i]).ok());
      if (i == 4) {
        ASSERT_TRUE((*file)->Sync().ok());
      }
    }
    ASSERT_TRUE((*file)->Flush().ok());
    ASSERT_TRUE(env.SyncDir("/db").ok());
  }
  auto read = [&](size_t want) {
    auto size = env.GetFileSize(path);
    ASSERT_TRUE(size.ok()) << size.status();
    auto src = env.NewSequentialFile(path);
    ASSERT_TRUE(src.ok()) << src.status();
    LogReader r(std::move(*src), path, *size);
    uint64_t number = 0;
    ASSERT_TRUE(r.ReadHeader(log::kWalMagic, &number).ok());
    EXPECT_EQ(number, 9u);
    std::string_view rec;
    std::string scratch;
    size_t n = 0;
    while (r.ReadRecord(&rec, &scratch)) {
      ASSERT_LT(n, payloads.size());
      EXPECT_EQ(rec, payloads[n]);
      ++n;
    }
    EXPECT_TRUE(r.status().ok()) << r.status();
    EXPECT_FALSE(r.torn_tail());
    EXPECT_EQ(n, want);
  };
  read(8);
  ASSERT_TRUE(env.SimulatePowerLoss().ok());
  read(5);
}

// Random garbage and random damage to valid logs: never a crash or hang,
// only known statuses, and every record returned is one that was written.
TEST(LogTest, FuzzGarbageNeverCrashes) {
  Random rnd(20240601);
  BuiltLog base = Build({Payload(5, 1), Payload(0, 2), Payload(70, 3),
                         Payload(1, 4), Payload(300, 5)});
  int torn = 0, corrupt = 0, clean = 0;
  for (int iter = 0; iter < 10000; ++iter) {
    std::string bytes;
    switch (rnd.Uniform(3)) {
      case 0:  // pure garbage, sometimes with a good header
        bytes = rnd.OneIn(2) ? base.bytes.substr(0, log::kFileHeaderSize) : "";
        for (uint64_t n = rnd.Uniform(400); n > 0; --n) {
          bytes.push_back(static_cast<char>(rnd.Next()));
        }
        break;
      case 1: {  // a valid log with a few damaged bytes
        bytes = base.bytes;
        for (uint64_t n = 1 + rnd.Uniform(4); n > 0; --n) {
          bytes[rnd.Uniform(bytes.size())] = static_cast<char>(rnd.Next());
        }
        break;
      }
      default:  // truncated, with garbage appended
        bytes = base.bytes.substr(0, rnd.Uniform(base.bytes.size() + 1));
        for (uint64_t n = rnd.Uniform(30); n > 0; --n) {
          bytes.push_back(static_cast<char>(rnd.Uniform(3)));
        }
    }
    ReadResult r = ReadAll(bytes, rnd.OneIn(4));
    for (const std::string& rec : r.records) {
      bool known = false;
      for (const std::string& p : base.payloads) known |= rec == p;
      ASSERT_TRUE(known) << "iteration " << iter;
    }
    absl::Status s = r.header.ok() ? r.status : r.header;
    ASSERT_TRUE(s.ok() || absl::IsDataLoss(s) || absl::IsFailedPrecondition(s))
        << s;
    if (!s.ok()) {
      ++corrupt;
    } else if (r.torn) {
      ++torn;
    } else {
      ++clean;
    }
  }
  // The loop must exercise every outcome.
  EXPECT_GT(torn, 100);
  EXPECT_GT(corrupt, 100);
  EXPECT_GT(clean, 10);
}

}  // namespace
}  // namespace strata
