// DocumentStore behaviour over a MemEnv DB with a manual clock: catalog,
// CRUD and document validation, index maintenance (unique, multi-entry,
// sparse, compound, backfill, drop), planner choices, time windows that
// skip blocks, TTL, key ranges, find options and reopen persistence. Index
// entries are checked by reading the raw 0x22 keys, not through the API.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/catalog.h"
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
#include "util/random.h"

namespace strata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kDay = 86'400 * kSec;

class DocStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    options_.env = clock_.get();
    options_.block_size = 256;
    Reopen();
  }

  void Reopen() {
    DocumentStoreOptions so;
    so.env = clock_.get();
    so.max_document_bytes = 4096;
    so.max_nesting_depth = 8;
    so.max_sort_rows = max_sort_rows_;
    OpenDocStore(options_, so, &db_, &store_);
  }

  void MakeCollection(std::string_view json) {
    ASSERT_TRUE(store_->CreateCollectionFromJson(json).ok()) << json;
  }

  void Put(std::string_view coll, std::string_view json) {
    auto k = store_->Put(coll, json);
    ASSERT_TRUE(k.ok()) << json << ": " << k.status();
  }

  // Keys returned by a find, in order.
  std::vector<std::string> FindKeys(std::string_view coll, FindRequest r) {
    return strata::FindKeys(store_.get(), coll, r);
  }

  std::vector<std::string> FindDocs(std::string_view coll, FindRequest r) {
    return strata::FindDocs(store_.get(), coll, r);
  }

  std::string Explain(std::string_view coll, FindRequest r) {
    return ExplainText(store_.get(), coll, r);
  }

  // Raw index entries as "values->key", read straight from the DB.
  std::vector<std::string> Entries(std::string_view coll,
                                   std::string_view index, size_t n) {
    std::string prefix = docs::IndexPrefix(coll, index);
    std::string end = docs::PrefixEnd(prefix);
    std::vector<std::string> out;
    auto it = db_->NewIterator(ReadOptions(), ScanRange{prefix, end});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view values, pk;
      EXPECT_TRUE(docs::SplitIndexEntry(it->key().substr(prefix.size()), n,
                                        &values, &pk));
      out.push_back(docs::IndexValuesToJson(values) + "->" +
                    *docs::PrimaryKeyToJson(pk));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  // Raw document records of a collection as "key@ts".
  std::vector<std::string> Records(std::string_view coll) {
    std::string prefix = docs::CollectionPrefix(docs::kDocumentTag, coll);
    std::string end = docs::PrefixEnd(prefix);
    std::vector<std::string> out;
    auto it = db_->NewIterator(ReadOptions(), ScanRange{prefix, end});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back(*docs::PrimaryKeyToJson(it->key().substr(prefix.size())) +
                    "@" + std::to_string(it->timestamp()));
    }
    return out;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options options_;
  size_t max_sort_rows_ = 1000;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

FindRequest Q(std::string filter) {
  FindRequest r;
  r.filter = std::move(filter);
  return r;
}

TEST_F(DocStoreTest, CollectionsCreateListDropRecreate) {
  MakeCollection(R"({"name":"users","key":"id"})");
  CollectionSpec ev;
  ev.name = "events";
  ev.auto_id = true;
  ev.time_path = "ts";
  ev.time_unit = "ms";
  ev.default_ttl_ns = kDay;
  ASSERT_TRUE(store_->CreateCollection(ev).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(store_->CreateCollection(ev)));
  auto list = store_->ListCollections();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "events");
  EXPECT_EQ((*list)[0].key_path, "_id");
  EXPECT_EQ((*list)[0].default_ttl_ns, kDay);
  EXPECT_EQ((*list)[1].key_path, "id");
  Put("users", R"({"id":1,"name":"a"})");
  ASSERT_TRUE(store_->DropCollection("users").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get("users", "1").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->DropCollection("users")));
  MakeCollection(R"({"name":"users","key":"id"})");
  EXPECT_THAT(FindKeys("users", Q("{}")), IsEmpty());
  Reopen();
  list = store_->ListCollections();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
}

TEST_F(DocStoreTest, CollectionDefinitionErrors) {
  struct Case {
    const char* json;
    const char* message;
  } cases[] = {
      {R"({"key":"id"})", "collection name"},
      {R"({"name":""})", "collection name"},
      {R"({"name":"a\u0001"})", "control character"},
      {R"({"name":"a","color":1})", "unknown member \"color\""},
      {R"({"name":"a","ttl":"5x"})", "unknown unit"},
      {R"({"name":"a","ttl":-1})", "collection.ttl"},
      {R"({"name":"a","time":{"path":"t","unit":"hours"}})", "time unit"},
      {R"({"name":"a","time":{"unit":"s"}})", "needs a \"path\""},
      {R"({"name":"a","key":"m.id","auto_id":true})", "auto_id"},
      {R"({"name":"a","key":"$x"})", "invalid field path"},
      {R"({"name":"a","indexes":[{"name":"i","paths":[]}]})", "1 to 16"},
      {R"({"name":"a","indexes":[{"name":"i","paths":["x","x"]}]})", "twice"},
      {R"({"name":"a","indexes":[{"name":"i","paths":["x"]},)"
       R"({"name":"i","paths":["y"]}]})",
       "used twice"},
      {R"({"name":)", "malformed JSON"},
  };
  for (const Case& c : cases) {
    absl::Status st = store_->CreateCollectionFromJson(c.json);
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << c.json << ": " << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.message)) << c.json;
  }
  EXPECT_EQ(*docs::ParseTtl("1h30m"), 5400 * kSec);
  EXPECT_EQ(*docs::ParseTtl("7d"), 7 * kDay);
  EXPECT_EQ(*docs::ParseTtl("250"), 250);
  EXPECT_FALSE(docs::ParseTtl("99999999999d").ok());
}

