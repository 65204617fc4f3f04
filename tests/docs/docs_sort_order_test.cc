// The empty array in sorts and index keys (key version 3): a path that
// ends at [] sorts before null and missing (MongoDB: first ascending,
// last descending) in memory and in index keys (tag 0x08), so an index
// serving a sort returns what the in-memory sort returns; filters on []
// keep MongoDB's semantics; and indexes written with key versions 1 and 2
// (where [] was null) are converted when a store opens.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/catalog.h"
#include "docs/doc_keys.h"
#include "docs/doc_store_opener.h"
#include "docs/filter_sort.h"
#include "docs/index_downgrade.h"
#include "docs/index_key.h"
#include "docs/json_path.h"
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

docs::JsonValue V(std::string_view json) { return *docs::ParseJson(json); }

std::string Key(std::string_view json) {
  std::string out;
  EXPECT_TRUE(docs::AppendIndexKey(&out, V(json)).ok()) << json;
  return out;
}

TEST(EmptyArrayKeyTest, EncodesBelowNullAndRoundTrips) {
  EXPECT_EQ(Key("[]"), std::string(1, '\x08'));
  EXPECT_LT(Key("[]"), Key("null"));
  EXPECT_LT(Key("[]"), Key("false"));
  std::string out;
  EXPECT_FALSE(docs::AppendIndexKey(&out, V("[1]")).ok());
  EXPECT_FALSE(docs::AppendIndexKey(&out, V("{}")).ok());
  // Compound keys decode and frame it like any component.
  const std::string compound = Key("[]") + Key("1") + Key("\"x\"");
  EXPECT_EQ(docs::IndexComponentSize(compound), 1u);
  auto parts = docs::DecodeIndexKey(compound);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_TRUE((*parts)[0].is_array() && (*parts)[0].array().empty());
  // Version conversion of booleans leaves it alone.
  std::string converted;
  ASSERT_TRUE(docs::ConvertV1IndexKey(compound, &converted));
  EXPECT_EQ(converted, compound);
  EXPECT_EQ(docs::kIndexKeyVersion, 3);
}

// The components of one path's values, as decoded JSON.
std::string Components(std::string_view doc, std::string_view path,
                       bool multi) {
  auto p = docs::JsonPath::Parse(path);
  docs::PathExtractor ex({*p});
  EXPECT_TRUE(ex.Extract(doc).ok()) << doc;
  std::vector<std::string> comps;
  absl::Status st =
      docs::IndexPathComponents(ex.values(0), multi, "ix", path, &comps);
  if (!st.ok()) return "error: " + std::string(st.message());
  std::string out;
  for (const std::string& c : comps) {
    auto v = docs::DecodeIndexKey(c);
    EXPECT_TRUE(v.ok() && v->size() == 1) << doc;
    if (!out.empty()) out += " ";
    out += docs::ToJson((*v)[0]);
  }
  return out;
}

TEST(EmptyArrayKeyTest, PathComponents) {
  struct Case {
    const char* doc;
    const char* path;
    bool multi;
    const char* want;
  };
  const Case cases[] = {
      {R"({"a":[]})", "a", false, "[]"},
      {R"({"a":[]})", "a", true, "[]"},
      {R"({})", "a", false, "null"},
      {R"({"a":null})", "a", false, "null"},
      {R"({"a":[7]})", "a", false, "7"},
      {R"({"a":[3,1,3]})", "a", true, "1 3"},
      // A nested empty array is an element, not the end of the path.
      {R"({"a":[[],1]})", "a", true, "1"},
      {R"({"a":[[]]})", "a", true, "null"},
      {R"({"a":[[]]})", "a", false,
       "error: index \"ix\" is not multi-entry but path 'a' reaches an "
       "array"},
      {R"({"a":{"b":[]}})", "a.b", false, "[]"},
      {R"({"a":[{"b":[]},{"b":[]}]})", "a.b", false, "[]"},
      {R"({"a":[{"b":[]},{"b":2}]})", "a.b", true, "[] 2"},
      {R"({"a":[{"b":[]},{"c":2}]})", "a.b", true, "[] null"},
      // Non-multi callers reject the two components (doc_write.cc).
      {R"({"a":[{"b":[]},{"c":2}]})", "a.b", false, "[] null"},
      {R"({"a":[{"b":{}}]})", "a.b", true, "null"},
      {R"({"a":5})", "a.b", false, "null"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Components(c.doc, c.path, c.multi), c.want)
        << c.doc << " " << c.path << (c.multi ? " multi" : "");
  }
}

