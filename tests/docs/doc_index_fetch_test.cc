// Index plans fetch documents in batches (cursor_scan.cc): a run of index
// entries is collected, their documents are read in key order through one
// iterator, then yielded in index order. These tests pin what that must
// not change: results equal a plain filter over every document, in index
// order, forward and reverse, with skip/limit landing on every side of a
// batch edge (batches hold 16, 32, 64, ... entries), across spans whose
// keys interleave, and with entries whose document is gone or moved (such
// entries are skipped wherever they fall in a batch).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/doc_store_opener.h"
#include "docs/index_key.h"
#include "docs/json_value.h"
#include "env/manual_clock_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int64_t kSec = 1'000'000'000;
constexpr int kDocs = 1200;
constexpr int kGroups = 3;  // g = id % 3: 400 documents per value

class DocIndexFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    // Many blocks: fetches cross block edges.
    OpenDocStoreWithBlocks(clock_.get(), 256, &db_, &store_);
    ASSERT_TRUE(store_
                    ->CreateCollectionFromJson(
                        R"({"name":"c","key":"id","time":{"path":"ts",)"
                        R"("unit":"s"},"indexes":[{"name":"g","paths":["g"]},)"
                        R"({"name":"tags","paths":["tags"],"multi":true}]})")
                    .ok());
    // Half the documents go to an SST, half stay in the memtable, so the
    // fetch iterator merges sources.
    std::vector<std::string> batch;
    for (int i = 0; i < kDocs; ++i) {
      batch.push_back(Doc(i));
      if (batch.size() == 100) {
        ASSERT_TRUE(store_->PutMany("c", batch, true).ok());
        batch.clear();
      }
      if (i == kDocs / 2) {
        ASSERT_TRUE(db_->Flush().ok());
      }
    }
    ASSERT_TRUE(store_->PutMany("c", batch, true).ok());
  }

  // Ids are zero-padded strings so key order is numeric order; the time
  // runs against the id so time order is not key order.
  static std::string Doc(int i) {
    return absl::StrFormat(
        R"({"id":"k%05d","g":%d,"ts":%d,"tags":["t%d","t%d"],"n":%d})", i,
        i % kGroups, 100000 - i, i % 5, i % 7, i);
  }

  std::vector<std::string> Find(const FindRequest& r) {
    std::vector<std::string> out;
    auto c = store_->Find("c", r);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return out;
    while ((*c)->Next()) out.emplace_back((*c)->document());
    EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
    return out;
  }

  std::string Explain(const FindRequest& r) {
    auto e = store_->Explain("c", r);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : "";
  }

  // Every document i with pred(i), in id order.
  template <typename Pred>
  static std::vector<std::string> Expected(Pred pred) {
    std::vector<std::string> out;
    for (int i = 0; i < kDocs; ++i) {
      if (pred(i)) out.push_back(Doc(i));
    }
    return out;
  }

  static FindRequest Q(std::string filter) {
    FindRequest r;
    r.filter = std::move(filter);
    return r;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_F(DocIndexFetchTest, EqualityReturnsEveryDocumentInIndexOrder) {
  for (int g = 0; g < kGroups; ++g) {
    FindRequest r = Q(absl::StrFormat(R"({"g":%d})", g));
    EXPECT_THAT(Explain(r), HasSubstr(R"("plan":"index","index":"g")"));
    EXPECT_THAT(Find(r), ElementsAreArray(
                             Expected([g](int i) { return i % kGroups == g; })))
        << g;
  }
}

TEST_F(DocIndexFetchTest, ReverseIndexOrder) {
  FindRequest r = Q(R"({"g":1,"n":{"$gte":10}})");
  r.sort = R"({"g":-1})";
  EXPECT_THAT(Explain(r), HasSubstr(R"("reverse":true)"));
  std::vector<std::string> want =
      Expected([](int i) { return i % kGroups == 1 && i >= 10; });
  std::reverse(want.begin(), want.end());
  EXPECT_THAT(Find(r), ElementsAreArray(want));
}

TEST_F(DocIndexFetchTest, SkipAndLimitAcrossBatchEdges) {
  const std::vector<std::string> all =
      Expected([](int i) { return i % kGroups == 2; });
  // Batches end after 16, 48, 112, 240 and 496 entries.
  const uint64_t points[] = {0,   1,   15,  16,  17,  47,  48,  49, 111,
                             112, 113, 239, 240, 241, 399, 400, 401};
  for (uint64_t skip : points) {
    for (uint64_t limit :
         {uint64_t{0}, uint64_t{1}, uint64_t{16}, uint64_t{33}}) {
      FindRequest r = Q(R"({"g":2})");
      r.skip = skip;
      r.limit = limit;
      const size_t from = std::min<size_t>(skip, all.size());
      const size_t to =
          limit == 0 ? all.size() : std::min<size_t>(from + limit, all.size());
      std::vector<std::string> want(all.begin() + from, all.begin() + to);
      EXPECT_THAT(Find(r), ElementsAreArray(want))
          << "skip " << skip << " limit " << limit;
      auto n = store_->Count("c", r);
      ASSERT_TRUE(n.ok());
      EXPECT_EQ(*n, want.size()) << "skip " << skip << " limit " << limit;
    }
  }
}

TEST_F(DocIndexFetchTest, InterleavedSpansAndMultiEntryDedup) {
  // Two spans whose primary keys interleave: the second batch seeks back.
  FindRequest r = Q(R"({"g":{"$in":[0,2]},"n":{"$lt":700}})");
  std::vector<std::string> want =
      Expected([](int i) { return i % kGroups == 0 && i < 700; });
  std::vector<std::string> two =
      Expected([](int i) { return i % kGroups == 2 && i < 700; });
  want.insert(want.end(), two.begin(), two.end());
  EXPECT_THAT(Explain(r), HasSubstr(R"("spans":2)"));
  EXPECT_THAT(Find(r), ElementsAreArray(want));
  // A document with two matching tags is returned once, at its first entry.
  r = Q(R"({"tags":{"$in":["t1","t3"]}})");
  auto has = [](int i, int t) { return i % 5 == t || i % 7 == t; };
  std::vector<std::string> got = Find(r);
  std::vector<std::string> t1 = Expected([&](int i) { return has(i, 1); });
  std::vector<std::string> t3 =
      Expected([&](int i) { return has(i, 3) && !has(i, 1); });
  t1.insert(t1.end(), t3.begin(), t3.end());
  EXPECT_THAT(got, ElementsAreArray(t1));
}

// $in values arrive in JSON order (booleans last); index keys put
// booleans before numbers and strings, so the planner must sort its spans.
TEST_F(DocIndexFetchTest, InMixingBooleansThroughAnIndex) {
  ASSERT_TRUE(store_->CreateIndex("c", {"s", {"s"}}).ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":"b1","s":"10","ts":1})").ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":"b2","s":false,"ts":1})").ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":"b3","s":2,"ts":1})").ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":"b4","s":true,"ts":1})").ok());
  auto ids = [&](std::string filter) {
    std::vector<std::string> out;
    auto c = store_->Find("c", Q(std::move(filter)));
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return out;
    while ((*c)->Next()) out.emplace_back((*c)->key());
    EXPECT_TRUE((*c)->status().ok());
    return out;
  };
  EXPECT_THAT(Explain(Q(R"({"s":{"$in":["10",false]}})")),
              HasSubstr(R"("index":"s","spans":2)"));
  // Index order: false < true < numbers < strings.
  EXPECT_THAT(ids(R"({"s":{"$in":["10",false]}})"),
              ElementsAreArray({R"("b2")", R"("b1")"}));
  EXPECT_THAT(ids(R"({"s":{"$in":[2,true]}})"),
              ElementsAreArray({R"("b4")", R"("b3")"}));
  EXPECT_THAT(ids(R"({"s":{"$in":[true,"10",2]}})"),
              ElementsAreArray({R"("b4")", R"("b3")", R"("b1")"}));
}