TEST_F(DocStoreTest, Crud) {
  MakeCollection(R"({"name":"c","key":"id"})");
  auto k =
      store_->Insert("c", R"({ "id" : "a", "v" : [1, 2.50, {"x":null}] })");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(*k, "\"a\"");
  EXPECT_EQ(*store_->Get("c", "\"a\""),
            R"({"id":"a","v":[1,2.50,{"x":null}]})");
  auto dup = store_->Insert("c", R"({"id":"a"})");
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status()));
  EXPECT_THAT(std::string(dup.status().message()), HasSubstr("\"a\""));
  Put("c", R"({"id":"a","v":2})");
  EXPECT_EQ(*store_->Get("c", "\"a\""), R"({"id":"a","v":2})");
  auto patched = store_->Patch("c", "\"a\"", R"({"v":null,"w":{"z":1}})");
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ(*patched, R"({"id":"a","w":{"z":1}})");
  EXPECT_EQ(*store_->Get("c", "\"a\""), *patched);
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Patch("c", "\"a\"", R"({"id":"b"})").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Patch("c", "\"zz\"", "{}").status()));
  ASSERT_TRUE(store_->Delete("c", "\"a\"").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get("c", "\"a\"").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Delete("c", "\"a\"")));
  EXPECT_TRUE(absl::IsNotFound(store_->Put("nope", "{}").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("nope", "1").status()));
  // Numeric keys are canonical: 1, 1.0 and 1e0 name one document.
  Put("c", R"({"id":1.0,"n":"one"})");
  EXPECT_EQ(*store_->Get("c", "1"), R"({"id":1.0,"n":"one"})");
  EXPECT_EQ(*store_->Get("c", "1e0"), R"({"id":1.0,"n":"one"})");
  EXPECT_THAT(FindKeys("c", Q("{}")), ElementsAre("1"));
}

TEST_F(DocStoreTest, DocumentErrorsNameThePlace) {
  MakeCollection(R"({"name":"c","key":"id","time":{"path":"t","unit":"s"}})");
  struct Case {
    std::string json;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {R"({"id":1,"t":1,)", absl::StatusCode::kInvalidArgument,
       "byte offset 14"},
      {R"({"id":1 "t":1})", absl::StatusCode::kInvalidArgument,
       "byte offset 8"},
      {"[1]", absl::StatusCode::kInvalidArgument, "must be a JSON object"},
      {R"({"id":1,"t":1,"a":1,"a":2})", absl::StatusCode::kInvalidArgument,
       "\"a\" appears twice"},
      {std::string("{\"id\":1,\"t\":1,\"s\":\"\xff\"}"),
       absl::StatusCode::kInvalidArgument, "UTF-8"},
      {R"({"id":1,"t":1,"x":[[[[[[[[1]]]]]]]]})",
       absl::StatusCode::kInvalidArgument, "deeper than 8"},
      {R"({"id":1,"t":1,"x":[[[[[[[[]]]]]]]]})",
       absl::StatusCode::kInvalidArgument, "byte offset 25"},
      {R"({"id":1,"t":1,"x":[{"y":{"z":[[[[{}]]]]}}]})",
       absl::StatusCode::kInvalidArgument, "deeper than 8"},
      {R"({"id":1,"t":1,"x":")" + std::string(5000, 'x') + "\"}",
       absl::StatusCode::kInvalidArgument, "max_document_bytes"},
      {R"({"t":1})", absl::StatusCode::kInvalidArgument, "no primary key"},
      {R"({"id":true,"t":1})", absl::StatusCode::kInvalidArgument,
       "string or a number"},
      {R"({"id":null,"t":1})", absl::StatusCode::kInvalidArgument,
       "string or a number"},
      {R"({"id":[1,2],"t":1})", absl::StatusCode::kInvalidArgument, "an array"},
      {R"({"id":{"a":1},"t":1})", absl::StatusCode::kInvalidArgument,
       "string or a number"},
      {R"({"id":1})", absl::StatusCode::kInvalidArgument, "time value at 't'"},
      {R"({"id":1,"t":"now"})", absl::StatusCode::kInvalidArgument,
       "expected a number of s"},
      {R"({"id":1,"t":1e300})", absl::StatusCode::kInvalidArgument,
       "int64 nanosecond range"},
  };
  for (const Case& c : cases) {
    auto k = store_->Put("c", c.json);
    EXPECT_EQ(k.status().code(), c.code) << c.json << ": " << k.status();
    EXPECT_THAT(std::string(k.status().message()), HasSubstr(c.message))
        << c.json;
  }
  // Depth 8 exactly is allowed; integers past 2^64 are valid JSON.
  Put("c", R"({"id":1,"t":1,"x":[[[[[[[1]]]]]]]})");
  Put("c", R"({"id":1,"t":1,"x":[[[[[[[]]]]]]]})");
  Put("c", R"({"id":2,"t":1,"big":184467440737095516160})");
  EXPECT_EQ(*store_->Get("c", "2"),
            R"({"id":2,"t":1,"big":184467440737095516160})");
  EXPECT_THAT(FindKeys("c", Q(R"({"big":{"$gt":1e19}})")), ElementsAre("2"));
}