TEST(EmptyArraySortTest, FollowsMongoDb) {
  const std::vector<std::string> docs = {
      R"({"a":null})",        // 1
      R"({"a":[]})",          // 2: before null ascending, last desc
      R"({})",                // 3
      R"({"a":1})",           // 4
      R"({"a":[[],5]})",      // 5: the element [] is an array value
      R"({"a":[{"b":[]}]})",  // 6: an object element
      R"({"a":"s"})",         // 7
      R"({"a":[[]]})",        // 8: an array element, after scalars
      R"({"a":[2,[]]})",      // 9
  };
  EXPECT_EQ(SortedIds(R"({"a":1})", docs),
            (std::vector<int>{2, 1, 3, 4, 9, 5, 7, 6, 8}));
  EXPECT_EQ(SortedIds(R"({"a":-1})", docs),
            (std::vector<int>{5, 8, 9, 6, 7, 4, 1, 3, 2}));
  const std::vector<std::string> nested = {
      R"({"a":[{"b":1},{"b":[]}]})",  // 1: [] and 1
      R"({"a":{"b":null}})",          // 2
      R"({"a":[{"b":[]},{"c":0}]})",  // 3: [] and missing
      R"({"a":{"b":[]}})",            // 4
      R"({"a":{"b":0}})",             // 5
  };
  // Ascending the empty array wins over anything; descending it loses.
  EXPECT_EQ(SortedIds(R"({"a.b":1})", nested),
            (std::vector<int>{1, 3, 4, 2, 5}));
  EXPECT_EQ(SortedIds(R"({"a.b":-1})", nested),
            (std::vector<int>{1, 5, 2, 3, 4}));
  // A second field breaks ties between empty arrays.
  EXPECT_EQ(SortedIds(R"({"x":1,"y":-1})",
                      {R"({"x":[],"y":1})", R"({"x":[],"y":[]})",
                       R"({"x":[],"y":2})", R"({"x":null,"y":0})"}),
            (std::vector<int>{3, 1, 2, 4}));
}

