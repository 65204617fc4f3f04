// Sort order across types (issue 5): null/missing < booleans < numbers <
// strings < objects < arrays, the same whether an index serves the sort or
// the cursor sorts in memory; and indexes written with the version-1 key
// encoding (booleans after strings) are converted when a store opens.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/catalog.h"
#include "docs/doc_keys.h"
#include "docs/doc_store_opener.h"
#include "docs/filter_sort.h"
#include "docs/index_downgrade.h"
#include "docs/index_key.h"
#include "docs/sorted_ids.h"
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

TEST(SortOrderTest, TypesArraysAndMissing) {
  // Ids are positions (1-based).
  const std::vector<std::string> docs = {
      R"({"a":null})",      R"({})",          R"({"a":5})",
      R"({"a":"x"})",       R"({"a":[3,9]})", R"({"a":true})",
      R"({"a":{"k":1}})",   R"({"a":[]})",    R"({"a":2.5})",
      R"({"a":[[0],1e9]})", R"({"a":false})", R"({"a":[true,"s"]})",
  };
  // Ascending uses each array's smallest element, descending its largest;
  // missing sorts as null and [] before it (MongoDB); [[0],1e9] holds an
  // array element, which sorts after every scalar and object.
  EXPECT_EQ(SortedIds(R"({"a":1})", docs),
            (std::vector<int>{8, 1, 2, 11, 6, 12, 9, 5, 3, 10, 4, 7}));
  EXPECT_EQ(SortedIds(R"({"a":-1})", docs),
            (std::vector<int>{10, 7, 4, 12, 5, 3, 9, 6, 11, 1, 2, 8}));
}

