// End-to-end tests of `strata stats`, `compact`, `check` and `dump`:
// output sections, damage reported as "FILE at offset N: reason" with
// exit 1 for flipped bytes in an SST, a WAL and CURRENT, and torn WAL
// tails reported as notes, not damage.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class CliAdminTest : public ::testing::Test {
 protected:
  // Points in two time windows, then a reopen (which turns the WAL into
  // SSTs), then three more batches left in the WAL by the shell.
  void Populate() {
    std::string lp;
    for (int i = 0; i < 300; ++i) {
      lp += "cpu,host=h" + std::to_string(i % 3) +
            " value=" + std::to_string(i) + " " +
            std::to_string(1704067200000000000LL + i * 600000000000LL) + "\n";
    }
    CliResult r = h_.Run({"write", h_.File("p.lp", lp)});
    ASSERT_EQ(r.code, 0) << Describe(r);
    r = h_.Run({"compact"});
    ASSERT_EQ(r.code, 0) << Describe(r);
    r = h_.Run({"shell"},
               "insert wal,k=a v=1 1\ninsert wal,k=b v=2 2\n"
               "insert wal,k=c v=3 3\n");
    ASSERT_EQ(r.code, 0) << Describe(r);
  }
  std::vector<std::string> Files(const std::string& ext) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(h_.db())) {
      if (e.path().extension() == ext) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void FlipByte(const std::string& path, uint64_t offset) {
    std::string data = ReadWholeFile(path);
    ASSERT_LT(offset, data.size()) << path;
    data[offset] ^= 0x5a;
    WriteWholeFile(path, data);
  }
  CliHarness h_;
};

TEST_F(CliAdminTest, StatsHumanAndPrometheus) {
  Populate();
  CliResult r = h_.Run({"stats"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("live_files"));
  EXPECT_THAT(r.out, HasSubstr("windows: "));
  EXPECT_THAT(r.out, HasSubstr("2024-01-01T00:00:00Z"));
  r = h_.Run({"stats", "--prometheus"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("# TYPE strata_"));
  EXPECT_THAT(r.out, HasSubstr("\nstrata_live_files"));
}

TEST_F(CliAdminTest, CompactReportsBeforeAndAfter) {
  Populate();
  CliResult r = h_.Run({"compact"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, MatchesRegex("compacted in [0-9.]+ s: [0-9]+ files .*"));
  r = h_.Run({"query", "--format=csv", "SELECT count(value) FROM cpu"});
  EXPECT_THAT(r.out, HasSubstr(",300\n"));
}

TEST_F(CliAdminTest, CheckHealthyDb) {
  Populate();
  CliResult r = h_.Run({"check", "--verbose"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("no damage"));
  EXPECT_THAT(r.out, HasSubstr(".sst ("));
  EXPECT_THAT(r.out, HasSubstr("(3 batches)"));
  EXPECT_EQ(r.err, "");
}

TEST_F(CliAdminTest, CheckReportsDamagedSst) {
  Populate();
  const std::vector<std::string> ssts = Files(".sst");
  ASSERT_FALSE(ssts.empty());
  FlipByte(ssts[0], 70);  // inside the first data block
  CliResult r = h_.Run({"check"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  const std::regex line("DAMAGE " + ssts[0] + " at offset [0-9]+: .+");
  bool found = false;
  for (size_t pos = 0; pos < r.out.size();) {
    size_t nl = r.out.find('\n', pos);
    if (std::regex_match(r.out.substr(pos, nl - pos), line)) found = true;
    pos = nl == std::string::npos ? r.out.size() : nl + 1;
  }
  EXPECT_TRUE(found) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("1 damaged"));
  // dump of the same file fails the same way.
  r = h_.Run({"dump", "sst", ssts[0], "--records"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr(ssts[0] + " at offset"));
}

TEST_F(CliAdminTest, CheckReportsDamagedWalButNotATornTail) {
  Populate();
  const std::vector<std::string> logs = Files(".log");
  ASSERT_EQ(logs.size(), 1u);
  const std::string wal = ReadWholeFile(logs[0]);
  // Cut into the last record: a torn tail, which is only a note.
  WriteWholeFile(logs[0], wal.substr(0, wal.size() - 3));
  CliResult r = h_.Run({"check"});
  EXPECT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("note: " + logs[0] + ": torn tail at offset"));
  // Damage the first record, with valid records after it: mid-log damage.
  WriteWholeFile(logs[0], wal);
  FlipByte(logs[0], 40);
  r = h_.Run({"check"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("DAMAGE " + logs[0] + " at offset 24: "));
}

TEST_F(CliAdminTest, CheckReportsDamagedCurrentAndMissingSst) {
  Populate();
  const std::vector<std::string> ssts = Files(".sst");
  ASSERT_FALSE(ssts.empty());
  std::filesystem::remove(ssts.back());
  CliResult r = h_.Run({"check"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr(ssts.back() + ": listed in the manifest but "
                                             "missing"));
  WriteWholeFile(h_.db() + "/CURRENT", "garbage");
  r = h_.Run({"check"});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("DAMAGE " + h_.db() +
                               "/CURRENT at offset 0: does not name"));
  r = h_.Run({"check"}, "", {}, /*use_db=*/false);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no database directory"));
}

TEST_F(CliAdminTest, DumpSstWalManifest) {
  Populate();
  CliResult r = h_.Run({"dump", "sst", "--records", "--max-value", "4"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  for (const char* section :
       {"footer: format_version 2", "properties:", "smallest_key",
        "index: ", " data blocks", "count ", "ts [", "expire [", "columnar",
        "range tombstones: 0", "records:", " put expire never value "}) {
    EXPECT_THAT(r.out, HasSubstr(section));
  }
  r = h_.Run({"dump", "wal"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("batch seq "));
  EXPECT_THAT(r.out, HasSubstr("count "));
  EXPECT_THAT(r.out, HasSubstr(" put '\\x10wal"));
  EXPECT_THAT(r.out, HasSubstr("3 batches"));
  r = h_.Run({"dump", "manifest"});
  ASSERT_EQ(r.code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("VersionEdit {"));
  EXPECT_THAT(r.out, HasSubstr("add window="));
  r = h_.Run({"dump", "manifest", h_.Path("nope")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no such file"));
  // A file of the wrong kind is damage, not a crash.
  r = h_.Run({"dump", "wal", Files(".sst")[0]});
  EXPECT_EQ(r.code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("strata dump: "));
}

}  // namespace
}  // namespace strata::cli_test
