// Document-layer behaviour that tests/compat/mongo_compat.sh found
// missing or different from MongoDB and that was fixed in code owned by
// the compat work (projection parsing); the reference answers are
// MongoDB's.
#include <string>

#include "docs/filter_projection.h"
#include "gtest/gtest.h"

namespace strata::docs {
namespace {

struct ProjectCase {
  const char* spec;
  const char* doc;
  const char* want;  // projected document, or "error: <message>"
};

std::string Project(const ProjectCase& c) {
  absl::StatusOr<Projection> p = Projection::ParseJsonText(c.spec);
  if (!p.ok()) return "error: " + std::string(p.status().message());
  absl::StatusOr<std::string> out = p->Apply(c.doc);
  if (!out.ok()) return "error: " + std::string(out.status().message());
  return *out;
}

// MongoDB 4.4+ reads a nested projection document as dotted paths.
TEST(DocsCompatTest, NestedProjectionDocumentsAreDottedPaths) {
  const ProjectCase cases[] = {
      {R"({"b":{"c":1}})", R"({"_id":1,"a":1,"b":{"c":2,"d":3}})",
       R"({"_id":1,"b":{"c":2}})"},
      {R"({"b":{"c":0}})", R"({"_id":1,"a":1,"b":{"c":2,"d":3}})",
       R"({"_id":1,"a":1,"b":{"d":3}})"},
      {R"({"b":{"c":{"e":1}},"a":true})",
       R"({"_id":1,"a":1,"b":[{"c":{"e":1,"f":2}},{"d":3}]})",
       R"({"_id":1,"a":1,"b":[{"c":{"e":1}},{}]})"},
      {R"({"_id":0,"b":{"c":1,"d":1}})", R"({"_id":1,"b":{"c":2,"d":3,"e":4}})",
       R"({"b":{"c":2,"d":3}})"},
      // The same rules as the dotted form.
      {R"({"b":{"c":1},"a":0})", R"({"_id":1})",
       "error: cannot mix inclusion and exclusion at projection.a"},
      {R"({"b":{"c":1},"b.c":1})", R"({"_id":1})",
       "error: path collision on \"b.c\" at projection.b.c"},
      {R"({"b":{}})", R"({"_id":1})",
       "error: an empty sub-projection is not allowed at projection.b"},
      {R"({"b":{"c":"x"}})", R"({"_id":1})",
       "error: projection values must be 0, 1, true or false, got a string "
       "at projection.b.c"},
      {R"({"b":{"$slice":1}})", R"({"_id":1})",
       "error: projection values must be 0, 1, true or false, got an object "
       "at projection.b"},
      {R"({"b":{"c":{"$elemMatch":{"x":1}}}})", R"({"_id":1})",
       "error: projection values must be 0, 1, true or false, got an object "
       "at projection.b.c"},
  };
  for (const ProjectCase& c : cases) {
    EXPECT_EQ(Project(c), c.want) << c.spec << " on " << c.doc;
  }
}

// Nesting is bounded: 99 levels are a 99-component path (within the
// limit of 100); 120 levels fail with an error instead of recursing on.
TEST(DocsCompatTest, DeepNestedProjectionsAreBounded) {
  auto nested = [](int levels) {
    std::string spec;
    for (int i = 0; i < levels; ++i) spec += "{\"a\":";
    spec += "1";
    for (int i = 0; i < levels; ++i) spec += "}";
    return spec;
  };
  EXPECT_TRUE(Projection::ParseJsonText(nested(99)).ok());
  absl::StatusOr<Projection> p = Projection::ParseJsonText(nested(120));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::docs
