// JSON string escaping: each mode's table of inputs and exact outputs.
#include "util/json_escape.h"

#include <string>

#include "gtest/gtest.h"

namespace strata {
namespace {

struct Case {
  std::string in;
  std::string utf8, replace, go;
};

TEST(JsonEscapeTest, Table) {
  const std::string lsep = "\xE2\x80\xA8";
  const Case cases[] = {
      {"", "\"\"", "\"\"", "\"\""},
      {"plain", "\"plain\"", "\"plain\"", "\"plain\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\""},
      {"\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"", "\"\\n\\r\\t\\b\\f\"",
       "\"\\n\\r\\t\\u0008\\u000c\""},
      {std::string("\x01\x1f\0x", 4), "\"\\u0001\\u001f\\u0000x\"",
       "\"\\u0001\\u001f\\u0000x\"", "\"\\u0001\\u001f\\u0000x\""},
      {"<a&b>", "\"<a&b>\"", "\"<a&b>\"", "\"\\u003ca\\u0026b\\u003e\""},
      {"caf\xC3\xA9", "\"caf\xC3\xA9\"", "\"caf\xC3\xA9\"", "\"caf\xC3\xA9\""},
      {"\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\"", "\"\xF0\x9F\x98\x80\"",
       "\"\xF0\x9F\x98\x80\""},
      {lsep, "\"" + lsep + "\"", "\"" + lsep + "\"", "\"\\u2028\""},
      {"\xE2\x80\xA9", "\"\xE2\x80\xA9\"", "\"\xE2\x80\xA9\"", "\"\\u2029\""},
      // Invalid UTF-8: a lone continuation byte, an overlong form, a
      // surrogate, a truncated sequence.
      {"a\x80z", "\"a\x80z\"", "\"a\\ufffdz\"", "\"a\\ufffdz\""},
      {"\xC0\xAF", "\"\xC0\xAF\"", "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\""},
      {"\xED\xA0\x80", "\"\xED\xA0\x80\"", "\"\\ufffd\\ufffd\\ufffd\"",
       "\"\\ufffd\\ufffd\\ufffd\""},
      {"x\xE2\x82", "\"x\xE2\x82\"", "\"x\\ufffd\\ufffd\"",
       "\"x\\ufffd\\ufffd\""},
  };
  for (const Case& c : cases) {
    std::string utf8, replace, go;
    AppendJsonString(&utf8, c.in, JsonEscape::kUtf8);
    AppendJsonString(&replace, c.in, JsonEscape::kReplaceInvalid);
    AppendJsonString(&go, c.in, JsonEscape::kGo);
    EXPECT_EQ(utf8, c.utf8) << "kUtf8 of " << c.in;
    EXPECT_EQ(replace, c.replace) << "kReplaceInvalid of " << c.in;
    EXPECT_EQ(go, c.go) << "kGo of " << c.in;
    EXPECT_EQ(JsonQuote(c.in), c.replace);
  }
}

TEST(JsonEscapeTest, AppendsWithoutClobbering) {
  std::string out = "[";
  AppendJsonString(&out, "a");
  out += ",";
  AppendJsonString(&out, "b\n");
  EXPECT_EQ(out, "[\"a\",\"b\\n\"");
}

TEST(JsonEscapeTest, Utf8SequenceLength) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80", 0), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80", 0), 0u);  // > U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xE0\x80\x80", 0), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xF8\x80", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xC3", 0), 0u);  // truncated
}

}  // namespace
}  // namespace strata
