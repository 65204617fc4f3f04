// Acceptance audit of issue 5 (documents) through the public API only
// (include/strata/*.h), part 1: collection definitions against
// schema/collection.schema.json, dotted keys, atomic batches, JSON errors
// with byte offsets, patches against unique indexes, every filter operator
// with and without indexes, query errors with their path, and planner
// choices. Part 2 is audit_docs_read_test.cc; docs/acceptance.md maps every
// point of the issue to its test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/json_schema_check.h"
#include "docs/audit_docs_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "series/audit_support.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/stats.h"

namespace strata::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

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

}  // namespace
}  // namespace strata::audit
