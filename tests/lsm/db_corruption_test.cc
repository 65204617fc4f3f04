// Corruption tests for strata::DB on the POSIX env: a DB is written and
// closed, then one file at a time is damaged (bytes flipped, file cut
// short, file removed) and the DB is reopened and read in full. The only
// acceptable outcomes are an error that names the damaged file (DataLoss
// for damage) or exactly the data that was written; for a WAL cut short,
// exactly the batches before the cut. Never a crash, never wrong data.
//
// Every byte of the WAL and MANIFEST is tried; SST offsets are sampled
// (STRATA_CORRUPTION_EXHAUSTIVE=1 tries every SST byte too). Files live on
// /dev/shm when possible, where each reopen costs about a millisecond.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/model_reference.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/status.h"
#include "util/coding.h"
#include "util/random.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

// Where the test's files go: $TEST_TMPDIR, else /dev/shm when it is a
// writable directory (tmpfs: fsync is free, so hundreds of reopens stay
// fast; what survives a process kill is the same as on disk), else /tmp.
std::string TempRoot() {
  if (const char* t = getenv("TEST_TMPDIR"); t != nullptr && *t != '\0') {
    return t;
  }
  return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

using model::ModelDB;
using model::Op;

bool Exhaustive() {
  const char* v = getenv("STRATA_CORRUPTION_EXHAUSTIVE");
  return v != nullptr && *v != '\0' && *v != '0';
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Names in dir ending with suffix (".sst", ".log") or starting with it
// ("MANIFEST-"), sorted.
std::vector<std::string> FilesLike(const std::string& dir,
                                   std::string_view pattern) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.ends_with(pattern) || name.starts_with(pattern)) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Offsets to damage in a file of `size` bytes: all of the first and last
// `edge` bytes, plus `middle` spread evenly between (every byte when
// exhaustive).
std::vector<uint64_t> SampleOffsets(uint64_t size, uint64_t edge,
                                    uint64_t middle) {
  std::set<uint64_t> out;
  if (Exhaustive() || size <= 2 * edge + middle) {
    for (uint64_t i = 0; i < size; i++) out.insert(i);
  } else {
    for (uint64_t i = 0; i < edge; i++) {
      out.insert(i);
      out.insert(size - 1 - i);
    }
    for (uint64_t i = 0; i < middle; i++) {
      out.insert(edge + (size - 2 * edge) * i / middle);
    }
  }
  return {out.begin(), out.end()};
}

// Record boundaries of a log file (schema/log.md): 24-byte header, then
// records of 9 + length bytes.
std::vector<std::pair<uint64_t, uint64_t>> LogRecords(std::string_view data) {
  std::vector<std::pair<uint64_t, uint64_t>> out;  // (offset, total size)
  uint64_t off = 24;
  while (off + 9 <= data.size()) {
    const uint64_t len = DecodeFixed32(data.data() + off + 4);
    if (off + 9 + len > data.size()) break;
    out.emplace_back(off, 9 + len);
    off += 9 + len;
  }
  return out;
}

// Tallies the outcomes of one kind of damage and keeps the first few
// unacceptable ones for the failure message.
struct Tally {
  explicit Tally(std::string w) : what(std::move(w)) {}
  std::string what;
  int cases = 0, correct = 0, errors = 0, bad_count = 0;
  std::map<std::string, int> bad_by_read;  // first wrong read's kind
  std::vector<std::string> bad;

  // label: which damage; problem: "<read kind>...: detail".
  void Bad(const std::string& label, const std::string& problem) {
    bad_count++;
    bad_by_read[problem.substr(0, problem.find_first_of("(: "))]++;
    if (bad.size() < 5) bad.push_back(label + ": " + problem);
  }
  void Report() const {
    std::string kinds;
    for (const auto& [k, n] : bad_by_read) {
      kinds += absl::StrFormat(" %s %d", k, n);
    }
    printf(
        "%-24s %4d cases: %4d read back correctly, %4d errors, %d "
        "wrong%s%s\n",
        what.c_str(), cases, correct, errors, bad_count,
        kinds.empty() ? "" : " (first wrong read:",
        kinds.empty() ? "" : (kinds + ")").c_str());
    std::string detail;
    for (const auto& b : bad) detail += "\n  " + b;
    EXPECT_EQ(bad_count, 0) << what << ": " << bad_count
                            << " damaged DBs gave a wrong answer or a "
                               "wrong error; first ones:"
                            << detail;
  }
};

class DBCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = TempRoot() + "/strata_corruption_test.XXXXXX";
    char* d = ::mkdtemp(tmpl.data());
    ASSERT_NE(d, nullptr);
    root_ = d;
    pristine_ = root_ + "/pristine";
    work_ = root_ + "/work";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static Options BaseOptions() {
    Options o;
    o.block_size = 256;
    o.bloom_bits_per_key = 10;
    // Keep the flushed files as written: no merges while building.
    o.window_merge_trigger = 64;
    return o;
  }

  // Opens dir, applies each batch (one Write, so one WAL record, per
  // batch), flushing after the batches listed, then closes.
  void Build(const std::string& dir,
             const std::vector<std::vector<Op>>& batches,
             const std::set<size_t>& flush_after) {
    auto db = DB::Open(BaseOptions(), dir);
    ASSERT_TRUE(db.ok()) << db.status();
    for (size_t i = 0; i < batches.size(); i++) {
      ASSERT_TRUE(
          (*db)->Write(WriteOptions(), model::ToBatch(batches[i])).ok());
      model_.Apply(batches[i], 0);
      if (flush_after.count(i)) {
        ASSERT_TRUE((*db)->Flush().ok());
      }
    }
  }

  // Three flushed SSTs whose records overwrite and delete each other, and a
  // last batch left in the WAL.
  void BuildTables() {
    std::vector<std::vector<Op>> batches;
    Random rng(301);
    for (int round = 0; round < 4; round++) {
      std::vector<Op> ops;
      for (int k = 0; k < 100; k++) {
        for (Timestamp ts = 0; ts < 4; ts++) {
          const uint64_t r = rng.Uniform(10);
          if (round > 0 && r >= (round == 3 ? 2u : 5u)) continue;
          Op op;
          op.key = absl::StrFormat("k%03d", k);
          op.ts = ts;
          if (round > 0 && r == 0) {
            op.kind = Op::kDelete;
          } else {
            op.value = absl::StrFormat("round%d-%s-%d-", round, op.key, ts);
            op.value.append(rng.Uniform(40), 'v');
            op.expiry = Expiry::Never();
          }
          ops.push_back(std::move(op));
        }
      }
      if (round == 1 || round == 2) {
        Op del;
        del.kind = Op::kDeleteRange;
        del.key = round == 1 ? "k020" : "k090";
        del.end = round == 1 ? "k030" : "";  // unbounded
        del.ts = round == 1 ? 1 : 0;
        del.t1 = round == 1 ? 3 : 1;
        ops.push_back(std::move(del));
      }
      batches.push_back(std::move(ops));
    }
    Build(pristine_, batches, {0, 1, 2});
  }

  // Replaces the work directory with a copy of the pristine one.
  void ResetWork() {
    std::error_code ec;
    fs::remove_all(work_, ec);
    fs::copy(pristine_, work_);
    fs::remove(work_ + "/LOCK", ec);
  }

  // An error is acceptable if it is DataLoss and names the damaged file.
  static bool AcceptableError(const absl::Status& s,
                              const std::string& damaged) {
    return IsCorruption(s) &&
           std::string(s.message()).find(damaged) != std::string::npos;
  }

  // Opens work_ and reads everything the reference knows of. Returns ""
  // if every answer was either correct or an acceptable error (*errored
  // says which), else what went wrong.
  std::string OpenAndCheck(const Options& options, const ModelDB& want,
                           const std::string& damaged, bool* errored) {
    *errored = false;
    auto db = DB::Open(options, work_);
    if (!db.ok()) {
      *errored = true;
      return AcceptableError(db.status(), damaged)
                 ? ""
                 : "open: " + db.status().ToString();
    }
    const SequenceNumber seq = want.last_sequence();
    std::string problem;
    auto error = [&](const absl::Status& s, const std::string& where) {
      *errored = true;
      if (!AcceptableError(s, damaged) && problem.empty()) {
        problem = where + ": " + s.ToString();
      }
    };
    const std::vector<Record> all = want.Scan(ScanRange{}, seq, 0);
    for (bool reverse : {false, true}) {
      auto it = (*db)->NewIterator(ReadOptions());
      size_t i = 0;
      reverse ? it->SeekToLast() : it->SeekToFirst();
      while (true) {
        // Records seen while status() is OK must be right.
        if (!it->status().ok()) {
          error(it->status(), reverse ? "reverse scan" : "scan");
          break;
        }
        if (!it->Valid()) {
          if (i != all.size() && problem.empty()) {
            problem = absl::StrFormat("%s ended after %d of %d records",
                                      reverse ? "reverse scan" : "scan", i,
                                      all.size());
          }
          break;
        }
        const Record& w = all[reverse ? all.size() - 1 - i : i];
        Record got{std::string(it->key()), it->timestamp(), it->expire_at(),
                   std::string(it->value())};
        if (i >= all.size() || !model::SameRecord(got, w)) {
          if (problem.empty()) {
            problem = absl::StrFormat(
                "%s record %d: got %s, want %s",
                reverse ? "reverse scan" : "scan", i,
                model::DescribeRecord(got),
                i < all.size() ? model::DescribeRecord(w) : "(end)");
          }
          break;
        }
        i++;
        reverse ? it->Prev() : it->Next();
      }
    }
    std::set<std::string> keys;
    for (const auto& [k, versions] : want.groups()) {
      keys.insert(k.first);
      auto got = (*db)->Get(ReadOptions(), k.first, k.second);
      auto w = want.Get(k.first, k.second, seq, 0);
      if (!got.ok() && !strata::IsNotFound(got.status())) {
        error(got.status(), "get");
      } else if (got.ok() != w.has_value() ||
                 (got.ok() && !model::SameRecord(*got, *w))) {
        if (problem.empty()) {
          problem = absl::StrFormat(
              "get('%s', %d): got %s, want %s", k.first, k.second,
              got.ok() ? model::DescribeRecord(*got) : "NOT FOUND",
              w ? model::DescribeRecord(*w) : "NOT FOUND");
        }
      }
    }
    for (const std::string& key : keys) {
      auto got = (*db)->GetLatest(ReadOptions(), key);
      auto w = want.GetLatest(key, seq, 0);
      if (!got.ok() && !strata::IsNotFound(got.status())) {
        error(got.status(), "get_latest");
      } else if (got.ok() != w.has_value() ||
                 (got.ok() && !model::SameRecord(*got, *w))) {
        if (problem.empty()) {
          problem = absl::StrFormat(
              "get_latest('%s'): got %s, want %s", key,
              got.ok() ? model::DescribeRecord(*got) : "NOT FOUND",
              w ? model::DescribeRecord(*w) : "NOT FOUND");
        }
      }
    }
    return problem;
  }

  // Damages file `name` in a fresh copy with `damage`, then checks.
  template <typename Damage>
  void Try(Tally* t, const std::string& name, const std::string& label,
           Damage damage, const ModelDB& want,
           const Options& options = BaseOptions()) {
    ResetWork();
    const std::string path = work_ + "/" + name;
    std::string data = ReadAll(path);
    damage(&data);
    WriteAll(path, data);
    bool errored = false;
    std::string problem = OpenAndCheck(options, want, name, &errored);
    t->cases++;
    if (!problem.empty()) {
      t->Bad(name + " " + label, problem);
    } else if (errored) {
      t->errors++;
    } else {
      t->correct++;
    }
  }

  std::string root_, pristine_, work_;
  ModelDB model_;
};