TEST_F(DocStoreTest, AutoIdsAreMonotonicAndSurviveReopen) {
  MakeCollection(R"({"name":"e","auto_id":true})");
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    auto k = store_->Insert("e", absl::StrFormat(R"({"i":%d})", i));
    ASSERT_TRUE(k.ok()) << k.status();
    keys.push_back(*k);
  }
  ASSERT_TRUE(store_->Insert("e", "{}").ok());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(keys[0], absl::StrFormat("\"%016x\"", clock_->NowNanos()));
  EXPECT_EQ(*store_->Get("e", keys[1]),
            absl::StrFormat(R"({"_id":%s,"i":1})", keys[1]));
  auto patched = store_->Patch("e", keys[1], R"({"i":10})");
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ(*patched, absl::StrFormat(R"({"_id":%s,"i":10})", keys[1]));
  // A caller-supplied id of the generated shape raises the counter.
  std::string high = absl::StrFormat("%016x", clock_->NowNanos() + 1000);
  Put("e", absl::StrFormat(R"({"_id":"%s"})", high));
  Reopen();
  clock_->Advance(-kSec);  // the clock going back must not repeat ids
  auto k = store_->Insert("e", "{}");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_GT(*k, "\"" + high + "\"");
  EXPECT_EQ(FindKeys("e", Q("{}")).size(), 8u);
}

TEST_F(DocStoreTest, IndexEntriesFollowEveryWrite) {
  MakeCollection(
      R"({"name":"c","key":"id","indexes":[{"name":"by_user","paths":["user"]}]})");
  Put("c", R"({"id":1,"user":"ann"})");
  Put("c", R"({"id":2,"user":"bob"})");
  Put("c", R"({"id":3})");
  EXPECT_THAT(Entries("c", "by_user", 1),
              ElementsAre("null->3", "\"ann\"->1", "\"bob\"->2"));
  Put("c", R"({"id":1,"user":"cid"})");  // update
  ASSERT_TRUE(store_->Patch("c", "2", R"({"user":"ann"})").ok());
  ASSERT_TRUE(store_->Delete("c", "3").ok());
  EXPECT_THAT(Entries("c", "by_user", 1),
              ElementsAre("\"ann\"->2", "\"cid\"->1"));
  ASSERT_TRUE(store_->Patch("c", "2", R"({"user":null})").ok());
  EXPECT_THAT(Entries("c", "by_user", 1), ElementsAre("null->2", "\"cid\"->1"));
  EXPECT_THAT(FindKeys("c", Q(R"({"user":"cid"})")), ElementsAre("1"));
  EXPECT_THAT(Explain("c", Q(R"({"user":"cid"})")),
              HasSubstr(R"("plan":"index","index":"by_user")"));
  ASSERT_TRUE(store_->DropIndex("c", "by_user").ok());
  EXPECT_THAT(Entries("c", "by_user", 1), IsEmpty());
  EXPECT_TRUE(absl::IsNotFound(store_->DropIndex("c", "by_user")));
  EXPECT_THAT(Explain("c", Q(R"({"user":"cid"})")), HasSubstr("\"scan\""));
  EXPECT_THAT(FindKeys("c", Q(R"({"user":"cid"})")), ElementsAre("1"));
}

TEST_F(DocStoreTest, UniqueViolationsChangeNothing) {
  MakeCollection(R"({"name":"u","key":"id","indexes":[)"
                 R"({"name":"email","paths":["email"],"unique":true}]})");
  Put("u", R"({"id":1,"email":"a@x"})");
  Put("u", R"({"id":2,"email":"b@x"})");
  Put("u", R"({"id":1,"email":"a@x","n":1})");  // its own value: fine
  auto st = store_->Put("u", R"({"id":3,"email":"a@x"})").status();
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("\"email\""));
  EXPECT_THAT(std::string(st.message()), HasSubstr("\"a@x\""));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("u", "3").status()));
  // Within one batch: the second document collides with the first.
  st = store_->PutMany(
      "u", {R"({"id":4,"email":"c@x"})", R"({"id":5,"email":"c@x"})"}, false);
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("document 1"));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("u", "4").status()));
  // Missing fields count as null: only one document may lack the field.
  Put("u", R"({"id":6})");
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Put("u", R"({"id":7})").status()));
  // Freeing a value and taking it in one batch, in that order, is fine.
  ASSERT_TRUE(
      store_
          ->PutMany("u",
                    {R"({"id":2,"email":"z@x"})", R"({"id":8,"email":"b@x"})"},
                    false)
          .ok());
  // A duplicate key in an insert-only batch is rejected whole.
  st = store_->PutMany("u", {R"({"id":9,"email":"q@x"})", R"({"id":9})"}, true);
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_THAT(Entries("u", "email", 1),
              ElementsAre("null->6", "\"a@x\"->1", "\"b@x\"->8", "\"z@x\"->2"));
  EXPECT_THAT(FindKeys("u", Q(R"({"email":"b@x"})")), ElementsAre("8"));
}