// For every document a non-multi index accepts (one component per path),
// memcmp order of the components is the in-memory sort order, both
// directions: random documents over scalars, [], nested paths and missing
// members.
TEST(EmptyArraySortTest, NonMultiComponentOrderIsSortOrder) {
  std::mt19937 rng(20240501);
  const std::vector<std::string> leaves = {
      "[]",    "null", "true", "false",  "0",      "-1.5", "7",       "\"\"",
      "\"a\"", "[3]",  "[[]]", "[null]", "[[],1]", "{}",   "[\"z\"]", "1e300",
  };
  auto leaf = [&] { return leaves[rng() % leaves.size()]; };
  std::vector<std::string> docs;
  for (int i = 0; i < 400; ++i) {
    switch (rng() % 4) {
      case 0:
        docs.push_back(absl::StrFormat(R"({"a":{"b":%s}})", leaf()));
        break;
      case 1:
        docs.push_back(absl::StrFormat(R"({"a":[{"b":%s}]})", leaf()));
        break;
      case 2:
        docs.push_back(
            absl::StrFormat(R"({"a":[{"b":%s},{"b":%s}]})", leaf(), leaf()));
        break;
      default:
        docs.push_back(absl::StrFormat(R"({"a":[{"c":1},{"b":%s}]})", leaf()));
    }
  }
  auto path = docs::JsonPath::Parse("a.b");
  docs::PathExtractor ex({*path});
  auto asc = docs::SortSpec::ParseJsonText(R"({"a.b":1})");
  auto desc = docs::SortSpec::ParseJsonText(R"({"a.b":-1})");
  docs::SortKeyExtractor asc_ex(*asc), desc_ex(*desc);
  struct Row {
    std::string comp;
    docs::SortKey asc, desc;
  };
  std::vector<Row> rows;
  for (const std::string& d : docs) {
    ASSERT_TRUE(ex.Extract(d).ok());
    std::vector<std::string> comps;
    if (!docs::IndexPathComponents(ex.values(0), false, "ix", "a.b", &comps)
             .ok() ||
        comps.size() != 1) {
      continue;
    }
    rows.push_back({comps[0], *asc_ex.Extract(d), *desc_ex.Extract(d)});
  }
  ASSERT_GT(rows.size(), 100u);
  int empties = 0;
  for (const Row& r : rows) empties += r.comp == std::string(1, '\x08');
  EXPECT_GT(empties, 10);
  auto sign = [](int c) { return (c > 0) - (c < 0); };
  for (const Row& x : rows) {
    for (const Row& y : rows) {
      const int want = sign(x.comp.compare(y.comp));
      ASSERT_EQ(sign(docs::CompareSortKeys(*asc, x.asc, y.asc)), want);
      ASSERT_EQ(sign(docs::CompareSortKeys(*desc, x.desc, y.desc)), -want);
    }
  }
}

// Public: the shared checks below are free functions.
class EmptyArrayStoreTest : public ClockedDocStoreTest {
 public:
  // Every entry of an index: (key after the prefix, ts, value).
  std::vector<std::tuple<std::string, Timestamp, std::string>> Entries(
      std::string_view coll, std::string_view index) {
    const std::string prefix = docs::IndexPrefix(coll, index);
    std::vector<std::tuple<std::string, Timestamp, std::string>> out;
    auto it = db_->NewIterator(ReadOptions(),
                               ScanRange{prefix, docs::PrefixEnd(prefix)});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key().substr(prefix.size())),
                       it->timestamp(), std::string(it->value()));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  // Turns an index back into key version `version` (index_downgrade.h).
  void Downgrade(std::string_view coll, const IndexSpec& spec, int version) {
    ASSERT_GE(DowngradeIndex(db_.get(), coll, spec, version), 0);
  }

  std::string StoredDef(std::string_view coll, std::string_view index) {
    auto r = db_->GetLatest(ReadOptions(), docs::IndexDefKey(coll, index));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->value : "";
  }
};

// Documents by id: the value at "a" (or "missing"), with "g" for a
// compound index's equality prefix.
const std::vector<std::string>& Values() {
  static const std::vector<std::string> kValues = {
      "missing", "[]",    "null", "1",    "[]",     "\"s\"",   "[2]",
      "true",    "false", "[]",   "-3.5", "[null]", "missing", "[]",
  };
  return kValues;
}

std::string DocOf(size_t id) {
  const std::string& v = Values()[id];
  if (v == "missing") return absl::StrFormat(R"({"id":%d,"g":1})", id);
  return absl::StrFormat(R"({"id":%d,"g":1,"a":%s})", id, v);
}

constexpr char kIndexedColl[] =
    R"({"name":"ix","key":"id","indexes":[)"
    R"({"name":"a","paths":["a"]},)"
    R"({"name":"ga","paths":["g","a"]},)"
    R"({"name":"ca","paths":["a"],"covering":true},)"
    R"({"name":"ma","paths":["a"],"multi":true}]})";

