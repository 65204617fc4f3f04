// Fixture of the issue-5 acceptance audit tests (docs/acceptance.md): a
// DocumentStore over a MemEnv DB (1 KiB blocks) with an injected clock,
// used only through the public API, plus helpers for keys and explain.
#ifndef STRATA_TESTS_DOCS_AUDIT_DOCS_FIXTURE_H_
#define STRATA_TESTS_DOCS_AUDIT_DOCS_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "docs/doc_store_opener.h"
#include "gtest/gtest.h"
#include "series/audit_support.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/stats.h"

namespace strata::audit {

inline constexpr int64_t kSec = 1'000'000'000;

class AuditDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ =
        std::make_unique<FakeClockEnv>(mem_env_.get(), 1'700'000'000 * kSec);
    options_.env = clock_.get();
    options_.block_size = 256;
    Open();
  }

  void Open() {
    DocumentStoreOptions so;
    so.env = clock_.get();
    OpenDocStore(options_, so, &db_, &store_);
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

inline FindRequest Q(std::string filter) {
  FindRequest r;
  r.filter = std::move(filter);
  return r;
}

// A number member of an explain JSON, or -1.
inline int64_t ExplainNumber(const std::string& e, const std::string& name) {
  size_t p = e.find("\"" + name + "\":");
  if (p == std::string::npos) return -1;
  return std::stoll(e.substr(p + name.size() + 3));
}

}  // namespace strata::audit

#endif  // STRATA_TESTS_DOCS_AUDIT_DOCS_FIXTURE_H_