TEST_F(DocStoreTest, MultiEntryAndNonMultiIndexes) {
  MakeCollection(R"({"name":"c","key":"id","indexes":[)"
                 R"({"name":"tags","paths":["tags"],"multi":true},)"
                 R"({"name":"kind","paths":["kind"]}]})");
  Put("c", R"({"id":1,"tags":["x","y","x"],"kind":"a"})");
  Put("c", R"({"id":2,"tags":[],"kind":["b"]})");
  Put("c", R"({"id":3,"tags":[["x"],{"y":1}]})");
  // tags [] is the empty-array component, below null (key version 3).
  EXPECT_THAT(Entries("c", "tags", 1),
              ElementsAre("[]->2", "null->3", "\"x\"->1", "\"y\"->1"));
  EXPECT_THAT(Entries("c", "kind", 1),
              ElementsAre("null->3", "\"a\"->1", "\"b\"->2"));
  auto st = store_->Put("c", R"({"id":4,"kind":["a","b"]})").status();
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("not multi-entry"));
  st = store_->Put("c", R"({"id":4,"kind":{"a":1}})").status();
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  FindRequest r = Q(R"({"tags":{"$in":["x","y"]}})");
  EXPECT_THAT(FindKeys("c", r), ElementsAre("1"));  // deduplicated
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("index":"tags","spans":2)"));
  EXPECT_THAT(FindKeys("c", Q(R"({"tags":"x"})")), ElementsAre("1"));
  EXPECT_THAT(FindKeys("c", Q(R"({"kind":"b"})")), ElementsAre("2"));
  // Bounds met by different elements: both conditions must still hold.
  Put("c", R"({"id":5,"tags":[1,10]})");
  EXPECT_THAT(FindKeys("c", Q(R"({"tags":{"$gt":5,"$lt":3}})")),
              ElementsAre("5"));
}

TEST_F(DocStoreTest, SparseIndexSkipsMissingAndIsNotUsedForNull) {
  MakeCollection(R"({"name":"c","key":"id","indexes":[)"
                 R"({"name":"s","paths":["a"],"sparse":true}]})");
  Put("c", R"({"id":1,"a":5})");
  Put("c", R"({"id":2})");
  Put("c", R"({"id":3,"a":null})");
  EXPECT_THAT(Entries("c", "s", 1), ElementsAre("null->3", "5->1"));
  EXPECT_THAT(FindKeys("c", Q(R"({"a":null})")), ElementsAre("2", "3"));
  EXPECT_THAT(Explain("c", Q(R"({"a":null})")), HasSubstr("\"scan\""));
  EXPECT_THAT(Explain("c", Q(R"({"a":5})")), HasSubstr("\"index\""));
  EXPECT_THAT(FindKeys("c", Q(R"({"a":{"$in":[5,null]}})")),
              ElementsAre("1", "2", "3"));
}

TEST_F(DocStoreTest, CompoundIndexPlansAndSorts) {
  MakeCollection(R"({"name":"c","key":"id","indexes":[)"
                 R"({"name":"ab","paths":["a","b"]}]})");
  for (int i = 0; i < 40; ++i) {
    Put("c", absl::StrFormat(R"({"id":%d,"a":%d,"b":%d})", i, i % 4, 40 - i));
  }
  FindRequest r = Q(R"({"a":1,"b":{"$gt":20}})");
  EXPECT_THAT(FindKeys("c", r), ElementsAre("17", "13", "9", "5", "1"));
  std::string e = Explain("c", r);
  EXPECT_THAT(e, HasSubstr(R"("plan":"index","index":"ab","spans":1)"));
  EXPECT_THAT(e, HasSubstr(R"("keys_examined":5,"docs_examined":5)"));
  r.sort = R"({"b":-1})";
  EXPECT_THAT(FindKeys("c", r), ElementsAre("1", "5", "9", "13", "17"));
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("reverse":true,"sort":"plan")"));
  r = Q(R"({"a":{"$in":[2,3]},"b":{"$lte":6}})");
  EXPECT_THAT(FindKeys("c", r), ElementsAre("38", "34", "39", "35"));
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("spans":2)"));
  // Sort served by an index scan in order when a limit makes it pay.
  r = Q("{}");
  r.sort = R"({"a":1,"b":1})";
  r.limit = 3;
  EXPECT_THAT(FindKeys("c", r), ElementsAre("36", "32", "28"));
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("plan":"index")"));
  r.limit = 0;
  EXPECT_EQ(FindKeys("c", r).size(), 40u);
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("sort":"memory")"));
}