const std::vector<IndexSpec>& IndexSpecs() {
  static const std::vector<IndexSpec> kSpecs = [] {
    std::vector<IndexSpec> s(4);
    s[0].name = "a";
    s[0].paths = {"a"};
    s[1].name = "ga";
    s[1].paths = {"g", "a"};
    s[2].name = "ca";
    s[2].paths = {"a"};
    s[2].covering = true;
    s[3].name = "ma";
    s[3].paths = {"a"};
    s[3].multi = true;
    return s;
  }();
  return kSpecs;
}

// The sort key at "a" of each document, encoded: the empty array as its
// index tag, values as index components (1 and 1.0 alike).
std::vector<std::string> SortClasses(const std::vector<std::string>& keys,
                                     bool ascending) {
  auto spec =
      docs::SortSpec::ParseJsonText(ascending ? R"({"a":1})" : R"({"a":-1})");
  docs::SortKeyExtractor ex(*spec);
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    auto key = ex.Extract(DocOf(std::stoul(k)));
    std::string s;
    EXPECT_TRUE(docs::AppendIndexKey(&s, (*key)[0].value).ok());
    if ((*key)[0].empty_array) {
      EXPECT_EQ(s, std::string(1, '\x08'));
    }
    out.push_back(s);
  }
  return out;
}

// Sorts through each index (in order under a limit, or after the
// compound index's equality prefix) against the in-memory sort of the
// unindexed twin: the same keys in the same order (ties by key both ways:
// index entries order by key within a value, scans feed the sort in key
// order).
void ExpectIndexOrderIsMemoryOrder(EmptyArrayStoreTest* t,
                                   std::vector<std::string>* out_asc) {
  for (bool ascending : {true, false}) {
    FindRequest by_a;
    by_a.sort = ascending ? R"({"a":1})" : R"({"a":-1})";
    by_a.limit = 1000;
    FindRequest by_ga = by_a;
    by_ga.filter = R"({"g":1})";
    for (const FindRequest& r : {by_a, by_ga}) {
      SCOPED_TRACE(r.filter + " " + r.sort);
      EXPECT_THAT(t->Explain("ix", r), HasSubstr(R"("sort":"plan")"));
      EXPECT_THAT(t->Explain("plain", r), HasSubstr(R"("sort":"memory")"));
      const std::vector<std::string> got = t->Find("ix", r);
      const std::vector<std::string> want = t->Find("plain", r);
      // A reverse index scan returns ties in reverse key order, the
      // in-memory sort in key order: compare sort values, then sets.
      EXPECT_EQ(SortClasses(got, ascending), SortClasses(want, ascending));
      EXPECT_EQ(std::multiset<std::string>(got.begin(), got.end()),
                std::multiset<std::string>(want.begin(), want.end()));
      if (ascending) {
        EXPECT_EQ(got, want);
      }
      if (ascending && out_asc != nullptr) *out_asc = got;
    }
  }
}

void PutAll(EmptyArrayStoreTest* t, DocumentStore* store) {
  for (size_t id = 0; id < Values().size(); ++id) {
    for (const char* coll : {"ix", "plain"}) {
      ASSERT_TRUE(store->Put(coll, DocOf(id)).ok()) << id;
    }
  }
}

// Filters on [] keep MongoDB's answers, with and without indexes:
// equality with [] matches empty arrays and arrays holding one; null,
// ranges and $in never match a bare [].
void ExpectFilters(EmptyArrayStoreTest* t) {
  struct Case {
    const char* filter;
    const char* keys;
  };
  const Case cases[] = {
      {R"({"a":[]})", "1,4,9,13"},
      {R"({"a":null})", "0,2,11,12"},
      {R"({"a":{"$lt":5}})", "3,6,10"},
      {R"({"a":{"$gt":null}})", ""},
      {R"({"a":{"$lte":null}})", "0,2,11,12"},
      {R"({"a":{"$in":[null,1]}})", "0,2,3,11,12"},
      {R"({"a":{"$ne":null}})", "1,3,4,5,6,7,8,9,10,13"},
  };
  for (const Case& c : cases) {
    for (const char* coll : {"ix", "plain"}) {
      FindRequest r;
      r.filter = c.filter;
      r.sort = R"({"id":1})";
      std::vector<std::string> keys = t->Find(coll, r);
      std::string joined;
      for (const std::string& k : keys) {
        joined += (joined.empty() ? "" : ",") + k;
      }
      EXPECT_EQ(joined, c.keys) << coll << " " << c.filter;
    }
  }
}

