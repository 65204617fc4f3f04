// Hand-written cases for the DB: each pins one rule of the read and write
// contract (db.h) across memtable, flush and reopen.
#include <memory>
#include <string>

#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/env.h"

namespace strata {
namespace {

class DBBasicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    clock_->SetNow(1'000'000'000'000);
    options_.env = clock_.get();
    Reopen();
  }

  void Reopen() {
    db_.reset();
    auto db = DB::Open(options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  std::string Get(std::string_view key, Timestamp ts) {
    auto r = db_->Get(ReadOptions(), key, ts);
    if (!r.ok()) return absl::IsNotFound(r.status()) ? "NOT_FOUND" : "ERROR";
    return r->value;
  }

  std::string Scan(ScanRange range = {}) {
    std::string out;
    auto it = db_->NewIterator(ReadOptions(), range);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out += std::string(it->key()) + "@" + std::to_string(it->timestamp()) +
             "=" + std::string(it->value()) + " ";
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  std::string ScanReverse(ScanRange range = {}) {
    std::string out;
    auto it = db_->NewIterator(ReadOptions(), range);
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      out = std::string(it->key()) + "@" + std::to_string(it->timestamp()) +
            "=" + std::string(it->value()) + " " + out;
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options options_;
  std::unique_ptr<DB> db_;
  WriteOptions wo_;
};

TEST_F(DBBasicTest, PutGetAcrossFlushAndReopen) {
  ASSERT_TRUE(db_->Put(wo_, "a", 1, "a1").ok());
  ASSERT_TRUE(db_->Put(wo_, "a", 2, "a2").ok());
  ASSERT_TRUE(db_->Put(wo_, "b", -5, "b-5").ok());
  EXPECT_EQ(Get("a", 1), "a1");
  EXPECT_EQ(Get("a", 3), "NOT_FOUND");
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Get("a", 2), "a2");
  EXPECT_EQ(Get("b", -5), "b-5");
  ASSERT_TRUE(db_->Put(wo_, "a", 2, "a2-new").ok());
  EXPECT_EQ(Get("a", 2), "a2-new");
  Reopen();
  EXPECT_EQ(Get("a", 2), "a2-new");
  EXPECT_EQ(Scan(), "a@1=a1 a@2=a2-new b@-5=b-5 ");
  EXPECT_EQ(ScanReverse(), Scan());
  auto latest = db_->GetLatest(ReadOptions(), "a");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->ts, 2);
  EXPECT_EQ(latest->value, "a2-new");
}

TEST_F(DBBasicTest, DeletesHideOlderDataAfterFlush) {
  ASSERT_TRUE(db_->Put(wo_, "k", 10, "v10").ok());
  ASSERT_TRUE(db_->Put(wo_, "k", 20, "v20").ok());
  ASSERT_TRUE(db_->Put(wo_, "m", 10, "m10").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Delete(wo_, "k", 20).ok());
  EXPECT_EQ(Get("k", 20), "NOT_FOUND");
  auto latest = db_->GetLatest(ReadOptions(), "k");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->ts, 10);
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Get("k", 20), "NOT_FOUND");
  ASSERT_TRUE(db_->DeleteRange(wo_, "k", "l", 0, 15).ok());
  EXPECT_EQ(Scan(), "m@10=m10 ");
  ASSERT_TRUE(db_->Flush().ok());
  Reopen();
  EXPECT_EQ(Scan(), "m@10=m10 ");
  EXPECT_EQ(ScanReverse(), "m@10=m10 ");
  ASSERT_TRUE(db_->Put(wo_, "k", 5, "new").ok());
  EXPECT_EQ(Scan(), "k@5=new m@10=m10 ");
}

TEST_F(DBBasicTest, ExpiredRecordsAreInvisibleImmediately) {
  ASSERT_TRUE(
      db_->Put(wo_, "t", 1, "short", Expiry::At(clock_->NowNanos() + 100))
          .ok());
  ASSERT_TRUE(db_->Put(wo_, "t", 2, "forever").ok());
  EXPECT_EQ(Get("t", 1), "short");
  clock_->Advance(100);
  EXPECT_EQ(Get("t", 1), "NOT_FOUND");
  EXPECT_EQ(Scan(), "t@2=forever ");
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Scan(), "t@2=forever ");
}

TEST_F(DBBasicTest, TimeWindowScanAndSnapshots) {
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(db_->Put(wo_, "s", i, std::to_string(i)).ok());
  }
  auto snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(wo_, "s", 50, "changed").ok());
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Scan({"s", "t", 49, 52}), "s@49=49 s@50=changed s@51=51 ");
  ReadOptions ro;
  ro.snapshot = snap.get();
  auto r = db_->Get(ro, "s", 50);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value, "50");
}

TEST_F(DBBasicTest, SecondOpenOfSameDirectoryFails) {
  auto second = DB::Open(options_, "/db");
  EXPECT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
}

TEST_F(DBBasicTest, DestroyOfAMissingDirectoryIsOk) {
  EXPECT_TRUE(DB::Destroy("/no/such/db", mem_env_.get()).ok());
}

TEST_F(DBBasicTest, InvalidBatchIsRejectedWhole) {
  WriteBatch b;
  b.Put("ok", 1, "v");
  b.Put("", 1, "empty key");
  EXPECT_TRUE(absl::IsInvalidArgument(db_->Write(wo_, b)));
  EXPECT_EQ(Get("ok", 1), "NOT_FOUND");
}

}  // namespace
}  // namespace strata
