// Acceptance audit of issue 5 (documents) through the public API only
// (include/strata/*.h) plus the collection JSON Schema file: the points the
// other docs tests leave unproven or weak (docs/acceptance.md maps every
// point to its test). The clock is injected with a user-style EnvWrapper;
// memory is measured by counting this binary's heap allocations.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/json_schema_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/stats.h"

// ---------------------------------------------------------------------------
// Heap accounting: live bytes and their peak, for "memory does not grow
// with collection size". Counts malloc_usable_size so frees match.

namespace {
std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};

void* CountedAlloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const int64_t live =
      g_live_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p))) +
      static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return p;
}

void CountedFree(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return CountedAlloc(n); }
void* operator new[](size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { CountedFree(p); }

namespace strata {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kSec = 1'000'000'000;

// A clock a user would inject: wall time is whatever the test says.
class FakeClockEnv : public EnvWrapper {
 public:
  explicit FakeClockEnv(Env* base) : EnvWrapper(base) {}
  int64_t NowNanos() override { return now_.load(); }
  void Advance(int64_t ns) { now_ += ns; }

 private:
  std::atomic<int64_t> now_{1'700'000'000 * kSec};
};

class AuditDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<FakeClockEnv>(mem_env_.get());
    options_.env = clock_.get();
    options_.block_size = 1024;
    Open();
  }

  void Open() {
    store_.reset();
    db_.reset();
    auto db = DB::Open(options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    DocumentStoreOptions so;
    so.env = clock_.get();
    auto store = DocumentStore::Open(db_.get(), so);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Make(std::string_view json) {
    ASSERT_TRUE(store_->CreateCollectionFromJson(json).ok()) << json;
  }

  void Put(std::string_view coll, std::string_view json) {
    auto k = store_->Put(coll, json);
    ASSERT_TRUE(k.ok()) << json << ": " << k.status();
  }

  std::vector<std::string> FindKeys(std::string_view coll,
                                    const FindRequest& r) {
    std::vector<std::string> out;
    auto c = store_->Find(coll, r);
    EXPECT_TRUE(c.ok()) << r.filter << ": " << c.status();
    if (!c.ok()) return out;
    while ((*c)->Next()) out.emplace_back((*c)->key());
    EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
    return out;
  }

  std::vector<std::string> Keys(std::string_view coll, std::string_view index,
                                const KeyRange& r) {
    auto k = store_->Keys(coll, index, r);
    EXPECT_TRUE(k.ok()) << k.status();
    return k.ok() ? *k : std::vector<std::string>{};
  }

  std::string Explain(std::string_view coll, const FindRequest& r) {
    auto e = store_->Explain(coll, r);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : "";
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<FakeClockEnv> clock_;
  Options options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

FindRequest Q(std::string filter) {
  FindRequest r;
  r.filter = std::move(filter);
  return r;
}

// A number member of an explain JSON, or -1.
int64_t ExplainNumber(const std::string& e, const std::string& name) {
  size_t p = e.find("\"" + name + "\":");
  if (p == std::string::npos) return -1;
  return std::stoll(e.substr(p + name.size() + 3));
}

// ---------------------------------------------------------------------------
// Collections: definitions the store accepts are valid under
// schema/collection.schema.json, and definitions the schema refuses (by the
// keywords the checker implements: type, required, enum, const,
// additionalProperties, min/max) are refused by the store too.

TEST_F(AuditDocsTest, CollectionDefinitionsAgreeWithTheirJsonSchema) {
  cli_test::JsonSchemaCheck schema(std::string(STRATA_SCHEMA_DIR) +
                                   "/collection.schema.json");
  ASSERT_TRUE(schema.ok()) << schema.error();
  struct Case {
    const char* json;
    bool valid;
  };
  const Case cases[] = {
      {R"({"name":"a"})", true},
      {R"({"name":"b","key":"meta.id"})", true},
      {R"({"name":"c","auto_id":true})", true},
      {R"({"name":"d","key":"id","time":{"path":"ts"}})", true},
      {R"({"name":"e","key":"id","time":{"path":"ts","unit":"ms"},)"
       R"("ttl":"7d"})",
       true},
      {R"({"name":"f","key":"id","ttl":3600000000000})", true},
      {R"({"name":"g","key":"id","indexes":[{"name":"i","paths":["a","b.c"],)"
       R"("unique":true,"sparse":true},{"name":"j","paths":["t"],)"
       R"("multi":true}]})",
       true},
      {R"({})", false},                                // required name
      {R"({"name":5})", false},                        // type
      {R"({"name":""})", false},                       // minLength
      {R"({"name":"x","colour":1})", false},           // additional
      {R"({"name":"x","auto_id":"yes"})", false},      // type
      {R"({"name":"x","time":{"unit":"s"}})", false},  // required path
      {R"({"name":"x","time":{"path":"t","unit":"h"}})", false},  // enum
      {R"({"name":"x","time":{"path":"t","zone":1}})", false},    // additional
      {R"({"name":"x","indexes":{}})", false},                    // type
      {R"({"name":"x","indexes":[{"paths":["a"]}]})", false},     // required
      {R"({"name":"x","indexes":[{"name":"i","paths":["a"],"desc":1}]})",
       false},
      {R"({"name":"x","format_version":2})", false},  // const
  };
  // Refused by the store; the schema says so with oneOf/pattern/not, which
  // the checker does not implement, so only the store side is asserted.
  const char* store_only[] = {
      R"({"name":"x","ttl":-5})",
      R"({"name":"x","ttl":"5 days"})",
      R"({"name":"x","key":"$bad"})",
      R"({"name":"x","key":"a..b"})",
      R"({"name":"x","ttl":"1h","ttl_ns":5})",
  };
  for (const char* json : store_only) {
    EXPECT_TRUE(absl::IsInvalidArgument(store_->CreateCollectionFromJson(json)))
        << json;
  }
  for (const Case& c : cases) {
    const std::string why = schema.Validate(c.json);
    EXPECT_EQ(why.empty(), c.valid) << c.json << ": " << why;
    absl::Status st = store_->CreateCollectionFromJson(c.json);
    EXPECT_EQ(st.ok(), c.valid) << c.json << ": " << st;
    if (!c.valid) {
      EXPECT_TRUE(absl::IsInvalidArgument(st) || absl::IsFailedPrecondition(st))
          << c.json << ": " << st;
    }
  }
  auto list = store_->ListCollections();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 7u);
}

// A dotted primary key path: the key is found inside a nested object and
// serves Get, Insert's existence check, key ranges and primary plans. It
// must reach exactly one string or number (collection.schema.json).
TEST_F(AuditDocsTest, DottedPrimaryKeyPath) {
  Make(R"({"name":"dev","key":"meta.id"})");
  auto k = store_->Insert("dev", R"({"meta":{"id":"b","site":1},"v":1})");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(*k, "\"b\"");
  Put("dev", R"({"meta":{"id":"a"},"v":2})");
  Put("dev", R"({"meta":{"id":"c"},"v":3})");
  EXPECT_EQ(*store_->Get("dev", "\"b\""),
            R"({"meta":{"id":"b","site":1},"v":1})");
  EXPECT_TRUE(absl::IsAlreadyExists(
      store_->Insert("dev", R"({"meta":{"id":"b"}})").status()));
  for (const char* bad :
       {R"({"v":1})", R"({"meta":{"x":1}})",
        R"({"meta":[{"id":"d"},{"id":"e"}]})", R"({"meta":{"id":[1]}})"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(store_->Put("dev", bad).status()))
        << bad;
  }
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Patch("dev", "\"b\"", R"({"meta":{"id":"z"}})").status()));
  EXPECT_THAT(Keys("dev", "", {"\"b\"", "", false, false, false, 0}),
              ElementsAre("\"b\"", "\"c\""));
  const FindRequest r = Q(R"({"meta.id":{"$in":["a","c"]}})");
  EXPECT_THAT(FindKeys("dev", r), ElementsAre("\"a\"", "\"c\""));
  EXPECT_THAT(Explain("dev", r), HasSubstr(R"("plan":"primary","spans":2)"));
  ASSERT_TRUE(store_->Delete("dev", "\"a\"").ok());
  EXPECT_EQ(*store_->Count("dev", Q("{}")), 2u);
}

// ---------------------------------------------------------------------------
// Documents: batches are atomic, invalid JSON names the byte offset.

TEST_F(AuditDocsTest, BatchWithOneBadDocumentWritesNothing) {
  Make(R"({"name":"c","key":"id","indexes":[{"name":"v","paths":["v"]}]})");
  Put("c", R"({"id":0,"v":"keep"})");
  struct Case {
    std::vector<std::string> docs;
    bool insert_only;
    absl::StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {{R"({"id":1,"v":1})", R"({"id":2,"v":)", R"({"id":3,"v":3})"},
       false,
       absl::StatusCode::kInvalidArgument,
       "byte offset 12"},
      {{R"({"id":1,"v":1})", R"({"v":2})"},
       false,
       absl::StatusCode::kInvalidArgument,
       "primary key"},
      {{R"({"id":1,"v":1})", R"({"id":0,"v":2})"},
       true,
       absl::StatusCode::kAlreadyExists,
       "0"},
      {{R"({"id":1,"v":1})", R"([1,2])"},
       false,
       absl::StatusCode::kInvalidArgument,
       "object"},
  };
  for (const Case& c : cases) {
    absl::Status st = store_->PutMany("c", c.docs, c.insert_only);
    EXPECT_EQ(st.code(), c.code) << c.docs[1] << ": " << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(st.message()), HasSubstr("document 1"));
    // Nothing of the batch: not the valid first document, not its entry.
    EXPECT_TRUE(absl::IsNotFound(store_->Get("c", "1").status()));
    EXPECT_EQ(*store_->Count("c", Q("{}")), 1u);
    EXPECT_THAT(Keys("c", "v", {}), ElementsAre("0"));
  }
  EXPECT_EQ(*store_->Get("c", "0"), R"({"id":0,"v":"keep"})");
}

TEST_F(AuditDocsTest, InvalidJsonIsRejectedWithByteOffsetAndReason) {
  Make(R"({"name":"c","key":"id"})");
  struct Case {
    const char* json;
    const char* where;
  };
  const Case cases[] = {
      {R"({"id":1,"a":tru})", "byte offset 12"},
      {R"({"id":1,,"a":1})", "byte offset 8"},
      {R"({"id":1} x)", "byte offset 9"},
      {R"({"id":1,"a":"unterminated})", "byte offset 12"},
      {R"({"id":1,"a":01})", "byte offset 13"},
  };
  for (const Case& c : cases) {
    for (bool insert : {false, true}) {
      absl::StatusOr<std::string> k =
          insert ? store_->Insert("c", c.json) : store_->Put("c", c.json);
      ASSERT_FALSE(k.ok()) << c.json;
      EXPECT_TRUE(absl::IsInvalidArgument(k.status())) << k.status();
      EXPECT_THAT(std::string(k.status().message()), HasSubstr(c.where))
          << c.json;
    }
    // Merge patches are validated the same way.
  }
  Put("c", R"({"id":1})");
  auto p = store_->Patch("c", "1", R"({"a":[1,}})");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("byte offset"));
  EXPECT_EQ(*store_->Get("c", "1"), R"({"id":1})");
  EXPECT_EQ(*store_->Count("c", Q("{}")), 1u);
}