TEST_F(DBCorruptionTest, UndamagedCopyReadsBackExactly) {
  BuildTables();
  ASSERT_EQ(FilesLike(pristine_, ".sst").size(), 3u);
  ResetWork();
  bool errored = true;
  EXPECT_EQ(OpenAndCheck(BaseOptions(), model_, "", &errored), "");
  EXPECT_FALSE(errored);
}

TEST_F(DBCorruptionTest, FlippedSstBytes) {
  BuildTables();
  Tally t("SST byte flips");
  for (const std::string& sst : FilesLike(pristine_, ".sst")) {
    const uint64_t size = fs::file_size(pristine_ + "/" + sst);
    for (uint64_t off : SampleOffsets(size, 100, 300)) {
      Try(
          &t, sst, absl::StrFormat("byte %d of %d flipped", off, size),
          [&](std::string* d) { (*d)[off] ^= 1 << (off % 8); }, model_);
    }
  }
  t.Report();
  EXPECT_GT(t.errors, 0);
}

TEST_F(DBCorruptionTest, TruncatedSsts) {
  BuildTables();
  Tally t("SST truncations");
  for (const std::string& sst : FilesLike(pristine_, ".sst")) {
    const uint64_t size = fs::file_size(pristine_ + "/" + sst);
    std::set<uint64_t> cuts = {0,  1,         56,        79,
                               80, size - 80, size - 79, size - 1};
    for (uint64_t i = 1; i < 12; i++) cuts.insert(size * i / 12);
    for (uint64_t cut : cuts) {
      Try(
          &t, sst, absl::StrFormat("cut to %d of %d bytes", cut, size),
          [&](std::string* d) { d->resize(cut); }, model_);
    }
  }
  t.Report();
  EXPECT_EQ(t.correct, 0) << "a shorter SST cannot read back whole";
}

