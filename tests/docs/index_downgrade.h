// Test helper: turns an index back into an older key version through the
// raw DB, as a store written by an older release would have left it, so
// suites can check the conversion on open.
#ifndef STRATA_TESTS_DOCS_INDEX_DOWNGRADE_H_
#define STRATA_TESTS_DOCS_INDEX_DOWNGRADE_H_

#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "docs/catalog.h"
#include "docs/doc_keys.h"
#include "docs/index_key.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/docs.h"

namespace strata {

// Rewrites index `spec` of `coll` to key version `version` (1 or 2):
// empty-array components become null (merging duplicates, as those
// versions wrote one null entry), version 1 also moves the booleans
// (0x60/0x61); the definition loses (1) or lowers (2) its key_version.
// Returns how many entries changed; -1 after a failed expectation.
inline int DowngradeIndex(DB* db, std::string_view coll, const IndexSpec& spec,
                          int version) {
  const std::string prefix = docs::IndexPrefix(coll, spec.name);
  WriteBatch b;
  int rewritten = 0;
  auto it = db->NewIterator(ReadOptions(),
                            ScanRange{prefix, docs::PrefixEnd(prefix)});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key(it->key());
    std::string old = key;
    for (size_t i = prefix.size(); i < old.size();) {
      size_t len = docs::IndexComponentSize(std::string_view(old).substr(i));
      EXPECT_GT(len, 0u);
      if (len == 0) return -1;
      if (old[i] == '\x08') old[i] = '\x10';
      if (version == 1 && old[i] == '\x18') old[i] = '\x60';
      if (version == 1 && old[i] == '\x19') old[i] = '\x61';
      i += len;
    }
    if (old == key) continue;
    ++rewritten;
    b.Delete(key, it->timestamp());
    b.Put(old, it->timestamp(), it->value(), Expiry::At(it->expire_at()));
  }
  EXPECT_TRUE(it->status().ok());
  it.reset();
  std::string def = docs::IndexDefJson(spec, true);
  const std::string member =
      absl::StrFormat("\"key_version\":%d", docs::kIndexKeyVersion);
  EXPECT_NE(def.find(member), std::string::npos);
  if (def.find(member) == std::string::npos) return -1;
  if (version == 1) {
    def.erase(def.find(member), member.size() + 1);  // and its comma
  } else {
    def.replace(def.find(member), member.size(),
                absl::StrFormat("\"key_version\":%d", version));
  }
  b.Put(docs::IndexDefKey(coll, spec.name), 0, def, Expiry::Never());
  EXPECT_TRUE(db->Write(WriteOptions(), b).ok());
  return rewritten;
}

}  // namespace strata

#endif  // STRATA_TESTS_DOCS_INDEX_DOWNGRADE_H_
