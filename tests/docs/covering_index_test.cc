// Covering indexes (schema/docs.md, "covering: true"): entries hold the
// document, so index plans read no documents. These tests pin that the
// answers never differ from a plain index or a full scan of the same
// documents, through random writes (insert, update, patch, delete, moved
// time), TTL expiry, transactions, a backfill, unique indexes and a
// reopen, and that a covering plan really fetches nothing
// (Explain's docs_fetched).
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/catalog.h"
#include "docs/doc_store_opener.h"
#include "env/manual_clock_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kSec = 1'000'000'000;

// Three collections get the same writes: "cov" with covering indexes,
// "plain" with the same indexes uncovered, "scan" with none.
constexpr const char* kColls[] = {"cov", "plain", "scan"};

class CoveringIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    Open();
  }

  void Open() {
    OpenDocStoreWithBlocks(clock_.get(), 256, &db_, &store_);  // many blocks
  }

  void Reopen() {
    store_.reset();
    db_.reset();
    Open();
  }

  // The three collections; extra is appended to each definition.
  void CreateAll(const std::string& extra = "") {
    for (const char* c : kColls) {
      const std::string name = c;
      const std::string cov = name == "cov" ? R"(,"covering":true)" : "";
      std::string def = absl::StrFormat(
          R"({"name":"%s","key":"id","time":{"path":"ts","unit":"s"}%s)", c,
          extra);
      if (name != "scan") {
        def += absl::StrFormat(
            R"(,"indexes":[{"name":"dev","paths":["dev"]%s},)"
            R"({"name":"tags","paths":["tags"],"multi":true%s}])",
            cov, cov);
      }
      def += "}";
      ASSERT_TRUE(store_->CreateCollectionFromJson(def).ok()) << def;
    }
  }

  void PutAll(const std::string& doc) {
    for (const char* c : kColls) {
      auto k = store_->Put(c, doc);
      ASSERT_TRUE(k.ok()) << c << " " << k.status();
    }
  }

  std::vector<std::string> Find(const char* coll, const FindRequest& r,
                                bool sorted = true) {
    std::vector<std::string> out = FindDocs(store_.get(), coll, r);
    if (sorted) std::sort(out.begin(), out.end());
    return out;
  }

  std::string Explain(const char* coll, const FindRequest& r) {
    auto e = store_->Explain(coll, r);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : "";
  }

  // The three collections answer r alike (as sets: plans differ in
  // order); the covering one from its index without fetching.
  void ExpectSameAnswers(const FindRequest& r) {
    std::vector<std::string> cov = Find("cov", r);
    EXPECT_EQ(cov, Find("plain", r)) << r.filter;
    EXPECT_EQ(cov, Find("scan", r)) << r.filter;
    uint64_t n = 0;
    auto count = store_->Count("cov", r);
    ASSERT_TRUE(count.ok()) << count.status();
    if (r.limit == 0) {
      n = cov.size();
      EXPECT_EQ(*count, n) << r.filter;
    }
    std::string e = Explain("cov", r);
    if (e.find(R"("plan":"index")") != std::string::npos) {
      EXPECT_THAT(e, HasSubstr(R"("covering":true)")) << e;
      EXPECT_THAT(e, HasSubstr(R"("docs_fetched":0)")) << e;
    }
  }

  static FindRequest Q(std::string filter) {
    FindRequest r;
    r.filter = std::move(filter);
    return r;
  }

  static std::string Doc(int id, int dev, int ts, int v,
                         const std::string& tags = "[]") {
    return absl::StrFormat(R"({"id":%d,"dev":"d%d","ts":%d,"v":%d,"tags":%s})",
                           id, dev, ts, v, tags);
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_F(CoveringIndexTest, DefinitionRoundTripsAndIsValidated) {
  IndexSpec s;
  s.name = "x";
  s.paths = {"a"};
  EXPECT_THAT(docs::IndexDefJson(s, true), Not(HasSubstr("covering")));
  s.covering = true;
  const std::string json = docs::IndexDefJson(s, true);
  EXPECT_THAT(json, HasSubstr(R"("covering":true)"));
  bool ready = false;
  auto back = docs::DecodeIndexDef(json, &ready);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->covering);
  EXPECT_TRUE(ready);
  absl::Status bad = store_->CreateCollectionFromJson(
      R"({"name":"b","key":"id","indexes":[)"
      R"({"name":"x","paths":["a"],"covering":"yes"}]})");
  EXPECT_TRUE(absl::IsInvalidArgument(bad)) << bad;
}

