// InfluxQL parser: entry points, token handling, error messages, and the
// SHOW / DELETE / DROP statements. SELECT lives in parse_select.cc and
// expressions in parse_expr.cc. Grammar and messages follow InfluxDB 1.x
// (github.com/influxdata/influxql), restricted to what Strata executes;
// anything else is rejected with a message saying it is not supported.
#include "series/influxql/parser.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "series/influxql/parser_internal.h"

namespace strata::influxql {

namespace internal {

// ---------------------------------------------------------------------------
// Tokens

const Token& Parser::Peek() {
  if (!has_peek_) {
    before_peek_ = lexer_.state();
    peek_ = lexer_.Scan();
    has_peek_ = true;
  }
  return peek_;
}

Token Parser::Next() {
  Peek();
  has_peek_ = false;
  last_end_ = peek_.end;
  return std::move(peek_);
}

bool Parser::PeekKeyword(std::string_view keyword) {
  const Token& t = Peek();
  return t.type == TokenType::kKeyword && t.text == keyword;
}

bool Parser::PeekIdent(std::string_view word) {
  const Token& t = Peek();
  // Compare the raw text so a quoted "fill" is not the fill() clause.
  return t.type == TokenType::kIdent &&
         EqualsIgnoreCase(text_.substr(t.offset, t.end - t.offset), word);
}

bool Parser::Accept(TokenType type) {
  if (!PeekIs(type)) return false;
  Next();
  return true;
}

bool Parser::AcceptKeyword(std::string_view keyword) {
  if (!PeekKeyword(keyword)) return false;
  Next();
  return true;
}

absl::Status Parser::Expect(TokenType type) {
  Token t = Next();
  if (t.type != type) return Found(t, TokenSymbol(type));
  return absl::OkStatus();
}

absl::Status Parser::ExpectKeyword(std::string_view keyword) {
  Token t = Next();
  if (t.type != TokenType::kKeyword || t.text != keyword) {
    return Found(t, keyword);
  }
  return absl::OkStatus();
}

bool Parser::PeekAdjacent(TokenType type) {
  const Token& t = Peek();
  return t.type == type && t.offset == last_end_;
}

bool Parser::PeekRegex() {
  if (has_peek_) {
    lexer_.Restore(before_peek_);
    has_peek_ = false;
  }
  return lexer_.PeekChar(/*skip_comments=*/false) == '/';
}

char Parser::PeekChar() {
  if (has_peek_) {
    lexer_.Restore(before_peek_);
    has_peek_ = false;
  }
  return lexer_.PeekChar(/*skip_comments=*/true);
}

absl::StatusOr<Token> Parser::ScanRegex() {
  if (has_peek_) {
    lexer_.Restore(before_peek_);
    has_peek_ = false;
  }
  Token t = lexer_.ScanRegex();
  last_end_ = t.end;
  if (t.type != TokenType::kRegex) return Found(t, "regex");
  return t;
}

// ---------------------------------------------------------------------------
// Errors

absl::Status Parser::ErrorAt(Pos pos, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s at line %d, char %d", message, pos.line, pos.column));
}

absl::Status Parser::Found(const Token& tok, std::string_view expected) const {
  switch (tok.type) {
    case TokenType::kBadString:
      return ErrorAt(tok.pos, text_[tok.offset] == '"'
                                  ? "unterminated quoted identifier"
                                  : "unterminated string");
    case TokenType::kBadEscape:
      return ErrorAt(tok.pos, absl::StrFormat("bad escape: %s", tok.text));
    case TokenType::kBadRegex:
      return ErrorAt(tok.pos, "unterminated regex");
    case TokenType::kBadComment:
      return ErrorAt(tok.pos, "unterminated comment");
    default:
      return ErrorAt(tok.pos, absl::StrFormat("found %s, expected %s",
                                              TokenDisplay(tok), expected));
  }
}

absl::Status Parser::CheckSize() const {
  if (options_.max_query_bytes == 0 ||
      text_.size() > options_.max_query_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("query is %d bytes, longer than the limit of %d bytes",
                        text_.size(), options_.max_query_bytes));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Queries and statements

absl::StatusOr<Query> Parser::ParseQuery() {
  Query query;
  bool need_semicolon = false;
  while (true) {
    const Token& t = Peek();
    if (t.type == TokenType::kEof) return query;
    if (t.type == TokenType::kSemicolon) {
      Next();
      need_semicolon = false;
      continue;
    }
    if (need_semicolon) return Found(t, ";");
    absl::StatusOr<Statement::Ptr> stmt = ParseStatement();
    if (!stmt.ok()) return stmt.status();
    query.statements.push_back(*std::move(stmt));
    need_semicolon = true;
  }
}

absl::Status Parser::ExpectEnd() {
  Accept(TokenType::kSemicolon);
  const Token& t = Peek();
  if (t.type != TokenType::kEof) return Found(t, "EOF");
  return absl::OkStatus();
}

absl::StatusOr<Statement::Ptr> Parser::ParseStatement() {
  const Pos pos = Peek().pos;
  absl::StatusOr<Statement::Ptr> stmt;
  if (AcceptKeyword("SELECT")) {
    stmt = ParseSelect();
  } else if (AcceptKeyword("SHOW")) {
    stmt = ParseShow();
  } else if (AcceptKeyword("DELETE")) {
    stmt = ParseDelete();
  } else if (AcceptKeyword("DROP")) {
    stmt = ParseDrop();
  } else {
    return Found(Peek(), "SELECT, DELETE, SHOW, DROP");
  }
  if (stmt.ok()) (*stmt)->pos = pos;
  return stmt;
}

// ---------------------------------------------------------------------------
// Shared clauses

absl::StatusOr<std::string> Parser::ParseIdent() {
  Token t = Next();
  if (t.type != TokenType::kIdent) return Found(t, "identifier");
  return std::move(t.text);
}

absl::StatusOr<int64_t> Parser::ParseInteger() {
  Token t = Next();
  if (t.type != TokenType::kInteger) return Found(t, "integer");
  int64_t v;
  if (!absl::SimpleAtoi(t.text, &v)) {
    return ErrorAt(t.pos, "unable to parse integer");
  }
  return v;
}

absl::Status Parser::ParseOptionalInt(std::string_view keyword, int64_t* out) {
  if (!AcceptKeyword(keyword)) return absl::OkStatus();
  absl::StatusOr<int64_t> v = ParseInteger();
  if (!v.ok()) return v.status();
  *out = *v;
  return absl::OkStatus();
}

absl::StatusOr<Measurement> Parser::ParseSource() {
  Measurement m;
  if (PeekRegex()) {
    absl::StatusOr<Token> re = ScanRegex();
    if (!re.ok()) return re.status();
    m.pos = re->pos;
    m.regex = std::move(re->text);
    return m;
  }
  m.pos = Peek().pos;
  if (PeekIs(TokenType::kLParen)) {
    return ErrorAt(m.pos, "subqueries are not supported");
  }
  // Up to three dot-separated parts: [db.][rp.]name, "db"..name.
  std::vector<std::string> parts;
  absl::StatusOr<std::string> ident = ParseIdent();
  if (!ident.ok()) return ident.status();
  parts.push_back(*std::move(ident));
  while (PeekAdjacent(TokenType::kDot)) {
    Next();
    if (PeekAdjacent(TokenType::kDot)) {
      parts.emplace_back();  // "db"..m: default retention policy
    } else if (PeekRegex()) {
      return ErrorAt(Peek().pos,
                     "regex with a database or retention policy is not "
                     "supported");
    } else {
      ident = ParseIdent();
      if (!ident.ok()) return ident.status();
      parts.push_back(*std::move(ident));
    }
    if (parts.size() > 3) {
      std::string joined;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) joined.push_back('.');
        joined.append(QuoteIdent(parts[i]));
      }
      return ErrorAt(m.pos, absl::StrFormat("too many segments in %s",
                                            PrintableForMessage(joined)));
    }
  }
  m.name = std::move(parts.back());
  if (parts.size() >= 2)
    m.retention_policy = std::move(parts[parts.size() - 2]);
  if (parts.size() == 3) m.database = std::move(parts[0]);
  return m;
}

absl::StatusOr<Expr::Ptr> Parser::ParseOptionalWhere() {
  if (!AcceptKeyword("WHERE")) return Expr::Ptr();
  return ParseExpr();
}

absl::Status Parser::RejectOnClause() {
  if (PeekKeyword("ON")) {
    return ErrorAt(Peek().pos, "ON <database> is not supported");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// SHOW

absl::StatusOr<Statement::Ptr> Parser::ParseShow() {
  if (AcceptKeyword("MEASUREMENTS")) return ParseShowMeasurements();
  if (AcceptKeyword("SERIES")) return ParseShowSeries();
  if (AcceptKeyword("TAG")) {
    if (AcceptKeyword("KEYS")) return ParseShowTagKeys();
    if (AcceptKeyword("VALUES")) return ParseShowTagValues();
    return Found(Peek(), "KEYS, VALUES");
  }
  if (AcceptKeyword("FIELD")) {
    if (absl::Status s = ExpectKeyword("KEYS"); !s.ok()) return s;
    return ParseShowFieldKeys();
  }
  if (PeekKeyword("MEASUREMENT")) {
    return ErrorAt(Peek().pos, "SHOW MEASUREMENT CARDINALITY is not supported");
  }
  return Found(Peek(), "FIELD, MEASUREMENTS, SERIES, TAG");
}

absl::StatusOr<Statement::Ptr> Parser::ParseShowMeasurements() {
  auto stmt = std::make_unique<ShowMeasurementsStatement>();
  if (absl::Status s = RejectOnClause(); !s.ok()) return s;
  if (AcceptKeyword("WITH")) {
    if (absl::Status s = ExpectKeyword("MEASUREMENT"); !s.ok()) return s;
    Token op = Next();
    if (op.type != TokenType::kEq && op.type != TokenType::kEqRegex) {
      return Found(op, "=, =~");
    }
    if (op.type == TokenType::kEqRegex && !PeekRegex()) {
      return Found(Peek(), "regex");
    }
    absl::StatusOr<Measurement> m = ParseSource();
    if (!m.ok()) return m.status();
    stmt->with_measurement = *std::move(m);
  }
  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);
  if (absl::Status s = ParseOptionalInt("LIMIT", &stmt->limit); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseOptionalInt("OFFSET", &stmt->offset); !s.ok()) {
    return s;
  }
  return stmt;
}

absl::StatusOr<Statement::Ptr> Parser::ParseShowTagKeys() {
  auto stmt = std::make_unique<ShowTagKeysStatement>();
  if (absl::Status s = RejectOnClause(); !s.ok()) return s;
  if (AcceptKeyword("FROM")) {
    absl::StatusOr<Measurement> m = ParseSource();
    if (!m.ok()) return m.status();
    stmt->source = *std::move(m);
  }
  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);
  for (auto [keyword, field] :
       {std::pair{"LIMIT", &stmt->limit}, std::pair{"OFFSET", &stmt->offset},
        std::pair{"SLIMIT", &stmt->slimit},
        std::pair{"SOFFSET", &stmt->soffset}}) {
    if (absl::Status s = ParseOptionalInt(keyword, field); !s.ok()) return s;
  }
  return stmt;
}

absl::StatusOr<Statement::Ptr> Parser::ParseShowTagValues() {
  auto stmt = std::make_unique<ShowTagValuesStatement>();
  if (PeekKeyword("CARDINALITY") || PeekKeyword("EXACT")) {
    return ErrorAt(Peek().pos, "SHOW TAG VALUES CARDINALITY is not supported");
  }
  if (absl::Status s = RejectOnClause(); !s.ok()) return s;
  if (AcceptKeyword("FROM")) {
    absl::StatusOr<Measurement> m = ParseSource();
    if (!m.ok()) return m.status();
    stmt->source = *std::move(m);
  }
  if (absl::Status s = ExpectKeyword("WITH"); !s.ok()) return s;
  if (absl::Status s = ExpectKeyword("KEY"); !s.ok()) return s;
  Token op = Next();
  TagKeyFilter& key = stmt->key;
  if (op.type == TokenType::kKeyword && op.text == "IN") {
    key.op = TagKeyFilter::Op::kIn;
    if (absl::Status s = Expect(TokenType::kLParen); !s.ok()) return s;
    do {
      absl::StatusOr<std::string> k = ParseIdent();
      if (!k.ok()) return k.status();
      key.keys.push_back(*std::move(k));
    } while (Accept(TokenType::kComma));
    if (absl::Status s = Expect(TokenType::kRParen); !s.ok()) return s;
  } else if (op.type == TokenType::kEq || op.type == TokenType::kNeq) {
    key.op = op.type == TokenType::kEq ? TagKeyFilter::Op::kEq
                                       : TagKeyFilter::Op::kNeq;
    absl::StatusOr<std::string> k = ParseIdent();
    if (!k.ok()) return k.status();
    key.keys.push_back(*std::move(k));
  } else if (op.type == TokenType::kEqRegex ||
             op.type == TokenType::kNeqRegex) {
    key.op = op.type == TokenType::kEqRegex ? TagKeyFilter::Op::kEqRegex
                                            : TagKeyFilter::Op::kNeqRegex;
    if (!PeekRegex()) return Found(Peek(), "regex");
    absl::StatusOr<Token> re = ScanRegex();
    if (!re.ok()) return re.status();
    key.regex = std::move(re->text);
  } else {
    return Found(op, "IN, =, =~");
  }
  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);
  if (absl::Status s = ParseOptionalInt("LIMIT", &stmt->limit); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseOptionalInt("OFFSET", &stmt->offset); !s.ok()) {
    return s;
  }
  return stmt;
}

