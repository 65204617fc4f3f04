// Time windows (FindRequest::from/to) served by an index whose first path
// is the collection's time field (planner.cc, TimeWindowSpan): on a
// collection whose keys are not in time order, the window becomes a range
// over the index's values instead of a scan that only block time headers
// narrow. The answers must equal those of the same documents without the
// index for every numeric unit (fractional, negative and boundary times
// included), and Explain must name the index and show less read.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_store_opener.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int64_t ExplainNumber(const std::string& e, const std::string& name) {
  size_t p = e.find("\"" + name + "\":");
  if (p == std::string::npos) return -1;
  return std::stoll(e.substr(p + name.size() + 3));
}

class TimeIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    options_.env = env_.get();
    DocumentStoreOptions so;
    so.env = env_.get();
    OpenDocStore(options_, so, &db_, &store_);
  }

  void Make(const std::string& json) {
    absl::Status st = store_->CreateCollectionFromJson(json);
    ASSERT_TRUE(st.ok()) << st << " " << json;
  }

  std::vector<std::string> Find(std::string_view coll, const FindRequest& r) {
    return FindKeys(store_.get(), coll, r);
  }
  std::string Explain(std::string_view coll, const FindRequest& r) {
    return ExplainText(store_.get(), coll, r);
  }

  std::unique_ptr<Env> env_;
  Options options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

// ns per unit.
int64_t Scale(std::string_view unit) {
  return unit == "s"    ? 1'000'000'000
         : unit == "ms" ? 1'000'000
         : unit == "us" ? 1'000
                        : 1;
}

struct UnitCase {
  const char* unit;
  // Time values as JSON text for document i.
  std::string (*value)(int i);
};

