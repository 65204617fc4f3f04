// CompileInfluxRegex: RE2's leading flags groups, refusals and the
// polynomial executor's limits, as a table of pattern, subject, answer.
#include "series/influxql_regex.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::series {
namespace {

using ::testing::HasSubstr;

struct MatchCase {
  const char* pattern;
  const char* subject;
  bool match;
};

TEST(InfluxqlRegexTest, LeadingFlags) {
  const MatchCase cases[] = {
      {"A", "a", false},
      {"(?i)A", "a", true},
      {"(?i)server", "SERVER01", true},
      {"(?i)^a$", "A", true},
      {"^b$", "a\nb", false},
      {"(?m)^b$", "a\nb", true},
      {"(?im)^B$", "a\nb", true},
      {"(?mi)^B$", "a\nb", true},
      {"(?i-m)^B$", "a\nb", false},  // m cleared: ^ is the text's start
      {"(?i-s)a.b", "A\nB", false},  // . never matches a newline
      {"(?-i)A", "a", false},
      {"(?:a)b", "ab", true},  // a group, not flags
      {"x(?i)", "x", false},   // only a leading group is read as flags
  };
  for (const MatchCase& c : cases) {
    auto re = CompileInfluxRegex(c.pattern);
    if (std::string(c.pattern) == "x(?i)") {
      EXPECT_FALSE(re.ok()) << c.pattern;
      continue;
    }
    ASSERT_TRUE(re.ok()) << c.pattern << ": " << re.status();
    EXPECT_EQ(InfluxRegexSearch(**re, c.subject), c.match)
        << c.pattern << " on " << c.subject;
  }
}

TEST(InfluxqlRegexTest, Refusals) {
  const struct {
    std::string pattern;
    const char* message;
  } cases[] = {
      {"(?s)a.b", "flag s in (?s) is not supported"},
      {"(?U)a+", "flag U in (?U) is not supported"},
      {"(?is)a", "flag s in (?is)"},
      {"(?)a", "invalid flags group (?)"},
      {"(?i-)a", "invalid flags group (?i-)"},
      {"(?i-m-s)a", "invalid flags group (?i-m-s)"},
      {"(", "Mismatched '(' and ')'"},
      {"(a)\\1", "back-reference"},  // RE2 has none; never backtrack
      {std::string(kMaxRegexBytes + 1, 'a'), "regex longer than 4096 bytes"},
  };
  for (const auto& c : cases) {
    auto re = CompileInfluxRegex(c.pattern);
    ASSERT_FALSE(re.ok()) << c.pattern;
    EXPECT_EQ(re.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(re.status().message()), HasSubstr(c.message))
        << c.pattern;
  }
}

// The polynomial executor keeps a classic catastrophic pattern fast.
TEST(InfluxqlRegexTest, NoExponentialBacktracking) {
  auto re = CompileInfluxRegex("^(a+)+$");
  ASSERT_TRUE(re.ok()) << re.status();
  const std::string subject = std::string(64, 'a') + "b";
  EXPECT_FALSE(InfluxRegexSearch(**re, subject));
  EXPECT_TRUE(InfluxRegexSearch(**re, std::string(64, 'a')));
}

}  // namespace
}  // namespace strata::series