TEST_F(DocStoreTest, BackfillOnNonEmptyCollection) {
  MakeCollection(R"({"name":"c","key":"id"})");
  std::vector<std::string> docs;
  for (int i = 0; i < 3000; ++i) {
    docs.push_back(absl::StrFormat(R"({"id":%d,"g":%d,"u":%d,"arr":[%d]})", i,
                                   i % 7, i, i));
  }
  ASSERT_TRUE(store_->PutMany("c", docs, true).ok());
  ASSERT_TRUE(store_->CreateIndex("c", {"g", {"g"}}).ok());
  EXPECT_EQ(Entries("c", "g", 1).size(), 3000u);
  EXPECT_EQ(FindKeys("c", Q(R"({"g":3})")).size(), 429u);
  EXPECT_THAT(Explain("c", Q(R"({"g":3})")), HasSubstr(R"("index":"g")"));
  ASSERT_TRUE(store_->CreateIndex("c", {"u", {"u"}, true}).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(store_->CreateIndex("c", {"u", {"x"}})));
  // A unique index over duplicate values fails and leaves nothing.
  auto st = store_->CreateIndex("c", {"gu", {"g"}, true});
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("is in documents"));
  EXPECT_THAT(Entries("c", "gu", 1), IsEmpty());
  // Arrays need a multi-entry index (one element is fine).
  Put("c", R"({"id":5000,"arr":[1,2]})");
  st = store_->CreateIndex("c", {"arr", {"arr"}});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("document 5000"));
  EXPECT_THAT(Entries("c", "arr", 1), IsEmpty());
  auto idx = store_->ListIndexes("c");
  ASSERT_TRUE(idx.ok());
  ASSERT_EQ(idx->size(), 2u);
  EXPECT_EQ((*idx)[1].name, "u");
  EXPECT_TRUE((*idx)[1].unique);
  // New writes maintain the backfilled index; uniqueness is enforced.
  EXPECT_TRUE(
      absl::IsAlreadyExists(store_->Put("c", R"({"id":6000,"u":7})").status()));
}

TEST_F(DocStoreTest, IndexLeftBuildingByACrashIsDroppedOnOpen) {
  MakeCollection(R"({"name":"c","key":"id"})");
  Put("c", R"({"id":1,"a":1})");
  IndexSpec spec{"half", {"a"}};
  std::string prefix = docs::IndexPrefix("c", "half");
  ASSERT_TRUE(db_->Put(WriteOptions(), docs::IndexDefKey("c", "half"), 0,
                       docs::IndexDefJson(spec, false))
                  .ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), prefix + "\x20junk", 0, "").ok());
  Reopen();
  EXPECT_THAT(*store_->ListIndexes("c"), IsEmpty());
  EXPECT_THAT(Entries("c", "half", 0), IsEmpty());
  ASSERT_TRUE(store_->CreateIndex("c", spec).ok());
  EXPECT_THAT(Entries("c", "half", 1), ElementsAre("1->1"));
}