// ---------------------------------------------------------------------------
// Writes keep indexes exact: a merge patch that would break a unique index
// or a limit changes nothing; compound unique indexes compare all paths;
// an index dropped and created again is backfilled afresh.

TEST_F(AuditDocsTest, PatchesAndCompoundUniqueIndexesChangeNothingOnError) {
  Make(R"({"name":"u","key":"id","indexes":[)"
       R"({"name":"email","paths":["email"],"unique":true},)"
       R"({"name":"pair","paths":["a","b"],"unique":true}]})");
  Put("u", R"({"id":1,"email":"x@","a":1,"b":1})");
  Put("u", R"({"id":2,"email":"y@","a":1,"b":2})");
  // Patch onto another document's unique value: refused, nothing changes.
  auto p = store_->Patch("u", "2", R"({"email":"x@"})");
  EXPECT_TRUE(absl::IsAlreadyExists(p.status())) << p.status();
  EXPECT_EQ(*store_->Get("u", "2"), R"({"id":2,"email":"y@","a":1,"b":2})");
  EXPECT_THAT(Keys("u", "email", {"\"y@\"", "\"y@\""}), ElementsAre("2"));
  // Compound: only the whole tuple must be unique.
  Put("u", R"({"id":3,"email":"z@","a":2,"b":1})");
  p = store_->Patch("u", "3", R"({"a":1})");
  EXPECT_TRUE(absl::IsAlreadyExists(p.status())) << p.status();
  EXPECT_EQ(*store_->Get("u", "3"), R"({"id":3,"email":"z@","a":2,"b":1})");
  // A patch that nests too deep or removes the key is refused.
  std::string deep = R"({"d":)";
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  deep += "}";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Patch("u", "3", deep).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Patch("u", "3", R"({"id":null})").status()));
  EXPECT_EQ(*store_->Get("u", "3"), R"({"id":3,"email":"z@","a":2,"b":1})");
  // A successful patch moves the entries.
  ASSERT_TRUE(store_->Patch("u", "3", R"({"email":null,"b":9})").ok());
  EXPECT_THAT(Keys("u", "email", {}), ElementsAre("3", "1", "2"));
  EXPECT_THAT(FindKeys("u", Q(R"({"a":2,"b":9})")), ElementsAre("3"));
  EXPECT_THAT(Explain("u", Q(R"({"a":2,"b":9})")),
              HasSubstr(R"("index":"pair")"));
  // Dropped and created again over a changed collection: backfilled anew.
  ASSERT_TRUE(store_->DropIndex("u", "pair").ok());
  Put("u", R"({"id":4,"email":"w@","a":7,"b":7})");
  ASSERT_TRUE(store_->CreateIndex("u", {"pair", {"a", "b"}, true}).ok());
  EXPECT_THAT(Keys("u", "pair", {}), ElementsAre("1", "2", "3", "4"));
  EXPECT_THAT(Keys("u", "pair", {"[7,7]", "[7,7]"}), ElementsAre("4"));
}

