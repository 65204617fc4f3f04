// Compaction and retention: expired data leaves the disk (whole files
// unread), deletes leave no trace after a bottom compaction, snapshots stay
// consistent, and sustained ingest keeps files and memory bounded.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/env.h"

namespace strata {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSecond;

class CompactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrFormat(
        "/tmp/strata-compaction-%d-%s", getpid(),
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    clock_ = std::make_unique<ManualClockEnv>(Env::Default());
    clock_->SetNow(1'700'000'000 * kSecond);
    options_.env = clock_.get();
    options_.write_buffer_size = 256 << 10;
    options_.time_window_ns = kHour;
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    db_.reset();
    auto db = DB::Open(options_, dir_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  uint64_t DiskBytes() {
    uint64_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.is_regular_file()) total += e.file_size();
    }
    return total;
  }
  uint64_t SstCount() {
    uint64_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".sst") n++;
    }
    return n;
  }

  std::string dir_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(CompactionTest, ExpiredFilesAreDroppedWholeWithoutBeingRead) {
  options_.default_ttl_ns = 2 * kHour;  // counted from each point's ts
  Open();
  const int64_t start = clock_->NowNanos();
  // 24 hourly windows of 8 series at 10 s: one or more SSTs per window.
  // Values are random so the data, not the manifest, dominates the disk.
  uint64_t rnd = 42;
  std::string value(16, 'v');
  for (int64_t ts = start; ts < start + 24 * kHour; ts += 10 * kSecond) {
    WriteBatch b;
    for (int s = 0; s < 8; s++) {
      for (char& c : value) {
        rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
        c = static_cast<char>(rnd >> 56);
      }
      b.Put(absl::StrFormat("series-%02d", s), ts, value);
    }
    ASSERT_TRUE(db_->Write(WriteOptions(), b).ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  const uint64_t peak = DiskBytes();
  Stats before = db_->GetStats();
  ASSERT_GE(before.live_files, 20u) << "the test needs >= 20 SSTs";

  // Move the clock past every point's expiry: reads see nothing at once.
  clock_->SetNow(start + 27 * kHour);
  auto it = db_->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it.reset();

  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  Stats after = db_->GetStats();
  EXPECT_EQ(after.live_files, 0u);
  // Each file counted once, although two background threads pick work.
  EXPECT_EQ(after.files_dropped_ttl - before.files_dropped_ttl,
            before.live_files);
  // Dropped unread: no block was read and no compaction read their bytes.
  EXPECT_EQ(after.blocks_read, before.blocks_read);
  EXPECT_EQ(after.compaction_bytes_read, before.compaction_bytes_read);
  EXPECT_LT(DiskBytes(), peak / 20) << "peak " << peak;
}

TEST_F(CompactionTest, DeletedKeysLeaveNoTraceAfterBottomCompaction) {
  Open();
  const int64_t ts = clock_->NowNanos();
  for (int i = 0; i < 10000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), absl::StrFormat("key%05d", i), ts,
                         "some value bytes")
                    .ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  // Delete 90%: point deletes for most, one range delete for a block.
  for (int i = 0; i < 8000; i++) {
    if (i % 10 == 0) continue;
    ASSERT_TRUE(
        db_->Delete(WriteOptions(), absl::StrFormat("key%05d", i), ts).ok());
  }
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "key08000", "key10000").ok());
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  Stats st = db_->GetStats();
  uint64_t records = 0, tombstones = 0;
  for (const auto& w : st.windows) {
    records += w.records;
    tombstones += w.tombstones;
  }
  EXPECT_EQ(tombstones, 0u);
  EXPECT_EQ(records, 800u);
  EXPECT_GT(st.dropped_deleted, 0u);
  int n = 0;
  auto it = db_->NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_EQ(n, 800);
  Open();  // and the same after a reopen
  it = db_->NewIterator(ReadOptions());
  n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_EQ(n, 800);
}

TEST_F(CompactionTest, SnapshotSurvivesCompaction) {
  Open();
  const int64_t ts = clock_->NowNanos();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", ts, "old").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "gone", ts, "x").ok());
  auto snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", ts, "new").ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "gone", ts).ok());
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "a", "z", ts, ts + 1).ok());
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ReadOptions at_snap;
  at_snap.snapshot = snap.get();
  auto r = db_->Get(at_snap, "k", ts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->value, "old");
  EXPECT_TRUE(db_->Get(at_snap, "gone", ts).ok());
  EXPECT_TRUE(absl::IsNotFound(db_->Get(ReadOptions(), "k", ts).status()));
  snap.reset();
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  Stats st = db_->GetStats();
  uint64_t records = 0;
  for (const auto& w : st.windows) records += w.records;
  EXPECT_EQ(records, 0u);
}

