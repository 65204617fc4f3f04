// The index-entry walk of index plans (cursor_scan.cc, index_key.h): the
// word-at-a-time component framing against a byte-by-byte reference on
// random bytes, and index finds and counts over values with embedded
// NULs and strings past eight bytes (escapes in every word position),
// over one span and several ($in), forward and reverse, plain and
// covering, with a transaction's own writes left out of the index walk.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/doc_store_opener.h"
#include "docs/index_key.h"
#include "docs/json_value.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using docs::IndexComponentSize;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// The framing rules written out byte by byte (schema/index-key.md).
size_t ReferenceComponentSize(std::string_view s) {
  if (s.empty()) return 0;
  switch (static_cast<uint8_t>(s[0])) {
    case 0x08:
    case 0x10:
    case 0x18:
    case 0x19:
      return 1;
    case 0x20:
      return s.size() >= docs::kIndexNumberSize ? docs::kIndexNumberSize : 0;
    case 0x30:
      for (size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] != '\0') continue;
        if (s[i + 1] == '\x01') return i + 2;
        if (s[i + 1] != '\xff') return 0;
        ++i;
      }
      return 0;
  }
  return 0;
}

TEST(IndexScanTest, ComponentSizeMatchesByteLoop) {
  std::mt19937 rng(5);
  // Bytes that matter to the framing, plus 0x80 (the zero-byte trick's
  // borrow bit) and a plain letter.
  const char alphabet[] = {'\0', '\x01', '\xff', '\x80', 'a', '\x7f'};
  const uint8_t tags[] = {0x30, 0x30, 0x30, 0x20, 0x10, 0x08, 0x19, 0x60, 0};
  for (int n = 0; n < 50000; ++n) {
    std::string s(1, static_cast<char>(tags[rng() % std::size(tags)]));
    const size_t len = rng() % 40;
    const bool dense = rng() % 2;  // many 0x00 bytes, or few
    for (size_t i = 0; i < len; ++i) {
      s.push_back(dense || rng() % 8 == 0
                      ? alphabet[rng() % std::size(alphabet)]
                      : 'a' + rng() % 26);
    }
    if (rng() % 4 == 0) s.resize(rng() % (s.size() + 1));
    ASSERT_EQ(IndexComponentSize(s), ReferenceComponentSize(s))
        << testing::PrintToString(s);
  }
}

TEST(IndexScanTest, SplitsEntriesOfEncodedComponents) {
  std::mt19937 rng(9);
  for (int n = 0; n < 5000; ++n) {
    const size_t parts = 1 + rng() % 3;
    std::string entry;
    std::vector<size_t> ends;
    for (size_t p = 0; p <= parts; ++p) {  // values, then the primary key
      std::string v;
      for (size_t i = rng() % 20; i > 0; --i) {
        v.push_back(rng() % 3 == 0 ? '\0' : static_cast<char>('a' + rng() % 3));
      }
      ASSERT_TRUE(docs::AppendIndexKey(
                      &entry, rng() % 3 == 0 ? docs::JsonValue::Int(rng() % 100)
                                             : docs::JsonValue::String(v))
                      .ok());
      ends.push_back(entry.size());
    }
    std::string_view values, pk;
    ASSERT_TRUE(docs::SplitIndexEntry(entry, parts, &values, &pk));
    EXPECT_EQ(values.size(), ends[parts - 1]);
    EXPECT_EQ(pk, std::string_view(entry).substr(ends[parts - 1]));
    // Cut short (every proper prefix lacks a whole component) or
    // extended: malformed.
    const size_t cut = rng() % entry.size();
    EXPECT_FALSE(docs::SplitIndexEntry(std::string_view(entry).substr(0, cut),
                                       parts, &values, &pk))
        << cut;
    EXPECT_FALSE(docs::SplitIndexEntry(entry + "x", parts, &values, &pk));
  }
}