// ---------------------------------------------------------------------------
// Filters: every operator, implicit equality, dotted paths through objects
// and arrays, with MongoDB's answers worked out by hand; the same answers
// with an index on every filtered path.

TEST_F(AuditDocsTest, EveryFilterOperatorMatchesLikeMongoDb) {
  const char* docs[] = {
      R"({"id":1,"a":5,"tags":["x","y"],"o":{"b":1},"arr":[{"b":1},{"b":2}]})",
      R"({"id":2,"a":"5","tags":"x","o":{"b":2}})",
      R"({"id":3,"a":null,"tags":[],"arr":[{"b":3}]})",
      R"({"id":4,"tags":[["x"]],"o":{"c":1}})",
      R"({"id":5,"a":5.0,"arr":[1,2]})",
  };
  struct Case {
    const char* filter;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      {R"({"a":5})", {"1", "5"}},
      {R"({"a":{"$eq":5}})", {"1", "5"}},
      {R"({"a":{"$ne":5}})", {"2", "3", "4"}},
      {R"({"a":null})", {"3", "4"}},
      {R"({"a":{"$exists":false}})", {"4"}},
      {R"({"a":{"$exists":true}})", {"1", "2", "3", "5"}},
      {R"({"a":{"$gt":4}})", {"1", "5"}},
      {R"({"a":{"$gte":5,"$lte":5}})", {"1", "5"}},
      {R"({"a":{"$lt":6}})", {"1", "5"}},
      {R"({"a":{"$gte":"0"}})", {"2"}},
      {R"({"tags":"x"})", {"1", "2"}},
      {R"({"tags":["x"]})", {"4"}},
      {R"({"tags":["x","y"]})", {"1"}},
      {R"({"tags":{"$in":["y","z"]}})", {"1"}},
      {R"({"tags":{"$nin":["x"]}})", {"3", "4", "5"}},
      {R"({"arr.b":2})", {"1"}},
      {R"({"arr.b":{"$gt":1,"$lt":3}})", {"1"}},
      {R"({"arr":{"$gt":1}})", {"5"}},
      {R"({"arr.1":2})", {"5"}},
      {R"({"o.b":{"$in":[1,2]}})", {"1", "2"}},
      {R"({"o":{"b":1}})", {"1"}},
      {R"({"a":{"$in":[null]}})", {"3", "4"}},
      {R"({"$or":[{"a":"5"},{"o.c":1}]})", {"2", "4"}},
      {R"({"$and":[{"a":5},{"tags":"y"}]})", {"1"}},
      {R"({"a":{"$not":{"$gt":4}}})", {"2", "3", "4"}},
      {R"({"$nor":[{"a":5},{"tags":"x"}]})", {"3", "4"}},
      {R"({"a":5,"o.b":1})", {"1"}},
  };
  Make(R"({"name":"plain","key":"id"})");
  Make(
      R"({"name":"indexed","key":"id","indexes":[)"
      R"({"name":"a","paths":["a"]},{"name":"tags","paths":["tags"],"multi":true},)"
      R"({"name":"arrb","paths":["arr.b"],"multi":true},)"
      R"({"name":"ob","paths":["o.b"]}]})");
  for (const char* d : docs) {
    Put("plain", d);
    Put("indexed", d);
  }
  for (const Case& c : cases) {
    EXPECT_THAT(FindKeys("plain", Q(c.filter)), ElementsAreArray(c.ids))
        << c.filter;
    std::vector<std::string> got = FindKeys("indexed", Q(c.filter));
    std::sort(got.begin(), got.end());
    EXPECT_THAT(got, ElementsAreArray(c.ids)) << "indexed: " << c.filter;
    EXPECT_EQ(*store_->Count("plain", Q(c.filter)), c.ids.size()) << c.filter;
  }
  // The indexed collection did use its indexes for equality and $in.
  EXPECT_THAT(Explain("indexed", Q(R"({"a":5})")),
              HasSubstr(R"("plan":"index","index":"a")"));
  EXPECT_THAT(Explain("indexed", Q(R"({"arr.b":2})")),
              HasSubstr(R"("plan":"index","index":"arrb")"));
}