TEST_F(DBCorruptionTest, MissingSstFailsOpenNamingIt) {
  BuildTables();
  for (const std::string& sst : FilesLike(pristine_, ".sst")) {
    ResetWork();
    fs::remove(work_ + "/" + sst);
    auto db = DB::Open(BaseOptions(), work_);
    ASSERT_FALSE(db.ok()) << sst << " removed, yet the DB opened";
    EXPECT_NE(std::string(db.status().message()).find(sst), std::string::npos)
        << db.status();
  }
}

TEST_F(DBCorruptionTest, DamagedManifest) {
  BuildTables();
  const auto manifests = FilesLike(pristine_, "MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  const std::string name = manifests[0];
  const std::string data = ReadAll(pristine_ + "/" + name);
  const auto records = LogRecords(data);
  ASSERT_GE(records.size(), 2u);
  ASSERT_EQ(records.back().first + records.back().second, data.size());

  Tally flips("MANIFEST byte flips");
  for (uint64_t off : SampleOffsets(data.size(), 4096, 0)) {
    Try(
        &flips, name,
        absl::StrFormat("byte %d of %d flipped", off, data.size()),
        [&](std::string* d) { (*d)[off] ^= 0x20; }, model_);
  }
  flips.Report();

  Tally cuts("MANIFEST truncations");
  std::vector<uint64_t> points;  // every length short of whole
  for (uint64_t cut = 0; cut < data.size(); cut++) points.push_back(cut);
  for (uint64_t cut : points) {
    Try(
        &cuts, name, absl::StrFormat("cut to %d of %d bytes", cut, data.size()),
        [&](std::string* d) { d->resize(cut); }, model_);
  }
  cuts.Report();
}

// Minimal form of what FlippedSstBytes finds: when the SST holding the
// newest version of a record cannot be read, a point read must fail, not
// answer with an older version from another file.
TEST_F(DBCorruptionTest, DamagedNewerSstNeverYieldsAnOlderVersion) {
  {
    auto db = DB::Open(BaseOptions(), pristine_);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Put(WriteOptions(), "k", 1, "old").ok());
    ASSERT_TRUE((*db)->Flush().ok());
    ASSERT_TRUE((*db)->Put(WriteOptions(), "k", 1, "new").ok());
    ASSERT_TRUE((*db)->Flush().ok());
  }
  const auto ssts = FilesLike(pristine_, ".sst");
  ASSERT_EQ(ssts.size(), 2u);
  const std::string newer = ssts.back();  // file numbers grow
  ResetWork();
  std::string data = ReadAll(work_ + "/" + newer);
  data[60] ^= 0x01;  // inside the first data block's payload
  WriteAll(work_ + "/" + newer, data);

  auto db = DB::Open(BaseOptions(), work_);
  ASSERT_TRUE(db.ok()) << db.status();  // blocks are checked when read
  auto got = (*db)->Get(ReadOptions(), "k", 1);
  if (got.ok()) {
    EXPECT_EQ(got->value, "new") << "Get fell through the damaged " << newer;
  } else {
    EXPECT_TRUE(AcceptableError(got.status(), newer)) << got.status();
  }
  auto latest = (*db)->GetLatest(ReadOptions(), "k");
  if (latest.ok()) {
    EXPECT_EQ(latest->value, "new")
        << "GetLatest fell through the damaged " << newer;
  } else {
    EXPECT_TRUE(AcceptableError(latest.status(), newer)) << latest.status();
  }
}