// Device values whose encodings put 0x00 escapes and terminators at every
// offset of the 8-byte words the framing reads, and prefixes of each other.
const char* const kDevices[] = {
    "a",
    R"(a\u0000)",
    R"(a\u0000b)",
    "device-0000000001",
    "device-000000000",
    R"(dev\u0000ice\u0000\u0000-long-name-0)",
    R"(\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000x)",
    "zzzzzzz",
};
constexpr int kDocs = 600;

class IndexScanStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    OpenDocStoreWithBlocks(mem_env_.get(), 256, &db_, &store_);  // many blocks
    const std::string covering = GetParam() ? R"(,"covering":true)" : "";
    ASSERT_TRUE(store_
                    ->CreateCollectionFromJson(absl::StrFormat(
                        R"({"name":"c","key":"id","time":{"path":"ts",)"
                        R"("unit":"s"},"indexes":[{"name":"dt",)"
                        R"("paths":["dev","ts"]%s}]})",
                        covering))
                    .ok());
    // Three flushes: the walk merges SSTs and the memtable, and a device's
    // entries sit in several sources.
    std::vector<std::string> batch;
    for (int i = 0; i < kDocs; ++i) {
      batch.push_back(Doc(i));
      if (batch.size() == 50) {
        ASSERT_TRUE(store_->PutMany("c", batch, true).ok());
        batch.clear();
      }
      if (i % 200 == 199 && i + 1 < kDocs) {
        ASSERT_TRUE(db_->Flush().ok());
      }
    }
    ASSERT_TRUE(store_->PutMany("c", batch, true).ok());
  }

  static int Device(int i) { return (i * 7) % std::size(kDevices); }
  // Times repeat (ties order by primary key) and run against the id.
  static int Ts(int i) { return 10000 - i / 3; }
  static std::string Doc(int i) {
    return absl::StrFormat(R"({"id":"k%04d","dev":"%s","ts":%d})", i,
                           kDevices[Device(i)], Ts(i));
  }

  // The documents of the given devices in index order: device bytes, ts,
  // id (the encodings order as the raw values).
  static std::vector<std::string> Expected(const std::vector<int>& devices,
                                           bool reverse = false) {
    std::vector<std::tuple<std::string, int, int>> rows;
    for (int i = 0; i < kDocs; ++i) {
      if (std::find(devices.begin(), devices.end(), Device(i)) ==
          devices.end()) {
        continue;
      }
      auto dev =
          docs::ParseJson(absl::StrFormat(R"("%s")", kDevices[Device(i)]),
                          docs::JsonParseOptions{});
      rows.emplace_back(std::string(dev->string_value()), Ts(i), i);
    }
    std::sort(rows.begin(), rows.end());
    if (reverse) std::reverse(rows.begin(), rows.end());
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(Doc(std::get<2>(r)));
    return out;
  }

  std::vector<std::string> Find(DocTransaction* txn, const FindRequest& r) {
    std::vector<std::string> out;
    auto c = txn != nullptr ? txn->Find("c", r) : store_->Find("c", r);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return out;
    while ((*c)->Next()) out.emplace_back((*c)->document());
    EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
    return out;
  }

  static FindRequest Q(std::string filter, std::string sort = "") {
    FindRequest r;
    r.filter = std::move(filter);
    r.sort = std::move(sort);
    return r;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_P(IndexScanStoreTest, OneDeviceFindAndCount) {
  for (int d = 0; d < static_cast<int>(std::size(kDevices)); ++d) {
    SCOPED_TRACE(kDevices[d]);
    FindRequest r = Q(absl::StrFormat(R"({"dev":"%s"})", kDevices[d]));
    EXPECT_THAT(ExplainText(store_.get(), "c", r),
                HasSubstr(R"("plan":"index","index":"dt")"));
    const std::vector<std::string> want = Expected({d});
    ASSERT_GE(want.size(), 50u);
    EXPECT_THAT(Find(nullptr, r), ElementsAreArray(want));
    auto n = store_->Count("c", r);
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, want.size());
  }
}