TEST_F(AuditDocsTest, MalformedQueryNamesTheOffendingPath) {
  Make(R"({"name":"c","key":"id"})");
  struct Case {
    FindRequest r;
    const char* message;
  };
  FindRequest bad_sort = Q("{}");
  bad_sort.sort = R"({"a":"up"})";
  FindRequest bad_proj = Q("{}");
  bad_proj.projection = R"({"a":1,"b":0})";
  const Case cases[] = {
      {Q(R"({"$or":[{"a":1},{"b":{"$lt":[1]}}]})"), "filter.$or[1].b.$lt"},
      {Q(R"({"a":{"$in":7}})"), "filter.a.$in"},
      {Q(R"({"x":{"$exists":1,"$bogus":2}})"), "filter.x"},
      {Q(R"({"$and":[{"a..b":1}]})"), "filter.$and[0]"},
      {Q(R"({"a":[1,2})"), "byte offset"},
      {bad_sort, "sort"},
      {bad_proj, "projection"},
  };
  for (const Case& c : cases) {
    for (int api = 0; api < 3; ++api) {
      absl::Status st = api == 0   ? store_->Find("c", c.r).status()
                        : api == 1 ? store_->Count("c", c.r).status()
                                   : store_->Explain("c", c.r).status();
      EXPECT_TRUE(absl::IsInvalidArgument(st)) << c.message << ": " << st;
      EXPECT_THAT(std::string(st.message()), HasSubstr(c.message)) << api;
    }
  }
}

