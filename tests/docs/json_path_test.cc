// JsonPath validation and path value extraction with MongoDB's traversal
// rules, checking the streaming (On-Demand) and in-memory walkers agree.
#include "docs/json_path.h"

#include "gtest/gtest.h"

namespace strata::docs {
namespace {

TEST(JsonPathTest, ParsesValidPaths) {
  absl::StatusOr<JsonPath> p = JsonPath::Parse("a.b.12.c");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ(p->component(2), "12");
  EXPECT_EQ(p->array_index(2), 12);
  EXPECT_EQ(p->array_index(0), -1);
  EXPECT_EQ(p->dotted(), "a.b.12.c");
  EXPECT_EQ(JsonPath::Parse("a.0")->array_index(1), 0);
  EXPECT_EQ(JsonPath::Parse("a.01")->array_index(1), -1);  // never an index
  EXPECT_TRUE(JsonPath::Parse("_id").ok());
  EXPECT_TRUE(JsonPath::Parse("a b.c$").ok());
}

TEST(JsonPathTest, RejectsInvalidPaths) {
  struct Case {
    std::string path;
    std::string message;
  };
  const Case cases[] = {
      {"", "empty path"},
      {".a", "empty component"},
      {"a.", "empty component"},
      {"a..b", "empty component"},
      {"$a", "starts with '$'"},
      {"a.$b", "starts with '$'"},
      {std::string("a\0b", 3), "NUL byte"},
      {std::string(5000, 'x'), "longer than 4096 bytes"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<JsonPath> p = JsonPath::Parse(c.path);
    ASSERT_FALSE(p.ok()) << c.path;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(p.status().message()).find(c.message),
              std::string::npos)
        << p.status();
  }
  std::string deep = "a";
  for (int i = 0; i < 100; ++i) deep += ".a";
  absl::StatusOr<JsonPath> p = JsonPath::Parse(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(std::string(p.status().message()).find("more than 100 components"),
            std::string::npos);
}

// "v1,v2,[..]*" (* = the array itself) plus " missing" if set.
std::string Render(const PathValues& pv) {
  std::string out;
  for (size_t i = 0; i < pv.values.size(); ++i) {
    if (i > 0) out += ",";
    out += ToJson(pv.values[i].value);
    if (pv.values[i].array_itself) out += "*";
  }
  if (pv.missing) out += " missing";
  return out;
}

struct ResolveCase {
  std::string doc;
  std::string path;
  std::string want;
};

const ResolveCase kResolveCases[] = {
    {R"({"a":1})", "a", "1"},
    {R"({"a":1})", "b", " missing"},
    {R"({"a":{"b":2}})", "a.b", "2"},
    {R"({"a":5})", "a.b", " missing"},
    {R"({"a":null})", "a", "null"},
    {R"({"a":null})", "a.b", " missing"},
    {R"({"a":[1,2]})", "a", "1,2,[1,2]*"},
    {R"({"a":[]})", "a", "[]*"},
    {R"({"a":[{"b":1},{"c":2},3,[{"b":4}]]})", "a.b", "1 missing"},
    {R"({"a":[1,2]})", "a.b", ""},
    {R"({"a":[]})", "a.b", ""},
    {R"({"a":[null]})", "a.b", ""},
    {R"({"a":[10,20]})", "a.1", "20"},
    {R"({"a":[10,20]})", "a.2", ""},
    {R"({"a":[[1,2],[3]]})", "a.0", "[1,2]"},
    {R"({"a":[[1,2],[3]]})", "a", "[1,2],[3],[[1,2],[3]]*"},
    {R"({"a":[[{"b":1}],[{"b":2}]]})", "a.0.b", "1"},
    {R"({"a":[[{"b":1}],[{"b":2}]]})", "a.b", ""},
    {R"({"a":[{"b":1}]})", "a.0.b", "1 missing"},
    {R"({"a":[{"0":"x"},"y"]})", "a.0", "\"x\",{\"0\":\"x\"}"},
    {R"({"a":{"0":7}})", "a.0", "7"},
    {R"({"a":[1,2]})", "a.01", ""},
    {R"({"a":{"b":[{"c":1},{"c":[2,3]}]}})", "a.b.c", "1,2,3,[2,3]*"},
    {R"({"a":[{"b":[{"c":1}]}]})", "a.b.c", "1"},
    {R"({"a":[{"b":[1,[2]]}]})", "a.b", "1,[2],[1,[2]]*"},
    {R"({"\u0061":1})", "a", "1"},
    {R"({"a":1,"a":2})", "a", "1"},
    {R"({"x":{"y":1},"a":{"b":{"c":"deep"}}})", "a.b.c", "\"deep\""},
    {R"({"a":[{"b":{"c":1}},{"b":5}]})", "a.b.c", "1 missing"},
    {R"({"a":[[10,11],[20,21]]})", "a.1.0", "20"},
    {R"({"a":[{"1":"f"},{"x":1}]})", "a.1", "\"f\",{\"x\":1} missing"},
    {R"({"a":[{"1":"f"},{"x":1}]})", "a.1.x", "1 missing"},
};

TEST(JsonPathTest, ResolvesWithMongoTraversal) {
  for (const ResolveCase& c : kResolveCases) {
    absl::StatusOr<JsonValue> doc =
        ParseJson(c.doc, JsonParseOptions{.reject_duplicate_keys = false});
    ASSERT_TRUE(doc.ok()) << doc.status();
    absl::StatusOr<JsonPath> path = JsonPath::Parse(c.path);
    ASSERT_TRUE(path.ok());
    EXPECT_EQ(Render(ResolvePath(*doc, *path)), c.want)
        << c.doc << " " << c.path << " (in memory)";
    PathExtractor ex({*path});
    ASSERT_TRUE(ex.Extract(c.doc).ok());
    EXPECT_EQ(Render(ex.values(0)), c.want)
        << c.doc << " " << c.path << " (streaming)";
  }
}

TEST(JsonPathTest, ManyPathsInOneScanMatchSinglePaths) {
  // Overlapping paths force materialization of shared prefixes.
  std::vector<std::string> dotted = {"a",     "a.b",   "a.b.c", "a.0",
                                     "a.0.b", "a.1.b", "x",     "z.z"};
  for (int i = 0; i < 12; ++i) dotted.push_back("k" + std::to_string(i));
  std::vector<JsonPath> paths;
  for (const std::string& d : dotted) paths.push_back(*JsonPath::Parse(d));
  const char* docs[] = {
      R"({"a":{"b":{"c":1}},"x":2,"k3":[3]})",
      R"({"a":[{"b":1},{"b":{"c":[2]}},[{"b":3}]],"k11":{"q":1}})",
      R"({"x":[1,[2]],"a":[[{"b":9}],{"0":{"b":8}}],"z":{"z":null}})",
      R"({"a":7,"k0":0,"k1":1,"k2":2,"k4":4,"k5":5,"k6":6,"k7":7})",
  };
  PathExtractor many(paths);
  for (const char* d : docs) {
    ASSERT_TRUE(many.Extract(d).ok()) << d;
    absl::StatusOr<JsonValue> doc = ParseJson(d);
    ASSERT_TRUE(doc.ok());
    for (size_t i = 0; i < paths.size(); ++i) {
      EXPECT_EQ(Render(many.values(i)), Render(ResolvePath(*doc, paths[i])))
          << d << " " << dotted[i];
    }
  }
}

TEST(JsonPathTest, ExtractRejectsBadDocuments) {
  PathExtractor ex({*JsonPath::Parse("a.b")});
  struct Case {
    std::string doc;
    std::string message;
  };
  const Case cases[] = {
      {"[1,2]", "document is not a JSON object"},
      {"5", "document is not a JSON object"},
      {R"({"a":{"b":tru}})", "document: malformed JSON at byte offset 10"},
      {R"({"a":{"b":1,})", "malformed JSON"},
      {R"({"a":{"b":"\ud800"}})", "unpaired high surrogate"},
      {"", "empty input"},
  };
  for (const Case& c : cases) {
    absl::Status st = ex.Extract(c.doc);
    ASSERT_FALSE(st.ok()) << c.doc;
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(st.message()).find(c.message), std::string::npos)
        << c.doc << " -> " << st;
  }
  // The extractor stays usable after an error.
  ASSERT_TRUE(ex.Extract(R"({"a":{"b":1}})").ok());
  EXPECT_EQ(Render(ex.values(0)), "1");
}

TEST(JsonPathTest, ExtractPaddedReadsCallerBuffer) {
  std::string buf = R"({"a":{"b":[1,2]}})";
  size_t n = buf.size();
  buf.resize(n + kJsonPadding);
  PathExtractor ex({*JsonPath::Parse("a.b")});
  ASSERT_TRUE(ex.ExtractPadded(std::string_view(buf.data(), n)).ok());
  EXPECT_EQ(Render(ex.values(0)), "1,2,[1,2]*");
}

TEST(JsonPathTest, NonObjectValueMakesEveryPathMissing) {
  PathExtractor ex({*JsonPath::Parse("a"), *JsonPath::Parse("b.c")});
  ex.ExtractFromValue(JsonValue::Int(3));
  EXPECT_EQ(Render(ex.values(0)), " missing");
  EXPECT_EQ(Render(ex.values(1)), " missing");
}

}  // namespace
}  // namespace strata::docs