absl::StatusOr<Statement::Ptr> Parser::ParseShowFieldKeys() {
  auto stmt = std::make_unique<ShowFieldKeysStatement>();
  if (absl::Status s = RejectOnClause(); !s.ok()) return s;
  if (AcceptKeyword("FROM")) {
    absl::StatusOr<Measurement> m = ParseSource();
    if (!m.ok()) return m.status();
    stmt->source = *std::move(m);
  }
  if (absl::Status s = ParseOptionalInt("LIMIT", &stmt->limit); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseOptionalInt("OFFSET", &stmt->offset); !s.ok()) {
    return s;
  }
  return stmt;
}

absl::StatusOr<Statement::Ptr> Parser::ParseShowSeries() {
  auto stmt = std::make_unique<ShowSeriesStatement>();
  if (PeekKeyword("CARDINALITY") || PeekKeyword("EXACT")) {
    return ErrorAt(Peek().pos, "SHOW SERIES CARDINALITY is not supported");
  }
  if (absl::Status s = RejectOnClause(); !s.ok()) return s;
  if (AcceptKeyword("FROM")) {
    absl::StatusOr<Measurement> m = ParseSource();
    if (!m.ok()) return m.status();
    stmt->source = *std::move(m);
  }
  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);
  if (absl::Status s = ParseOptionalInt("LIMIT", &stmt->limit); !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseOptionalInt("OFFSET", &stmt->offset); !s.ok()) {
    return s;
  }
  return stmt;
}