TEST_P(IndexScanStoreTest, SeveralSpansBothWays) {
  // Neighbouring devices (a, a\0, a\0b) and far ones, so spans abut.
  const std::vector<std::vector<int>> sets = {
      {0, 1}, {0, 1, 2}, {3, 4, 7}, {5, 6}, {0, 2, 4, 6}};
  for (const auto& set : sets) {
    std::string in;
    for (int d : set) {
      absl::StrAppendFormat(&in, "%s\"%s\"", in.empty() ? "" : ",",
                            kDevices[d]);
    }
    SCOPED_TRACE(in);
    const std::string filter = absl::StrFormat(R"({"dev":{"$in":[%s]}})", in);
    EXPECT_THAT(Find(nullptr, Q(filter)), ElementsAreArray(Expected(set)));
    FindRequest rev = Q(filter, R"({"dev":-1,"ts":-1})");
    EXPECT_THAT(ExplainText(store_.get(), "c", rev),
                HasSubstr(R"("reverse":true)"));
    // Reverse index order: ids of one (device, ts) descend too.
    EXPECT_THAT(Find(nullptr, rev), ElementsAreArray(Expected(set, true)));
    auto n = store_->Count("c", Q(filter));
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, Expected(set).size());
  }
}

TEST_P(IndexScanStoreTest, TransactionLeavesItsOwnWritesOutOfTheWalk) {
  auto txn = store_->Begin();
  // Moves document 0 from its device to the last one; its committed
  // entry under the old device must not come back from the walk.
  const int d0 = Device(0);
  ASSERT_TRUE(txn->Put("c", absl::StrFormat(R"({"id":"k0000","dev":"%s",)"
                                            R"("ts":%d})",
                                            kDevices[7], Ts(0)))
                  .ok());
  std::vector<std::string> want = Expected({d0});
  want.erase(std::find(want.begin(), want.end(), Doc(0)));
  EXPECT_THAT(
      Find(txn.get(), Q(absl::StrFormat(R"({"dev":"%s"})", kDevices[d0]))),
      ElementsAreArray(want));
  const std::vector<std::string> last =
      Find(txn.get(), Q(absl::StrFormat(R"({"dev":"%s"})", kDevices[7])));
  EXPECT_EQ(last.size(), Expected({7}).size() + 1);
  EXPECT_EQ(std::count_if(last.begin(), last.end(),
                          [](const std::string& d) {
                            return d.find("k0000") != std::string::npos;
                          }),
            1);
  txn->Rollback();
}

TEST_P(IndexScanStoreTest, PhantomCheckSeesKeysFromTheIndexWalk) {
  // A transaction's commit re-walks its finds' exact index plans keys
  // only (no fetch): the walk must yield each entry's real primary key.
  const int d = Device(1);
  const std::string filter = absl::StrFormat(R"({"dev":"%s"})", kDevices[d]);
  for (bool change : {false, true}) {
    SCOPED_TRACE(change);
    auto txn = store_->Begin();
    EXPECT_EQ(Find(txn.get(), Q(filter)).size(), Expected({d}).size());
    ASSERT_TRUE(txn->Put("c", R"({"id":"other","dev":"q","ts":1})").ok());
    if (change) {
      // Another writer inserts a matching document: a phantom, seen only
      // by re-walking the index.
      ASSERT_TRUE(
          store_
              ->Put("c", absl::StrFormat(R"({"id":"new%d","dev":"%s","ts":7})",
                                         change, kDevices[d]))
              .ok());
    }
    absl::Status st = txn->Commit(false);
    EXPECT_EQ(absl::IsAborted(st), change) << st;
  }
}