TEST_F(DocStoreTest, TimeFieldUnitsAndMovingTime) {
  struct Case {
    const char* unit;
    const char* value;
    int64_t ns;
  } cases[] = {
      {"rfc3339", R"("2024-05-01T12:00:00.5Z")", 1714564800'500000000},
      {"rfc3339", R"("2024-05-01T14:00:00+02:00")", 1714564800'000000000},
      {"s", "1714564800.25", 1714564800'250000000},
      {"ms", "1714564800123", 1714564800'123000000},
      {"us", "-5", -5000},
      {"ns", "42", 42},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string coll = absl::StrFormat("t%d", n++);
    MakeCollection(absl::StrFormat(
        R"({"name":"%s","key":"id","time":{"path":"at","unit":"%s"}})", coll,
        c.unit));
    Put(coll, absl::StrFormat(R"({"id":1,"at":%s})", c.value));
    EXPECT_THAT(Records(coll), ElementsAre(absl::StrFormat("1@%d", c.ns)))
        << c.unit;
  }
  MakeCollection(R"({"name":"m","key":"id","time":{"path":"at","unit":"s"},)"
                 R"("indexes":[{"name":"k","paths":["k"]}]})");
  Put("m", R"({"id":1,"at":10,"k":"a"})");
  Put("m", R"({"id":1,"at":20,"k":"a"})");
  EXPECT_THAT(Records("m"), ElementsAre("1@20000000000"));
  EXPECT_EQ(*store_->Get("m", "1"), R"({"id":1,"at":20,"k":"a"})");
  EXPECT_THAT(FindKeys("m", Q(R"({"k":"a"})")), ElementsAre("1"));
  EXPECT_EQ(Entries("m", "k", 1).size(), 1u);
  FindRequest r = Q("{}");
  r.from = 15 * kSec;
  EXPECT_THAT(FindKeys("m", r), ElementsAre("1"));
  r.from = 25 * kSec;
  EXPECT_THAT(FindKeys("m", r), IsEmpty());
  MakeCollection(R"({"name":"plain","key":"id"})");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Find("plain", r).status()));
}

TEST_F(DocStoreTest, TimeWindowFindSkipsBlocksOutsideTheWindow) {
  MakeCollection(
      R"({"name":"ev","auto_id":true,"time":{"path":"ts","unit":"ns"},)"
      R"("indexes":[{"name":"kind","paths":["kind"]}]})");
  const int64_t t0 = clock_->NowNanos();
  std::vector<std::string> docs;
  for (int i = 0; i < 2000; ++i) {
    clock_->Advance(kSec);  // ids and times advance together
    docs.push_back(absl::StrFormat(R"({"ts":%d,"kind":"k%d","pad":"%s"})",
                                   t0 + i * 60 * kSec, i % 5,
                                   std::string(40, 'p')));
  }
  ASSERT_TRUE(store_->PutMany("ev", docs, true).ok());
  ASSERT_TRUE(db_->Flush().ok());
  FindRequest r = Q("{}");
  r.from = t0 + 600 * 60 * kSec;
  r.to = t0 + 700 * 60 * kSec;
  EXPECT_EQ(FindKeys("ev", r).size(), 100u);
  std::string e = Explain("ev", r);
  std::printf("time window explain: %s\n", e.c_str());
  EXPECT_THAT(e, HasSubstr(R"("plan":"time_window")"));
  EXPECT_THAT(e, HasSubstr(R"("docs_examined":100,"docs_returned":100)"));
  auto number = [&](const std::string& name) {
    size_t p = e.find("\"" + name + "\":");
    return p == std::string::npos ? -1
                                  : std::stoll(e.substr(p + name.size() + 3));
  };
  EXPECT_GT(number("blocks_skipped") + number("files_skipped"), 0) << e;
  EXPECT_LT(number("blocks_read"), 40) << e;
  // An index plan applies the window to its entries too.
  r.filter = R"({"kind":"k3"})";
  EXPECT_EQ(FindKeys("ev", r).size(), 20u);
  e = Explain("ev", r);
  EXPECT_THAT(e, HasSubstr(R"("plan":"index")"));
  EXPECT_THAT(e, HasSubstr(R"("keys_examined":20,"docs_examined":20)"));
  EXPECT_EQ(*store_->Count("ev", r), 20u);
}

TEST_F(DocStoreTest, TtlHidesDocumentsAndIndexEntriesTogether) {
  MakeCollection(R"({"name":"s","key":"id","ttl":"1h",)"
                 R"("indexes":[{"name":"u","paths":["u"],"unique":true}]})");
  Put("s", R"({"id":1,"u":"a"})");
  DocWriteOptions wo;
  wo.ttl_ns = 10 * kSec;
  ASSERT_TRUE(store_->Put("s", R"({"id":2,"u":"b"})", wo).ok());
  clock_->Advance(11 * kSec);
  EXPECT_TRUE(absl::IsNotFound(store_->Get("s", "2").status()));
  EXPECT_THAT(Entries("s", "u", 1), ElementsAre("\"a\"->1"));
  Put("s", R"({"id":3,"u":"b"})");  // the expired value is free again
  clock_->Advance(3600 * kSec);
  EXPECT_THAT(FindKeys("s", Q("{}")), IsEmpty());
  EXPECT_THAT(Entries("s", "u", 1), IsEmpty());
  // With a time field the TTL counts from the document's time.
  MakeCollection(
      R"({"name":"m","key":"id","ttl":"1d","time":{"path":"t","unit":"ns"}})");
  const int64_t now = clock_->NowNanos();
  Put("m", absl::StrFormat(R"({"id":1,"t":%d})", now - 2 * kDay));
  Put("m", absl::StrFormat(R"({"id":2,"t":%d})", now - kDay / 2));
  EXPECT_THAT(FindKeys("m", Q("{}")), ElementsAre("2"));
  ASSERT_TRUE(db_->Flush().ok());
  clock_->Advance(kDay);
  EXPECT_THAT(FindKeys("m", Q("{}")), IsEmpty());
  EXPECT_TRUE(absl::IsNotFound(store_->Get("m", "2").status()));
}

TEST_F(DocStoreTest, FindOptions) {
  max_sort_rows_ = 10;
  Reopen();
  MakeCollection(R"({"name":"c","key":"id"})");
  for (int i = 0; i < 12; ++i) {
    Put("c", absl::StrFormat(R"({"id":%d,"g":%d,"h":"%c","x":{"y":%d}})", i,
                             i % 3, 'a' + i % 4, i));
  }
  FindRequest r = Q(R"({"g":{"$ne":0}})");
  r.sort = R"({"g":-1,"h":1})";
  r.skip = 1;
  r.limit = 3;
  r.projection = R"({"h":1})";
  EXPECT_THAT(FindDocs("c", r),
              ElementsAre(R"({"id":5,"h":"b"})", R"({"id":2,"h":"c"})",
                          R"({"id":11,"h":"d"})"));
  EXPECT_EQ(*store_->Count("c", r), 3u);
  r.limit = 0;
  r.skip = 0;
  EXPECT_EQ(*store_->Count("c", r), 8u);
  EXPECT_EQ(FindKeys("c", r).size(), 8u);
  r.filter = "{}";  // 12 rows > max_sort_rows
  auto c = store_->Find("c", r);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE((*c)->Next());
  EXPECT_TRUE(absl::IsResourceExhausted((*c)->status())) << (*c)->status();
  r.limit = 2;  // a bounded heap needs only 2 rows
  EXPECT_EQ(FindKeys("c", r).size(), 2u);
  r = Q("{}");
  r.sort = R"({"id":-1})";
  r.limit = 2;
  EXPECT_THAT(FindKeys("c", r), ElementsAre("11", "10"));
  EXPECT_THAT(Explain("c", r), HasSubstr(R"("reverse":true,"sort":"plan")"));
  r = Q(R"({"x.y":{"$gte":10}})");
  r.projection = R"({"x":0,"id":0})";
  EXPECT_THAT(FindDocs("c", r),
              ElementsAre(R"({"g":1,"h":"c"})", R"({"g":2,"h":"d"})"));
  EXPECT_THAT(FindKeys("c", Q(R"({"id":{"$in":[3,5,99]}})")),
              ElementsAre("3", "5"));
  EXPECT_THAT(Explain("c", Q(R"({"id":{"$in":[3,5,99]}})")),
              HasSubstr(R"("plan":"primary","spans":3)"));
  EXPECT_THAT(FindKeys("c", Q(R"({"id":{"$gt":9}})")), ElementsAre("10", "11"));
  struct Bad {
    FindRequest r;
    const char* message;
  } bad[] = {
      {Q(R"({"a":{"$foo":1}})"), "$foo"},
      {Q(R"({"a":)"), "byte offset"},
  };
  for (const Bad& b : bad) {
    auto st = store_->Find("c", b.r).status();
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr(b.message));
  }
  r = Q("{}");
  r.sort = R"({"a":2})";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Find("c", r).status()));
  r = Q("{}");
  r.projection = R"({"a":1,"b":0})";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Find("c", r).status()));
}