// ---------------------------------------------------------------------------
// Planner: ranges use an index and examine only the range; $in is one seek
// per value; an unindexed field is a scan that examines every document.

TEST_F(AuditDocsTest, PlannerUsesIndexForRangesAndInAsSeveralSeeks) {
  Make(R"({"name":"c","key":"id","indexes":[{"name":"n","paths":["n"]}]})");
  std::vector<std::string> docs;
  for (int i = 0; i < 200; ++i) {
    docs.push_back(absl::StrFormat(R"({"id":%d,"n":%d,"m":%d})", i, i, i));
  }
  ASSERT_TRUE(store_->PutMany("c", docs, true).ok());
  ASSERT_TRUE(db_->Flush().ok());

  std::string e = Explain("c", Q(R"({"n":{"$gte":10,"$lt":20}})"));
  EXPECT_THAT(e, HasSubstr(R"("plan":"index","index":"n","spans":1)")) << e;
  EXPECT_EQ(ExplainNumber(e, "keys_examined"), 10) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_examined"), 10) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_returned"), 10) << e;

  e = Explain("c", Q(R"({"n":{"$in":[3,50,150,999]}})"));
  EXPECT_THAT(e, HasSubstr(R"("plan":"index","index":"n","spans":4)")) << e;
  EXPECT_LE(ExplainNumber(e, "keys_examined"), 4) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_returned"), 3) << e;

  // The same on the primary key.
  e = Explain("c", Q(R"({"id":{"$gt":195}})"));
  EXPECT_THAT(e, HasSubstr(R"("plan":"primary")")) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_examined"), 4) << e;

  // No index on m: a full scan.
  e = Explain("c", Q(R"({"m":{"$gte":10,"$lt":20}})"));
  EXPECT_THAT(e, HasSubstr(R"("plan":"scan")")) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_examined"), 200) << e;
  EXPECT_EQ(ExplainNumber(e, "docs_returned"), 10) << e;
  // The index plan read fewer blocks than the scan.
  const int64_t scan_blocks = ExplainNumber(e, "blocks_read");
  e = Explain("c", Q(R"({"n":{"$gte":10,"$lt":20}})"));
  EXPECT_LT(ExplainNumber(e, "blocks_read"), scan_blocks) << e;
}

// ---------------------------------------------------------------------------
// IndexedDB-style reads: key ranges over an index with open and closed
// bounds, forward and reverse, in the issue's type order; the documents
// through a reverse cursor; keys without bodies.

TEST_F(AuditDocsTest, IndexKeyRangesBoundsDirectionsAndTypeOrder) {
  Make(R"({"name":"c","key":"id","indexes":[{"name":"v","paths":["v"]}]})");
  const char* docs[] = {
      R"({"id":"s1","v":"b"})", R"({"id":"n1","v":1})",
      R"({"id":"n2","v":2.5})", R"({"id":"t","v":true})",
      R"({"id":"z","v":null})", R"({"id":"f","v":false})",
      R"({"id":"n3","v":3})",   R"({"id":"s0","v":"a"})",
      R"({"id":"i2","v":2})",   R"({"id":"m"})",
  };
  for (const char* d : docs) Put("c", d);
  // null (and missing) < false < true < numbers (int and float by value)
  // < strings; equal values in primary-key order.
  EXPECT_THAT(Keys("c", "v", {}),
              ElementsAre("\"m\"", "\"z\"", "\"f\"", "\"t\"", "\"n1\"",
                          "\"i2\"", "\"n2\"", "\"n3\"", "\"s0\"", "\"s1\""));
  struct Case {
    KeyRange range;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {{"1", "3", false, false, false, 0},
       {"\"n1\"", "\"i2\"", "\"n2\"", "\"n3\""}},
      {{"1", "3", true, false, false, 0}, {"\"i2\"", "\"n2\"", "\"n3\""}},
      {{"1", "3", false, true, false, 0}, {"\"n1\"", "\"i2\"", "\"n2\""}},
      {{"1", "3", true, true, false, 0}, {"\"i2\"", "\"n2\""}},
      {{"1", "3", true, true, true, 0}, {"\"n2\"", "\"i2\""}},
      {{"1", "3", false, false, true, 2}, {"\"n3\"", "\"n2\""}},
      {{"2", "2", false, false, false, 0}, {"\"i2\""}},
      {{"2", "2", true, false, false, 0}, {}},
      {{"", "true", false, false, false, 0},
       {"\"m\"", "\"z\"", "\"f\"", "\"t\""}},
      {{"3", "", true, false, false, 0}, {"\"s0\"", "\"s1\""}},
      {{"\"a\"", "", false, false, true, 0}, {"\"s1\"", "\"s0\""}},
      {{"false", "false", false, false, false, 0}, {"\"f\""}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Keys("c", "v", c.range), ElementsAreArray(c.keys))
        << c.range.lower << (c.range.lower_open ? " open" : "") << " .. "
        << c.range.upper << (c.range.upper_open ? " open" : "")
        << (c.range.reverse ? " reverse" : "");
  }
  // A reverse cursor returns whole documents in descending index order.
  KeyRange r{"2", "\"a\"", false, false, true, 0};
  auto cur = store_->Scan("c", "v", r);
  ASSERT_TRUE(cur.ok()) << cur.status();
  std::vector<std::string> got;
  while ((*cur)->Next()) got.emplace_back((*cur)->document());
  EXPECT_TRUE((*cur)->status().ok());
  EXPECT_THAT(got,
              ElementsAre(R"({"id":"s0","v":"a"})", R"({"id":"n3","v":3})",
                          R"({"id":"n2","v":2.5})", R"({"id":"i2","v":2})"));
  // Primary keys: reverse with open bounds.
  EXPECT_THAT(Keys("c", "", {"\"i2\"", "\"s0\"", true, true, true, 0}),
              ElementsAre("\"n3\"", "\"n2\"", "\"n1\"", "\"m\""));
}