// Random writes to all three collections, checked against each other by
// random queries after every burst.
TEST_F(CoveringIndexTest, RandomWritesAndFiltersMatchPlainAndScan) {
  CreateAll();
  std::mt19937 rng(20261122);
  auto pick = [&rng](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
  };
  constexpr int kIds = 150, kDevs = 6;
  for (int round = 0; round < 30; ++round) {
    for (int op = 0; op < 60; ++op) {
      const int id = pick(kIds);
      const int what = pick(10);
      if (what < 6) {
        std::string tags =
            absl::StrFormat(R"(["t%d","t%d"])", pick(4), pick(4));
        // Half the updates keep dev and ts (only the body changes).
        PutAll(Doc(id, id % kDevs + (what == 0 ? pick(2) : 0),
                   what < 3 ? 1000 + id : 1000 + pick(500), pick(1000), tags));
      } else if (what < 8) {
        std::string patch =
            absl::StrFormat(R"({"v":%d,"extra":%d})", pick(1000), round);
        for (const char* c : kColls) {
          auto r = store_->Patch(c, absl::StrFormat("%d", id), patch);
          ASSERT_TRUE(r.ok() || absl::IsNotFound(r.status())) << r.status();
        }
      } else {
        for (const char* c : kColls) {
          absl::Status st = store_->Delete(c, absl::StrFormat("%d", id));
          ASSERT_TRUE(st.ok() || absl::IsNotFound(st)) << st;
        }
      }
    }
    if (round % 10 == 5) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    for (int q = 0; q < 8; ++q) {
      FindRequest r;
      switch (pick(4)) {
        case 0:
          r = Q(absl::StrFormat(R"({"dev":"d%d"})", pick(kDevs + 1)));
          break;
        case 1:
          r = Q(
              absl::StrFormat(R"({"dev":{"$in":["d%d","d%d"]},"v":{"$lt":%d}})",
                              pick(kDevs), pick(kDevs), pick(1000)));
          break;
        case 2:
          r = Q(absl::StrFormat(R"({"tags":{"$in":["t%d","t%d"]}})", pick(4),
                                pick(4)));
          break;
        default:
          r = Q(absl::StrFormat(R"({"dev":"d%d"})", pick(kDevs)));
          r.from = (1000 + pick(300)) * kSec;
          r.to = *r.from + pick(300) * kSec;
          break;
      }
      ExpectSameAnswers(r);
    }
  }
}

