// WHERE compilation and evaluation (see exec_condition.h). The compiled
// form is two flat arrays (nodes and operands) so per-row evaluation does
// no allocation; regexes are compiled once per query.
#include "series/exec_condition.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "series/influxql_regex.h"

namespace strata::series {

namespace {

using influxql::BinaryOp;

absl::Status ErrorAt(const influxql::Expr& e, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s at line %d, char %d", what, e.pos.line, e.pos.column));
}

bool IsArithmetic(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kBitAnd:
    case BinaryOp::kBitOr:
    case BinaryOp::kBitXor:
      return true;
    default:
      return false;
  }
}

template <typename T>
bool Ordered(BinaryOp op, const T& a, const T& b) {
  switch (op) {
    case BinaryOp::kEq:
      return a == b;
    case BinaryOp::kNeq:
      return a != b;
    case BinaryOp::kLt:
      return a < b;
    case BinaryOp::kLte:
      return a <= b;
    case BinaryOp::kGt:
      return a > b;
    case BinaryOp::kGte:
      return a >= b;
    default:
      return false;
  }
}

double AsDouble(const Val& v) {
  switch (v.type) {
    case Val::Type::kFloat:
      return v.f;
    case Val::Type::kInt:
      return static_cast<double>(v.i);
    case Val::Type::kUint:
      return static_cast<double>(v.u);
    default:
      return 0;
  }
}

// Integer arithmetic wraps (two's complement), as Go's does.
template <typename T>
Val IntArith(BinaryOp op, T a, T b, Val (*make)(T)) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
    case BinaryOp::kAdd:
      return make(static_cast<T>(static_cast<U>(a) + static_cast<U>(b)));
    case BinaryOp::kSub:
      return make(static_cast<T>(static_cast<U>(a) - static_cast<U>(b)));
    case BinaryOp::kMul:
      return make(static_cast<T>(static_cast<U>(a) * static_cast<U>(b)));
    case BinaryOp::kDiv:
      if (b == 0) return Val();
      return Val::Float(static_cast<double>(a) / static_cast<double>(b));
    case BinaryOp::kMod:
      if (b == 0) return Val();
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return make(0);  // INT64_MIN % -1 traps in C++
      }
      return make(a % b);
    case BinaryOp::kBitAnd:
      return make(a & b);
    case BinaryOp::kBitOr:
      return make(a | b);
    case BinaryOp::kBitXor:
      return make(a ^ b);
    default:
      return Val();
  }
}

Val Arith(BinaryOp op, const Val& a, const Val& b) {
  if (!a.is_number() || !b.is_number()) return Val();
  if (a.type == Val::Type::kInt && b.type == Val::Type::kInt) {
    return IntArith<int64_t>(op, a.i, b.i, &Val::Int);
  }
  if (a.type == Val::Type::kUint && b.type == Val::Type::kUint) {
    return IntArith<uint64_t>(op, a.u, b.u, &Val::Uint);
  }
  const double x = AsDouble(a), y = AsDouble(b);
  switch (op) {
    case BinaryOp::kAdd:
      return Val::Float(x + y);
    case BinaryOp::kSub:
      return Val::Float(x - y);
    case BinaryOp::kMul:
      return Val::Float(x * y);
    case BinaryOp::kDiv:
      return y == 0 ? Val() : Val::Float(x / y);
    case BinaryOp::kMod:
      return y == 0 ? Val() : Val::Float(std::fmod(x, y));
    default:
      return Val();
  }
}

// x truncated toward zero, clamped to [lo, hi] (NaN never reaches here:
// ingest refuses it).
template <typename T>
T TruncateClamped(double x) {
  constexpr double kLo = static_cast<double>(std::numeric_limits<T>::min());
  // 2^63 or 2^64: the first double past the type's maximum.
  constexpr double kPastHi =
      2.0 * static_cast<double>(std::numeric_limits<T>::max() / 2 + 1);
  if (!(x >= kLo)) return std::numeric_limits<T>::min();
  if (x >= kPastHi) return std::numeric_limits<T>::max();
  return static_cast<T>(x);
}

}  // namespace

Val CastNumeric(const Val& v, FieldType to) {
  switch (v.type) {
    case Val::Type::kFloat:
      if (to == FieldType::kInteger) {
        return Val::Int(TruncateClamped<int64_t>(v.f));
      }
      if (to == FieldType::kUnsigned) {
        return Val::Uint(TruncateClamped<uint64_t>(v.f));
      }
      return v;
    case Val::Type::kInt:
      if (to == FieldType::kFloat) return Val::Float(static_cast<double>(v.i));
      if (to == FieldType::kUnsigned)
        return Val::Uint(static_cast<uint64_t>(v.i));
      return v;
    case Val::Type::kUint:
      if (to == FieldType::kFloat) return Val::Float(static_cast<double>(v.u));
      if (to == FieldType::kInteger) return Val::Int(static_cast<int64_t>(v.u));
      return v;
    default:
      return v;
  }
}

