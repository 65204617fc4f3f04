// Transactions: snapshot reads, own writes, optimistic conflicts on the
// read and write sets (lost updates and write skew), phantoms (documents
// entering or leaving a Find's result after the snapshot, through scans
// and index plans), all-or-nothing commits with index maintenance, and
// concurrent read-modify-write counters and capped inserts that must end
// with exact totals.
#include <atomic>
#include <barrier>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_store_opener.h"
#include "env/manual_clock_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DocTxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    Options o;
    o.env = clock_.get();
    DocumentStoreOptions so;
    so.env = clock_.get();
    OpenDocStore(o, so, &db_, &store_);
    ASSERT_TRUE(
        store_
            ->CreateCollectionFromJson(
                R"({"name":"c","key":"id","indexes":[)"
                R"({"name":"u","paths":["u"],"unique":true,"sparse":true}]})")
            .ok());
  }

  void Put(std::string_view json) {
    ASSERT_TRUE(store_->Put("c", json).ok()) << json;
  }

  std::string Get(std::string_view key) {
    auto v = store_->Get("c", key);
    return v.ok() ? *v
                  : std::string(absl::StatusCodeToString(v.status().code()));
  }

  static std::vector<std::string> Keys(DocCursor* c) {
    std::vector<std::string> out;
    while (c->Next()) out.emplace_back(c->key());
    EXPECT_TRUE(c->status().ok()) << c->status();
    return out;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

FindRequest Q(std::string filter) {
  FindRequest r;
  r.filter = std::move(filter);
  return r;
}

TEST_F(DocTxnTest, ReadsSeeTheSnapshotPlusOwnWrites) {
  Put(R"({"id":1,"v":1})");
  Put(R"({"id":2,"v":1})");
  auto txn = store_->Begin();
  EXPECT_EQ(*txn->Get("c", "1"), R"({"id":1,"v":1})");
  // Another writer changes both documents after the snapshot.
  Put(R"({"id":1,"v":9})");
  Put(R"({"id":2,"v":9})");
  Put(R"({"id":3,"v":9})");
  EXPECT_EQ(*txn->Get("c", "2"), R"({"id":2,"v":1})");
  EXPECT_TRUE(absl::IsNotFound(txn->Get("c", "3").status()));
  auto c = txn->Find("c", Q(R"({"v":1})"));
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Keys(c->get()), ElementsAre("1", "2"));
  // Own writes: visible to the transaction only.
  ASSERT_TRUE(txn->Put("c", R"({"id":4,"v":1})").ok());
  ASSERT_TRUE(txn->Delete("c", "1").ok());
  EXPECT_TRUE(absl::IsNotFound(txn->Get("c", "1").status()));
  EXPECT_EQ(*txn->Get("c", "4"), R"({"id":4,"v":1})");
  c = txn->Find("c", Q(R"({"v":1})"));
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Keys(c->get()), ElementsAre("2", "4"));
  FindRequest sorted = Q("{}");
  sorted.sort = R"({"id":-1})";
  c = txn->Find("c", sorted);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Keys(c->get()), ElementsAre("4", "2"));
  EXPECT_EQ(Get("4"), "NOT_FOUND");
  txn->Rollback();
  EXPECT_EQ(Get("4"), "NOT_FOUND");
  EXPECT_EQ(Get("1"), R"({"id":1,"v":9})");
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit(false)));
}