TEST_F(CoveringIndexTest, UpdateKeepingIndexedValueNeverReturnsStaleBody) {
  CreateAll();
  PutAll(Doc(1, 1, 100, 1));
  PutAll(Doc(1, 1, 100, 2));  // same dev, same ts: only the body changed
  const FindRequest r = Q(R"({"dev":"d1"})");
  EXPECT_EQ(Find("cov", r), std::vector<std::string>{Doc(1, 1, 100, 2)});
  EXPECT_THAT(Explain("cov", r), HasSubstr(R"("docs_fetched":0)"));
  auto p = store_->Patch("cov", "1", R"({"v":3})");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(Find("cov", r), std::vector<std::string>{*p});
  PutAll(Doc(1, 1, 200, 4));  // time moved: old entry deleted
  EXPECT_EQ(Find("cov", r), std::vector<std::string>{Doc(1, 1, 200, 4)});
  FindRequest old = r;
  old.from = 100 * kSec;
  old.to = 101 * kSec;
  EXPECT_TRUE(Find("cov", old).empty());
  PutAll(Doc(1, 2, 200, 5));  // indexed value moved
  EXPECT_TRUE(Find("cov", r).empty());
  EXPECT_EQ(Find("cov", Q(R"({"dev":"d2"})")),
            std::vector<std::string>{Doc(1, 2, 200, 5)});
  ASSERT_TRUE(store_->Delete("cov", "1").ok());
  EXPECT_TRUE(Find("cov", Q(R"({"dev":"d2"})")).empty());
  auto n = store_->Count("cov", Q(R"({"dev":"d2"})"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST_F(CoveringIndexTest, MultiEntryDocumentAppearsOnce) {
  CreateAll();
  PutAll(Doc(1, 1, 100, 1, R"(["a","b","c"])"));
  PutAll(Doc(2, 1, 100, 2, R"(["b"])"));
  const FindRequest r = Q(R"({"tags":{"$in":["a","b","c"]}})");
  EXPECT_EQ(Find("cov", r).size(), 2u);
  ExpectSameAnswers(r);
}

TEST_F(CoveringIndexTest, TtlExpiryHidesEntriesWithTheirDocuments) {
  CreateAll(R"(,"ttl":"1h")");
  // Document times near the clock so expiry is reachable by advancing it.
  const int64_t now_s = clock_->NowNanos() / kSec;
  for (int i = 0; i < 20; ++i) {
    PutAll(absl::StrFormat(R"({"id":%d,"dev":"d1","ts":%d,"v":%d,"tags":[]})",
                           i, now_s - 3000 + 60 * i, i));
  }
  const FindRequest r = Q(R"({"dev":"d1"})");
  EXPECT_EQ(Find("cov", r).size(), 20u);
  clock_->Advance(1200 * kSec);  // expire_at = now + 600 + 60 i: 11 gone
  ExpectSameAnswers(r);
  std::vector<std::string> left = Find("cov", r);
  EXPECT_EQ(left.size(), 9u);
  clock_->Advance(2 * 3600 * kSec);
  EXPECT_TRUE(Find("cov", r).empty());
}

TEST_F(CoveringIndexTest, TransactionsWriteCoveredEntries) {
  CreateAll();
  PutAll(Doc(1, 1, 100, 1));
  PutAll(Doc(2, 1, 100, 1));
  auto txn = store_->Begin();
  ASSERT_TRUE(txn->Put("cov", Doc(1, 1, 100, 7)).ok());
  ASSERT_TRUE(txn->Delete("cov", "2").ok());
  // Inside: its own write, not the committed entry's body.
  auto c = txn->Find("cov", Q(R"({"dev":"d1"})"));
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<std::string> seen;
  while ((*c)->Next()) seen.emplace_back((*c)->document());
  EXPECT_EQ(seen, std::vector<std::string>{Doc(1, 1, 100, 7)});
  // Outside, before commit: the old state.
  EXPECT_EQ(Find("cov", Q(R"({"dev":"d1"})")).size(), 2u);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(Find("cov", Q(R"({"dev":"d1"})")),
            std::vector<std::string>{Doc(1, 1, 100, 7)});
}

TEST_F(CoveringIndexTest, BackfillAnswersLikeAPlainIndex) {
  ASSERT_TRUE(store_
                  ->CreateCollectionFromJson(
                      R"({"name":"b","key":"id","time":{"path":"ts",)"
                      R"("unit":"s"}})")
                  .ok());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(store_->Put("b", Doc(i, i % 4, 1000 + i, i)).ok());
  }
  IndexSpec spec;
  spec.name = "dev";
  spec.paths = {"dev"};
  spec.covering = true;
  ASSERT_TRUE(store_->CreateIndex("b", spec).ok());
  auto list = store_->ListIndexes("b");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].covering);
  // The backfill writes the documents into the entries: no fetches.
  EXPECT_THAT(Explain("b", Q(R"({"dev":"d1"})")),
              HasSubstr(R"("docs_fetched":0)"));
  // Updates after the backfill rewrite covered entries; both answer.
  for (int i = 0; i < 200; i += 3) {
    ASSERT_TRUE(store_->Put("b", Doc(i, i % 4, 1000 + i, -i)).ok());
  }
  for (int d = 0; d < 4; ++d) {
    std::vector<std::string> want;
    for (int i = d; i < 200; i += 4) {
      want.push_back(Doc(i, d, 1000 + i, i % 3 == 0 ? -i : i));
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(Find("b", Q(absl::StrFormat(R"({"dev":"d%d"})", d))), want);
  }
}

TEST_F(CoveringIndexTest, UniqueCoveringIndex) {
  ASSERT_TRUE(store_
                  ->CreateCollectionFromJson(
                      R"({"name":"u","key":"id","indexes":[{"name":"e",)"
                      R"("paths":["email"],"unique":true,"covering":true}]})")
                  .ok());
  ASSERT_TRUE(store_->Put("u", R"({"id":1,"email":"a@x","n":1})").ok());
  auto dup = store_->Put("u", R"({"id":2,"email":"a@x"})");
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  ASSERT_TRUE(store_->Put("u", R"({"id":1,"email":"a@x","n":2})").ok());
  const FindRequest r = Q(R"({"email":"a@x"})");
  EXPECT_EQ(Find("u", r),
            std::vector<std::string>{R"({"id":1,"email":"a@x","n":2})"});
  std::string e = Explain("u", r);
  EXPECT_THAT(e, HasSubstr(R"("covering":true)"));
  EXPECT_THAT(e, HasSubstr(R"("docs_fetched":0)"));
}

TEST_F(CoveringIndexTest, SurvivesReopen) {
  CreateAll();
  for (int i = 0; i < 50; ++i) PutAll(Doc(i, i % 3, 100 + i, i));
  ASSERT_TRUE(db_->Flush().ok());
  PutAll(Doc(4, 1, 104, 99));  // memtable copy over the flushed one
  Reopen();
  auto list = store_->ListIndexes("cov");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].covering);
  auto plain = store_->ListIndexes("plain");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE((*plain)[0].covering);
  for (int d = 0; d < 3; ++d) {
    ExpectSameAnswers(Q(absl::StrFormat(R"({"dev":"d%d"})", d)));
  }
  EXPECT_THAT(Find("cov", Q(R"({"dev":"d1"})")),
              ::testing::Contains(Doc(4, 1, 104, 99)));
}