// An index written with key version 2 or 1 ([] indexed as null; version
// 1 also with booleans after strings) is converted when the store opens:
// its definition says version 3, entries of documents ending at [] hold
// 0x08, and sorts through it equal the in-memory sort.
TEST_F(EmptyArrayStoreTest, OldIndexesAreConvertedOnOpen) {
  for (int version : {2, 1}) {
    SCOPED_TRACE(absl::StrFormat("from key version %d", version));
    store_.reset();
    db_.reset();
    SetUp();
    ASSERT_TRUE(store_->CreateCollectionFromJson(kIndexedColl).ok());
    ASSERT_TRUE(
        store_->CreateCollectionFromJson(R"({"name":"plain","key":"id"})")
            .ok());
    PutAll(this, store_.get());
    for (const IndexSpec& spec : IndexSpecs()) Downgrade("ix", spec, version);
    Reopen();
    for (const IndexSpec& spec : IndexSpecs()) {
      EXPECT_THAT(StoredDef("ix", spec.name), HasSubstr("\"key_version\":3"));
    }
    // One 0x08 entry per [] document in the plain, covering and multi
    // indexes; the covering one keeps the document as its value.
    for (const char* index : {"a", "ca", "ma"}) {
      int empties = 0;
      for (const auto& [key, ts, value] : Entries("ix", index)) {
        if (key[0] != '\x08') continue;
        ++empties;
        auto pk = docs::PrimaryKeyToJson(std::string_view(key).substr(1));
        ASSERT_TRUE(pk.ok());
        EXPECT_EQ(Values()[std::stoi(*pk)], "[]") << index;
        EXPECT_EQ(value, std::string(index) == "ca" ? DocOf(std::stoi(*pk))
                                                    : std::string())
            << index;
      }
      EXPECT_EQ(empties, 4) << index;
    }
    std::vector<std::string> asc;
    ExpectIndexOrderIsMemoryOrder(this, &asc);
    EXPECT_THAT(asc, ElementsAre("1", "4", "9", "13", "0", "2", "11", "12", "8",
                                 "7", "10", "3", "6", "5"));
    ExpectFilters(this);
    // A second open finds nothing left to convert.
    const auto before = Entries("ix", "ma");
    Reopen();
    EXPECT_EQ(Entries("ix", "ma"), before);
  }
}

// A multi-entry index over a path that ends at [] on one branch and is
// missing on another gets both components; a non-multi one keeps its
// version-2 null entry (a version-3 write would reject the document).
TEST_F(EmptyArrayStoreTest, ConversionOfBranchingPaths) {
  ASSERT_TRUE(store_
                  ->CreateCollectionFromJson(
                      R"({"name":"c","key":"id","indexes":[)"
                      R"({"name":"m","paths":["a.b"],"multi":true}]})")
                  .ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":1,"a":[{"b":[]},{"c":1}]})").ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":2,"a":[{"b":[]},{"b":5}]})").ok());
  ASSERT_TRUE(store_->Put("c", R"({"id":3,"a":{"b":null}})").ok());
  // The non-multi index is declared on the raw DB, as an older build
  // would have written it, with the entry it would have written.
  IndexSpec single;
  single.name = "s";
  single.paths = {"a.b"};
  WriteBatch b;
  b.Put(docs::IndexDefKey("c", "s"), 0, docs::IndexDefJson(single, true),
        Expiry::Never());
  b.Put(docs::IndexPrefix("c", "s") + Key("null") + Key("1"), 0, "",
        Expiry::Never());
  ASSERT_TRUE(db_->Write(WriteOptions(), b).ok());
  Downgrade("c", single, 2);
  IndexSpec multi;
  multi.name = "m";
  multi.paths = {"a.b"};
  multi.multi = true;
  Downgrade("c", multi, 2);
  auto keys_of = [&](std::string_view index) {
    std::vector<std::string> out;
    for (const auto& [key, ts, value] : Entries("c", index)) {
      std::string_view values, pk;
      EXPECT_TRUE(docs::SplitIndexEntry(key, 1, &values, &pk));
      out.push_back(docs::IndexValuesToJson(values) + "/" +
                    *docs::PrimaryKeyToJson(pk));
    }
    return out;
  };
  Reopen();
  EXPECT_THAT(keys_of("m"),
              ElementsAre("[]/1", "[]/2", "null/1", "null/3", "5/2"));
  EXPECT_THAT(keys_of("s"), ElementsAre("null/1"));
  EXPECT_THAT(StoredDef("c", "s"), HasSubstr("\"key_version\":3"));
}

