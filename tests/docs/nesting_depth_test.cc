// Nesting limits at their boundary (issue 5): exactly max levels are
// accepted and max + 1 are refused with the byte offset of the container
// that is one level too deep, for objects and arrays, empty or not, in
// ParseJson and in document writes (including the exact-number path taken
// for integers beyond 64 bits). The root container is level 1.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "docs/json_value.h"
#include "env/manual_clock_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"

namespace strata {
namespace {

using ::testing::HasSubstr;

enum class Shape { kObjects, kArrays, kEmptyInnermost, kMixed };

// A JSON text of exactly `levels` nested containers whose root is an
// object (documents must be objects) holding "id" and "big" (an integer
// beyond 64 bits when big is set). *deepest is the byte offset where the
// innermost container opens.
std::string Nested(int levels, Shape shape, bool big, size_t* deepest) {
  std::string open = R"({"id":1,)";
  if (big) open += R"("big":123456789012345678901234567890,)";
  open += R"("a":)";
  std::string close = "}";
  for (int level = 2; level <= levels; ++level) {
    const bool array = shape == Shape::kArrays ||
                       (shape == Shape::kMixed && level % 2 == 0) ||
                       (shape == Shape::kEmptyInnermost && level % 3 == 0);
    if (level == levels) {
      *deepest = open.size();
      if (shape == Shape::kEmptyInnermost) {
        open += array ? "[]" : "{}";
      } else {
        open += array ? "[7]" : R"({"z":7})";
      }
      break;
    }
    open += array ? "[" : R"({"a":)";
    close.insert(0, array ? "]" : "}");
  }
  if (levels == 1) {
    *deepest = 0;
    open += "0";
  }
  return open + close;
}

const char* ShapeName(Shape s) {
  switch (s) {
    case Shape::kObjects:
      return "objects";
    case Shape::kArrays:
      return "arrays";
    case Shape::kEmptyInnermost:
      return "empty innermost";
    case Shape::kMixed:
      return "mixed";
  }
  return "?";
}

TEST(NestingDepthTest, ParseJsonAcceptsExactlyMaxLevels) {
  for (int max : {1, 2, 3, 8, 100, docs::kMaxJsonDepth, 1024}) {
    for (Shape shape : {Shape::kObjects, Shape::kArrays, Shape::kEmptyInnermost,
                        Shape::kMixed}) {
      for (bool big : {false, true}) {
        SCOPED_TRACE(
            absl::StrFormat("max %d, %s, big %d", max, ShapeName(shape), big));
        docs::JsonParseOptions po;
        po.max_depth = max;
        po.what = "doc";
        size_t at = 0;
        EXPECT_TRUE(docs::ParseJson(Nested(max, shape, big, &at), po).ok());
        absl::StatusOr<docs::JsonValue> over =
            docs::ParseJson(Nested(max + 1, shape, big, &at), po);
        ASSERT_FALSE(over.ok());
        EXPECT_TRUE(absl::IsInvalidArgument(over.status()));
        EXPECT_THAT(std::string(over.status().message()),
                    HasSubstr(absl::StrFormat(
                        "doc: malformed JSON at byte offset %d: nesting "
                        "deeper than %d levels",
                        at, max)));
      }
    }
  }
}

class DocNestingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    Options o;
    o.env = clock_.get();
    auto db = DB::Open(o, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  std::unique_ptr<DocumentStore> OpenStore(int max_depth) {
    DocumentStoreOptions so;
    so.env = clock_.get();
    so.max_nesting_depth = max_depth;
    auto store = DocumentStore::Open(db_.get(), so);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  std::unique_ptr<DB> db_;
};

TEST_F(DocNestingTest, DocumentsAcceptExactlyMaxNestingDepth) {
  int coll = 0;
  for (int max : {1, 2, 3, 8, 128, 200, 201, 1024}) {
    std::unique_ptr<DocumentStore> store = OpenStore(max);
    ASSERT_NE(store, nullptr);
    const std::string name = absl::StrFormat("c%d", coll++);
    ASSERT_TRUE(store
                    ->CreateCollectionFromJson(
                        absl::StrFormat(R"({"name":"%s","key":"id"})", name))
                    .ok());
    for (Shape shape : {Shape::kObjects, Shape::kArrays, Shape::kEmptyInnermost,
                        Shape::kMixed}) {
      for (bool big : {false, true}) {
        SCOPED_TRACE(
            absl::StrFormat("max %d, %s, big %d", max, ShapeName(shape), big));
        size_t at = 0;
        const std::string ok_doc = Nested(max, shape, big, &at);
        absl::StatusOr<std::string> put = store->Put(name, ok_doc);
        EXPECT_TRUE(put.ok()) << put.status();
        // The stored document reads back and can be filtered.
        FindRequest r;
        r.filter = R"({"id":1})";
        auto c = store->Find(name, r);
        ASSERT_TRUE(c.ok()) << c.status();
        int n = 0;
        while ((*c)->Next()) ++n;
        EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
        EXPECT_EQ(n, put.ok() ? 1 : 0);

        const std::string over_doc = Nested(max + 1, shape, big, &at);
        absl::Status st = store->Put(name, over_doc).status();
        ASSERT_FALSE(st.ok());
        EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
        EXPECT_THAT(std::string(st.message()),
                    HasSubstr(absl::StrFormat(
                        "document: malformed JSON at byte offset %d: nesting "
                        "deeper than %d levels",
                        at, max)));
        // Transactions validate writes the same way.
        auto txn = store->Begin();
        EXPECT_TRUE(txn->Put(name, ok_doc).ok());
        EXPECT_TRUE(absl::IsInvalidArgument(txn->Put(name, over_doc).status()));
        txn->Rollback();
      }
    }
  }
}

}  // namespace
}  // namespace strata
