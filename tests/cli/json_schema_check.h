// A small JSON Schema checker for the CLI tests: the subset of draft
// 2020-12 that schema/*.json use (type, properties, required,
// additionalProperties, min/maxProperties, items, min/maxItems,
// min/maxLength, minimum/maximum, enum, const, $ref into #/$defs). Enough
// to tell whether `strata query --format json` matches
// schema/influx-json.schema.json; unknown keywords are ignored.
#ifndef STRATA_TESTS_CLI_JSON_SCHEMA_CHECK_H_
#define STRATA_TESTS_CLI_JSON_SCHEMA_CHECK_H_

#include <string>
#include <string_view>

#include "simdjson.h"

namespace strata::cli_test {

class JsonSchemaCheck {
 public:
  // Loads the schema file; ok() false (with error()) if it does not parse.
  explicit JsonSchemaCheck(const std::string& schema_path);
  bool ok() const { return load_error_.empty(); }
  const std::string& error() const { return load_error_; }

  // Empty if json parses and matches; else the first violation with its
  // JSON pointer ("/results/0/series: ...").
  std::string Validate(std::string_view json);

 private:
  bool Check(simdjson::dom::element schema, simdjson::dom::element v,
             const std::string& where, std::string* why);
  simdjson::dom::element Resolve(simdjson::dom::element schema);
  bool TypeMatches(std::string_view type, simdjson::dom::element v);

  simdjson::dom::parser schema_parser_;
  simdjson::dom::parser doc_parser_;
  simdjson::dom::element root_;
  std::string load_error_;
};

}  // namespace strata::cli_test

#endif  // STRATA_TESTS_CLI_JSON_SCHEMA_CHECK_H_