TEST_F(DocStoreTest, KeyRangeScans) {
  MakeCollection(R"({"name":"c","key":"id","indexes":[)"
                 R"({"name":"ab","paths":["a","b"]},)"
                 R"({"name":"t","paths":["t"],"multi":true}]})");
  for (int i = 1; i <= 6; ++i) {
    Put("c", absl::StrFormat(R"({"id":%d,"a":%d,"b":"%c","t":[%d,%d]})", i,
                             i % 2, 'a' + i, i, i + 1));
  }
  Put("c", R"({"id":"s","a":null})");
  auto keys = [&](std::string_view index, KeyRange r) {
    auto k = store_->Keys("c", index, r);
    EXPECT_TRUE(k.ok()) << k.status();
    return k.ok() ? *k : std::vector<std::string>{};
  };
  KeyRange r;
  EXPECT_THAT(keys("", r), ElementsAre("1", "2", "3", "4", "5", "6", "\"s\""));
  r.lower = "2";
  r.upper = "5";
  r.upper_open = true;
  EXPECT_THAT(keys("", r), ElementsAre("2", "3", "4"));
  r.lower_open = true;
  r.reverse = true;
  r.limit = 1;
  EXPECT_THAT(keys("", r), ElementsAre("4"));
  r = KeyRange();
  r.lower = "[1]";
  r.upper = R"([1,"d"])";
  EXPECT_THAT(keys("ab", r), ElementsAre("1", "3"));
  r.lower = "null";
  r.upper = "0";
  EXPECT_THAT(keys("ab", r), ElementsAre("\"s\"", "2", "4", "6"));
  r = KeyRange();
  r.lower = "3";
  r.upper = "4";
  EXPECT_THAT(keys("t", r), ElementsAre("2", "3", "3", "4"));
  auto cur = store_->Scan("c", "ab", KeyRange{"[0]", "[0]"});
  ASSERT_TRUE(cur.ok());
  std::vector<std::string> docs;
  while ((*cur)->Next()) docs.emplace_back((*cur)->document());
  EXPECT_THAT(docs, ElementsAre(R"({"id":2,"a":0,"b":"c","t":[2,3]})",
                                R"({"id":4,"a":0,"b":"e","t":[4,5]})",
                                R"({"id":6,"a":0,"b":"g","t":[6,7]})"));
  EXPECT_TRUE(absl::IsNotFound(store_->Keys("c", "nope", {}).status()));
  auto from = [](std::string lower) {
    KeyRange r;
    r.lower = std::move(lower);
    return r;
  };
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Keys("c", "ab", from("[1,2,3]")).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(store_->Keys("c", "", from("[1]")).status()));
}

TEST_F(DocStoreTest, EverythingSurvivesReopen) {
  MakeCollection(
      R"({"name":"c","key":"id","ttl":"2h","time":{"path":"t","unit":"s"},)"
      R"("indexes":[{"name":"x","paths":["x"],"unique":true}]})");
  const int64_t now_s = clock_->NowNanos() / kSec;
  for (int i = 0; i < 50; ++i) {
    Put("c", absl::StrFormat(R"({"id":%d,"t":%d,"x":%d})", i, now_s - i, i));
  }
  ASSERT_TRUE(db_->Flush().ok());
  Put("c", absl::StrFormat(R"({"id":50,"t":%d,"x":50})", now_s));  // in WAL
  Reopen();
  auto list = store_->ListCollections();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].time_unit, "s");
  EXPECT_EQ((*list)[0].default_ttl_ns, 2 * 3600 * kSec);
  EXPECT_THAT(FindKeys("c", Q(R"({"x":{"$gte":48}})")),
              ElementsAre("48", "49", "50"));
  EXPECT_THAT(Explain("c", Q(R"({"x":7})")), HasSubstr(R"("index":"x")"));
  EXPECT_TRUE(absl::IsAlreadyExists(
      store_->Put("c", absl::StrFormat(R"({"id":99,"t":%d,"x":3})", now_s))
          .status()));
  clock_->Advance(2 * 3600 * kSec - 10 * kSec);
  EXPECT_EQ(*store_->Count("c", Q("{}")), 11u);  // t within the last 10 s
}

