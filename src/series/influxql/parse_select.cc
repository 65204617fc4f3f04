// SELECT parsing and validation. Supports the subset Strata executes:
// plain fields, `*`, and the aggregates count, sum, mean, median, min,
// max, first, last, spread, stddev and percentile over one field; GROUP BY
// time(interval[, offset]), tags or *; fill(); ORDER BY time; LIMIT,
// OFFSET, SLIMIT, SOFFSET. Everything else InfluxDB accepts (INTO,
// subqueries, math between fields, tz() other than tz('UTC'), other
// functions) is rejected by name and position.
#include <algorithm>
#include <array>

#include "absl/strings/str_format.h"
#include "series/influxql/parser_internal.h"

namespace strata::influxql::internal {

namespace {

constexpr std::array<std::string_view, 11> kAggregates = {
    "count", "sum",  "mean",   "median", "min",       "max",
    "first", "last", "spread", "stddev", "percentile"};

// Selectors return a real point, so InfluxDB lets one be mixed with plain
// fields (SELECT max(v), host ...).
bool IsSelector(std::string_view name) {
  return name == "min" || name == "max" || name == "first" || name == "last" ||
         name == "percentile";
}

bool IsAggregate(std::string_view name) {
  return std::find(kAggregates.begin(), kAggregates.end(), name) !=
         kAggregates.end();
}

}  // namespace

absl::StatusOr<Statement::Ptr> Parser::ParseSelect() {
  auto stmt = std::make_unique<SelectStatement>();
  do {
    absl::StatusOr<Field> field = ParseField();
    if (!field.ok()) return field.status();
    stmt->fields.push_back(*std::move(field));
  } while (Accept(TokenType::kComma));

  if (PeekKeyword("INTO")) {
    return ErrorAt(Peek().pos, "SELECT INTO is not supported");
  }
  if (absl::Status s = ExpectKeyword("FROM"); !s.ok()) return s;
  absl::StatusOr<Measurement> source = ParseSource();
  if (!source.ok()) return source.status();
  stmt->source = *std::move(source);
  if (PeekIs(TokenType::kComma)) {
    return ErrorAt(Peek().pos, "multiple sources are not supported");
  }

  absl::StatusOr<Expr::Ptr> cond = ParseOptionalWhere();
  if (!cond.ok()) return cond.status();
  stmt->condition = *std::move(cond);

  if (absl::Status s = ParseGroupBy(stmt.get()); !s.ok()) return s;
  if (absl::Status s = ParseFill(stmt.get()); !s.ok()) return s;
  if (absl::Status s = ParseOrderBy(stmt.get()); !s.ok()) return s;
  for (auto [keyword, field] :
       {std::pair{"LIMIT", &stmt->limit}, std::pair{"OFFSET", &stmt->offset},
        std::pair{"SLIMIT", &stmt->slimit},
        std::pair{"SOFFSET", &stmt->soffset}}) {
    if (absl::Status s = ParseOptionalInt(keyword, field); !s.ok()) return s;
  }
  if (PeekIdent("tz")) {
    // tz('UTC') changes nothing (Strata's times are UTC), so it is accepted
    // as InfluxDB accepts it; any other zone would move day buckets and
    // printed offsets, which Strata does not do.
    const Pos pos = Peek().pos;
    absl::StatusOr<Expr::Ptr> tz = ParseExpr();
    if (!tz.ok()) return tz.status();
    const auto* call = (*tz)->As<Call>();
    const StringLiteral* zone =
        call != nullptr && call->name == "tz" && call->args.size() == 1
            ? call->args[0]->As<StringLiteral>()
            : nullptr;
    if (zone == nullptr || zone->value != "UTC") {
      return ErrorAt(pos, "tz() is not supported; times are UTC");
    }
  }
  if (absl::Status s = ValidateSelect(*stmt); !s.ok()) return s;
  return stmt;
}

absl::StatusOr<Field> Parser::ParseField() {
  Field field;
  if (PeekChar() == '/') {
    return ErrorAt(Peek().pos, "regex fields are not supported");
  }
  field.pos = Peek().pos;
  absl::StatusOr<Expr::Ptr> expr = ParseExpr();
  if (!expr.ok()) return expr.status();
  field.expr = *std::move(expr);
  if (absl::Status s = ValidateField(field); !s.ok()) return s;
  if (AcceptKeyword("AS")) {
    absl::StatusOr<std::string> alias = ParseIdent();
    if (!alias.ok()) return alias.status();
    field.alias = *std::move(alias);
  }
  return field;
}

absl::Status Parser::ValidateField(const Field& field) const {
  const Expr& e = *field.expr;
  if (e.As<VarRef>() != nullptr || e.As<Wildcard>() != nullptr) {
    return absl::OkStatus();
  }
  if (const auto* call = e.As<Call>()) {
    if (!IsAggregate(call->name)) {
      return ErrorAt(call->pos,
                     absl::StrFormat("function %s() is not supported",
                                     PrintableForMessage(call->name)));
    }
    const size_t want = call->name == "percentile" ? 2 : 1;
    if (call->args.size() != want) {
      return ErrorAt(call->pos,
                     absl::StrFormat("invalid number of arguments for %s, "
                                     "expected %d, got %d",
                                     call->name, want, call->args.size()));
    }
    const Expr& arg = *call->args[0];
    if (arg.As<VarRef>() == nullptr && arg.As<Wildcard>() == nullptr) {
      return ErrorAt(arg.pos, absl::StrFormat("expected field argument in %s()",
                                              call->name));
    }
    if (want == 2) {
      const Expr& p = *call->args[1];
      if (p.As<IntegerLiteral>() == nullptr &&
          p.As<NumberLiteral>() == nullptr) {
        return ErrorAt(p.pos, "expected number argument in percentile()");
      }
    }
    return absl::OkStatus();
  }
  if (const auto* bin = e.As<BinaryExpr>()) {
    if (IsComparison(bin->op) || bin->op == BinaryOp::kAnd ||
        bin->op == BinaryOp::kOr) {
      return ErrorAt(bin->pos,
                     absl::StrFormat("invalid operator %s in SELECT clause; "
                                     "operator is intended for WHERE clause",
                                     BinaryOpSymbol(bin->op)));
    }
    return ErrorAt(field.pos,
                   absl::StrFormat("math in SELECT is not supported: %s",
                                   PrintableForMessage(e.ToString())));
  }
  return ErrorAt(field.pos,
                 absl::StrFormat("%s in SELECT is not supported; expected a "
                                 "field, * or an aggregate call",
                                 PrintableForMessage(e.ToString())));
}

absl::Status Parser::ParseGroupBy(SelectStatement* stmt) {
  if (!AcceptKeyword("GROUP")) return absl::OkStatus();
  if (absl::Status s = ExpectKeyword("BY"); !s.ok()) return s;
  do {
    if (PeekChar() == '/') {
      return ErrorAt(Peek().pos, "regex dimensions are not supported");
    }
    absl::StatusOr<Expr::Ptr> parsed = ParseExpr();
    if (!parsed.ok()) return parsed.status();
    const Expr& e = **parsed;
    Dimension dim;
    dim.pos = e.pos;
    if (e.As<Wildcard>() != nullptr) {
      dim.kind = Dimension::Kind::kWildcard;
    } else if (const auto* ref = e.As<VarRef>()) {
      if (ref->IsTime()) {
        return ErrorAt(e.pos,
                       "time() is a function and expects at least one "
                       "argument");
      }
      dim.kind = Dimension::Kind::kTag;
      dim.tag = ref->name;
    } else if (const auto* call = e.As<Call>(); call && call->name == "time") {
      if (stmt->GroupByTime() != nullptr) {
        return ErrorAt(e.pos, "multiple time dimensions not allowed");
      }
      if (call->args.empty() || call->args.size() > 2) {
        return ErrorAt(e.pos, "time dimension expected 1 or 2 arguments");
      }
      const auto* interval = call->args[0]->As<DurationLiteral>();
      if (interval == nullptr) {
        return ErrorAt(call->args[0]->pos,
                       "time dimension must have duration argument");
      }
      if (interval->value <= 0) {
        return ErrorAt(interval->pos,
                       "time dimension must have a positive "
                       "duration argument");
      }
      dim.kind = Dimension::Kind::kTime;
      dim.interval = interval->value;
      if (call->args.size() == 2) {
        const auto* offset = call->args[1]->As<DurationLiteral>();
        if (offset == nullptr) {
          return ErrorAt(call->args[1]->pos,
                         "time dimension offset must be a duration");
        }
        dim.offset = offset->value;
      }
    } else {
      return ErrorAt(
          e.pos, absl::StrFormat("%s in GROUP BY is not supported; expected "
                                 "time(...), a tag key or *",
                                 PrintableForMessage(e.ToString())));
    }
    stmt->dimensions.push_back(std::move(dim));
  } while (Accept(TokenType::kComma));
  return absl::OkStatus();
}

absl::Status Parser::ParseFill(SelectStatement* stmt) {
  if (!PeekIdent("fill")) return absl::OkStatus();
  const Pos pos = Peek().pos;
  absl::StatusOr<Expr::Ptr> parsed = ParseExpr();
  if (!parsed.ok()) return parsed.status();
  const auto* call = (*parsed)->As<Call>();
  if (call == nullptr) return ErrorAt(pos, "fill must be a function call");
  if (call->args.size() != 1) {
    return ErrorAt(pos,
                   "fill requires an argument, e.g.: 0, null, none, "
                   "previous, linear");
  }
  const Expr& arg = *call->args[0];
  if (const auto* ref = arg.As<VarRef>();
      ref != nullptr && ref->type == DataType::kUnknown) {
    if (EqualsIgnoreCase(ref->name, "null")) {
      stmt->fill = FillOption::kNull;
      return absl::OkStatus();
    }
    if (EqualsIgnoreCase(ref->name, "none")) {
      stmt->fill = FillOption::kNone;
      return absl::OkStatus();
    }
    if (EqualsIgnoreCase(ref->name, "previous")) {
      stmt->fill = FillOption::kPrevious;
      return absl::OkStatus();
    }
    if (EqualsIgnoreCase(ref->name, "linear")) {
      stmt->fill = FillOption::kLinear;
      return absl::OkStatus();
    }
  }
  if (const auto* i = arg.As<IntegerLiteral>()) {
    stmt->fill = FillOption::kNumber;
    stmt->fill_value = i->value;
    return absl::OkStatus();
  }
  if (const auto* n = arg.As<NumberLiteral>()) {
    stmt->fill = FillOption::kNumber;
    stmt->fill_value = n->value;
    return absl::OkStatus();
  }
  return ErrorAt(arg.pos, "expected number argument in fill()");
}

absl::Status Parser::ParseOrderBy(SelectStatement* stmt) {
  if (!AcceptKeyword("ORDER")) return absl::OkStatus();
  if (absl::Status s = ExpectKeyword("BY"); !s.ok()) return s;
  Token t = Next();
  if (t.type == TokenType::kIdent) {
    if (t.text != "time") {
      return ErrorAt(t.pos, "only ORDER BY time supported at this time");
    }
    t = PeekKeyword("ASC") || PeekKeyword("DESC") ? Next() : Token();
  } else if (!(t.type == TokenType::kKeyword &&
               (t.text == "ASC" || t.text == "DESC"))) {
    return Found(t, "identifier, ASC, DESC");
  }
  stmt->order_specified = true;
  stmt->descending = t.type == TokenType::kKeyword && t.text == "DESC";
  if (PeekIs(TokenType::kComma)) {
    return ErrorAt(Peek().pos, "only ORDER BY time supported at this time");
  }
  return absl::OkStatus();
}

absl::Status Parser::ValidateSelect(const SelectStatement& stmt) const {
  const Call* first_call = nullptr;
  int calls = 0;
  const Field* raw = nullptr;  // first non-time plain field or *
  for (const Field& f : stmt.fields) {
    if (const auto* call = f.expr->As<Call>()) {
      if (first_call == nullptr) first_call = call;
      ++calls;
    } else if (const auto* ref = f.expr->As<VarRef>();
               ref == nullptr || !ref->IsTime()) {
      if (raw == nullptr) raw = &f;
    }
  }
  if (calls == 0 && raw == nullptr) {
    return ErrorAt(stmt.fields[0].pos,
                   "at least 1 non-time field must be queried");
  }
  if (calls > 0 && raw != nullptr &&
      (calls > 1 || !IsSelector(first_call->name))) {
    return ErrorAt(raw->pos,
                   "mixing aggregate and non-aggregate queries is not "
                   "supported");
  }
  if (const Dimension* time = stmt.GroupByTime(); time && calls == 0) {
    return ErrorAt(time->pos,
                   "GROUP BY requires at least one aggregate function");
  }
  return absl::OkStatus();
}

}  // namespace strata::influxql::internal