// Integer values mostly, with fractions (where the unit allows them) and
// times before 1970; keys are hashed, so not in time order.
std::string Seconds(int i) {
  if (i % 7 == 0)
    return absl::StrFormat("%d.%03d", 1'600'000'000 + i, i % 1000);
  if (i % 11 == 0) return absl::StrFormat("%d", -1000 + i);
  return absl::StrFormat("%d", 1'600'000'000 + i);
}
std::string Millis(int i) {
  if (i % 5 == 0)
    return absl::StrFormat("%d.5", int64_t{1'600'000'000'000} + i);
  return absl::StrFormat("%d", int64_t{1'600'000'000'000} + i);
}
std::string Micros(int i) {
  return absl::StrFormat("%d", int64_t{1'600'000'000'000'000} + 3 * i);
}
std::string Nanos(int i) {
  if (i % 13 == 0) return absl::StrFormat("%d", -5 * i);
  return absl::StrFormat("%d", int64_t{1'600'000'000'000'000'000} + 2 * i);
}

// The time of a value in ns, as the store computes it: integers exactly,
// fractions as a double times the scale, toward zero.
int64_t NanosOf(const std::string& v, int64_t scale) {
  if (v.find('.') == std::string::npos) return std::stoll(v) * scale;
  return static_cast<int64_t>(static_cast<long double>(std::stod(v)) * scale);
}

TEST_F(TimeIndexTest, SameAnswersWithAndWithoutTheIndex) {
  constexpr int kDocs = 1200;
  const UnitCase units[] = {
      {"s", Seconds}, {"ms", Millis}, {"us", Micros}, {"ns", Nanos}};
  std::mt19937_64 rng(42);
  for (const UnitCase& u : units) {
    SCOPED_TRACE(u.unit);
    const std::string time =
        absl::StrFormat(R"("time":{"path":"ts","unit":"%s"})", u.unit);
    Make(absl::StrFormat(R"({"name":"ix_%s","key":"dev",%s,"indexes":[)"
                         R"({"name":"by_ts","paths":["ts"]},)"
                         R"({"name":"by_ts_tag","paths":["ts","tags"],)"
                         R"("multi":true}]})",
                         u.unit, time));
    Make(
        absl::StrFormat(R"({"name":"plain_%s","key":"dev",%s})", u.unit, time));
    // Only a multi-entry index on the time field (entries per tag).
    Make(absl::StrFormat(R"({"name":"mx_%s","key":"dev",%s,"indexes":[)"
                         R"({"name":"by_ts_tag","paths":["ts","tags"],)"
                         R"("multi":true}]})",
                         u.unit, time));
    std::vector<std::string> docs;
    std::vector<int64_t> times;
    for (int i = 0; i < kDocs; ++i) {
      const std::string v = u.value(i);
      times.push_back(NanosOf(v, Scale(u.unit)));
      docs.push_back(absl::StrFormat(
          R"({"dev":"d%08x","ts":%s,"n":%d,"tags":["t%d","t%d"]})",
          static_cast<uint32_t>(i * 2654435761u), v, i % 10, i % 3, i % 4));
    }
    const std::string ix = absl::StrFormat("ix_%s", u.unit);
    const std::string plain = absl::StrFormat("plain_%s", u.unit);
    ASSERT_TRUE(store_->PutMany(ix, docs, true).ok());
    ASSERT_TRUE(store_->PutMany(plain, docs, true).ok());
    const std::string mx = absl::StrFormat("mx_%s", u.unit);
    ASSERT_TRUE(store_->PutMany(mx, docs, true).ok());
    ASSERT_TRUE(db_->Flush().ok());
    std::vector<int64_t> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    // Windows: exact document times as bounds (inclusive from, exclusive
    // to), one ns off them, open sides, empty and inverted windows.
    struct Window {
      std::optional<int64_t> from, to;
    };
    std::vector<Window> windows = {
        {sorted[100], sorted[200]},
        {sorted[100] + 1, sorted[200] - 1},
        {sorted[100] - 1, sorted[200] + 1},
        {sorted[kDocs / 2], std::nullopt},
        {std::nullopt, sorted[kDocs / 3]},
        {sorted[5], sorted[5]},
        {sorted[50], sorted[10]},
        {std::nullopt, int64_t{0}},
        {sorted.front(), sorted.back() + 1},
    };
    for (int k = 0; k < 12; ++k) {
      int64_t a = sorted[rng() % kDocs] + static_cast<int64_t>(rng() % 3) - 1;
      int64_t b = sorted[rng() % kDocs] + static_cast<int64_t>(rng() % 3) - 1;
      windows.push_back({std::min(a, b), std::max(a, b)});
    }
    const char* filters[] = {"{}", R"({"n":{"$gte":5}})",
                             R"({"tags":"t1","n":{"$ne":3}})"};
    for (const Window& w : windows) {
      for (const char* filter : filters) {
        FindRequest r;
        r.filter = filter;
        r.from = w.from;
        r.to = w.to;
        r.sort = R"({"ts":1})";
        SCOPED_TRACE(absl::StrFormat("%s [%d, %d)", filter, w.from.value_or(-1),
                                     w.to.value_or(-1)));
        // Ties in ts come in key order both ways.
        const std::vector<std::string> want = Find(plain, r);
        EXPECT_EQ(Find(ix, r), want);
        int64_t expected = 0;
        for (int64_t t : times) {
          expected += (!w.from || t >= *w.from) && (!w.to || t < *w.to);
        }
        if (std::string_view(filter) == "{}") {
          EXPECT_EQ(static_cast<int64_t>(want.size()), expected);
        }
        auto count = store_->Count(ix, r);
        ASSERT_TRUE(count.ok()) << count.status();
        EXPECT_EQ(*count, want.size());
        const std::string e = Explain(ix, r);
        EXPECT_THAT(e, HasSubstr(R"("plan":"index","index":"by_ts")"));
        EXPECT_THAT(e, HasSubstr(R"("window":"index")"));
        EXPECT_THAT(e, HasSubstr(R"("sort":"plan")"));
        // Through the multi-entry index (dedup; sorted in memory; no
        // equal times, so no ties).
        EXPECT_EQ(Find(mx, r), want);
        EXPECT_EQ(*store_->Count(mx, r), want.size());
        EXPECT_THAT(Explain(mx, r),
                    HasSubstr(R"("index":"by_ts_tag","window":"index")"));
        // Unsorted: the same set.
        r.sort.clear();
        std::vector<std::string> a = Find(ix, r), b = Find(plain, r);
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        EXPECT_EQ(a, b);
      }
    }
  }
}

// A narrow window reads what it returns through the index; the scan of
// the same documents (keys not in time order) reads every block of the
// day's files (1 KiB blocks, as in the acceptance audit's version of this
// case, audit_docs_read_test.cc: block_size 256, as a block short of 128
// entries is cut at 4 block sizes).
TEST_F(TimeIndexTest, ExplainShowsLessRead) {
  options_.block_size = 256;
  DocumentStoreOptions so;
  so.env = env_.get();
  OpenDocStore(options_, so, &db_, &store_);
  Make(R"({"name":"ix","key":"dev","time":{"path":"ts","unit":"s"},)"
       R"("indexes":[{"name":"by_ts","paths":["ts"]}]})");
  Make(R"({"name":"plain","key":"dev","time":{"path":"ts","unit":"s"}})");
  constexpr int64_t t0 = 1'600'000'000;
  std::vector<std::string> docs;
  for (uint32_t i = 0; i < 3000; ++i) {
    docs.push_back(absl::StrFormat(R"({"dev":"d%08x","ts":%d,"pad":"%s"})",
                                   i * 2654435761u, t0 + i * 60,
                                   std::string(60, 'p')));
  }
  ASSERT_TRUE(store_->PutMany("ix", docs, true).ok());
  ASSERT_TRUE(store_->PutMany("plain", docs, true).ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->WaitForBackgroundWork().ok());
  constexpr int64_t kSec = 1'000'000'000;
  FindRequest r;
  r.from = (t0 + 1000 * 60) * kSec;  // 100 of 3000 documents
  r.to = (t0 + 1100 * 60) * kSec;
  const std::string with = Explain("ix", r);
  const std::string without = Explain("plain", r);
  std::printf("time index: %s\nscan:       %s\n", with.c_str(),
              without.c_str());
  EXPECT_THAT(with, HasSubstr(R"("plan":"index","index":"by_ts")"));
  EXPECT_THAT(with, HasSubstr(R"("window":"index")"));
  EXPECT_THAT(without, HasSubstr(R"("plan":"time_window")"));
  EXPECT_EQ(ExplainNumber(with, "docs_returned"), 100);
  EXPECT_EQ(ExplainNumber(without, "docs_returned"), 100);
  // The index reads the window's entries and their documents only (the
  // scan's ts filter drops records below the document count, so only
  // blocks show what it read).
  EXPECT_EQ(ExplainNumber(with, "keys_examined"), 100);
  EXPECT_EQ(ExplainNumber(with, "docs_fetched"), 100);
  EXPECT_LT(ExplainNumber(with, "blocks_read") * 3,
            ExplainNumber(without, "blocks_read") * 2);
  std::vector<std::string> a = Find("ix", r), b = Find("plain", r);
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, b);  // the scan returns key order
  // Sorted by time, the index also serves the order.
  r.sort = R"({"ts":-1})";
  EXPECT_THAT(Explain("ix", r), HasSubstr(R"("reverse":true,"sort":"plan")"));
  EXPECT_EQ(Find("ix", r), Find("plain", r));
  // A limit sizes the first fetch: a limit-1 query reads a handful of
  // documents, a larger limit exactly its rows; without a limit the first
  // batch is larger still (here the whole window).
  r.sort.clear();
  r.limit = 1;
  EXPECT_LE(ExplainNumber(Explain("ix", r), "docs_fetched"), 16);
  r.limit = 40;
  EXPECT_EQ(ExplainNumber(Explain("ix", r), "docs_fetched"), 40);
  r.skip = 30;
  EXPECT_EQ(ExplainNumber(Explain("ix", r), "docs_fetched"), 70);
  EXPECT_EQ(Find("ix", r).size(), 40u);
}

// Where the index does not apply: RFC 3339 time fields (string order is
// not time order), indexes whose first path is not the time field, and
// queries that a predicate's index serves better (that index then reads
// the window through the core's ts filter as before); an index on the
// time field chosen for a predicate also narrows to the window.
TEST_F(TimeIndexTest, PlanChoice) {
  Make(R"({"name":"rfc","key":"id","time":{"path":"ts"},)"
       R"("indexes":[{"name":"by_ts","paths":["ts"]}]})");
  Make(R"({"name":"c","key":"id","time":{"path":"ts","unit":"ms"},)"
       R"("indexes":[{"name":"kind_ts","paths":["kind","ts"]},)"
       R"({"name":"by_ts","paths":["ts"]}]})");
  Make(R"({"name":"other","key":"id","time":{"path":"ts","unit":"ms"},)"
       R"("indexes":[{"name":"kind_ts","paths":["kind","ts"]}]})");
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(
        store_
            ->Put("rfc", absl::StrFormat(R"({"id":%d,"ts":"2024-05-01T12:%02d:)"
                                         R"(00%s"})",
                                         i, i, i % 2 ? "Z" : "+00:00"))
            .ok());
    for (const char* coll : {"c", "other"}) {
      ASSERT_TRUE(
          store_
              ->Put(coll, absl::StrFormat(R"({"id":%d,"ts":%d,"kind":"k%d"})",
                                          i, 1000 * i, i % 3))
              .ok());
    }
  }
  constexpr int64_t kMs = 1'000'000;
  FindRequest r;
  r.from = 10'000 * kMs;
  r.to = 20'000 * kMs;
  EXPECT_EQ(Find("c", r).size(), 10u);
  EXPECT_EQ(Find("other", r).size(), 10u);
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("index":"by_ts","window")"));
  EXPECT_THAT(Explain("other", r), HasSubstr(R"("plan":"time_window")"));
  // rfc3339: 12:10 to 12:20 by the clock, whatever the offset spelling.
  FindRequest rr;
  rr.from = 1714565400 * int64_t{1'000'000'000};
  rr.to = rr.from.value() + 600 * int64_t{1'000'000'000};
  EXPECT_EQ(Find("rfc", rr).size(), 10u);
  EXPECT_THAT(Explain("rfc", rr), HasSubstr(R"("plan":"time_window")"));
  // An equality on kind: the compound (kind, ts) index is better, and the
  // window bounds its ts component: only the window's entries are read.
  FindRequest k = r;
  k.filter = R"({"kind":"k1"})";
  EXPECT_EQ(Find("c", k).size(), 4u);  // ids 10, 13, 16, 19
  const std::string ke = Explain("c", k);
  EXPECT_THAT(ke, HasSubstr(R"("index":"kind_ts","window":"index")"));
  EXPECT_EQ(ExplainNumber(ke, "keys_examined"), 4);
  // A range on ts picks by_ts for the predicate; the window narrows it.
  FindRequest t = r;
  t.filter = R"({"ts":{"$gte":15000}})";
  EXPECT_EQ(Find("c", t).size(), 5u);
  const std::string te = Explain("c", t);
  EXPECT_THAT(te, HasSubstr(R"("index":"by_ts","window":"index")"));
  EXPECT_EQ(ExplainNumber(te, "keys_examined"), 5);
}

}  // namespace
// A compound index (equality fields, then the time field) bounds its
// time component by the window: random documents, windows and filters
// give the same answers as the same documents without the index, and the
// index plan reads only the window's entries.
TEST_F(TimeIndexTest, CompoundIndexWindowsMatchUnindexed) {
  Make(R"({"name":"ix","key":"id","time":{"path":"ts","unit":"ms"}})");
  Make(R"({"name":"plain","key":"id","time":{"path":"ts","unit":"ms"}})");
  IndexSpec spec;
  spec.name = "dev_ts";
  spec.paths = {"dev", "ts"};
  ASSERT_TRUE(store_->CreateIndex("ix", spec).ok());
  std::mt19937_64 rnd(5);
  for (int i = 0; i < 600; i++) {
    // Ids not in time order; a few documents lack dev.
    const int64_t ts = static_cast<int64_t>(rnd() % 100'000) - 20'000;
    std::string doc = rnd() % 20 == 0
                          ? absl::StrFormat(R"({"id":%d,"ts":%d})", i, ts)
                          : absl::StrFormat(R"({"id":%d,"ts":%d,"dev":"d%d"})",
                                            i, ts, rnd() % 4);
    ASSERT_TRUE(store_->Put("ix", doc).ok());
    ASSERT_TRUE(store_->Put("plain", doc).ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  for (int round = 0; round < 200; round++) {
    FindRequest r;
    const int64_t a = static_cast<int64_t>(rnd() % 120'000) - 30'000;
    const int64_t b = a + static_cast<int64_t>(rnd() % 40'000);
    if (rnd() % 4 != 0)
      r.from = a * 1'000'000 + static_cast<int64_t>(rnd() % 3) - 1;
    if (rnd() % 4 != 0)
      r.to = b * 1'000'000 + static_cast<int64_t>(rnd() % 3) - 1;
    switch (rnd() % 3) {
      case 0:
        r.filter = absl::StrFormat(R"({"dev":"d%d"})", rnd() % 5);
        break;
      case 1:
        r.filter = absl::StrFormat(R"({"dev":{"$in":["d%d","d%d"]}})",
                                   rnd() % 4, rnd() % 4);
        break;
      default:
        r.filter = absl::StrFormat(R"({"dev":"d%d","ts":{"$lt":%d}})",
                                   rnd() % 4, b - 5'000);
    }
    std::vector<std::string> want = Find("plain", r), got = Find("ix", r);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << r.filter << " from " << r.from.value_or(-1)
                         << " to " << r.to.value_or(-1);
    if (r.from.has_value() && r.to.has_value()) {
      const std::string e = Explain("ix", r);
      EXPECT_THAT(e, HasSubstr(R"("index":"dev_ts")")) << r.filter;
      // Entries read: the window's (the $lt case may narrow further).
      EXPECT_LE(ExplainNumber(e, "keys_examined"),
                static_cast<int64_t>(want.size()) + 2)
          << e;
    }
  }
}

}  // namespace strata