TEST_P(IndexScanStoreTest, SpanBoundsDifferingInOneByte) {
  // The walk skips the components every entry of a span shares: the whole
  // components inside the common prefix of the span's bounds, plus one
  // byte when the limit is the start's prefix successor (then every key
  // in the span has the start's byte there). Spans whose bounds differ in
  // a single byte of a component: ts ranges (the bytes of D differ inside
  // the number), device ranges one last character apart, and integers
  // above 2^53 one apart (only R's last byte differs, and a $lt limit
  // ends right there: the successor rule takes the whole component).
  auto docs_where = [&](auto keep) {
    std::vector<std::tuple<std::string, int, int>> rows;
    for (int i = 0; i < kDocs; ++i) {
      auto dev =
          docs::ParseJson(absl::StrFormat(R"("%s")", kDevices[Device(i)]),
                          docs::JsonParseOptions{});
      std::string d(dev->string_value());
      if (keep(d, Ts(i))) rows.emplace_back(d, Ts(i), i);
    }
    std::sort(rows.begin(), rows.end());
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(Doc(std::get<2>(r)));
    return out;
  };
  for (int d : {0, 3, 5}) {
    auto dev = docs::ParseJson(absl::StrFormat(R"("%s")", kDevices[d]),
                               docs::JsonParseOptions{});
    const std::string want_dev(dev->string_value());
    for (int t : {9800, 9900, 9999}) {
      const std::string ranges[] = {
          absl::StrFormat(R"({"$gte":%d,"$lt":%d})", t, t + 1),
          absl::StrFormat(R"({"$gte":%d,"$lte":%d})", t, t),
          absl::StrFormat(R"({"$gt":%d,"$lt":%d})", t - 1, t + 2),
      };
      const int lo[] = {t, t, t};
      const int hi[] = {t, t, t + 1};
      for (int k = 0; k < 3; ++k) {
        const std::string filter =
            absl::StrFormat(R"({"dev":"%s","ts":%s})", kDevices[d], ranges[k]);
        SCOPED_TRACE(filter);
        EXPECT_THAT(ExplainText(store_.get(), "c", Q(filter)),
                    HasSubstr(R"("plan":"index","index":"dt")"));
        EXPECT_THAT(
            Find(nullptr, Q(filter)),
            ElementsAreArray(docs_where([&](const std::string& dv, int ts) {
              return dv == want_dev && ts >= lo[k] && ts <= hi[k];
            })));
      }
    }
  }
  const std::pair<std::string, std::string> dev_ranges[] = {
      {"device-0000000001", "device-0000000002"}, {"a", "b"}};
  for (const auto& [lo, hi] : dev_ranges) {
    const std::string filter =
        absl::StrFormat(R"({"dev":{"$gte":"%s","$lt":"%s"}})", lo, hi);
    SCOPED_TRACE(filter);
    const std::vector<std::string> want = docs_where(
        [&](const std::string& dv, int) { return dv >= lo && dv < hi; });
    ASSERT_FALSE(want.empty());
    EXPECT_THAT(Find(nullptr, Q(filter)), ElementsAreArray(want));
  }
  // Numeric devices past 2^53 (D equal, R one apart), three documents
  // each; ids order them inside a (device, ts).
  const uint64_t big = (uint64_t{1} << 53) + 1;
  std::vector<std::string> big_docs;
  for (uint64_t v = big; v < big + 4; ++v) {
    for (int j = 0; j < 3; ++j) {
      big_docs.push_back(absl::StrFormat(R"({"id":"n%d-%d","dev":%d,"ts":%d})",
                                         v - big, j, v, 500 + j));
    }
  }
  ASSERT_TRUE(store_->PutMany("c", big_docs, true).ok());
  ASSERT_TRUE(db_->Flush().ok());
  for (uint64_t v = big; v < big + 3; ++v) {
    const std::string filter =
        absl::StrFormat(R"({"dev":{"$gte":%d,"$lt":%d}})", v, v + 1);
    SCOPED_TRACE(filter);
    const size_t at = static_cast<size_t>(v - big) * 3;
    EXPECT_THAT(Find(nullptr, Q(filter)),
                ElementsAreArray(std::vector<std::string>(
                    big_docs.begin() + at, big_docs.begin() + at + 3)));
    const std::string two =
        absl::StrFormat(R"({"dev":{"$gte":%d,"$lt":%d}})", v, v + 2);
    EXPECT_THAT(Find(nullptr, Q(two)),
                ElementsAreArray(std::vector<std::string>(
                    big_docs.begin() + at, big_docs.begin() + at + 6)));
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndCovering, IndexScanStoreTest,
                         ::testing::Bool(), [](const auto& info) {
                           return info.param ? "Covering" : "Plain";
                         });

}  // namespace
}  // namespace strata