TEST_F(DocStoreTest, MutatedDocumentsAreRejectedOrStoredIntact) {
  MakeCollection(
      R"({"name":"c","key":"id","time":{"path":"t","unit":"ms"},)"
      R"("indexes":[{"name":"m","paths":["tags"],"multi":true},)"
      R"({"name":"u","paths":["u.v"],"unique":true,"sparse":true}]})");
  const std::string base =
      R"({"id":7,"t":1700000000000,"u":{"v":"x\u00e9"},"tags":["a",1,)"
      R"(null,{"k":[true,false]}],"n":-1.5e3,"s":"q\"\\"})";
  Put("c", base);
  Random rnd(20240602);
  const char kBytes[] =
      "{}[]\",:0123456789.eE-+tfnul\\ \x00\xff\xc3"
      "a";
  int stored = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string doc = base;
    for (int m = 1 + rnd.Uniform(3); m > 0; --m) {
      size_t pos = rnd.Uniform(doc.size());
      char c = kBytes[rnd.Uniform(sizeof(kBytes) - 1)];
      switch (rnd.Uniform(3)) {
        case 0:
          doc[pos] = c;
          break;
        case 1:
          doc.insert(doc.begin() + pos, c);
          break;
        default:
          doc.erase(pos, 1 + rnd.Uniform(4));
      }
    }
    auto k = store_->Put("c", doc);
    if (!k.ok()) {
      EXPECT_TRUE(absl::IsInvalidArgument(k.status()) ||
                  absl::IsAlreadyExists(k.status()))
          << doc << ": " << k.status();
      continue;
    }
    ++stored;
    auto back = store_->Get("c", *k);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(docs::ParseJson(*back).ok()) << *back;
  }
  EXPECT_GT(stored, 50);
  EXPECT_LT(stored, 2900);
  auto c = store_->Find("c", Q(R"({"tags":"a"})"));
  ASSERT_TRUE(c.ok());
  while ((*c)->Next()) {
  }
  EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
}

TEST_F(DocStoreTest, CorruptStoredDataIsReportedNotTrusted) {
  MakeCollection(
      R"({"name":"c","key":"id","indexes":[{"name":"a","paths":["a"]}]})");
  Put("c", R"({"id":1,"a":1})");
  // Damage written behind the store's back (then reopened, as after a
  // bad disk): a torn document and an index entry with a bad tag.
  const std::string doc_key = docs::CollectionPrefix(docs::kDocumentTag, "c") +
                              *docs::EncodePrimaryKeyJson("2");
  ASSERT_TRUE(db_->Put(WriteOptions(), doc_key, 0, R"({"id":2,"a":)").ok());
  Reopen();
  auto c = store_->Find("c", Q(R"({"b":1})"));
  ASSERT_TRUE(c.ok());
  while ((*c)->Next()) {
  }
  EXPECT_TRUE(absl::IsDataLoss((*c)->status())) << (*c)->status();
  EXPECT_THAT(std::string((*c)->status().message()), HasSubstr("document 2"));
  // Replacing it needs its old index entries: refused, nothing written.
  auto st = store_->Put("c", R"({"id":2,"a":5})").status();
  EXPECT_TRUE(absl::IsDataLoss(st)) << st;
  EXPECT_THAT(Entries("c", "a", 1), ElementsAre("1->1"));
  ASSERT_TRUE(
      db_->Put(WriteOptions(), docs::IndexPrefix("c", "a") + "\x7f", 0, "")
          .ok());
  auto keys = store_->Keys("c", "a", {});
  EXPECT_TRUE(absl::IsDataLoss(keys.status())) << keys.status();
  // Catalog damage fails Open, naming the collection.
  const std::string def = docs::CollectionPrefix(docs::kCollectionTag, "bad");
  ASSERT_TRUE(db_->Put(WriteOptions(), def, 0, "{nope").ok());
  store_.reset();
  auto reopened = DocumentStore::Open(db_.get());
  EXPECT_TRUE(absl::IsDataLoss(reopened.status())) << reopened.status();
  EXPECT_THAT(std::string(reopened.status().message()), HasSubstr("bad"));
  ASSERT_TRUE(
      db_->Put(WriteOptions(), def, 0, R"({"format_version":2,"name":"bad"})")
          .ok());
  reopened = DocumentStore::Open(db_.get());
  EXPECT_TRUE(absl::IsFailedPrecondition(reopened.status()))
      << reopened.status();
}

}  // namespace
}  // namespace strata
