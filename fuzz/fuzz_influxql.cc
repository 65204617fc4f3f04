// Fuzz target: the InfluxQL parser (series/influxql/parser.h). The input
// is parsed as a query and as an expression. Whatever parses must print
// canonical text (ToString) that parses again and prints the same text,
// as ast.h promises.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "series/influxql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::influxql;
  std::string_view text = strata::fuzz::AsView(data, size);
  auto q = ParseQuery(text);
  if (q.ok()) {
    std::string canonical = q->ToString();
    auto again = ParseQuery(canonical);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->ToString() == canonical);
  }
  auto e = ParseExpr(text);
  if (e.ok()) {
    std::string canonical = (*e)->ToString();
    auto again = ParseExpr(canonical);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK((*again)->ToString() == canonical);
  }
  return 0;
}