bool CompareVals(BinaryOp op, Val a, Val b) {
  // A missing field is null and matches nothing, booleans included:
  // InfluxDB 1.6 does not match `ok = false` or `ok != true` on points
  // without `ok` (its evaluator's nil-to-false cast, influxdb#8267, is not
  // applied to missing fields in WHERE).
  if (a.is_null() || b.is_null()) return false;
  if (a.is_number() && b.is_number()) {
    if (a.type == Val::Type::kInt && b.type == Val::Type::kInt) {
      return Ordered(op, a.i, b.i);
    }
    if (a.type == Val::Type::kUint && b.type == Val::Type::kUint) {
      return Ordered(op, a.u, b.u);
    }
    if (a.type == Val::Type::kFloat || b.type == Val::Type::kFloat) {
      return Ordered(op, AsDouble(a), AsDouble(b));
    }
    // int64 against uint64, exactly: a negative int is below every uint.
    if (a.type == Val::Type::kInt) {
      return a.i < 0 ? Ordered(op, 0, 1) : Ordered(op, uint64_t(a.i), b.u);
    }
    return b.i < 0 ? Ordered(op, 1, 0) : Ordered(op, a.u, uint64_t(b.i));
  }
  if (a.type == Val::Type::kString && b.type == Val::Type::kString) {
    return Ordered(op, a.s, b.s);
  }
  if (a.type == Val::Type::kBool && b.type == Val::Type::kBool) {
    if (op == BinaryOp::kEq) return a.b == b.b;
    if (op == BinaryOp::kNeq) return a.b != b.b;
  }
  return false;
}

absl::StatusOr<Condition> Condition::Compile(
    const influxql::Expr* expr, const FieldResolver& resolve_field,
    const std::vector<std::string>& tag_keys) {
  Condition c;
  c.tag_keys_ = tag_keys;
  c.num_tag_keys_ = tag_keys.size();
  if (expr == nullptr) return c;
  absl::StatusOr<int> root = c.CompileNode(*expr, resolve_field, tag_keys);
  if (!root.ok()) return root.status();
  c.root_ = *root;
  std::sort(c.fields_.begin(), c.fields_.end());
  c.fields_.erase(std::unique(c.fields_.begin(), c.fields_.end()),
                  c.fields_.end());
  return c;
}

absl::StatusOr<int> Condition::CompileNode(
    const influxql::Expr& e, const FieldResolver& resolve_field,
    const std::vector<std::string>& tag_keys) {
  if (const auto* p = e.As<influxql::ParenExpr>()) {
    return CompileNode(*p->expr, resolve_field, tag_keys);
  }
  if (const auto* lit = e.As<influxql::BooleanLiteral>()) {
    Node n;
    n.kind = Node::Kind::kConst;
    n.value = lit->value;
    nodes_.push_back(n);
    return static_cast<int>(nodes_.size() - 1);
  }
  const auto* bin = e.As<influxql::BinaryExpr>();
  if (bin == nullptr || IsArithmetic(bin->op)) {
    return ErrorAt(
        e, absl::StrFormat("invalid condition expression: %s",
                           influxql::PrintableForMessage(e.ToString())));
  }
  Node n;
  if (bin->op == BinaryOp::kAnd || bin->op == BinaryOp::kOr) {
    n.kind = bin->op == BinaryOp::kAnd ? Node::Kind::kAnd : Node::Kind::kOr;
    absl::StatusOr<int> l = CompileNode(*bin->lhs, resolve_field, tag_keys);
    if (!l.ok()) return l.status();
    absl::StatusOr<int> r = CompileNode(*bin->rhs, resolve_field, tag_keys);
    if (!r.ok()) return r.status();
    n.lhs = *l;
    n.rhs = *r;
    n.has_field = nodes_[*l].has_field || nodes_[*r].has_field;
    nodes_.push_back(n);
    return static_cast<int>(nodes_.size() - 1);
  }
  // A comparison.
  n.kind = Node::Kind::kCompare;
  n.op = bin->op;
  const bool regex_op =
      bin->op == BinaryOp::kEqRegex || bin->op == BinaryOp::kNeqRegex;
  const auto* re = bin->rhs->As<influxql::RegexLiteral>();
  if (regex_op != (re != nullptr)) {
    return ErrorAt(e, regex_op ? "expected regular expression after =~ or !~"
                               : "regular expressions compare only with =~ "
                                 "or !~");
  }
  absl::StatusOr<int> l = CompileOperand(*bin->lhs, resolve_field, tag_keys);
  if (!l.ok()) return l.status();
  n.lhs = *l;
  if (regex_op) {
    absl::StatusOr<std::shared_ptr<const std::regex>> compiled =
        CompileInfluxRegex(re->pattern);
    if (!compiled.ok()) {
      return ErrorAt(*re,
                     absl::StrFormat("invalid regular expression /%s/: %s",
                                     influxql::PrintableForMessage(re->pattern),
                                     std::string(compiled.status().message())));
    }
    regexes_.push_back(*std::move(compiled));
    n.regex = static_cast<int>(regexes_.size() - 1);
  } else {
    absl::StatusOr<int> r = CompileOperand(*bin->rhs, resolve_field, tag_keys);
    if (!r.ok()) return r.status();
    n.rhs = *r;
  }
  n.has_field =
      operands_[n.lhs].has_field || (n.rhs >= 0 && operands_[n.rhs].has_field);
  nodes_.push_back(n);
  return static_cast<int>(nodes_.size() - 1);
}

