// The recursive-descent InfluxQL parser behind parser.h, split over
// parser.cc (tokens, errors, SHOW/DELETE/DROP), parse_expr.cc
// (expressions) and parse_select.cc (SELECT). Internal: use parser.h.
#ifndef STRATA_SERIES_INFLUXQL_PARSER_INTERNAL_H_
#define STRATA_SERIES_INFLUXQL_PARSER_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "series/influxql/ast.h"
#include "series/influxql/lexer.h"
#include "series/influxql/parser.h"

namespace strata::influxql::internal {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options)
      : text_(text), lexer_(text), options_(options) {}

  // Checks the size limit; call first.
  absl::Status CheckSize() const;

  absl::StatusOr<Query> ParseQuery();
  absl::StatusOr<Statement::Ptr> ParseStatement();
  // A whole expression (WHERE conditions, fields, call arguments).
  absl::StatusOr<Expr::Ptr> ParseExpr() { return ParseExprAt(0); }
  // Requires an optional ';' and then the end of input.
  absl::Status ExpectEnd();

 private:
  // --- tokens (parser.cc)
  const Token& Peek();
  Token Next();
  bool PeekIs(TokenType type) { return Peek().type == type; }
  bool PeekKeyword(std::string_view keyword);
  // True if the next token is an identifier spelled `word` (any case).
  bool PeekIdent(std::string_view word);
  bool Accept(TokenType type);
  bool AcceptKeyword(std::string_view keyword);
  absl::Status Expect(TokenType type);
  absl::Status ExpectKeyword(std::string_view keyword);
  // True if the next token is `type` and touches the previous one, as in
  // mean( or x::tag (InfluxQL does not allow spaces there).
  bool PeekAdjacent(TokenType type);
  // True if a /regex/ starts next (after whitespace only, so "/*" is a
  // regex, as in InfluxDB). Drops any looked-ahead token so the regex can
  // be scanned from there.
  bool PeekRegex();
  // The first character of the next token after whitespace and comments.
  char PeekChar();
  absl::StatusOr<Token> ScanRegex();

  // --- errors (parser.cc)
  // "found X, expected Y at line L, char C", or the lexical error if the
  // token is malformed (unterminated string, bad escape, ...).
  absl::Status Found(const Token& tok, std::string_view expected) const;
  static absl::Status ErrorAt(Pos pos, std::string_view message);

  // --- shared clauses (parser.cc)
  absl::StatusOr<std::string> ParseIdent();
  absl::StatusOr<int64_t> ParseInteger();
  // `LIMIT n`-style clause if `keyword` is next; leaves *out alone if not.
  absl::Status ParseOptionalInt(std::string_view keyword, int64_t* out);
  absl::StatusOr<Measurement> ParseSource();
  absl::StatusOr<Expr::Ptr> ParseOptionalWhere();
  absl::Status RejectOnClause();

  // --- statements
  absl::StatusOr<Statement::Ptr> ParseShow();
  absl::StatusOr<Statement::Ptr> ParseShowMeasurements();
  absl::StatusOr<Statement::Ptr> ParseShowTagKeys();
  absl::StatusOr<Statement::Ptr> ParseShowTagValues();
  absl::StatusOr<Statement::Ptr> ParseShowFieldKeys();
  absl::StatusOr<Statement::Ptr> ParseShowSeries();
  absl::StatusOr<Statement::Ptr> ParseDelete();
  absl::StatusOr<Statement::Ptr> ParseDrop();
  // DELETE/DROP SERIES sources may not name a database (as InfluxDB).
  absl::StatusOr<std::optional<Measurement>> ParseSeriesSource(
      bool allow_retention_policy);

  // --- SELECT (parse_select.cc)
  absl::StatusOr<Statement::Ptr> ParseSelect();
  absl::StatusOr<Field> ParseField();
  absl::Status ValidateField(const Field& field) const;
  absl::Status ParseGroupBy(SelectStatement* stmt);
  absl::Status ParseFill(SelectStatement* stmt);
  absl::Status ParseOrderBy(SelectStatement* stmt);
  absl::Status ValidateSelect(const SelectStatement& stmt) const;

  // --- expressions (parse_expr.cc); `depth` counts nesting, `height` is
  // set to the height of the returned tree.
  absl::StatusOr<Expr::Ptr> ParseExprAt(int depth);
  absl::StatusOr<Expr::Ptr> ParseBinary(int min_precedence, int depth,
                                        int* height);
  absl::StatusOr<Expr::Ptr> ParseUnary(int depth, int* height);
  absl::StatusOr<Expr::Ptr> ParseSigned(const Token& sign, int depth,
                                        int* height);
  absl::StatusOr<Expr::Ptr> ParseCall(const Token& name, int depth,
                                      int* height);
  absl::StatusOr<DataType> ParseTypeHint();
  absl::Status CheckHeight(int height, Pos pos) const;

  std::string_view text_;
  Lexer lexer_;
  const ParseOptions& options_;
  bool has_peek_ = false;
  Token peek_;
  Lexer::State before_peek_;
  size_t last_end_ = 0;  // end offset of the last consumed token
};

}  // namespace strata::influxql::internal

#endif  // STRATA_SERIES_INFLUXQL_PARSER_INTERNAL_H_
