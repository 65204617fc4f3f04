// Canonical InfluxQL printing and deep copies for the AST. The output
// follows InfluxDB 1.x's String() methods, except that floats print their
// shortest exact form (InfluxDB rounds to 3 decimals, which loses data).
#include "series/influxql/ast.h"

#include <charconv>

#include "absl/strings/str_format.h"
#include "series/influxql/lexer.h"
#include "series/influxql/time_literals.h"

namespace strata::influxql {

namespace {

void AppendEscaped(std::string* out, std::string_view s, char quote) {
  out->push_back(quote);
  for (char c : s) {
    if (c == '\n') {
      out->append("\\n");
    } else if (c == '\\' || c == quote) {
      out->push_back('\\');
      out->push_back(c);
    } else {
      out->push_back(c);
    }
  }
  out->push_back(quote);
}

void AppendLimits(std::string* out, int64_t limit, int64_t offset) {
  if (limit > 0) absl::StrAppendFormat(out, " LIMIT %d", limit);
  if (offset > 0) absl::StrAppendFormat(out, " OFFSET %d", offset);
}

void AppendSource(std::string* out, const std::optional<Measurement>& m) {
  if (m.has_value()) {
    out->append(" FROM ");
    out->append(m->ToString());
  }
}

void AppendCondition(std::string* out, const Expr::Ptr& cond) {
  if (cond != nullptr) {
    out->append(" WHERE ");
    cond->AppendTo(out);
  }
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  bool bare = !name.empty() && !IsDigit(name[0]) && LookupKeyword(name).empty();
  for (char c : name) bare = bare && IsIdentChar(c);
  if (bare) return std::string(name);
  std::string out;
  AppendEscaped(&out, name, '"');
  return out;
}

std::string QuoteString(std::string_view value) {
  std::string out;
  AppendEscaped(&out, value, '\'');
  return out;
}

std::string_view DataTypeName(DataType t) {
  switch (t) {
    case DataType::kUnknown:
      return "";
    case DataType::kFloat:
      return "float";
    case DataType::kInteger:
      return "integer";
    case DataType::kUnsigned:
      return "unsigned";
    case DataType::kString:
      return "string";
    case DataType::kBoolean:
      return "boolean";
    case DataType::kField:
      return "field";
    case DataType::kTag:
      return "tag";
  }
  return "";
}

std::string_view BinaryOpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kEqRegex:
      return "=~";
    case BinaryOp::kNeqRegex:
      return "!~";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kBitXor:
      return "^";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kBitAnd:
      return "&";
  }
  return "?";
}

int BinaryOpPrecedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kAnd:
      return 2;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kBitOr:
    case BinaryOp::kBitXor:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kBitAnd:
      return 5;
    default:
      return 3;
  }
}

bool IsComparison(BinaryOp op) { return BinaryOpPrecedence(op) == 3; }

// ---------------------------------------------------------------------------
// Expressions

std::string Expr::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

bool VarRef::IsTime() const { return EqualsIgnoreCase(name, "time"); }

void VarRef::AppendTo(std::string* out) const {
  out->append(QuoteIdent(name));
  if (type != DataType::kUnknown) {
    out->append("::");
    out->append(DataTypeName(type));
  }
}
Expr::Ptr VarRef::Clone() const {
  return std::make_unique<VarRef>(name, type, pos);
}

void Wildcard::AppendTo(std::string* out) const {
  out->push_back('*');
  if (type != DataType::kUnknown) {
    out->append("::");
    out->append(DataTypeName(type));
  }
}
Expr::Ptr Wildcard::Clone() const {
  return std::make_unique<Wildcard>(type, pos);
}

void Call::AppendTo(std::string* out) const {
  // A quoted name ("(" or a keyword) must print quoted to parse back.
  out->append(QuoteIdent(name));
  out->push_back('(');
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out->append(", ");
    args[i]->AppendTo(out);
  }
  out->push_back(')');
}
Expr::Ptr Call::Clone() const {
  std::vector<Ptr> copy;
  copy.reserve(args.size());
  for (const Ptr& a : args) copy.push_back(a->Clone());
  return std::make_unique<Call>(name, std::move(copy), pos);
}

void IntegerLiteral::AppendTo(std::string* out) const {
  absl::StrAppendFormat(out, "%d", value);
}
Expr::Ptr IntegerLiteral::Clone() const {
  return std::make_unique<IntegerLiteral>(value, pos);
}