TEST_F(CompactionTest, ShorterLivedOverwriteDoesNotLoseOlderVersion) {
  Open();
  const int64_t ts = clock_->NowNanos();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", ts, "long", Expiry::Never()).ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", ts, "short",
                       Expiry::At(clock_->NowNanos() + kHour))
                  .ok());
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  EXPECT_EQ(db_->Get(ReadOptions(), "k", ts)->value, "short");
  clock_->Advance(2 * kHour);
  EXPECT_EQ(db_->Get(ReadOptions(), "k", ts)->value, "long");
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  EXPECT_EQ(db_->Get(ReadOptions(), "k", ts)->value, "long");
}

TEST_F(CompactionTest, MultiFileRunsConvergeWithSnapshotsHeld) {
  // Outputs split into several files per window; with a snapshot keeping
  // tombstones alive, background work must still come to rest.
  options_.target_file_size = 64 << 10;
  options_.write_buffer_size = 128 << 10;
  Open();
  const int64_t start = clock_->NowNanos();
  std::string value(40, 'x');
  for (int i = 0; i < 20000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), absl::StrFormat("k%05d", i % 2000),
                         start + (i / 2000) * kHour + i, value)
                    .ok());
  }
  auto snap = db_->GetSnapshot();
  for (int i = 0; i < 2000; i += 2) {
    ASSERT_TRUE(db_->DeleteRange(WriteOptions(), absl::StrFormat("k%05d", i),
                                 absl::StrFormat("k%05d", i + 1))
                    .ok());
  }
  ASSERT_TRUE(db_->CompactRange("", "").ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  uint64_t compactions = db_->GetStats().compactions;
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  EXPECT_EQ(db_->GetStats().compactions, compactions) << "work did not rest";
  int n = 0;
  auto it = db_->NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_EQ(n, 10000);
}

uint64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
}

TEST_F(CompactionTest, SustainedIngestKeepsFilesAndMemoryBounded) {
  options_.write_buffer_size = 1 << 20;
  options_.block_cache_bytes = 4 << 20;
  options_.slowdown_files = 12;
  options_.time_window_ns = 24 * kHour;
  Open();
  const int64_t start = clock_->NowNanos();
  const uint64_t rss_start = ResidentBytes();
  uint64_t max_files = 0, max_rss = 0;
  std::string value(24, 'x');
  // ~3M records (~130 MB of logical data) into one window.
  for (int round = 0; round < 300; round++) {
    WriteBatch b;
    for (int i = 0; i < 10000; i++) {
      b.Put(absl::StrFormat("host%04d.cpu", i % 500),
            start + (round * 20 + i / 500) * kSecond, value);
    }
    ASSERT_TRUE(db_->Write(WriteOptions(), b).ok());
    if (round % 10 == 0) {
      max_files = std::max(max_files, SstCount());
      max_rss = std::max(max_rss, ResidentBytes());
    }
  }
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  Stats st = db_->GetStats();
  std::printf(
      "max SSTs %llu, final %llu, RSS growth max %.1f MiB, "
      "compactions %llu, write amp %.2f\n",
      (unsigned long long)max_files, (unsigned long long)st.live_files,
      (max_rss - rss_start) / 1048576.0, (unsigned long long)st.compactions,
      st.flush_bytes
          ? 1.0 + double(st.compaction_bytes_written) / double(st.flush_bytes)
          : 0.0);
  // Writers stop at 2 x slowdown_files per window; obsolete files may
  // linger briefly while readers or the cleanup still hold them.
  EXPECT_LE(max_files, 2u * 12 + 8);
  EXPECT_LE(st.live_files, 8u);
  // Memtables (2 x 1 MiB + frozen) + 4 MiB cache + buffers: well under 64.
  // (AddressSanitizer quarantines freed memory, so RSS means nothing there.)
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(max_rss - rss_start, uint64_t{64} << 20);
#endif
}

}  // namespace
}  // namespace strata