TEST_F(DocIndexFetchTest, WindowedIndexPlan) {
  FindRequest r = Q(R"({"g":0})");
  r.from = (100000 - 900) * kSec;  // ts = 100000 - i: i in (800, 900]
  r.to = (100000 - 800) * kSec;
  EXPECT_THAT(Find(r), ElementsAreArray(Expected([](int i) {
                return i % kGroups == 0 && i > 800 && i <= 900;
              })));
}

TEST_F(DocIndexFetchTest, EntriesWithoutTheirDocumentAreSkipped) {
  // Entries written around batch edges whose document is missing, stored
  // at another time, or expired while the entry lives on.
  const std::string ix = docs::IndexPrefix("c", "g");
  const std::string dp = docs::CollectionPrefix(docs::kDocumentTag, "c");
  auto entry_key = [&](std::string_view id) {
    std::string k = ix;
    EXPECT_TRUE(docs::AppendIndexKey(&k, docs::JsonView::Int(1)).ok());
    EXPECT_TRUE(
        docs::AppendPrimaryKey(&k, docs::JsonView::String(id), "id").ok());
    return k;
  };
  auto doc_key = [&](std::string_view id) {
    std::string k = dp;
    EXPECT_TRUE(
        docs::AppendPrimaryKey(&k, docs::JsonView::String(id), "id").ok());
    return k;
  };
  WriteOptions wo;
  // k00040a sorts between k00040 and k00043 (g = 1 entries 13 and 14).
  ASSERT_TRUE(db_->Put(wo, entry_key("k00040a"), 5 * kSec, "").ok());
  // Document exists, but at another ts than the entry says.
  ASSERT_TRUE(db_->Put(wo, entry_key("k00046a"), 6 * kSec, "").ok());
  ASSERT_TRUE(
      db_->Put(wo, doc_key("k00046a"), 7 * kSec, R"({"id":"k00046a","g":1})")
          .ok());
  // Document expired, entry never expires.
  ASSERT_TRUE(db_->Put(wo, entry_key("k00142a"), 8 * kSec, "").ok());
  ASSERT_TRUE(db_->Put(wo, doc_key("k00142a"), 8 * kSec,
                       R"({"id":"k00142a","g":1})",
                       Expiry::At(clock_->NowNanos() - 1))
                  .ok());
  FindRequest r = Q(R"({"g":1})");
  const std::vector<std::string> want =
      Expected([](int i) { return i % kGroups == 1; });
  EXPECT_THAT(Find(r), ElementsAreArray(want));
  EXPECT_THAT(Explain(r), HasSubstr(absl::StrFormat(
                              R"("keys_examined":%d,"docs_examined":%d)",
                              want.size() + 3, want.size())));
  r.skip = 14;
  r.limit = 3;
  EXPECT_THAT(Find(r), ElementsAreArray(want.begin() + 14, want.begin() + 17));
}

