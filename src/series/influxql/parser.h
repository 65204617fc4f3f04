// InfluxQL parser entry points: query text -> AST (ast.h). Errors are
// InvalidArgument in InfluxDB 1.x's style, e.g.
//   "found FROM, expected identifier, string, number, bool at line 1, char 8"
// Input size and expression depth are bounded, so no input can exhaust the
// stack or memory.
#ifndef STRATA_SERIES_INFLUXQL_PARSER_H_
#define STRATA_SERIES_INFLUXQL_PARSER_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "series/influxql/ast.h"

namespace strata::influxql {

struct ParseOptions {
  // Longest accepted query text in bytes. Default 1 MiB; must be > 0.
  size_t max_query_bytes = 1 << 20;
  // Deepest nesting of parentheses, function calls and unary signs.
  // Default 256; each level costs a few parser stack frames.
  int max_nesting_depth = 256;
  // Tallest expression tree (a chain of N ANDs is N+1 high). Bounds the
  // recursion of ToString(), Clone() and any evaluator. Default 4096.
  int max_expr_height = 4096;
};

// Parses zero or more statements separated by ';'.
absl::StatusOr<Query> ParseQuery(std::string_view text,
                                 const ParseOptions& options = {});

// Parses exactly one statement (a trailing ';' is allowed).
absl::StatusOr<Statement::Ptr> ParseStatement(std::string_view text,
                                              const ParseOptions& options = {});

// Parses one expression, e.g. a WHERE condition: "host = 'a' AND time > 0".
absl::StatusOr<Expr::Ptr> ParseExpr(std::string_view text,
                                    const ParseOptions& options = {});

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_PARSER_H_
