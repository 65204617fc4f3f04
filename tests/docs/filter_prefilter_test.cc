// Matcher::MayMatch, the byte-level prefilter of stored documents: it must
// never reject a document Matches accepts (soundness, checked on a table
// of edge cases and on random documents), and it should reject documents
// lacking a required string (checked on the cases it is meant for).
#include "docs/filter.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "util/random.h"

namespace strata::docs {
namespace {

struct Case {
  const char* filter;
  const char* doc;
  bool may;  // expected MayMatch
};

TEST(FilterPrefilterTest, TableOfCases) {
  const Case cases[] = {
      // Top-level string equality needs the quoted string.
      {R"({"kind":"alert"})", R"({"kind":"alert"})", true},
      {R"({"kind":"alert"})", R"({"kind":"reading"})", false},
      {R"({"kind":"alert"})", R"({"kind":"alerts"})", false},
      {R"({"kind":"alert"})", R"({"alert":1})", true},  // as a name: parse
      {R"({"kind":"alert"})", R"({"tags":["x","alert"]})", true},
      // Escapes anywhere: no byte-level answer.
      {R"({"kind":"alert"})", R"({"kind":"\u0061lert"})", true},
      {R"({"kind":"alert"})", R"({"x":"a\"b","kind":"z"})", true},
      // Conjunctions need every part; $in needs one of its strings.
      {R"({"a":"x","b":"y"})", R"({"a":"x","b":"z"})", false},
      {R"({"a":"x","b":"y"})", R"({"a":"x","b":"y"})", true},
      {R"({"$and":[{"a":"x"},{"b":"y"}]})", R"({"a":"x"})", false},
      {R"({"a":{"$in":["x","y"]}})", R"({"a":"y"})", true},
      {R"({"a":{"$in":["x","y"]}})", R"({"a":"z"})", false},
      // Not narrowing: negations, disjunctions, null, numbers, objects,
      // strings JSON would have to escape.
      {R"({"a":{"$in":["x",null]}})", R"({"b":1})", true},
      {R"({"a":{"$ne":"x"}})", R"({"a":"y"})", true},
      {R"({"$or":[{"a":"x"},{"b":"y"}]})", R"({"c":1})", true},
      {R"({"a":5})", R"({"a":6})", true},
      {R"({"a":{"b":"x"}})", R"({"a":{"b":"y"}})", true},
      {R"({"a":"q\"q"})", R"({"a":"z"})", true},
      {R"({"a":"tab\there"})", R"({"a":"z"})", true},
      // Non-ASCII strings are compared as bytes.
      {R"({"a":"héllo"})", R"({"a":"héllo"})", true},
      {R"({"a":"héllo"})", R"({"a":"hello"})", false},
      {R"({"a":""})", R"({"a":""})", true},
      {R"({"a":""})", R"({"a":"x"})", false},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Filter> f = ParseFilter(c.filter);
    ASSERT_TRUE(f.ok()) << c.filter << ": " << f.status();
    Matcher m(*f);
    EXPECT_EQ(m.MayMatch(c.doc), c.may) << c.filter << " on " << c.doc;
    absl::StatusOr<bool> full = m.Matches(c.doc);
    ASSERT_TRUE(full.ok()) << c.doc;
    if (*full) {
      EXPECT_TRUE(m.MayMatch(c.doc)) << c.filter << " on " << c.doc;
    }
  }
}

// The substring search at every offset and length (its 16-wide blocks and
// the tail), with near misses around it.
TEST(FilterPrefilterTest, FindsTheStringAtEveryOffset) {
  for (const char* want : {"z", "zq", "zqz", "alert"}) {
    absl::StatusOr<Filter> f =
        ParseFilter(absl::StrFormat(R"({"k":"%s"})", want));
    ASSERT_TRUE(f.ok());
    Matcher m(*f);
    const std::string quoted = absl::StrFormat("\"%s\"", want);
    std::string near = quoted;
    near[near.size() / 2] = 'y';  // the same shape, one byte off
    for (size_t pad = 0; pad < 70; ++pad) {
      const std::string fill(pad, 'x');
      const std::string with = "{\"" + fill + "\":" + quoted + "}";
      const std::string without = "{\"" + fill + "\":" + near + "}";
      EXPECT_TRUE(m.MayMatch(with)) << with;
      EXPECT_FALSE(m.MayMatch(without)) << without;
      EXPECT_FALSE(m.MayMatch(with.substr(0, with.size() - 2))) << with;
    }
  }
}

// Random small documents and filters over a few paths and values: every
// document Matches accepts passes MayMatch.
TEST(FilterPrefilterTest, NeverRejectsAMatchingDocument) {
  Random rnd(1234);
  const char* const strs[] = {"a", "b", "ab", "x y", "\\u0061", "é", ""};
  auto value = [&]() -> std::string {
    switch (rnd.Uniform(5)) {
      case 0:
        return absl::StrFormat("\"%s\"", strs[rnd.Uniform(7)]);
      case 1:
        return absl::StrFormat("%d", rnd.Uniform(3));
      case 2:
        return absl::StrFormat(R"(["%s","%s"])", strs[rnd.Uniform(7)],
                               strs[rnd.Uniform(7)]);
      case 3:
        return absl::StrFormat(R"({"k":"%s"})", strs[rnd.Uniform(7)]);
      default:
        return "null";
    }
  };
  const char* const paths[] = {"p", "q", "r.k"};
  auto pred = [&]() -> std::string {
    const char* p = paths[rnd.Uniform(3)];
    const char* s = strs[rnd.Uniform(7)];
    switch (rnd.Uniform(4)) {
      case 0:
        return absl::StrFormat(R"("%s":"%s")", p, s);
      case 1:
        return absl::StrFormat(R"("%s":{"$in":["%s","%s"]})", p, s,
                               strs[rnd.Uniform(7)]);
      case 2:
        return absl::StrFormat(R"("%s":{"$ne":"%s"})", p, s);
      default:
        return absl::StrFormat(R"("%s":%s)", p, value());
    }
  };
  int matched = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string filter = "{" + pred();
    if (rnd.OneIn(2)) filter += "," + pred();
    filter += "}";
    absl::StatusOr<Filter> f = ParseFilter(filter);
    if (!f.ok()) continue;  // e.g. the same path twice
    Matcher m(*f);
    std::string doc =
        absl::StrFormat(R"({"p":%s,"q":%s,"r":%s})", value(), value(), value());
    absl::StatusOr<bool> full = m.Matches(doc);
    ASSERT_TRUE(full.ok()) << doc;
    const bool may = m.MayMatch(doc);
    if (*full) {
      ++matched;
      EXPECT_TRUE(may) << filter << " on " << doc;
    } else if (!may) {
      ++rejected;
    }
  }
  // The generator exercises both sides.
  EXPECT_GT(matched, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace strata::docs