// Minimal form of what DamagedManifest finds: the manifest's last record
// (here the flush that installed the only SST) is damaged. Whole records
// before it make it look like a torn append, but an append is synced before
// anything relies on it, and the WAL it made obsolete is gone: opening as
// if the edit never happened loses acknowledged, flushed data silently.
TEST_F(DBCorruptionTest, DamagedLastManifestRecordIsNotSilentlyDropped) {
  {
    auto db = DB::Open(BaseOptions(), pristine_);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Put(WriteOptions(), "k", 1, "flushed").ok());
    ASSERT_TRUE((*db)->Flush().ok());
  }
  const std::string manifest = FilesLike(pristine_, "MANIFEST-").at(0);
  ResetWork();
  std::string data = ReadAll(work_ + "/" + manifest);
  const auto records = LogRecords(data);
  ASSERT_GE(records.size(), 2u);
  const auto [off, len] = records.back();
  data[off + 9 + (len - 9) / 2] ^= 0x01;
  WriteAll(work_ + "/" + manifest, data);

  auto db = DB::Open(BaseOptions(), work_);
  if (!db.ok()) {
    EXPECT_TRUE(AcceptableError(db.status(), manifest)) << db.status();
    return;
  }
  auto got = (*db)->Get(ReadOptions(), "k", 1);
  if (got.ok()) {
    EXPECT_EQ(got->value, "flushed");
  } else {
    EXPECT_TRUE(AcceptableError(got.status(), manifest))
        << "the flushed record is gone without an error: " << got.status();
  }
}