void NumberLiteral::AppendTo(std::string* out) const {
  // Shortest text that reads back to the same double, in fixed notation
  // (InfluxQL has no exponents), always with a '.' so it stays a float.
  char buf[400];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed);
  if (ec != std::errc()) {
    out->append("0.0");  // unreachable for finite doubles
    return;
  }
  std::string_view text(buf, end - buf);
  out->append(text);
  if (text.find('.') == std::string_view::npos) out->append(".0");
}
Expr::Ptr NumberLiteral::Clone() const {
  return std::make_unique<NumberLiteral>(value, pos);
}

void StringLiteral::AppendTo(std::string* out) const {
  AppendEscaped(out, value, '\'');
}
Expr::Ptr StringLiteral::Clone() const {
  return std::make_unique<StringLiteral>(value, pos);
}

void BooleanLiteral::AppendTo(std::string* out) const {
  out->append(value ? "true" : "false");
}
Expr::Ptr BooleanLiteral::Clone() const {
  return std::make_unique<BooleanLiteral>(value, pos);
}

void DurationLiteral::AppendTo(std::string* out) const {
  out->append(FormatDuration(value));
}
Expr::Ptr DurationLiteral::Clone() const {
  return std::make_unique<DurationLiteral>(value, pos);
}

void RegexLiteral::AppendTo(std::string* out) const {
  out->push_back('/');
  for (char c : pattern) {
    if (c == '/') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('/');
}
Expr::Ptr RegexLiteral::Clone() const {
  return std::make_unique<RegexLiteral>(pattern, pos);
}

void BinaryExpr::AppendTo(std::string* out) const {
  lhs->AppendTo(out);
  out->push_back(' ');
  out->append(BinaryOpSymbol(op));
  out->push_back(' ');
  rhs->AppendTo(out);
}
Expr::Ptr BinaryExpr::Clone() const {
  return std::make_unique<BinaryExpr>(op, lhs->Clone(), rhs->Clone(), pos);
}

void ParenExpr::AppendTo(std::string* out) const {
  out->push_back('(');
  expr->AppendTo(out);
  out->push_back(')');
}
Expr::Ptr ParenExpr::Clone() const {
  return std::make_unique<ParenExpr>(expr->Clone(), pos);
}

// ---------------------------------------------------------------------------
// Statement parts

std::string Measurement::ToString() const {
  if (regex.has_value()) return RegexLiteral(*regex).ToString();
  std::string out;
  if (!database.empty()) {
    out.append(QuoteIdent(database));
    out.push_back('.');
  }
  if (!retention_policy.empty()) out.append(QuoteIdent(retention_policy));
  if (!database.empty() || !retention_policy.empty()) out.push_back('.');
  out.append(QuoteIdent(name));
  return out;
}

std::string Field::Name() const {
  if (!alias.empty()) return alias;
  if (const auto* v = expr->As<VarRef>()) return v->name;
  if (const auto* c = expr->As<Call>()) return c->name;
  return expr->ToString();
}

std::string Field::ToString() const {
  std::string out = expr->ToString();
  if (!alias.empty()) {
    out.append(" AS ");
    out.append(QuoteIdent(alias));
  }
  return out;
}

std::string Dimension::ToString() const {
  switch (kind) {
    case Kind::kWildcard:
      return "*";
    case Kind::kTag:
      return QuoteIdent(tag);
    case Kind::kTime:
      if (offset != 0) {
        return absl::StrFormat("time(%s, %s)", FormatDuration(interval),
                               FormatDuration(offset));
      }
      return absl::StrFormat("time(%s)", FormatDuration(interval));
  }
  return "";
}

std::string TagKeyFilter::ToString() const {
  std::string out = "WITH KEY ";
  switch (op) {
    case Op::kEq:
    case Op::kNeq:
      out.append(op == Op::kEq ? "= " : "!= ");
      out.append(QuoteIdent(keys.empty() ? std::string() : keys[0]));
      break;
    case Op::kEqRegex:
    case Op::kNeqRegex:
      out.append(op == Op::kEqRegex ? "=~ " : "!~ ");
      out.append(RegexLiteral(regex).ToString());
      break;
    case Op::kIn:
      out.append("IN (");
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) out.append(", ");
        out.append(QuoteIdent(keys[i]));
      }
      out.push_back(')');
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Statements

const Dimension* SelectStatement::GroupByTime() const {
  for (const Dimension& d : dimensions) {
    if (d.kind == Dimension::Kind::kTime) return &d;
  }
  return nullptr;
}

bool SelectStatement::IsRawQuery() const {
  for (const Field& f : fields) {
    if (f.expr->As<Call>() != nullptr) return false;
  }
  return true;
}

std::string SelectStatement::ToString() const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(fields[i].ToString());
  }
  out.append(" FROM ");
  out.append(source.ToString());
  AppendCondition(&out, condition);
  if (!dimensions.empty()) {
    out.append(" GROUP BY ");
    for (size_t i = 0; i < dimensions.size(); ++i) {
      if (i > 0) out.append(", ");
      out.append(dimensions[i].ToString());
    }
  }
  switch (fill) {
    case FillOption::kNull:
      break;  // the default; InfluxDB omits it too
    case FillOption::kNone:
      out.append(" fill(none)");
      break;
    case FillOption::kPrevious:
      out.append(" fill(previous)");
      break;
    case FillOption::kLinear:
      out.append(" fill(linear)");
      break;
    case FillOption::kNumber:
      out.append(" fill(");
      if (std::holds_alternative<int64_t>(fill_value)) {
        IntegerLiteral(std::get<int64_t>(fill_value)).AppendTo(&out);
      } else {
        NumberLiteral(std::get<double>(fill_value)).AppendTo(&out);
      }
      out.push_back(')');
      break;
  }
  if (order_specified) {
    out.append(descending ? " ORDER BY time DESC" : " ORDER BY time ASC");
  }
  AppendLimits(&out, limit, offset);
  if (slimit > 0) absl::StrAppendFormat(&out, " SLIMIT %d", slimit);
  if (soffset > 0) absl::StrAppendFormat(&out, " SOFFSET %d", soffset);
  return out;
}

