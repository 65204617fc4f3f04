// The set-up every document-store test repeats: a DB at "/db" and a
// DocumentStore over it, replacing any open pair (the store first: it
// uses the DB). Fatal gtest failures if either does not open. Plus the
// find and explain calls those tests check.
#ifndef STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_
#define STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"

namespace strata {

inline void OpenDocStore(const Options& options,
                         const DocumentStoreOptions& store_options,
                         std::unique_ptr<DB>* db,
                         std::unique_ptr<DocumentStore>* store) {
  store->reset();
  db->reset();
  auto opened = DB::Open(options, "/db");
  ASSERT_TRUE(opened.ok()) << opened.status();
  *db = std::move(*opened);
  auto s = DocumentStore::Open(db->get(), store_options);
  ASSERT_TRUE(s.ok()) << s.status();
  *store = std::move(*s);
}

// The same over `env` (the DB's and the store's), with data blocks of
// `block_size` bytes: small ones make reads cross many block edges (a
// block short of 128 entries is cut at 4 block sizes: 256 gives 1 KiB).
inline void OpenDocStoreWithBlocks(Env* env, size_t block_size,
                                   std::unique_ptr<DB>* db,
                                   std::unique_ptr<DocumentStore>* store) {
  Options options;
  options.env = env;
  options.block_size = block_size;
  DocumentStoreOptions store_options;
  store_options.env = env;
  OpenDocStore(options, store_options, db, store);
}

// The keys (or documents) a find yields, in order (expects the find to
// succeed).
inline std::vector<std::string> FindAll(DocumentStore* store,
                                        std::string_view coll,
                                        const FindRequest& r, bool documents) {
  std::vector<std::string> out;
  auto c = store->Find(coll, r);
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return out;
  while ((*c)->Next()) {
    out.emplace_back(documents ? (*c)->document() : (*c)->key());
  }
  EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
  return out;
}
inline std::vector<std::string> FindKeys(DocumentStore* store,
                                         std::string_view coll,
                                         const FindRequest& r) {
  return FindAll(store, coll, r, /*documents=*/false);
}
inline std::vector<std::string> FindDocs(DocumentStore* store,
                                         std::string_view coll,
                                         const FindRequest& r) {
  return FindAll(store, coll, r, /*documents=*/true);
}

// Explain's JSON ("" after a failed expectation).
inline std::string ExplainText(DocumentStore* store, std::string_view coll,
                               const FindRequest& r) {
  auto e = store->Explain(coll, r);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *e : "";
}

// A store over an in-memory env with a manual clock, reopened on demand.
// Members are public: some suites check it from free functions.
class ClockedDocStoreTest : public ::testing::Test {
 public:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    options_.env = clock_.get();
    Reopen();
  }

  void Reopen() {
    DocumentStoreOptions so;
    so.env = clock_.get();
    OpenDocStore(options_, so, &db_, &store_);
  }

  std::vector<std::string> Find(std::string_view coll, const FindRequest& r) {
    return FindKeys(store_.get(), coll, r);
  }
  std::string Explain(std::string_view coll, const FindRequest& r) {
    return ExplainText(store_.get(), coll, r);
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

}  // namespace strata

#endif  // STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_