absl::StatusOr<int> Condition::CompileOperand(
    const influxql::Expr& e, const FieldResolver& resolve_field,
    const std::vector<std::string>& tag_keys) {
  if (const auto* p = e.As<influxql::ParenExpr>()) {
    return CompileOperand(*p->expr, resolve_field, tag_keys);
  }
  Operand o;
  if (const auto* ref = e.As<influxql::VarRef>()) {
    const ResolvedField field = ref->type == influxql::DataType::kTag
                                    ? ResolvedField()
                                    : resolve_field(ref->name, ref->type);
    if (field.index >= 0) {
      o.kind = Operand::Kind::kField;
      o.index = field.index;
      o.cast = field.cast;
      o.has_field = true;
      fields_.push_back(field.index);
    } else if (ref->type == influxql::DataType::kTag ||
               ref->type == influxql::DataType::kUnknown) {
      auto it = std::lower_bound(tag_keys.begin(), tag_keys.end(), ref->name);
      if (it != tag_keys.end() && *it == ref->name) {
        o.kind = Operand::Kind::kTag;
        o.index = static_cast<int>(it - tag_keys.begin());
      }
    }
  } else if (const auto* i = e.As<influxql::IntegerLiteral>()) {
    o.kind = Operand::Kind::kLiteral;
    o.literal = Val::Int(i->value);
  } else if (const auto* d = e.As<influxql::DurationLiteral>()) {
    o.kind = Operand::Kind::kLiteral;
    o.literal = Val::Int(d->value);
  } else if (const auto* f = e.As<influxql::NumberLiteral>()) {
    o.kind = Operand::Kind::kLiteral;
    o.literal = Val::Float(f->value);
  } else if (const auto* b = e.As<influxql::BooleanLiteral>()) {
    o.kind = Operand::Kind::kLiteral;
    o.literal = Val::Bool(b->value);
  } else if (const auto* s = e.As<influxql::StringLiteral>()) {
    o.kind = Operand::Kind::kLiteral;
    o.literal.type = Val::Type::kString;  // view set at evaluation
    o.text = s->value;
  } else if (const auto* bin = e.As<influxql::BinaryExpr>();
             bin != nullptr && IsArithmetic(bin->op)) {
    absl::StatusOr<int> l = CompileOperand(*bin->lhs, resolve_field, tag_keys);
    if (!l.ok()) return l.status();
    absl::StatusOr<int> r = CompileOperand(*bin->rhs, resolve_field, tag_keys);
    if (!r.ok()) return r.status();
    o.kind = Operand::Kind::kArith;
    o.op = bin->op;
    o.lhs = *l;
    o.rhs = *r;
    o.has_field = operands_[*l].has_field || operands_[*r].has_field;
  } else {
    return ErrorAt(
        e, absl::StrFormat("unsupported expression in WHERE: %s",
                           influxql::PrintableForMessage(e.ToString())));
  }
  operands_.push_back(std::move(o));
  return static_cast<int>(operands_.size() - 1);
}

Val Condition::EvalOperand(int i, const SeriesBinding& b,
                           const Val* row) const {
  const Operand& o = operands_[i];
  switch (o.kind) {
    case Operand::Kind::kNull:
      return Val();
    case Operand::Kind::kLiteral:
      if (o.literal.type == Val::Type::kString) return Val::String(o.text);
      return o.literal;
    case Operand::Kind::kField:
      if (row == nullptr) return Val();
      return o.cast.has_value() ? CastNumeric(row[o.index], *o.cast)
                                : row[o.index];
    case Operand::Kind::kTag:
      return Val::String(b.tag_values[o.index]);
    case Operand::Kind::kArith:
      return Arith(o.op, EvalOperand(o.lhs, b, row),
                   EvalOperand(o.rhs, b, row));
  }
  return Val();
}