TEST(SortOrderTest, CompareSortValuesRecursesInItsOwnOrder) {
  using docs::JsonValue;
  auto v = [](std::string_view json) { return *docs::ParseJson(json); };
  struct Case {
    const char* a;
    const char* b;
    int want;
  };
  const Case cases[] = {
      {"null", "false", -1},
      {"true", "-1e300", -1},
      {"1", "1.0", 0},
      {"9007199254740993", "9007199254740992.0", 1},
      {"1e300", "\"\"", -1},
      {"\"b\"", "\"ab\"", 1},
      {"\"zz\"", "{}", -1},
      {"{\"a\":1}", "[]", -1},
      {"[true]", "[1]", -1},    // elements in sort order, not MongoDB's
      {"[1]", "[1,null]", -1},  // a prefix first
      {"{\"a\":true}", "{\"a\":0}", -1},
      {"{\"a\":1}", "{\"b\":0}", -1},  // names before values
      {"[[1]]", "[{\"a\":1}]", 1},
  };
  for (const Case& c : cases) {
    JsonValue a = v(c.a), b = v(c.b);
    EXPECT_EQ(docs::CompareSortValues(a, b), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(docs::CompareSortValues(b, a), -c.want) << c.b << " vs " << c.a;
  }
}

class SortStoreTest : public ClockedDocStoreTest {};

// The value each document of MixedValues() holds at "v", by key.
const std::vector<std::string>& MixedValues() {
  static const std::vector<std::string> kValues = {
      "missing", "null",  "[]",   "true",   "false", "[false]", "-2",
      "0.5",     "1",     "1.0",  "[7]",    "1e300", "\"\"",    "\"a\"",
      "[\"b\"]", "\"b\"", "-1e9", "[null]", "true",  "3",
  };
  return kValues;
}

std::string MixedDoc(int id, std::string_view g) {
  const std::string& v = MixedValues()[static_cast<size_t>(id)];
  if (v == "missing") return absl::StrFormat(R"({"id":%d,"g":"%s"})", id, g);
  return absl::StrFormat(R"({"id":%d,"g":"%s","v":%s})", id, g, v);
}

// The sort key sequence (value at v under the sort's rules) of the keys,
// for comparing two orders that may break ties differently.
std::vector<std::string> SortValuesOf(const std::vector<std::string>& keys,
                                      bool ascending) {
  std::vector<std::string> out;
  auto spec =
      docs::SortSpec::ParseJsonText(ascending ? R"({"v":1})" : R"({"v":-1})");
  docs::SortKeyExtractor ex(*spec);
  for (const std::string& k : keys) {
    auto key = ex.Extract(MixedDoc(std::stoi(k), "a"));
    // Canonical text: 1 and 1.0 are one sort value.
    std::string s;
    docs::AppendIndexKey(&s, (*key)[0].value).IgnoreError();
    out.push_back(s);
  }
  return out;
}

TEST_F(SortStoreTest, IndexOrderEqualsInMemoryOrderForMixedTypes) {
  ASSERT_TRUE(
      store_
          ->CreateCollectionFromJson(R"({"name":"ix","key":"id","indexes":[)"
                                     R"({"name":"v","paths":["v"]},)"
                                     R"({"name":"gv","paths":["g","v"]}]})")
          .ok());
  ASSERT_TRUE(
      store_->CreateCollectionFromJson(R"({"name":"plain","key":"id"})").ok());
  const int n = static_cast<int>(MixedValues().size());
  for (int id = 0; id < n; ++id) {
    for (const char* coll : {"ix", "plain"}) {
      ASSERT_TRUE(store_->Put(coll, MixedDoc(id, "a")).ok()) << id;
      // Another group, for the compound index's equality prefix.
      ASSERT_TRUE(store_
                      ->Put(coll, MixedDoc(id, "b").replace(
                                      6, std::to_string(id).size(),
                                      std::to_string(id + 100)))
                      .ok());
    }
  }
  for (bool ascending : {true, false}) {
    // Through the single-path index (scanned in order under a limit) and
    // the compound one after its equality prefix.
    FindRequest by_v;
    by_v.sort = ascending ? R"({"v":1})" : R"({"v":-1})";
    by_v.limit = 1000;
    FindRequest by_gv = by_v;
    by_gv.filter = R"({"g":"a"})";
    for (const FindRequest& r : {by_v, by_gv}) {
      SCOPED_TRACE(r.filter + " " + r.sort);
      EXPECT_THAT(Explain("ix", r), HasSubstr(R"("sort":"plan")"));
      EXPECT_THAT(Explain("plain", r), HasSubstr(R"("sort":"memory")"));
      std::vector<std::string> a = Find("ix", r);
      std::vector<std::string> b = Find("plain", r);
      ASSERT_EQ(a.size(), b.size());
      // Equal keys (1 and 1.0, the null group) may come in another order.
      std::vector<std::string> keys_a = a, keys_b = b;
      for (auto& k : keys_a) k = std::to_string(std::stoi(k) % 100);
      for (auto& k : keys_b) k = std::to_string(std::stoi(k) % 100);
      EXPECT_EQ(SortValuesOf(keys_a, ascending),
                SortValuesOf(keys_b, ascending));
      // And the order is the issue's: spot-check the ends.
      const std::string first = keys_a.front(), last = keys_a.back();
      if (ascending) {
        EXPECT_EQ(MixedValues()[std::stoi(first)], "[]");
        EXPECT_THAT(MixedValues()[std::stoi(last)], "\"b\"");
      }
    }
  }
  // The ascending order in full over the group "a" (ties by key).
  FindRequest r;
  r.filter = R"({"g":"a"})";
  r.sort = R"({"v":1})";
  EXPECT_THAT(
      Find("plain", r),
      ElementsAre("2", "0", "1", "17", "4", "5", "3", "18", "16", "6", "7", "8",
                  "9", "19", "10", "11", "12", "13", "14", "15"));
}

TEST_F(SortStoreTest, RangeOperatorsKeepTypeBracketing) {
  ASSERT_TRUE(
      store_
          ->CreateCollectionFromJson(R"({"name":"ix","key":"id","indexes":[)"
                                     R"({"name":"v","paths":["v"]}]})")
          .ok());
  for (int id = 0; id < static_cast<int>(MixedValues().size()); ++id) {
    ASSERT_TRUE(store_->Put("ix", MixedDoc(id, "a")).ok());
  }
  struct Case {
    const char* filter;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {R"({"v":{"$gt":0}})", {"7", "8", "9", "10", "11", "19"}},
      {R"({"v":{"$lt":0}})", {"6", "16"}},
      {R"({"v":{"$gte":false}})", {"3", "4", "5", "18"}},
      {R"({"v":{"$gt":false}})", {"3", "18"}},
      {R"({"v":{"$lte":true}})", {"3", "4", "5", "18"}},
      {R"({"v":{"$gte":""}})", {"12", "13", "14", "15"}},
      {R"({"v":true})", {"3", "18"}},
  };
  for (const Case& c : cases) {
    FindRequest r;
    r.filter = c.filter;
    r.sort = R"({"id":1})";
    EXPECT_EQ(Find("ix", r), c.keys) << c.filter;
    EXPECT_THAT(Explain("ix", r), HasSubstr(R"("plan":"index")")) << c.filter;
  }
}

// An index written before key_version existed (booleans as 0x60/0x61) is
// rewritten when the store opens, and then answers like a new one.
TEST_F(SortStoreTest, Version1IndexIsConvertedOnOpen) {
  ASSERT_TRUE(
      store_
          ->CreateCollectionFromJson(R"({"name":"c","key":"id","indexes":[)"
                                     R"({"name":"f","paths":["f","n"]}]})")
          .ok());
  const std::vector<std::string> docs = {
      R"({"id":1,"f":true,"n":1})",   R"({"id":2,"f":false,"n":2})",
      R"({"id":3,"f":"s","n":true})", R"({"id":4,"f":5,"n":3})",
      R"({"id":5,"n":false})",
  };
  for (const std::string& d : docs) ASSERT_TRUE(store_->Put("c", d).ok());
  // Turn the index back into version 1 through the raw DB.
  EXPECT_EQ(DowngradeIndex(db_.get(), "c", IndexSpec{"f", {"f", "n"}}, 1), 4);

  Reopen();
  auto stored = db_->GetLatest(ReadOptions(), docs::IndexDefKey("c", "f"));
  ASSERT_TRUE(stored.ok());
  // The conversion writes the current key_version back.
  EXPECT_THAT(stored->value,
              HasSubstr(absl::StrFormat("\"key_version\":%d,",
                                        docs::kIndexKeyVersion)));
  struct Case {
    const char* filter;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {R"({"f":true})", {"1"}},         {R"({"f":{"$gte":false}})", {"2", "1"}},
      {R"({"f":"s","n":true})", {"3"}}, {R"({"f":null,"n":false})", {"5"}},
      {R"({"f":{"$gt":0}})", {"4"}},
  };
  for (const Case& c : cases) {
    FindRequest r;
    r.filter = c.filter;
    EXPECT_EQ(Find("c", r), c.keys) << c.filter;
    EXPECT_THAT(Explain("c", r), HasSubstr(R"("plan":"index")")) << c.filter;
  }
  FindRequest all;
  all.sort = R"({"f":1,"n":1})";
  all.limit = 10;
  EXPECT_THAT(Find("c", all), ElementsAre("5", "2", "1", "4", "3"));
  // A second open finds nothing left to convert.
  Reopen();
  EXPECT_THAT(Find("c", all), ElementsAre("5", "2", "1", "4", "3"));
}

TEST_F(SortStoreTest, NewerKeyVersionIsRefused) {
  ASSERT_TRUE(
      store_->CreateCollectionFromJson(R"({"name":"c","key":"id"})").ok());
  IndexSpec spec{"f", {"f"}};
  std::string def = docs::IndexDefJson(spec, true);
  const std::string member =
      absl::StrFormat("\"key_version\":%d", docs::kIndexKeyVersion);
  def.replace(def.find(member), member.size(), "\"key_version\":99");
  ASSERT_TRUE(
      db_->Put(WriteOptions(), docs::IndexDefKey("c", "f"), 0, def).ok());
  store_.reset();
  DocumentStoreOptions so;
  so.env = clock_.get();
  auto store = DocumentStore::Open(db_.get(), so);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("unsupported index key_version 99"));
}

}  // namespace
}  // namespace strata
