// InfluxQL expression parsing: precedence climbing over binary operators
// (OR < AND < comparisons < + - | ^ < * / % &, all left-associative, as
// InfluxDB), with operands parsed by ParseUnary. Recursion is bounded by
// ParseOptions::max_nesting_depth and tree height by max_expr_height.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "series/influxql/parser_internal.h"
#include "series/influxql/time_literals.h"

namespace strata::influxql::internal {

namespace {

std::optional<BinaryOp> ToBinaryOp(const Token& t) {
  switch (t.type) {
    case TokenType::kKeyword:
      if (t.text == "AND") return BinaryOp::kAnd;
      if (t.text == "OR") return BinaryOp::kOr;
      return std::nullopt;
    case TokenType::kEq:
      return BinaryOp::kEq;
    case TokenType::kNeq:
      return BinaryOp::kNeq;
    case TokenType::kEqRegex:
      return BinaryOp::kEqRegex;
    case TokenType::kNeqRegex:
      return BinaryOp::kNeqRegex;
    case TokenType::kLt:
      return BinaryOp::kLt;
    case TokenType::kLte:
      return BinaryOp::kLte;
    case TokenType::kGt:
      return BinaryOp::kGt;
    case TokenType::kGte:
      return BinaryOp::kGte;
    case TokenType::kAdd:
      return BinaryOp::kAdd;
    case TokenType::kSub:
      return BinaryOp::kSub;
    case TokenType::kMul:
      return BinaryOp::kMul;
    case TokenType::kDiv:
      return BinaryOp::kDiv;
    case TokenType::kMod:
      return BinaryOp::kMod;
    case TokenType::kBitAnd:
      return BinaryOp::kBitAnd;
    case TokenType::kBitOr:
      return BinaryOp::kBitOr;
    case TokenType::kBitXor:
      return BinaryOp::kBitXor;
    default:
      return std::nullopt;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

absl::Status Parser::CheckHeight(int height, Pos pos) const {
  if (height > options_.max_expr_height) {
    return ErrorAt(pos, absl::StrFormat("expression too complex: more than %d "
                                        "levels of operators",
                                        options_.max_expr_height));
  }
  return absl::OkStatus();
}

absl::StatusOr<Expr::Ptr> Parser::ParseExprAt(int depth) {
  int height = 0;
  return ParseBinary(1, depth, &height);
}

absl::StatusOr<Expr::Ptr> Parser::ParseBinary(int min_precedence, int depth,
                                              int* height) {
  int lhs_height = 0;
  absl::StatusOr<Expr::Ptr> lhs = ParseUnary(depth, &lhs_height);
  if (!lhs.ok()) return lhs;
  while (true) {
    std::optional<BinaryOp> op = ToBinaryOp(Peek());
    if (!op.has_value() || BinaryOpPrecedence(*op) < min_precedence) break;
    const Token op_tok = Next();
    Expr::Ptr rhs;
    int rhs_height = 1;
    if (*op == BinaryOp::kEqRegex || *op == BinaryOp::kNeqRegex) {
      // The right side of =~ and !~ must be a /regex/.
      if (!PeekRegex()) return Found(Peek(), "regex");
      absl::StatusOr<Token> re = ScanRegex();
      if (!re.ok()) return re.status();
      rhs = std::make_unique<RegexLiteral>(std::move(re->text), re->pos);
    } else {
      absl::StatusOr<Expr::Ptr> r =
          ParseBinary(BinaryOpPrecedence(*op) + 1, depth, &rhs_height);
      if (!r.ok()) return r;
      rhs = *std::move(r);
    }
    lhs_height = 1 + std::max(lhs_height, rhs_height);
    if (absl::Status s = CheckHeight(lhs_height, op_tok.pos); !s.ok()) {
      return s;
    }
    lhs = std::make_unique<BinaryExpr>(*op, *std::move(lhs), std::move(rhs),
                                       op_tok.pos);
  }
  *height = lhs_height;
  return lhs;
}

absl::StatusOr<DataType> Parser::ParseTypeHint() {
  // Called after an adjacent "::"; the type name must touch it too.
  const bool adjacent = Peek().offset == last_end_;
  Token t = Next();
  static constexpr std::string_view kExpected =
      "float, integer, unsigned, string, boolean, field, tag";
  if (!adjacent) return Found(t, kExpected);
  if (t.type == TokenType::kKeyword) {
    if (t.text == "FIELD") return DataType::kField;
    if (t.text == "TAG") return DataType::kTag;
  } else if (t.type == TokenType::kIdent) {
    std::string name = Lower(t.text);
    if (name == "float") return DataType::kFloat;
    if (name == "integer") return DataType::kInteger;
    if (name == "unsigned") return DataType::kUnsigned;
    if (name == "string") return DataType::kString;
    if (name == "boolean") return DataType::kBoolean;
  }
  return Found(t, kExpected);
}

absl::StatusOr<Expr::Ptr> Parser::ParseUnary(int depth, int* height) {
  if (depth > options_.max_nesting_depth) {
    return ErrorAt(Peek().pos,
                   absl::StrFormat("expression nested too deeply: more than "
                                   "%d levels",
                                   options_.max_nesting_depth));
  }
  *height = 1;
  Token tok = Next();
  switch (tok.type) {
    case TokenType::kLParen: {
      int inner_height = 0;
      absl::StatusOr<Expr::Ptr> inner =
          ParseBinary(1, depth + 1, &inner_height);
      if (!inner.ok()) return inner;
      if (absl::Status s = Expect(TokenType::kRParen); !s.ok()) return s;
      *height = inner_height + 1;
      if (absl::Status s = CheckHeight(*height, tok.pos); !s.ok()) return s;
      return std::make_unique<ParenExpr>(*std::move(inner), tok.pos);
    }
    case TokenType::kIdent: {
      if (PeekAdjacent(TokenType::kLParen)) {
        Next();
        return ParseCall(tok, depth + 1, height);
      }
      DataType type = DataType::kUnknown;
      if (PeekAdjacent(TokenType::kDoubleColon)) {
        Next();
        absl::StatusOr<DataType> t = ParseTypeHint();
        if (!t.ok()) return t.status();
        type = *t;
      }
      return std::make_unique<VarRef>(std::move(tok.text), type, tok.pos);
    }
    case TokenType::kKeyword:
      if (tok.text == "TRUE" || tok.text == "FALSE") {
        return std::make_unique<BooleanLiteral>(tok.text == "TRUE", tok.pos);
      }
      break;
    case TokenType::kString:
      return std::make_unique<StringLiteral>(std::move(tok.text), tok.pos);
    case TokenType::kInteger: {
      int64_t v;
      if (!absl::SimpleAtoi(tok.text, &v)) {
        return ErrorAt(tok.pos, "unable to parse integer");
      }
      return std::make_unique<IntegerLiteral>(v, tok.pos);
    }
    case TokenType::kNumber: {
      double v = 0;
      auto [ptr, ec] = std::from_chars(tok.text.data(),
                                       tok.text.data() + tok.text.size(), v);
      if (ec != std::errc() || ptr != tok.text.data() + tok.text.size() ||
          !std::isfinite(v)) {
        return ErrorAt(tok.pos, "unable to parse number");
      }
      return std::make_unique<NumberLiteral>(v, tok.pos);
    }
    case TokenType::kDuration: {
      absl::StatusOr<int64_t> d = ParseDuration(tok.text);
      if (!d.ok()) return ErrorAt(tok.pos, std::string(d.status().message()));
      return std::make_unique<DurationLiteral>(*d, tok.pos);
    }
    case TokenType::kMul: {
      DataType type = DataType::kUnknown;
      if (PeekAdjacent(TokenType::kDoubleColon)) {
        Next();
        const Token& t = Peek();
        if (t.offset != last_end_ ||
            !(t.type == TokenType::kKeyword &&
              (t.text == "FIELD" || t.text == "TAG"))) {
          return Found(t, "field, tag");
        }
        type = Next().text == "FIELD" ? DataType::kField : DataType::kTag;
      }
      return std::make_unique<Wildcard>(type, tok.pos);
    }
    case TokenType::kAdd:
    case TokenType::kSub:
      return ParseSigned(tok, depth + 1, height);
    default:
      break;
  }
  return Found(tok, "identifier, string, number, bool");
}

absl::StatusOr<Expr::Ptr> Parser::ParseSigned(const Token& sign, int depth,
                                              int* height) {
  const bool negative = sign.type == TokenType::kSub;
  const Token& next = Peek();
  switch (next.type) {
    case TokenType::kInteger:
      if (negative) {
        // Parse "-digits" whole so -9223372036854775808 fits in int64.
        Token t = Next();
        int64_t v;
        if (!absl::SimpleAtoi("-" + t.text, &v)) {
          return ErrorAt(t.pos, "unable to parse integer");
        }
        return std::make_unique<IntegerLiteral>(v, sign.pos);
      }
      [[fallthrough]];
    case TokenType::kNumber:
    case TokenType::kDuration:
    case TokenType::kLParen:
    case TokenType::kIdent:
      break;
    default:
      return Found(next, "identifier, number, duration, (");
  }
  int operand_height = 0;
  absl::StatusOr<Expr::Ptr> operand = ParseUnary(depth, &operand_height);
  if (!operand.ok()) return operand;
  Expr& e = **operand;
  e.pos = sign.pos;
  if (auto* n = e.As<NumberLiteral>()) {
    if (negative) n->value = -n->value;
    return operand;
  }
  if (e.As<IntegerLiteral>() != nullptr) {
    return operand;  // only +<integer> gets here
  }
  if (auto* d = e.As<DurationLiteral>()) {
    if (negative) d->value = -d->value;
    return operand;
  }
  // A signed field, call or parenthesis becomes (+/-1) * operand, as in
  // InfluxDB, so it prints as "-1 * x".
  *height = operand_height + 1;
  if (absl::Status s = CheckHeight(*height, sign.pos); !s.ok()) return s;
  return std::make_unique<BinaryExpr>(
      BinaryOp::kMul,
      std::make_unique<IntegerLiteral>(negative ? -1 : 1, sign.pos),
      *std::move(operand), sign.pos);
}

absl::StatusOr<Expr::Ptr> Parser::ParseCall(const Token& name, int depth,
                                            int* height) {
  std::vector<Expr::Ptr> args;
  int max_arg_height = 0;
  if (!Accept(TokenType::kRParen)) {
    do {
      int arg_height = 0;
      absl::StatusOr<Expr::Ptr> arg = ParseBinary(1, depth, &arg_height);
      if (!arg.ok()) return arg;
      args.push_back(*std::move(arg));
      max_arg_height = std::max(max_arg_height, arg_height);
    } while (Accept(TokenType::kComma));
    if (absl::Status s = Expect(TokenType::kRParen); !s.ok()) return s;
  }
  *height = max_arg_height + 1;
  if (absl::Status s = CheckHeight(*height, name.pos); !s.ok()) return s;
  return std::make_unique<Call>(Lower(name.text), std::move(args), name.pos);
}

}  // namespace strata::influxql::internal