bool Condition::EvalCompare(const Node& n, SeriesBinding* b,
                            const Val* row) const {
  const Val lhs = EvalOperand(n.lhs, *b, row);
  if (n.regex >= 0) {
    if (lhs.type != Val::Type::kString) return false;
    if (lhs.s.size() > kMaxRegexSubject) {
      if (b->error.ok()) {
        b->error = absl::InvalidArgumentError(absl::StrFormat(
            "regular expression matched against a value of %d bytes; at most "
            "%d are supported",
            lhs.s.size(), kMaxRegexSubject));
      }
      return false;
    }
    const bool found = InfluxRegexSearch(*regexes_[n.regex], lhs.s);
    return n.op == BinaryOp::kEqRegex ? found : !found;
  }
  return CompareVals(n.op, lhs, EvalOperand(n.rhs, *b, row));
}

Verdict Condition::Bind(const std::vector<Tag>& tags, SeriesBinding* b) const {
  if (root_ < 0) return Verdict::kAll;
  b->tag_values.assign(num_tag_keys_, std::string_view());
  for (size_t k = 0; k < num_tag_keys_; ++k) {
    for (const Tag& t : tags) {
      if (t.key == tag_keys_[k]) {
        b->tag_values[k] = t.value;
        break;
      }
    }
  }
  b->cached.assign(nodes_.size(), -1);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (n.kind == Node::Kind::kCompare && !n.has_field) {
      b->cached[i] = EvalCompare(n, b, nullptr) ? 1 : 0;
    }
  }
  switch (EvalPartial(root_, *b)) {
    case 0:
      return Verdict::kNone;
    case 1:
      return Verdict::kAll;
    default:
      return Verdict::kRows;
  }
}

int Condition::EvalPartial(int i, const SeriesBinding& b) const {
  const Node& n = nodes_[i];
  switch (n.kind) {
    case Node::Kind::kConst:
      return n.value ? 1 : 0;
    case Node::Kind::kCompare:
      return b.cached[i];
    case Node::Kind::kAnd: {
      const int l = EvalPartial(n.lhs, b);
      if (l == 0) return 0;
      const int r = EvalPartial(n.rhs, b);
      if (r == 0) return 0;
      return l == 1 && r == 1 ? 1 : -1;
    }
    case Node::Kind::kOr: {
      const int l = EvalPartial(n.lhs, b);
      if (l == 1) return 1;
      const int r = EvalPartial(n.rhs, b);
      if (r == 1) return 1;
      return l == 0 && r == 0 ? 0 : -1;
    }
  }
  return -1;
}

bool Condition::EvalNode(int i, SeriesBinding* b, const Val* row) const {
  const Node& n = nodes_[i];
  switch (n.kind) {
    case Node::Kind::kConst:
      return n.value;
    case Node::Kind::kCompare:
      if (b->cached[i] >= 0) return b->cached[i] == 1;
      return EvalCompare(n, b, row);
    case Node::Kind::kAnd:
      return EvalNode(n.lhs, b, row) && EvalNode(n.rhs, b, row);
    case Node::Kind::kOr:
      return EvalNode(n.lhs, b, row) || EvalNode(n.rhs, b, row);
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Condition::RequiredTags()
    const {
  std::vector<std::pair<std::string, std::string>> out;
  if (root_ >= 0) CollectRequiredTags(root_, &out);
  return out;
}

void Condition::CollectRequiredTags(
    int i, std::vector<std::pair<std::string, std::string>>* out) const {
  const Node& n = nodes_[i];
  if (n.kind == Node::Kind::kAnd) {
    CollectRequiredTags(n.lhs, out);
    CollectRequiredTags(n.rhs, out);
    return;
  }
  if (n.kind != Node::Kind::kCompare || n.op != BinaryOp::kEq || n.regex >= 0 ||
      n.rhs < 0) {
    return;
  }
  const Operand* tag = &operands_[n.lhs];
  const Operand* lit = &operands_[n.rhs];
  if (tag->kind != Operand::Kind::kTag) std::swap(tag, lit);
  // "" also matches series without the tag, which the index does not list.
  if (tag->kind != Operand::Kind::kTag ||
      lit->kind != Operand::Kind::kLiteral ||
      lit->literal.type != Val::Type::kString || lit->text.empty()) {
    return;
  }
  out->emplace_back(tag_keys_[tag->index], lit->text);
}

bool Condition::Matches(SeriesBinding* b, const Val* row) const {
  if (root_ < 0) return true;
  return EvalNode(root_, b, row);
}

}  // namespace strata::series
