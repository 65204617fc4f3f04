// The set-up every document-store test repeats: a DB at "/db" and a
// DocumentStore over it, replacing any open pair (the store first: it
// uses the DB). Fatal gtest failures if either does not open.
#ifndef STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_
#define STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_

#include <memory>

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

}  // namespace strata

#endif  // STRATA_TESTS_DOCS_DOC_STORE_OPENER_H_