// Filters on [] are MongoDB's (checked against mingo 7.2.7, which
// agrees except that it does not match a missing field with $lte null),
// through a multi-entry index and without one: equality with [] matches
// empty arrays and arrays holding one; ranges, null and $in never match
// a bare [].
TEST_F(EmptyArrayStoreTest, FiltersOnEmptyArraysMatchMongoDb) {
  ASSERT_TRUE(store_
                  ->CreateCollectionFromJson(
                      R"({"name":"m","key":"id","indexes":[)"
                      R"({"name":"a","paths":["a"],"multi":true}]})")
                  .ok());
  ASSERT_TRUE(
      store_->CreateCollectionFromJson(R"({"name":"p","key":"id"})").ok());
  for (const char* d :
       {R"({"id":1,"a":[]})", R"({"id":2,"a":[[]]})", R"({"id":3,"a":[1,[]]})",
        R"({"id":4,"a":null})", R"({"id":5})", R"({"id":6,"a":[null]})",
        R"({"id":7,"a":3})"}) {
    ASSERT_TRUE(store_->Put("m", d).ok()) << d;
    ASSERT_TRUE(store_->Put("p", d).ok()) << d;
  }
  struct Case {
    const char* filter;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {R"({"a":[]})", {"1", "2", "3"}},
      {R"({"a":null})", {"4", "5", "6"}},
      {R"({"a":{"$lt":5}})", {"3", "7"}},
      {R"({"a":{"$gt":null}})", {}},
      {R"({"a":{"$lte":null}})", {"4", "5", "6"}},
      {R"({"a":{"$in":[null,1]}})", {"3", "4", "5", "6"}},
      {R"({"a":{"$ne":null}})", {"1", "2", "3", "7"}},
      {R"({"a":{"$in":[[]]}})", {"1", "2", "3"}},
  };
  for (const Case& c : cases) {
    for (const char* coll : {"m", "p"}) {
      FindRequest r;
      r.filter = c.filter;
      r.sort = R"({"id":1})";
      EXPECT_EQ(Find(coll, r), c.keys) << coll << " " << c.filter;
    }
  }
}

// New writes index [] as 0x08 (IndexEntriesOf uses IndexPathComponents),
// so sorts through indexes equal the in-memory sort.
TEST_F(EmptyArrayStoreTest, NewWritesSortThroughIndexesAsInMemory) {
  ASSERT_TRUE(store_->CreateCollectionFromJson(kIndexedColl).ok());
  ASSERT_TRUE(
      store_->CreateCollectionFromJson(R"({"name":"plain","key":"id"})").ok());
  PutAll(this, store_.get());
  std::vector<std::string> asc;
  ExpectIndexOrderIsMemoryOrder(this, &asc);
  EXPECT_THAT(asc, ElementsAre("1", "4", "9", "13", "0", "2", "11", "12", "8",
                               "7", "10", "3", "6", "5"));
  ExpectFilters(this);
}

}  // namespace
}  // namespace strata