TEST_F(DocTxnTest, LostUpdateIsAborted) {
  Put(R"({"id":1,"v":0})");
  auto a = store_->Begin();
  auto b = store_->Begin();
  ASSERT_TRUE(a->Get("c", "1").ok());
  ASSERT_TRUE(b->Get("c", "1").ok());
  ASSERT_TRUE(a->Put("c", R"({"id":1,"v":1})").ok());
  ASSERT_TRUE(b->Put("c", R"({"id":1,"v":2})").ok());
  ASSERT_TRUE(a->Commit(false).ok());
  absl::Status st = b->Commit(false);
  EXPECT_TRUE(absl::IsAborted(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("document 1"));
  EXPECT_EQ(Get("1"), R"({"id":1,"v":1})");
  // A blind write (no read) still conflicts on its write set.
  auto c = store_->Begin();
  Put(R"({"id":1,"v":3})");
  ASSERT_TRUE(c->Put("c", R"({"id":1,"v":4})").ok());
  EXPECT_TRUE(absl::IsAborted(c->Commit(false)));
  EXPECT_EQ(Get("1"), R"({"id":1,"v":3})");
}

TEST_F(DocTxnTest, WriteSkewIsDetectedOnTheReadSet) {
  // Invariant: at least one of x, y is on call.
  Put(R"({"id":"x","on":true})");
  Put(R"({"id":"y","on":true})");
  auto t1 = store_->Begin();
  auto t2 = store_->Begin();
  for (auto* t : {t1.get(), t2.get()}) {
    auto c = t->Find("c", Q(R"({"on":true})"));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(Keys(c->get()).size(), 2u);
  }
  ASSERT_TRUE(t1->Put("c", R"({"id":"x","on":false})").ok());
  ASSERT_TRUE(t2->Put("c", R"({"id":"y","on":false})").ok());
  ASSERT_TRUE(t1->Commit(false).ok());
  absl::Status st = t2->Commit(false);
  EXPECT_TRUE(absl::IsAborted(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("\"x\""));
  EXPECT_EQ(Get("\"y\""), R"({"id":"y","on":true})");
}

TEST_F(DocTxnTest, CommitIsAllOrNothingWithIndexes) {
  Put(R"({"id":1,"u":"a"})");
  auto t = store_->Begin();
  ASSERT_TRUE(t->Put("c", R"({"id":2,"u":"b"})").ok());
  ASSERT_TRUE(t->Put("c", R"({"id":3,"u":"a"})").ok());  // unique clash
  absl::Status st = t->Commit(false);
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_EQ(Get("2"), "NOT_FOUND");
  // Moving a unique value between documents in one transaction works.
  t = store_->Begin();
  ASSERT_TRUE(t->Put("c", R"({"id":1,"u":"z"})").ok());
  ASSERT_TRUE(t->Insert("c", R"({"id":3,"u":"a"})").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(t->Insert("c", R"({"id":3})").status()));
  ASSERT_TRUE(t->Commit(false).ok());
  auto c = store_->Find("c", Q(R"({"u":"a"})"));
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Keys(c->get()), ElementsAre("3"));
  // Two transactions inserting the same key: the second aborts.
  auto a = store_->Begin();
  auto b = store_->Begin();
  ASSERT_TRUE(a->Insert("c", R"({"id":7})").ok());
  ASSERT_TRUE(b->Insert("c", R"({"id":7,"u":"q"})").ok());
  ASSERT_TRUE(a->Commit(false).ok());
  EXPECT_TRUE(absl::IsAborted(b->Commit(false)));
  EXPECT_EQ(Get("7"), R"({"id":7})");
  // A dropped collection aborts transactions that used it.
  auto d = store_->Begin();
  ASSERT_TRUE(d->Put("c", R"({"id":8})").ok());
  ASSERT_TRUE(store_->DropCollection("c").ok());
  EXPECT_TRUE(absl::IsAborted(d->Commit(false)));
}

TEST_F(DocTxnTest, LockstepIncrementsCommitExactlyOncePerRound) {
  // Every round all threads read the counter before any commits, so
  // exactly one commit per round can succeed; the rest must abort.
  constexpr int kThreads = 4;
  constexpr int kRounds = 40;
  Put(R"({"id":100,"n":0})");
  std::barrier sync(kThreads);
  std::atomic<int> commits{0};
  std::atomic<int> aborts{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r) {
        auto txn = store_->Begin();
        auto doc = txn->Get("c", "100");
        sync.arrive_and_wait();
        int n = doc.ok() ? std::stoi(doc->substr(doc->find("\"n\":") + 4)) : -1;
        if (!txn->Put("c", absl::StrFormat(R"({"id":100,"n":%d})", n + 1))
                 .ok()) {
          ++errors;
        }
        absl::Status st = txn->Commit(false);
        if (st.ok()) {
          ++commits;
        } else if (absl::IsAborted(st)) {
          ++aborts;
        } else {
          ++errors;
        }
        sync.arrive_and_wait();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(commits.load(), kRounds);
  EXPECT_EQ(aborts.load(), kRounds * (kThreads - 1));
  EXPECT_EQ(Get("100"), absl::StrFormat(R"({"id":100,"n":%d})", kRounds));
}

TEST_F(DocTxnTest, ConcurrentCountersEndExact) {
  constexpr int kCounters = 4;
  constexpr int kThreads = 4;
  constexpr int kIncrements = 150;
  for (int i = 0; i < kCounters; ++i) {
    Put(absl::StrFormat(R"({"id":%d,"n":0})", i));
  }
  std::atomic<int> aborts{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        const int id = (t + i) % kCounters;
        const std::string key = std::to_string(id);
        while (true) {
          auto txn = store_->Begin();
          auto doc = txn->Get("c", key);
          if (!doc.ok()) {
            ++errors;
            break;
          }
          int n = std::stoi(doc->substr(doc->find("\"n\":") + 4));
          std::this_thread::yield();  // invite interleaving
          auto put =
              txn->Put("c", absl::StrFormat(R"({"id":%d,"n":%d})", id, n + 1));
          if (!put.ok()) {
            ++errors;
            break;
          }
          absl::Status st = txn->Commit(false);
          if (st.ok()) break;
          if (!absl::IsAborted(st)) {
            ++errors;
            break;
          }
          ++aborts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  int total = 0;
  for (int i = 0; i < kCounters; ++i) {
    std::string v = Get(std::to_string(i));
    total += std::stoi(v.substr(v.find("\"n\":") + 4));
  }
  EXPECT_EQ(total, kThreads * kIncrements);
  std::printf("counters: %d commits, %d aborts retried\n",
              kThreads * kIncrements, aborts.load());
}

// Phantoms: a transaction runs a Find, another thread commits a write,
// then the transaction writes a document outside the Find and commits.
// The commit must abort exactly when the other write changed which
// documents match the Find (or changed one of them), whether the Find ran
// as a scan or through an index, and even if the cursor was not drained.
TEST_F(DocTxnTest, PhantomsAbortAndUnrelatedWritesDoNot) {
  ASSERT_TRUE(
      store_->CreateCollectionFromJson(R"({"name":"p","key":"id"})").ok());
  ASSERT_TRUE(
      store_
          ->CreateCollectionFromJson(R"({"name":"x","key":"id","indexes":[)"
                                     R"({"name":"k","paths":["k"]}]})")
          .ok());
  struct Case {
    const char* name;
    const char* other;  // the concurrent write: put JSON or "-id" delete
    bool conflict;
  };
  const Case cases[] = {
      {"insert into the result", R"({"id":10,"k":"a","n":1})", true},
      {"delete from the result", "-2", true},
      {"update into the result", R"({"id":4,"k":"a","n":3})", true},
      {"update out of the result", R"({"id":3,"k":"b"})", true},
      {"update within the result", R"({"id":3,"k":"a","n":9})", true},
      {"insert outside", R"({"id":11,"k":"b"})", false},
      {"update outside", R"({"id":4,"k":"c"})", false},
      {"delete outside", "-5", false},
      {"range outside", R"({"id":12,"k":"a","n":-1})", false},
  };
  const char* filter = R"({"k":"a","n":{"$gte":0}})";
  for (const char* coll : {"p", "x"}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(absl::StrFormat("%s: %s", coll, c.name));
      // Fresh documents: 1..3 match, 4 and 5 do not.
      for (const char* d :
           {R"({"id":1,"k":"a","n":0})", R"({"id":2,"k":"a","n":5})",
            R"({"id":3,"k":"a","n":7})", R"({"id":4,"k":"b"})",
            R"({"id":5,"k":"c"})"}) {
        ASSERT_TRUE(store_->Put(coll, d).ok());
      }
      for (const char* id : {"10", "11", "12"}) {
        (void)store_->Delete(coll, id);
      }
      auto txn = store_->Begin();
      FindRequest r = Q(filter);
      r.limit = 1;  // the cursor reads one document only
      auto cur = txn->Find(coll, r);
      ASSERT_TRUE(cur.ok()) << cur.status();
      EXPECT_EQ(Keys(cur->get()).size(), 1u);
      std::thread other([&] {
        absl::Status st = c.other[0] == '-'
                              ? store_->Delete(coll, c.other + 1)
                              : store_->Put(coll, c.other).status();
        EXPECT_TRUE(st.ok()) << st;
      });
      other.join();
      ASSERT_TRUE(txn->Put(coll, R"({"id":99,"k":"summary"})").ok());
      absl::Status st = txn->Commit(false);
      if (c.conflict) {
        EXPECT_TRUE(absl::IsAborted(st)) << st;
        EXPECT_THAT(std::string(st.message()), HasSubstr("Find"));
        EXPECT_TRUE(absl::IsNotFound(store_->Get(coll, "99").status()));
      } else {
        EXPECT_TRUE(st.ok()) << st;
        EXPECT_TRUE(store_->Get(coll, "99").ok());
      }
      ASSERT_TRUE(store_->Delete(coll, "99").ok() || c.conflict);
      if (std::string_view(coll) == "x") {
        EXPECT_THAT(*store_->Explain(coll, r), HasSubstr(R"("plan":"index")"));
      }
    }
  }
  // A read-only transaction keeps its snapshot and commits.
  auto ro = store_->Begin();
  auto cur = ro->Find("p", Q(filter));
  ASSERT_TRUE(cur.ok());
  Keys(cur->get());
  ASSERT_TRUE(store_->Put("p", R"({"id":20,"k":"a","n":1})").ok());
  EXPECT_TRUE(ro->Commit(false).ok());
}

// Own writes inside the Find's result are not conflicts by themselves.
TEST_F(DocTxnTest, OwnWritesIntoTheResultDoNotConflict) {
  Put(R"({"id":1,"g":"a"})");
  auto txn = store_->Begin();
  auto cur = txn->Find("c", Q(R"({"g":"a"})"));
  ASSERT_TRUE(cur.ok());
  EXPECT_THAT(Keys(cur->get()), ElementsAre("1"));
  ASSERT_TRUE(txn->Put("c", R"({"id":2,"g":"a"})").ok());
  ASSERT_TRUE(txn->Delete("c", "1").ok());
  EXPECT_TRUE(txn->Commit(false).ok());
  EXPECT_EQ(Get("2"), R"({"id":2,"g":"a"})");
}

// Capped inserts: each transaction counts the documents of a group with a
// Find and inserts one more (under its own new key) while the count is
// below the cap. Only phantom detection keeps concurrent transactions
// from all seeing room and overshooting the cap.
TEST_F(DocTxnTest, ConcurrentCappedInsertsNeverOvershoot) {
  constexpr int kThreads = 4;
  constexpr int kCap = 6;
  constexpr int kRounds = 12;
  std::barrier sync(kThreads);
  std::atomic<int> inserted{0};
  std::atomic<int> aborts{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        auto txn = store_->Begin();
        auto cur = txn->Find("c", Q(R"({"group":"g"})"));
        int n = 0;
        if (cur.ok()) {
          while ((*cur)->Next()) ++n;
        } else {
          ++errors;
        }
        // Every thread has counted before anyone commits.
        sync.arrive_and_wait();
        if (n < kCap) {
          auto put = txn->Insert(
              "c", absl::StrFormat(R"({"id":%d,"group":"g"})", t * 1000 + r));
          if (!put.ok()) ++errors;
          absl::Status st = txn->Commit(false);
          if (st.ok()) {
            ++inserted;
          } else if (absl::IsAborted(st)) {
            ++aborts;
          } else {
            ++errors;
          }
        }
        sync.arrive_and_wait();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(inserted.load(), kCap);
  auto count = store_->Count("c", Q(R"({"group":"g"})"));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, static_cast<uint64_t>(kCap));
  // Each round with room commits exactly one of the racing inserts.
  EXPECT_EQ(aborts.load(), kCap * (kThreads - 1));
}

}  // namespace
}  // namespace strata
