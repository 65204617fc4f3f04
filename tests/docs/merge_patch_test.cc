// JSON Merge Patch: every example of RFC 7396 (section 3 and appendix A),
// plus input errors.
#include "docs/merge_patch.h"

#include "gtest/gtest.h"

namespace strata::docs {
namespace {

TEST(MergePatchTest, Rfc7396AppendixA) {
  struct Case {
    const char* target;
    const char* patch;
    const char* result;
  };
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
       R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = ApplyMergePatch(c.target, c.patch);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.result) << c.target << " + " << c.patch;
  }
}

TEST(MergePatchTest, Rfc7396Section3Example) {
  const char* target = R"({
    "title": "Goodbye!",
    "author" : {
      "givenName" : "John",
      "familyName" : "Doe"
    },
    "tags":[ "example", "sample" ],
    "content": "This will be unchanged"
  })";
  const char* patch = R"({
    "title": "Hello!",
    "phoneNumber": "+01-123-456-7890",
    "author": {
      "familyName": null
    },
    "tags": [ "example" ]
  })";
  absl::StatusOr<std::string> got = ApplyMergePatch(target, patch);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, R"({"title":"Hello!","author":{"givenName":"John"},)"
                  R"("tags":["example"],"content":"This will be unchanged",)"
                  R"("phoneNumber":"+01-123-456-7890"})");
}

TEST(MergePatchTest, KeepsNumbersExact) {
  absl::StatusOr<std::string> got = ApplyMergePatch(
      R"({"n":18446744073709551615,"d":2.0})", R"({"m":-9223372036854775808})");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got,
            R"({"n":18446744073709551615,"d":2.0,"m":-9223372036854775808})");
}

TEST(MergePatchTest, MalformedInputsNameTheirSide) {
  absl::StatusOr<std::string> got = ApplyMergePatch(R"({"a":)", "{}");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(got.status().message()).find("target: malformed JSON"),
            std::string::npos)
      << got.status();
  got = ApplyMergePatch("{}", R"({"a":1,"a":2})");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(std::string(got.status().message())
                .find("patch: malformed JSON at byte offset"),
            std::string::npos)
      << got.status();
  EXPECT_NE(std::string(got.status().message()).find("duplicate key \"a\""),
            std::string::npos);
}

TEST(MergePatchTest, ValueApiEditsInPlace) {
  absl::StatusOr<JsonValue> target = ParseJson(R"({"a":{"b":1},"c":2})");
  absl::StatusOr<JsonValue> patch = ParseJson(R"({"a":{"b":null,"x":[]}})");
  ASSERT_TRUE(target.ok() && patch.ok());
  ApplyMergePatchValue(&*target, *patch);
  EXPECT_EQ(ToJson(*target), R"({"a":{"x":[]},"c":2})");
}

}  // namespace
}  // namespace strata::docs