TEST_F(AuditDocsTest, IndexKeysAreListedWithoutReadingDocumentBodies) {
  Make(R"({"name":"c","key":"id","indexes":[{"name":"g","paths":["g"]}]})");
  std::vector<std::string> docs;
  const std::string pad(1500, 'p');
  for (int i = 0; i < 400; ++i) {
    docs.push_back(
        absl::StrFormat(R"({"id":%d,"g":%d,"pad":"%s"})", i, i % 50, pad));
  }
  ASSERT_TRUE(store_->PutMany("c", docs, true).ok());
  ASSERT_TRUE(db_->Flush().ok());
  KeyRange r{"10", "19", false, false, false, 0};
  const Stats s0 = db_->GetStats();
  std::vector<std::string> keys = Keys("c", "g", r);
  const Stats s1 = db_->GetStats();
  auto cur = store_->Scan("c", "g", r);
  ASSERT_TRUE(cur.ok());
  size_t bodies = 0;
  while ((*cur)->Next()) ++bodies;
  const Stats s2 = db_->GetStats();
  EXPECT_EQ(keys.size(), 80u);
  EXPECT_EQ(bodies, 80u);
  const uint64_t keys_blocks = s1.blocks_read - s0.blocks_read;
  const uint64_t body_blocks = s2.blocks_read - s1.blocks_read;
  // 80 bodies of 1.5 KB live in ~80 distinct 1 KiB blocks; the index
  // entries fit in a few.
  EXPECT_GE(body_blocks, 80u);
  EXPECT_LE(keys_blocks, 5u) << "keys read " << keys_blocks << " blocks";
}

// ---------------------------------------------------------------------------
// Streaming: the heap a Find, Count or bounded sort needs does not grow with
// the collection size. 10x more documents may raise the peak heap of a
// query by at most 256 KiB (a few blocks and parser buffers), far below
// the data growth (2.6 MB more JSON). Measured with this binary's own
// operator new; the block cache is off so it cannot grow with data read.

struct ScanPeaks {
  int64_t find = 0;
  int64_t count = 0;
  int64_t top_k = 0;
  int64_t filter_scan = 0;
};

