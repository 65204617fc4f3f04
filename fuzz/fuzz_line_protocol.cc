// Fuzz target: the line protocol parser (series/line_protocol.h). The
// input is parsed in strict and skip-invalid mode with a precision picked
// by the input's length. Properties checked for every parsed point:
//  - its canonical series key parses back to its measurement and tags;
//  - if FormatPoint accepts it, the formatted line parses back to it.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "series/line_protocol.h"

namespace strata::fuzz {
namespace {

void CheckPoint(const ParsedPoint& p) {
  std::string key;
  AppendSeriesKey(p, &key);
  std::string measurement;
  std::vector<Tag> tags;
  FUZZ_CHECK(ParseSeriesKey(key, &measurement, &tags).ok());
  FUZZ_CHECK(measurement == p.measurement);
  FUZZ_CHECK(tags.size() == p.tags.size());
  for (size_t i = 0; i < tags.size(); i++) {
    FUZZ_CHECK(tags[i].key == p.tags[i].key);
    FUZZ_CHECK(tags[i].value == p.tags[i].value);
  }
  Point owned = p.ToPoint();
  std::string line;
  if (!FormatPoint(owned, &line).ok()) return;
  LineProtocolOptions o;
  ParsedBatch back = ParseAll(line, o);
  FUZZ_CHECK(back.error_count == 0);
  FUZZ_CHECK(back.points.size() == 1);
  FUZZ_CHECK(back.points[0] == owned);
}

void Parse(std::string_view input, bool skip, Precision precision) {
  LineProtocolOptions o;
  o.skip_invalid = skip;
  o.precision = precision;
  o.default_time_ns = 1'700'000'000'000'000'000;
  o.max_errors = 16;
  LineProtocolParser parser(input, o);
  ParsedPoint p;
  size_t points = 0;
  while (parser.Next(&p)) {
    FUZZ_CHECK(!p.fields.empty());
    if (points++ < 64) CheckPoint(p);
  }
  if (skip) FUZZ_CHECK(parser.status().ok());
  FUZZ_CHECK(parser.errors().size() <= (skip ? o.max_errors : 1));
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  const Precision precisions[] = {
      Precision::kNanoseconds, Precision::kMicroseconds,
      Precision::kMilliseconds, Precision::kSeconds};
  std::string_view input = AsView(data, size);
  Parse(input, /*skip=*/false, Precision::kNanoseconds);
  Parse(input, /*skip=*/true, precisions[size % 4]);
  return 0;
}