// An index entry whose key does not split (its primary key cut short) is
// corruption, whichever index holds it: a plain walk fails on reading the
// entry; a covering walk (which splits keys only when asked) returns the
// entry's document but fails when its key is asked (which reads as
// empty), never a wrong key.
TEST_F(CoveringIndexTest, MalformedEntryKeyFailsTheWalk) {
  CreateAll();
  PutAll(Doc(1, 1, 101, 5));
  // Copies of every index entry with the key's last byte (the primary
  // key's end mark) dropped: still inside the entry's index span.
  std::vector<std::tuple<std::string, Timestamp, std::string>> bad;
  {
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k = it->key();
      if (!k.empty() && k[0] == '\x22') {
        bad.emplace_back(std::string(k.substr(0, k.size() - 1)),
                         it->timestamp(), std::string(it->value()));
      }
    }
    ASSERT_TRUE(it->status().ok());
  }
  ASSERT_FALSE(bad.empty());
  for (const auto& [k, ts, v] : bad) {
    ASSERT_TRUE(db_->Put(WriteOptions(), k, ts, v).ok());
  }
  for (const char* coll : {"cov", "plain"}) {
    auto c = store_->Find(coll, Q(R"({"dev":"d1"})"));
    ASSERT_TRUE(c.ok()) << c.status();
    std::vector<std::string> keys;
    while ((*c)->Next()) keys.emplace_back((*c)->key());
    EXPECT_THAT((*c)->status().ToString(), HasSubstr("malformed index entry"))
        << coll;
    // An undecodable key reads as empty (DocCursor::key()), never as another.
    for (const std::string& k : keys) {
      EXPECT_TRUE(k == "1" || k.empty()) << coll << " " << k;
    }
  }
}

}  // namespace
}  // namespace strata