TEST_F(DocIndexFetchTest, CursorKeepsItsSnapshotWhileDocumentsChange) {
  FindRequest r = Q(R"({"g":0})");
  const std::vector<std::string> want =
      Expected([](int i) { return i % kGroups == 0; });
  auto c = store_->Find("c", r);
  ASSERT_TRUE(c.ok());
  std::vector<std::string> got;
  for (int i = 0; i < 20 && (*c)->Next(); ++i) {
    got.emplace_back((*c)->document());
  }
  // Deleting and moving documents after the cursor started changes nothing
  // it returns, including the batches it has not read yet.
  for (int i = 0; i < kDocs; i += 3) {
    if (i % 2 == 0) {
      ASSERT_TRUE(store_->Delete("c", absl::StrFormat(R"("k%05d")", i)).ok());
    } else {
      ASSERT_TRUE(
          store_->Put("c", absl::StrFormat(R"({"id":"k%05d","g":0,"ts":1})", i))
              .ok());
    }
  }
  while ((*c)->Next()) got.emplace_back((*c)->document());
  ASSERT_TRUE((*c)->status().ok()) << (*c)->status();
  EXPECT_THAT(got, ElementsAreArray(want));
  // A new find sees the moved documents only.
  std::vector<std::string> now = Find(r);
  ASSERT_EQ(now.size(), want.size() / 2);
  EXPECT_EQ(now[0], R"({"id":"k00003","g":0,"ts":1})");
}

TEST_F(DocIndexFetchTest, KeysAreDecodedOnDemandAndBadOnesFailTheCursor) {
  FindRequest r = Q(R"({"n":{"$lt":2}})");
  auto c = store_->Find("c", r);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Next());
  EXPECT_EQ((*c)->key(), R"("k00000")");
  EXPECT_EQ((*c)->key(), R"("k00000")");  // asked twice, same answer
  ASSERT_TRUE((*c)->Next());              // key of the second never read
  EXPECT_EQ((*c)->document(), Doc(1));
  EXPECT_FALSE((*c)->Next());
  EXPECT_TRUE((*c)->status().ok());
  // A document record whose key bytes do not decode (0x01 is no index-key
  // type tag), sorting before every real one.
  const std::string dp = docs::CollectionPrefix(docs::kDocumentTag, "c");
  ASSERT_TRUE(db_->Put(WriteOptions(),
                       dp + "\x01"
                            "bad",
                       5 * kSec, R"({"id":"?","n":0})")
                  .ok());
  c = store_->Find("c", r);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Next());
  EXPECT_EQ((*c)->document(), R"({"id":"?","n":0})");
  EXPECT_EQ((*c)->key(), "");
  EXPECT_TRUE(absl::IsDataLoss((*c)->status())) << (*c)->status();
  EXPECT_FALSE((*c)->Next());
}

TEST_F(DocIndexFetchTest, ExactCountReadsNoDocuments) {
  FindRequest r = Q(R"({"g":2})");
  auto n = store_->Count("c", r);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, static_cast<uint64_t>(kDocs / kGroups));
}

}  // namespace
}  // namespace strata