TEST_F(AuditDocsTest, ResultsStreamWithoutGrowingWithCollectionSize) {
  options_.block_cache_bytes = 0;  // a cache would grow with data read
  Open();
  auto measure = [&](int n) {
    ScanPeaks p;
    const std::string coll = absl::StrFormat("c%d", n);
    Make(absl::StrFormat(R"({"name":"%s","key":"id"})", coll));
    std::vector<std::string> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(absl::StrFormat(
          R"({"id":%d,"dev":"d%d","v":%d,"nested":{"x":[%d,%d]},"s":"%s"})", i,
          i % 97, (i * 7919) % 10007, i, i + 1, std::string(60, 'a' + i % 26)));
      if (batch.size() == 1000) {
        EXPECT_TRUE(store_->PutMany(coll, batch, true).ok());
        batch.clear();
      }
    }
    EXPECT_TRUE(db_->Flush().ok());
    EXPECT_TRUE(db_->WaitForBackgroundWork().ok());
    auto run = [&](const FindRequest& r, bool count) {
      const int64_t base = g_live_bytes.load();
      g_peak_bytes.store(base);
      uint64_t rows = 0;
      if (count) {
        rows = *store_->Count(coll, r);
      } else {
        auto c = store_->Find(coll, r);
        EXPECT_TRUE(c.ok());
        while ((*c)->Next()) ++rows;
        EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
      }
      EXPECT_GT(rows, 0u);
      return g_peak_bytes.load() - base;
    };
    // Opening the SST loads its index and filter blocks into the table
    // cache once (metadata that scales with the file, not with a query);
    // one query first so the measured ones see an open table.
    EXPECT_EQ(*store_->Count(coll, Q("{}")), static_cast<uint64_t>(n));
    p.find = run(Q("{}"), false);
    p.count = run(Q(R"({"v":{"$gte":0}})"), true);
    FindRequest top = Q("{}");
    top.sort = R"({"v":-1})";
    top.limit = 10;
    p.top_k = run(top, false);
    p.filter_scan =
        run(Q(R"({"nested.x":{"$gt":5},"dev":{"$ne":"d3"}})"), false);
    return p;
  };
  const ScanPeaks small = measure(2'000);
  const ScanPeaks large = measure(20'000);
  std::printf(
      "peak heap above baseline (2k -> 20k docs): find %ld -> %ld, count %ld "
      "-> %ld, top-10 sort %ld -> %ld, filter scan %ld -> %ld bytes\n",
      small.find, large.find, small.count, large.count, small.top_k,
      large.top_k, small.filter_scan, large.filter_scan);
  constexpr int64_t kSlack = 256 << 10;
  EXPECT_LE(large.find, small.find + kSlack);
  EXPECT_LE(large.count, small.count + kSlack);
  EXPECT_LE(large.top_k, small.top_k + kSlack);
  EXPECT_LE(large.filter_scan, small.filter_scan + kSlack);
}

// ---------------------------------------------------------------------------
// Transactions: several collections commit together or not at all; a
// transaction used as a read-only view keeps its snapshot.

TEST_F(AuditDocsTest, TransactionSpansCollectionsAllOrNothing) {
  Make(R"({"name":"acct","key":"id"})");
  Make(R"({"name":"log","key":"id","indexes":[)"
       R"({"name":"ref","paths":["ref"],"unique":true}]})");
  Put("acct", R"({"id":"a","bal":10})");
  Put("acct", R"({"id":"b","bal":0})");
  // A transfer writes two accounts and a log entry.
  auto t = store_->Begin();
  ASSERT_TRUE(t->Get("acct", "\"a\"").ok());
  ASSERT_TRUE(t->Put("acct", R"({"id":"a","bal":7})").ok());
  ASSERT_TRUE(t->Put("acct", R"({"id":"b","bal":3})").ok());
  ASSERT_TRUE(t->Insert("log", R"({"id":1,"ref":"x1"})").ok());
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(*store_->Get("acct", "\"b\""), R"({"id":"b","bal":3})");
  EXPECT_EQ(*store_->Get("log", "1"), R"({"id":1,"ref":"x1"})");

  // A conflict on one collection discards the writes to the other.
  auto t1 = store_->Begin();
  auto t2 = store_->Begin();
  ASSERT_TRUE(t1->Get("acct", "\"a\"").ok());
  ASSERT_TRUE(t1->Put("log", R"({"id":2,"ref":"x2"})").ok());
  ASSERT_TRUE(t1->Put("acct", R"({"id":"a","bal":0})").ok());
  ASSERT_TRUE(t2->Put("acct", R"({"id":"a","bal":100})").ok());
  ASSERT_TRUE(t2->Commit().ok());
  absl::Status st = t1->Commit();
  EXPECT_TRUE(absl::IsAborted(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("\"a\""));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("log", "2").status()));
  EXPECT_EQ(*store_->Get("acct", "\"a\""), R"({"id":"a","bal":100})");
  EXPECT_THAT(Keys("log", "ref", {}), ElementsAre("1"));

  // A unique violation in the second collection fails the commit whole.
  auto t3 = store_->Begin();
  ASSERT_TRUE(t3->Put("acct", R"({"id":"c","bal":1})").ok());
  ASSERT_TRUE(t3->Put("log", R"({"id":3,"ref":"x1"})").ok());
  st = t3->Commit();
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
  EXPECT_TRUE(absl::IsNotFound(store_->Get("acct", "\"c\"").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("log", "3").status()));
}