// ---------------------------------------------------------------------------
// DELETE and DROP

absl::StatusOr<std::optional<Measurement>> Parser::ParseSeriesSource(
    bool allow_retention_policy) {
  if (!AcceptKeyword("FROM")) return std::optional<Measurement>();
  absl::StatusOr<Measurement> m = ParseSource();
  if (!m.ok()) return m.status();
  // They act on the whole database, across retention policies.
  if (!m->database.empty()) return ErrorAt(m->pos, "database not supported");
  if (!allow_retention_policy && !m->retention_policy.empty()) {
    return ErrorAt(m->pos, "retention policy not supported");
  }
  return std::optional<Measurement>(*std::move(m));
}

absl::StatusOr<Statement::Ptr> Parser::ParseDelete() {
  auto stmt = std::make_unique<DeleteStatement>();
  const Token first = Peek();
  absl::StatusOr<std::optional<Measurement>> src = ParseSeriesSource(true);
  if (!src.ok()) return src.status();
  stmt->source = *std::move(src);
  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);
  if (!stmt->source.has_value() && stmt->condition == nullptr) {
    return Found(first, "FROM, WHERE");
  }
  return stmt;
}

absl::StatusOr<Statement::Ptr> Parser::ParseDrop() {
  if (AcceptKeyword("MEASUREMENT")) {
    auto stmt = std::make_unique<DropMeasurementStatement>();
    absl::StatusOr<std::string> name = ParseIdent();
    if (!name.ok()) return name.status();
    stmt->name = *std::move(name);
    return stmt;
  }
  if (AcceptKeyword("SERIES")) {
    auto stmt = std::make_unique<DropSeriesStatement>();
    const Token first = Peek();
    absl::StatusOr<std::optional<Measurement>> src = ParseSeriesSource(false);
    if (!src.ok()) return src.status();
    stmt->source = *std::move(src);
    absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
    if (!cond.ok()) return cond.status();
    stmt->condition = *std::move(cond);
    if (!stmt->source.has_value() && stmt->condition == nullptr) {
      return Found(first, "FROM, WHERE");
    }
    return stmt;
  }
  return Found(Peek(), "MEASUREMENT, SERIES");
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Public entry points

absl::StatusOr<Query> ParseQuery(std::string_view text,
                                 const ParseOptions& options) {
  internal::Parser p(text, options);
  if (absl::Status s = p.CheckSize(); !s.ok()) return s;
  return p.ParseQuery();
}

absl::StatusOr<Statement::Ptr> ParseStatement(std::string_view text,
                                              const ParseOptions& options) {
  internal::Parser p(text, options);
  if (absl::Status s = p.CheckSize(); !s.ok()) return s;
  absl::StatusOr<Statement::Ptr> stmt = p.ParseStatement();
  if (!stmt.ok()) return stmt;
  if (absl::Status s = p.ExpectEnd(); !s.ok()) return s;
  return stmt;
}

absl::StatusOr<Expr::Ptr> ParseExpr(std::string_view text,
                                    const ParseOptions& options) {
  internal::Parser p(text, options);
  if (absl::Status s = p.CheckSize(); !s.ok()) return s;
  absl::StatusOr<Expr::Ptr> expr = p.ParseExpr();
  if (!expr.ok()) return expr;
  if (absl::Status s = p.ExpectEnd(); !s.ok()) return s;
  return expr;
}

}  // namespace strata::influxql