std::string ShowMeasurementsStatement::ToString() const {
  std::string out = "SHOW MEASUREMENTS";
  if (with_measurement.has_value()) {
    out.append(with_measurement->regex.has_value() ? " WITH MEASUREMENT =~ "
                                                   : " WITH MEASUREMENT = ");
    out.append(with_measurement->ToString());
  }
  AppendCondition(&out, condition);
  AppendLimits(&out, limit, offset);
  return out;
}

std::string ShowTagKeysStatement::ToString() const {
  std::string out = "SHOW TAG KEYS";
  AppendSource(&out, source);
  AppendCondition(&out, condition);
  AppendLimits(&out, limit, offset);
  if (slimit > 0) absl::StrAppendFormat(&out, " SLIMIT %d", slimit);
  if (soffset > 0) absl::StrAppendFormat(&out, " SOFFSET %d", soffset);
  return out;
}

std::string ShowTagValuesStatement::ToString() const {
  std::string out = "SHOW TAG VALUES";
  AppendSource(&out, source);
  out.push_back(' ');
  out.append(key.ToString());
  AppendCondition(&out, condition);
  AppendLimits(&out, limit, offset);
  return out;
}

std::string ShowFieldKeysStatement::ToString() const {
  std::string out = "SHOW FIELD KEYS";
  AppendSource(&out, source);
  AppendLimits(&out, limit, offset);
  return out;
}

std::string ShowSeriesStatement::ToString() const {
  std::string out = "SHOW SERIES";
  AppendSource(&out, source);
  AppendCondition(&out, condition);
  AppendLimits(&out, limit, offset);
  return out;
}

std::string DeleteStatement::ToString() const {
  std::string out = "DELETE";
  AppendSource(&out, source);
  AppendCondition(&out, condition);
  return out;
}

std::string DropMeasurementStatement::ToString() const {
  return "DROP MEASUREMENT " + QuoteIdent(name);
}

std::string DropSeriesStatement::ToString() const {
  std::string out = "DROP SERIES";
  AppendSource(&out, source);
  AppendCondition(&out, condition);
  return out;
}

std::string Query::ToString() const {
  std::string out;
  for (size_t i = 0; i < statements.size(); ++i) {
    if (i > 0) out.append(";\n");
    out.append(statements[i]->ToString());
  }
  return out;
}

}  // namespace strata::influxql