TEST_F(AuditDocsTest, ReadOnlyViewKeepsItsSnapshot) {
  Make(R"({"name":"c","key":"id","time":{"path":"t","unit":"s"},)"
       R"("indexes":[{"name":"g","paths":["g"]}]})");
  Make(R"({"name":"d","key":"id"})");
  for (int i = 0; i < 10; ++i) {
    Put("c", absl::StrFormat(R"({"id":%d,"t":%d,"g":%d})", i, i, i % 2));
  }
  Put("d", R"({"id":1,"x":"old"})");
  auto view = store_->Begin();
  auto find = [&](std::string_view coll, const FindRequest& r) {
    std::vector<std::string> out;
    auto c = view->Find(coll, r);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return out;
    while ((*c)->Next()) out.emplace_back((*c)->key());
    return out;
  };
  const std::vector<std::string> before = find("c", Q(R"({"g":1})"));
  EXPECT_THAT(before, ElementsAre("1", "3", "5", "7", "9"));
  // Others write, delete and patch, in both collections, and flush.
  Put("c", R"({"id":11,"t":11,"g":1})");
  ASSERT_TRUE(store_->Delete("c", "3").ok());
  ASSERT_TRUE(store_->Patch("c", "5", R"({"g":0})").ok());
  Put("d", R"({"id":1,"x":"new"})");
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(find("c", Q(R"({"g":1})")), before);
  FindRequest window = Q("{}");
  window.from = 2 * kSec;
  window.to = 6 * kSec;
  EXPECT_THAT(find("c", window), ElementsAre("2", "3", "4", "5"));
  EXPECT_EQ(*view->Get("d", "1"), R"({"id":1,"x":"old"})");
  EXPECT_EQ(*view->Get("c", "3"), R"({"id":3,"t":3,"g":1})");
  view->Rollback();
  // The store itself sees the new state.
  EXPECT_THAT(FindKeys("c", Q(R"({"g":1})")), ElementsAre("1", "7", "9", "11"));
}

// ---------------------------------------------------------------------------
// TTL with an injected clock: documents, index entries, counts and key
// listings all expire together, by default TTL and per-document TTL.

TEST_F(AuditDocsTest, TtlExpiresEverywhereAtOnce) {
  Make(R"({"name":"c","key":"id","ttl":"1h",)"
       R"("indexes":[{"name":"g","paths":["g"]}]})");
  Put("c", R"({"id":1,"g":"a"})");
  DocWriteOptions short_ttl;
  short_ttl.ttl_ns = 60 * kSec;
  ASSERT_TRUE(store_->Put("c", R"({"id":2,"g":"a"})", short_ttl).ok());
  auto all = [&] {
    return std::vector<uint64_t>{
        *store_->Count("c", Q("{}")), *store_->Count("c", Q(R"({"g":"a"})")),
        Keys("c", "", {}).size(), Keys("c", "g", {}).size(),
        FindKeys("c", Q(R"({"g":"a"})")).size()};
  };
  EXPECT_THAT(all(), ElementsAre(2, 2, 2, 2, 2));
  clock_->Advance(59 * kSec);
  EXPECT_THAT(all(), ElementsAre(2, 2, 2, 2, 2));
  clock_->Advance(1 * kSec);
  EXPECT_THAT(all(), ElementsAre(1, 1, 1, 1, 1));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("c", "2").status()));
  ASSERT_TRUE(db_->Flush().ok());
  clock_->Advance(3600 * kSec);
  EXPECT_THAT(all(), ElementsAre(0, 0, 0, 0, 0));
  EXPECT_TRUE(absl::IsNotFound(store_->Get("c", "1").status()));
  // The expired key is free for an Insert.
  EXPECT_TRUE(store_->Insert("c", R"({"id":1,"g":"b"})").ok());
}

// Issue 5: "a default TTL; per-document TTL at write time". A merge patch
// edits a document; it takes no write options, so it should keep the
// expiry the document was written with, as it keeps every member it does
// not name.
//
// BUG (owner: docsperf/docs writes): Patch rewrites the record with the
// collection default instead: a document put with a 60 s TTL in a
// collection without a default TTL never expires once patched, and with a
// default TTL it lives for the default (1 h) instead of 60 s.
TEST_F(AuditDocsTest, DISABLED_PatchKeepsThePerDocumentTtl) {
  Make(R"({"name":"plain","key":"id"})");
  Make(R"({"name":"dflt","key":"id","ttl":"1h"})");
  DocWriteOptions w;
  w.ttl_ns = 60 * kSec;
  for (const char* coll : {"plain", "dflt"}) {
    ASSERT_TRUE(store_->Put(coll, R"({"id":1,"n":0})", w).ok());
    ASSERT_TRUE(store_->Put(coll, R"({"id":2,"n":0})", w).ok());
    ASSERT_TRUE(store_->Patch(coll, "1", R"({"n":1})").ok());
  }
  clock_->Advance(30 * kSec);
  for (const char* coll : {"plain", "dflt"}) {
    EXPECT_EQ(*store_->Get(coll, "1"), R"({"id":1,"n":1})") << coll;
  }
  clock_->Advance(31 * kSec);
  for (const char* coll : {"plain", "dflt"}) {
    EXPECT_TRUE(absl::IsNotFound(store_->Get(coll, "2").status())) << coll;
    EXPECT_TRUE(absl::IsNotFound(store_->Get(coll, "1").status()))
        << coll << ": the patched document outlived its 60 s TTL";
    EXPECT_EQ(*store_->Count(coll, Q("{}")), 0u) << coll;
  }
}

}  // namespace
}  // namespace strata