// The WAL cases: batches that stay in one WAL (nothing flushed).
class DBWalCorruptionTest : public DBCorruptionTest {
 protected:
  static constexpr int kBatches = 24;

  void BuildWal() {
    Random rng(77);
    for (int b = 0; b < kBatches; b++) {
      std::vector<Op> ops;
      const int n = 1 + static_cast<int>(rng.Uniform(6));
      for (int i = 0; i < n; i++) {
        Op op;
        op.key = absl::StrFormat("w%02d", rng.Uniform(12));
        op.ts = static_cast<Timestamp>(rng.Uniform(4));
        const uint64_t r = rng.Uniform(10);
        if (r < 7) {
          op.value = absl::StrFormat("batch%d-op%d-", b, i);
          op.value.append(rng.Uniform(60), 'w');
          op.expiry = Expiry::Never();
        } else if (r < 9) {
          op.kind = Op::kDelete;
        } else {
          op.kind = Op::kDeleteRange;
          op.end = absl::StrFormat("w%02d", rng.Uniform(12));
          if (op.end < op.key) std::swap(op.key, op.end);
          op.ts = 0;
          op.t1 = 2;
        }
        ops.push_back(std::move(op));
      }
      batches_.push_back(std::move(ops));
    }
    Build(pristine_, batches_, {});
    // The reference after each prefix of the batches.
    prefixes_.emplace_back();
    for (const auto& b : batches_) {
      ModelDB next = prefixes_.back();
      next.Apply(b, 0);
      prefixes_.push_back(next);
    }
    auto logs = FilesLike(pristine_, ".log");
    ASSERT_EQ(logs.size(), 1u);
    wal_ = logs[0];
    wal_data_ = ReadAll(pristine_ + "/" + wal_);
    records_ = LogRecords(wal_data_);
    ASSERT_EQ(records_.size(), static_cast<size_t>(kBatches));
    ASSERT_EQ(records_.back().first + records_.back().second, wal_data_.size());
  }

  std::vector<std::vector<Op>> batches_;
  std::vector<ModelDB> prefixes_;  // [i] = after the first i batches
  std::string wal_, wal_data_;
  std::vector<std::pair<uint64_t, uint64_t>> records_;
};

