// The in-memory sort the find cursor applies, for tests that compare it
// with index order or with MongoDB: documents sorted by a sort spec,
// returned as 1-based input positions (ties keep input order).
#ifndef STRATA_TESTS_DOCS_SORTED_IDS_H_
#define STRATA_TESTS_DOCS_SORTED_IDS_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docs/filter_sort.h"
#include "gtest/gtest.h"

namespace strata {

inline std::vector<int> SortedIds(std::string_view spec_json,
                                  const std::vector<std::string>& docs) {
  auto spec = docs::SortSpec::ParseJsonText(spec_json);
  EXPECT_TRUE(spec.ok()) << spec.status();
  docs::SortKeyExtractor ex(*spec);
  std::vector<std::pair<docs::SortKey, int>> rows;
  for (size_t i = 0; i < docs.size(); ++i) {
    auto key = ex.Extract(docs[i]);
    EXPECT_TRUE(key.ok()) << key.status();
    rows.emplace_back(*key, static_cast<int>(i) + 1);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return docs::CompareSortKeys(*spec, a.first, b.first) < 0;
  });
  std::vector<int> ids;
  for (const auto& r : rows) ids.push_back(r.second);
  return ids;
}

}  // namespace strata

#endif  // STRATA_TESTS_DOCS_SORTED_IDS_H_
