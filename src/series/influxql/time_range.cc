// Time-range extraction from WHERE conditions, after InfluxDB 1.x's
// ConditionExpr: walks AND/OR/parentheses, folds the value compared with
// `time` (now(), durations, integers, RFC 3339 strings and arithmetic
// between them) to ns, and intersects the bounds. Never evaluates fields.
#include "series/influxql/time_range.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/influxql/time_literals.h"

namespace strata::influxql {

namespace {

absl::Status ErrorAt(Pos pos, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s at line %d, char %d", message, pos.line, pos.column));
}

absl::Status Incompatible(const Expr& e) {
  return ErrorAt(e.pos, absl::StrFormat(
                            "invalid operation: time and %s are not compatible",
                            PrintableForMessage(e.ToString())));
}

// A folded operand of a time comparison.
struct Value {
  enum class Type { kTime, kDuration, kInteger, kNumber, kString };
  Type type = Type::kInteger;
  int64_t i = 0;  // kTime, kDuration, kInteger
  double d = 0;   // kNumber
  std::string s;  // kString
};

bool IsIntegral(const Value& v) {
  return v.type == Value::Type::kDuration || v.type == Value::Type::kInteger;
}

// Turns a date-like string into a time; other strings stay strings.
absl::Status StringToTime(const Expr& where, Value* v) {
  if (v->type != Value::Type::kString || !LooksLikeTimeString(v->s)) {
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> t = ParseTimeString(v->s);
  if (!t.ok()) return ErrorAt(where.pos, std::string(t.status().message()));
  v->type = Value::Type::kTime;
  v->i = *t;
  return absl::OkStatus();
}

absl::StatusOr<Value> Fold(const Expr& e, int64_t now);

absl::StatusOr<Value> FoldBinary(const BinaryExpr& e, int64_t now) {
  absl::StatusOr<Value> l = Fold(*e.lhs, now);
  if (!l.ok()) return l;
  absl::StatusOr<Value> r = Fold(*e.rhs, now);
  if (!r.ok()) return r;
  using T = Value::Type;
  const BinaryOp op = e.op;
  // '2024-01-01' + 1h: a time string in arithmetic is a time.
  if (op == BinaryOp::kAdd || op == BinaryOp::kSub) {
    if (absl::Status s = StringToTime(*e.lhs, &*l); !s.ok()) return s;
    if (absl::Status s = StringToTime(*e.rhs, &*r); !s.ok()) return s;
  }
  Value out;
  bool overflow = false;
  auto number = [](const Value& v) {
    return v.type == T::kNumber ? v.d : static_cast<double>(v.i);
  };

  if ((l->type == T::kNumber &&
       (r->type == T::kNumber || r->type == T::kInteger)) ||
      (r->type == T::kNumber && l->type == T::kInteger)) {
    out.type = T::kNumber;
    const double a = number(*l), b = number(*r);
    switch (op) {
      case BinaryOp::kAdd:
        out.d = a + b;
        break;
      case BinaryOp::kSub:
        out.d = a - b;
        break;
      case BinaryOp::kMul:
        out.d = a * b;
        break;
      case BinaryOp::kDiv:
        if (b == 0) return ErrorAt(e.pos, "division by zero");
        out.d = a / b;
        break;
      default:
        return Incompatible(e);
    }
    return out;
  }

  if (l->type == T::kTime && r->type == T::kTime && op == BinaryOp::kSub) {
    out.type = T::kDuration;
    overflow = __builtin_sub_overflow(l->i, r->i, &out.i);
  } else if (l->type == T::kTime && IsIntegral(*r) &&
             (op == BinaryOp::kAdd || op == BinaryOp::kSub)) {
    out.type = T::kTime;
    overflow = op == BinaryOp::kAdd
                   ? __builtin_add_overflow(l->i, r->i, &out.i)
                   : __builtin_sub_overflow(l->i, r->i, &out.i);
  } else if (IsIntegral(*l) && r->type == T::kTime && op == BinaryOp::kAdd) {
    out.type = T::kTime;
    overflow = __builtin_add_overflow(l->i, r->i, &out.i);
  } else if (IsIntegral(*l) && IsIntegral(*r)) {
    // Durations and plain integers mix; the result is a duration if
    // either side is one (1h * 2 = 2h), except duration / duration.
    const bool duration = l->type == T::kDuration || r->type == T::kDuration;
    out.type = duration ? T::kDuration : T::kInteger;
    switch (op) {
      case BinaryOp::kAdd:
        overflow = __builtin_add_overflow(l->i, r->i, &out.i);
        break;
      case BinaryOp::kSub:
        overflow = __builtin_sub_overflow(l->i, r->i, &out.i);
        break;
      case BinaryOp::kMul:
        overflow = __builtin_mul_overflow(l->i, r->i, &out.i);
        break;
      case BinaryOp::kDiv:
        if (r->i == 0) return ErrorAt(e.pos, "division by zero");
        if (!duration) {  // InfluxDB divides integers as floats
          out.type = T::kNumber;
          out.d = static_cast<double>(l->i) / static_cast<double>(r->i);
          break;
        }
        if (l->type == T::kDuration && r->type == T::kDuration) {
          out.type = T::kInteger;
        }
        overflow = l->i == INT64_MIN && r->i == -1;
        if (!overflow) out.i = l->i / r->i;
        break;
      default:
        return Incompatible(e);
    }
  } else {
    return Incompatible(e);
  }
  if (overflow) {
    return ErrorAt(e.pos, absl::StrFormat("time arithmetic overflows in %s",
                                          PrintableForMessage(e.ToString())));
  }
  return out;
}

absl::StatusOr<Value> Fold(const Expr& e, int64_t now) {
  Value v;
  switch (e.kind) {
    case ExprKind::kParen:
      return Fold(*e.As<ParenExpr>()->expr, now);
    case ExprKind::kCall: {
      const auto* call = e.As<Call>();
      if (call->name != "now" || !call->args.empty()) return Incompatible(e);
      v.type = Value::Type::kTime;
      v.i = now;
      return v;
    }
    case ExprKind::kInteger:
      v.type = Value::Type::kInteger;
      v.i = e.As<IntegerLiteral>()->value;
      return v;
    case ExprKind::kDuration:
      v.type = Value::Type::kDuration;
      v.i = e.As<DurationLiteral>()->value;
      return v;
    case ExprKind::kNumber:
      v.type = Value::Type::kNumber;
      v.d = e.As<NumberLiteral>()->value;
      return v;
    case ExprKind::kString:
      v.type = Value::Type::kString;
      v.s = e.As<StringLiteral>()->value;
      return v;
    case ExprKind::kBinary:
      return FoldBinary(*e.As<BinaryExpr>(), now);
    default:
      return Incompatible(e);
  }
}

// The ns value compared with time: durations and integers count from the
// epoch, floats are truncated, strings must be time literals.
absl::StatusOr<int64_t> TimeOperand(const Expr& e, int64_t now) {
  absl::StatusOr<Value> v = Fold(e, now);
  if (!v.ok()) return v.status();
  switch (v->type) {
    case Value::Type::kTime:
    case Value::Type::kDuration:
    case Value::Type::kInteger:
      return v->i;
    case Value::Type::kNumber: {
      // 2^63 itself does not fit; the range is [-2^63, 2^63).
      if (!std::isfinite(v->d) || v->d >= 9223372036854775808.0 ||
          v->d < -9223372036854775808.0) {
        return ErrorAt(e.pos,
                       absl::StrFormat("time %s is out of range",
                                       PrintableForMessage(e.ToString())));
      }
      return static_cast<int64_t>(v->d);
    }
    case Value::Type::kString:
      if (absl::Status s = StringToTime(e, &*v); !s.ok()) return s;
      if (v->type != Value::Type::kTime) return Incompatible(e);
      return v->i;
  }
  return Incompatible(e);
}

// Maps `time <op> t` to bounds.
TimeRange RangeFor(BinaryOp op, int64_t t) {
  TimeRange r;
  const TimeRange empty{TimeRange::kUnboundedMax, TimeRange::kUnboundedMin};
  switch (op) {
    case BinaryOp::kGt:
      if (t == TimeRange::kUnboundedMax) return empty;
      r.min = t + 1;
      break;
    case BinaryOp::kGte:
      r.min = t;
      break;
    case BinaryOp::kLt:
      if (t == TimeRange::kUnboundedMin) return empty;
      r.max = t - 1;
      break;
    case BinaryOp::kLte:
      r.max = t;
      break;
    default:  // kEq
      r.min = r.max = t;
      break;
  }
  return r;
}

BinaryOp Flip(BinaryOp op) {
  switch (op) {
    case BinaryOp::kLt:
      return BinaryOp::kGt;
    case BinaryOp::kLte:
      return BinaryOp::kGte;
    case BinaryOp::kGt:
      return BinaryOp::kLt;
    case BinaryOp::kGte:
      return BinaryOp::kLte;
    default:
      return op;
  }
}

bool IsTimeRef(const Expr& e) {
  const auto* ref = e.As<VarRef>();
  return ref != nullptr && ref->IsTime();
}

struct Split {
  Expr::Ptr rest;  // the condition without time comparisons, or nullptr
  TimeRange range;
  bool has_time = false;
};

absl::StatusOr<Split> SplitCondition(const Expr& e, int64_t now,
                                     TimeOrPolicy or_policy) {
  Split out;
  if (const auto* paren = e.As<ParenExpr>()) {
    absl::StatusOr<Split> inner = SplitCondition(*paren->expr, now, or_policy);
    if (!inner.ok()) return inner;
    out = *std::move(inner);
    if (out.rest != nullptr) {
      out.rest = std::make_unique<ParenExpr>(std::move(out.rest), paren->pos);
    }
    return out;
  }
  if (e.As<BooleanLiteral>() != nullptr) {
    out.rest = e.Clone();
    return out;
  }
  const auto* bin = e.As<BinaryExpr>();
  if (bin == nullptr) {
    return ErrorAt(e.pos, absl::StrFormat("invalid condition expression: %s",
                                          PrintableForMessage(e.ToString())));
  }
  if (bin->op == BinaryOp::kAnd || bin->op == BinaryOp::kOr) {
    absl::StatusOr<Split> l = SplitCondition(*bin->lhs, now, or_policy);
    if (!l.ok()) return l;
    absl::StatusOr<Split> r = SplitCondition(*bin->rhs, now, or_policy);
    if (!r.ok()) return r;
    out.has_time = l->has_time || r->has_time;
    if (bin->op == BinaryOp::kOr && out.has_time &&
        or_policy == TimeOrPolicy::kReject) {
      return ErrorAt(bin->pos, "cannot use OR with time conditions");
    }
    // kIntersect: both sides' ranges, even under OR (InfluxDB's rule).
    out.range = l->range;
    out.range.Intersect(r->range);
    if (l->rest == nullptr) {
      out.rest = std::move(r->rest);
    } else if (r->rest == nullptr) {
      out.rest = std::move(l->rest);
    } else {
      out.rest = std::make_unique<BinaryExpr>(bin->op, std::move(l->rest),
                                              std::move(r->rest), bin->pos);
    }
    return out;
  }
  const bool lhs_time = IsTimeRef(*bin->lhs);
  if (!IsComparison(bin->op) || (!lhs_time && !IsTimeRef(*bin->rhs))) {
    out.rest = e.Clone();
    return out;
  }
  if (bin->op == BinaryOp::kNeq || bin->op == BinaryOp::kEqRegex ||
      bin->op == BinaryOp::kNeqRegex) {
    return ErrorAt(bin->pos,
                   absl::StrFormat("invalid time comparison operator: %s",
                                   BinaryOpSymbol(bin->op)));
  }
  const Expr& value = lhs_time ? *bin->rhs : *bin->lhs;
  absl::StatusOr<int64_t> t = TimeOperand(value, now);
  if (!t.ok()) return t.status();
  out.has_time = true;
  out.range = RangeFor(lhs_time ? bin->op : Flip(bin->op), *t);
  return out;
}

}  // namespace

void TimeRange::Intersect(const TimeRange& other) {
  min = std::max(min, other.min);
  max = std::min(max, other.max);
}

std::string TimeRange::ToString() const {
  return absl::StrFormat("[%s, %s]", HasMin() ? FormatRfc3339Nano(min) : "-inf",
                         HasMax() ? FormatRfc3339Nano(max) : "+inf");
}

absl::StatusOr<TimeRange> ExtractTimeRange(const Expr* where, int64_t now_ns,
                                           Expr::Ptr* remaining_condition,
                                           TimeOrPolicy or_policy) {
  if (remaining_condition != nullptr) remaining_condition->reset();
  if (where == nullptr) return TimeRange();
  absl::StatusOr<Split> split = SplitCondition(*where, now_ns, or_policy);
  if (!split.ok()) return split.status();
  if (remaining_condition != nullptr)
    *remaining_condition = std::move(split->rest);
  return split->range;
}

}  // namespace strata::influxql