// A WAL cut anywhere is a torn tail: the open succeeds with exactly the
// batches whose records are whole.
TEST_F(DBWalCorruptionTest, TruncatedWalKeepsExactlyThePrefix) {
  BuildWal();
  Tally t("WAL truncations");
  auto check = [&](uint64_t cut, int whole) {
    ResetWork();
    const std::string path = work_ + "/" + wal_;
    WriteAll(path, std::string_view(wal_data_).substr(0, cut));
    bool errored = false;
    std::string problem =
        OpenAndCheck(BaseOptions(), prefixes_[whole], wal_, &errored);
    t.cases++;
    if (!problem.empty() || errored) {
      t.Bad(absl::StrFormat("cut to %d bytes (%d whole batches)", cut, whole),
            errored ? "open or read error" : problem);
    } else {
      t.correct++;
    }
  };
  // Every length from empty to whole: inside the file header nothing
  // survives, elsewhere exactly the records that are still whole.
  for (uint64_t cut = 0; cut < wal_data_.size(); cut++) {
    int whole = 0;
    while (whole < kBatches &&
           records_[whole].first + records_[whole].second <= cut) {
      whole++;
    }
    check(cut, whole);
  }
  check(wal_data_.size(), kBatches);
  t.Report();
}

// A damaged record with whole records after it is mid-log corruption: the
// open fails naming the WAL and the record's offset. Damage to the last
// record looks like a torn tail: the batches before it survive.
TEST_F(DBWalCorruptionTest, FlippedWalRecordFailsOpenWithFileAndOffset) {
  BuildWal();
  Tally t("WAL record flips");
  for (int i = 0; i < kBatches; i++) {
    const auto [off, len] = records_[i];
    // Every byte: CRC, length, type and payload.
    for (uint64_t at = off; at < off + len; at++) {
      ResetWork();
      std::string data = wal_data_;
      data[at] ^= 0x04;
      WriteAll(work_ + "/" + wal_, data);
      t.cases++;
      const std::string label = absl::StrFormat(
          "record %d at offset %d, byte %d flipped", i, off, at);
      if (i + 1 < kBatches) {
        auto db = DB::Open(BaseOptions(), work_);
        const std::string offset = absl::StrFormat("offset %d", off);
        if (db.ok()) {
          t.Bad(label, "open succeeded");
        } else if (!IsCorruption(db.status()) ||
                   std::string(db.status().message()).find(wal_) ==
                       std::string::npos ||
                   std::string(db.status().message()).find(offset) ==
                       std::string::npos) {
          t.Bad(label, "open error without DataLoss, " + wal_ + " and '" +
                           offset + "': " + db.status().ToString());
        } else {
          t.errors++;
        }
      } else {
        bool errored = false;
        std::string problem =
            OpenAndCheck(BaseOptions(), prefixes_[i], wal_, &errored);
        if (!problem.empty() || errored) {
          t.Bad(label, errored ? "open or read error" : problem);
        } else {
          t.correct++;
        }
      }
    }
  }
  // The file header.
  for (uint64_t at : {0, 8, 12, 20}) {
    Try(
        &t, wal_, absl::StrFormat("header byte %d flipped", at),
        [&](std::string* d) { (*d)[at] ^= 0x01; }, prefixes_.back());
  }
  t.Report();
}

// With wal_salvage the same damage costs only the records from the damaged
// one on, and the loss is counted.
TEST_F(DBWalCorruptionTest, SalvageKeepsThePrefixBeforeTheDamage) {
  BuildWal();
  Options salvage = BaseOptions();
  salvage.wal_salvage = true;
  for (int i : {0, 1, kBatches / 2, kBatches - 2}) {
    SCOPED_TRACE(absl::StrFormat("record %d damaged", i));
    ResetWork();
    std::string data = wal_data_;
    const auto [off, len] = records_[i];
    data[off + 9 + (len - 9) / 2] ^= 0x10;
    WriteAll(work_ + "/" + wal_, data);
    bool errored = false;
    EXPECT_EQ(OpenAndCheck(salvage, prefixes_[i], wal_, &errored), "");
    EXPECT_FALSE(errored);
    auto db = DB::Open(salvage, work_);
    ASSERT_TRUE(db.ok()) << db.status();
  }
  // The counter, on a fresh copy (the open above already rewrote the WAL).
  ResetWork();
  std::string data = wal_data_;
  data[records_[3].first + 12] ^= 0x10;
  WriteAll(work_ + "/" + wal_, data);
  auto db = DB::Open(salvage, work_);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_GE((*db)->GetStats().wal_records_salvaged_away, 1u);
}

}  // namespace
}  // namespace strata
