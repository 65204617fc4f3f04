// Files and records written by a newer Strata are refused, never misread:
// one table row per versioned format (WAL and manifest framing, SST
// footer, columnar block codec, docs collection and index definitions).
// Each row bumps the version in a real DB, repairs the checksum so only
// the version is wrong, and checks the error's code and that its message
// names the file (or the catalog record) and the version.
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace strata {
namespace {

constexpr char kDir[] = "/newer";

// A DB in memory with one flushed record and one record only in the WAL.
class Fixture {
 public:
  explicit Fixture(Options opts) : env_(NewMemEnv()), opts_(std::move(opts)) {
    opts_.env = env_.get();
  }

  absl::Status MakeDb() {
    auto db = DB::Open(opts_, kDir);
    if (!db.ok()) return db.status();
    absl::Status s = (*db)->Put(WriteOptions(), "flushed", 1, "a");
    if (s.ok()) s = (*db)->Flush();
    if (s.ok()) s = (*db)->Put(WriteOptions(), "in-wal", 1, "b");
    return s;
  }

  // The newest file whose name ends with (or starts with) part.
  std::string Newest(std::string_view part) {
    auto children = env_->GetChildren(kDir);
    std::string best;
    if (!children.ok()) return best;
    for (const std::string& c : *children) {
      if ((c.ends_with(part) || c.starts_with(part)) && c > best) best = c;
    }
    return best;
  }
  std::string Path(const std::string& name) {
    return absl::StrFormat("%s/%s", kDir, name);
  }
  std::string Read(const std::string& name) {
    auto s = ReadFileToString(env_.get(), Path(name));
    return s.ok() ? *s : "";
  }
  void Write(const std::string& name, const std::string& data) {
    auto f = env_->NewWritableFile(Path(name));
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(data).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }

  // schema/log.md: version at bytes [8, 12), masked CRC of [0, 20) at 20.
  void BumpLogVersion(const std::string& name) {
    std::string s = Read(name);
    ASSERT_GE(s.size(), 24u) << name;
    EncodeFixed32(s.data() + 8, 2);
    EncodeFixed32(s.data() + 20, crc32c::Mask(crc32c::Value(s.data(), 20)));
    Write(name, s);
  }

  // Opens the DB and reads the flushed record: the first error either hits.
  absl::Status OpenAndRead() {
    auto db = DB::Open(opts_, kDir);
    if (!db.ok()) return db.status();
    return (*db)->Get(ReadOptions(), "flushed", 1).status();
  }

  // Writes a raw catalog record, then opens a DocumentStore over the DB.
  absl::Status PutRecordAndOpenDocs(const std::string& key,
                                    const std::string& value) {
    auto db = DB::Open(opts_, kDir);
    if (!db.ok()) return db.status();
    absl::Status s = (*db)->Put(WriteOptions(), key, 0, value);
    if (!s.ok()) return s;
    return DocumentStore::Open(db->get()).status();
  }

 private:
  std::unique_ptr<Env> env_;
  Options opts_;
};

struct NewerCase {
  std::string name;
  Options options;
  // Damages the DB; returns what the error must name (a file or a record).
  std::function<std::string(Fixture*)> bump;
  // Runs what must fail.
  std::function<absl::Status(Fixture*)> use;
  absl::StatusCode code;
  std::string message;  // besides the name, the message must contain this
};

Options Columnar() {
  Options o;
  o.block_encoding = BlockEncodingChoice::kColumnar;
  o.compression = false;  // the codec version byte is then at payload[0]
  return o;
}

std::vector<NewerCase> Cases() {
  auto open_and_read = [](Fixture* f) { return f->OpenAndRead(); };
  return {
      {"Wal", Options(),
       [](Fixture* f) {
         std::string name = f->Newest(".log");
         f->BumpLogVersion(name);
         return name;
       },
       open_and_read, absl::StatusCode::kFailedPrecondition, "newer Strata"},
      {"Manifest", Options(),
       [](Fixture* f) {
         std::string current = f->Read("CURRENT");
         std::string name = current.substr(0, current.find('\n'));
         f->BumpLogVersion(name);
         return name;
       },
       open_and_read, absl::StatusCode::kFailedPrecondition, "newer Strata"},
      {"SstFooter", Options(),
       [](Fixture* f) {
         // schema/sst.md footer: version at 68, CRC at 64 over
         // [0, 64) + [68, 80).
         std::string name = f->Newest(".sst");
         std::string s = f->Read(name);
         char* footer = s.data() + s.size() - 80;
         EncodeFixed32(footer + 68, 3);
         uint32_t crc =
             crc32c::Extend(crc32c::Value(footer, 64), footer + 68, 12);
         EncodeFixed32(footer + 64, crc32c::Mask(crc));
         f->Write(name, s);
         return name;
       },
       open_and_read, absl::StatusCode::kFailedPrecondition,
       "format version 3"},
      {"ColumnarBlock", Columnar(),
       [](Fixture* f) {
         // schema/sst.md: the first data block's 56-byte header at 0, its
         // checksum at 52 over [0, 52) + payload; schema/columnar-block.md:
         // the payload starts with the codec version.
         std::string name = f->Newest(".sst");
         std::string s = f->Read(name);
         EXPECT_EQ(s[1], 2) << "first block is not columnar";
         const uint32_t stored = DecodeFixed32(s.data() + 12);
         s[56] = 2;
         uint32_t crc =
             crc32c::Extend(crc32c::Value(s.data(), 52), s.data() + 56, stored);
         EncodeFixed32(s.data() + 52, crc32c::Mask(crc));
         f->Write(name, s);
         return name;
       },
       // Refused as damage (DataLoss), not yet as FailedPrecondition
       // "newer": see docs/reliability-results.md, known gaps.
       open_and_read, absl::StatusCode::kDataLoss, "version"},
      {"DocsCollectionDefinition", Options(),
       [](Fixture*) { return std::string("events"); },
       [](Fixture* f) {
         return f->PutRecordAndOpenDocs(
             docs::CollectionPrefix(docs::kCollectionTag, "events"),
             R"({"format_version":2,"name":"events","key":"_id"})");
       },
       absl::StatusCode::kFailedPrecondition, "format_version 2"},
      // Names the index's collection; the index name would be better (the
      // version is checked before the name is read).
      {"DocsIndexDefinition", Options(),
       [](Fixture*) { return std::string("events: index"); },
       [](Fixture* f) {
         // The index's collection must exist for its definition to load.
         absl::Status s = f->PutRecordAndOpenDocs(
             docs::CollectionPrefix(docs::kCollectionTag, "events"),
             R"({"format_version":1,"name":"events","key":"_id"})");
         if (!s.ok()) return s;
         return f->PutRecordAndOpenDocs(
             docs::IndexDefKey("events", "by_user"),
             R"({"format_version":2,"name":"by_user","paths":["user"],)"
             R"("unique":false,"multi":false,"sparse":false,)"
             R"("state":"ready"})");
       },
       absl::StatusCode::kFailedPrecondition, "format_version 2"},
  };
}

void PrintTo(const NewerCase& c, std::ostream* os) { *os << c.name; }

class NewerFormatTest : public ::testing::TestWithParam<NewerCase> {};

TEST_P(NewerFormatTest, IsRefusedNamingTheFileAndVersion) {
  const NewerCase& c = GetParam();
  Fixture f(c.options);
  ASSERT_TRUE(f.MakeDb().ok());
  const std::string named = c.bump(&f);
  ASSERT_FALSE(named.empty());
  if (HasFatalFailure()) return;
  absl::Status st = c.use(&f);
  ASSERT_FALSE(st.ok()) << "a newer " << c.name << " was accepted";
  EXPECT_EQ(st.code(), c.code) << st;
  const std::string msg(st.message());
  EXPECT_NE(msg.find(named), std::string::npos)
      << "does not name " << named << ": " << st;
  EXPECT_NE(msg.find(c.message), std::string::npos) << st;
}

INSTANTIATE_TEST_SUITE_P(Formats, NewerFormatTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<NewerCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace strata
