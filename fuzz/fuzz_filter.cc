// Fuzz target: the document filter parser and matcher (docs/filter.h) and
// the JSON parser under it. The input is parsed as a filter; a parsed
// filter is printed and run against fixed documents and against the input
// itself taken as a document. The input is also parsed as plain JSON.
#include <cstdint>
#include <string>

#include "docs/filter.h"
#include "docs/json_value.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::docs;
  std::string_view text = strata::fuzz::AsView(data, size);
  (void)ParseJson(text);
  auto filter = ParseFilter(text);
  if (!filter.ok()) return 0;
  (void)filter->DebugString();
  Matcher m(*std::move(filter));
  static const char* const kDocs[] = {
      R"({})",
      R"({"a": 1, "b": "x", "c": [1, 2, {"d": null}], "e": {"f": true}})",
      R"({"a": [[1], [2, 3]], "tags": ["x", "y"], "n": -1.5e300})",
      R"({"a": {"b": {"c": {"d": "deep"}}}, "u": 18446744073709551615})",
  };
  for (const char* doc : kDocs) {
    auto r = m.Matches(doc);
    FUZZ_CHECK(r.ok());
  }
  (void)m.Matches(text);
  return 0;
}
