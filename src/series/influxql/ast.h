// InfluxQL abstract syntax tree: plain structs owning their children
// through std::unique_ptr. Every node prints canonical InfluxQL with
// ToString(), which parses back to an equal tree. Durations and times are
// int64 nanoseconds. Nodes keep the position they were parsed from so an
// executor can name the place in its own errors.
#ifndef STRATA_SERIES_INFLUXQL_AST_H_
#define STRATA_SERIES_INFLUXQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "series/influxql/token.h"

namespace strata::influxql {

// ---------------------------------------------------------------------------
// Expressions

enum class ExprKind {
  kVarRef,
  kWildcard,
  kCall,
  kInteger,
  kNumber,
  kString,
  kBoolean,
  kDuration,
  kRegex,
  kBinary,
  kParen,
};

struct Expr {
  using Ptr = std::unique_ptr<Expr>;

  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  std::string ToString() const;
  virtual void AppendTo(std::string* out) const = 0;
  virtual Ptr Clone() const = 0;

  // The node as T if it is one, else nullptr.
  template <typename T>
  const T* As() const {
    return kind == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
  template <typename T>
  T* As() {
    return kind == T::kKind ? static_cast<T*>(this) : nullptr;
  }

  const ExprKind kind;
  Pos pos;

 protected:
  Expr(ExprKind k, Pos p) : kind(k), pos(p) {}
};

// Type hint written as `name::type`.
enum class DataType {
  kUnknown,
  kFloat,
  kInteger,
  kUnsigned,
  kString,
  kBoolean,
  kField,  // any field
  kTag,
};
std::string_view DataTypeName(DataType t);  // "float", ..., "" for unknown

// A field, tag or `time`, by name.
struct VarRef final : Expr {
  static constexpr ExprKind kKind = ExprKind::kVarRef;
  explicit VarRef(std::string n, DataType t = DataType::kUnknown, Pos p = {})
      : Expr(kKind, p), name(std::move(n)), type(t) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  // True for the special `time` column (any case, as InfluxDB).
  bool IsTime() const;

  std::string name;
  DataType type;
};

// `*`, `*::field` or `*::tag`.
struct Wildcard final : Expr {
  static constexpr ExprKind kKind = ExprKind::kWildcard;
  explicit Wildcard(DataType t = DataType::kUnknown, Pos p = {})
      : Expr(kKind, p), type(t) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;

  DataType type;  // kUnknown, kField or kTag
};

// A function call; the name is lower-cased (mean, count, now, time, ...).
struct Call final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCall;
  Call(std::string n, std::vector<Ptr> a, Pos p = {})
      : Expr(kKind, p), name(std::move(n)), args(std::move(a)) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;

  std::string name;
  std::vector<Ptr> args;
};

struct IntegerLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kInteger;
  explicit IntegerLiteral(int64_t v, Pos p = {}) : Expr(kKind, p), value(v) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  int64_t value;
};

struct NumberLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kNumber;
  explicit NumberLiteral(double v, Pos p = {}) : Expr(kKind, p), value(v) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  double value;  // always finite
};

// A 'single-quoted' string; also how time literals appear before
// ExtractTimeRange converts them.
struct StringLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kString;
  explicit StringLiteral(std::string v, Pos p = {})
      : Expr(kKind, p), value(std::move(v)) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  std::string value;
};

struct BooleanLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBoolean;
  explicit BooleanLiteral(bool v, Pos p = {}) : Expr(kKind, p), value(v) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  bool value;
};

struct DurationLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kDuration;
  explicit DurationLiteral(int64_t ns, Pos p = {})
      : Expr(kKind, p), value(ns) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  int64_t value;  // nanoseconds
};

// A /regex/. The pattern is kept as written (with `\/` unescaped to `/`)
// and is not compiled here: the executor picks the regex engine.
struct RegexLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kRegex;
  explicit RegexLiteral(std::string pat, Pos p = {})
      : Expr(kKind, p), pattern(std::move(pat)) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  std::string pattern;
};

enum class BinaryOp {
  kOr,
  kAnd,
  kEq,
  kNeq,
  kEqRegex,
  kNeqRegex,
  kLt,
  kLte,
  kGt,
  kGte,
  kAdd,
  kSub,
  kBitOr,
  kBitXor,
  kMul,
  kDiv,
  kMod,
  kBitAnd,
};
std::string_view BinaryOpSymbol(BinaryOp op);  // "AND", "=~", "+", ...
// InfluxQL precedence: OR 1, AND 2, comparisons 3, + - | ^ 4, * / % & 5.
int BinaryOpPrecedence(BinaryOp op);
bool IsComparison(BinaryOp op);  // = != =~ !~ < <= > >=

struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  BinaryExpr(BinaryOp o, Ptr l, Ptr r, Pos p = {})
      : Expr(kKind, p), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;

  BinaryOp op;
  Ptr lhs;
  Ptr rhs;
};

struct ParenExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kParen;
  explicit ParenExpr(Ptr e, Pos p = {}) : Expr(kKind, p), expr(std::move(e)) {}
  void AppendTo(std::string* out) const override;
  Ptr Clone() const override;
  Ptr expr;
};

// ---------------------------------------------------------------------------
// Statement parts

// FROM target: `m`, `rp.m`, `"db"."rp"."m"`, `"db"..m` or `/regex/`.
// Executors that have no databases or retention policies use `name` (or
// `regex`) and may ignore the other parts.
struct Measurement {
  std::string database;
  std::string retention_policy;
  std::string name;
  std::optional<std::string> regex;  // set for FROM /regex/
  Pos pos;

  std::string ToString() const;
};

// One SELECT column: `expr [AS alias]`.
struct Field {
  Expr::Ptr expr;
  std::string alias;  // empty if none
  Pos pos;

  // The alias, else the column name InfluxDB would give: the field name,
  // or the aggregate's name ("mean" for mean(value)).
  std::string Name() const;
  std::string ToString() const;
};

// One GROUP BY item: time(interval[, offset]), a tag, or `*`.
struct Dimension {
  enum class Kind { kTime, kTag, kWildcard };
  Kind kind = Kind::kTag;
  int64_t interval = 0;  // kTime: bucket width in ns, > 0
  int64_t offset = 0;    // kTime: bucket offset in ns (may be negative)
  std::string tag;       // kTag
  Pos pos;

  std::string ToString() const;
};

enum class FillOption { kNull, kNone, kPrevious, kLinear, kNumber };

// SHOW TAG VALUES ... WITH KEY <op> ...
struct TagKeyFilter {
  enum class Op { kEq, kNeq, kEqRegex, kNeqRegex, kIn };
  Op op = Op::kEq;
  std::vector<std::string> keys;  // kEq/kNeq: one key; kIn: one or more
  std::string regex;              // kEqRegex/kNeqRegex

  std::string ToString() const;
};

// ---------------------------------------------------------------------------
// Statements

enum class StatementKind {
  kSelect,
  kShowMeasurements,
  kShowTagKeys,
  kShowTagValues,
  kShowFieldKeys,
  kShowSeries,
  kDelete,
  kDropMeasurement,
  kDropSeries,
};

struct Statement {
  using Ptr = std::unique_ptr<Statement>;

  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  virtual std::string ToString() const = 0;

  template <typename T>
  const T* As() const {
    return kind == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
  template <typename T>
  T* As() {
    return kind == T::kKind ? static_cast<T*>(this) : nullptr;
  }

  const StatementKind kind;
  Pos pos;

 protected:
  explicit Statement(StatementKind k) : kind(k) {}
};

struct SelectStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kSelect;
  SelectStatement() : Statement(kKind) {}
  std::string ToString() const override;

  // The GROUP BY time(...) dimension, or nullptr.
  const Dimension* GroupByTime() const;
  // True if no field is an aggregate call (a raw-points query).
  bool IsRawQuery() const;

  std::vector<Field> fields;
  Measurement source;
  Expr::Ptr condition;  // WHERE, or nullptr
  std::vector<Dimension> dimensions;
  FillOption fill = FillOption::kNull;
  std::variant<int64_t, double> fill_value = int64_t{0};  // kNumber only
  bool order_specified = false;  // ORDER BY was written
  bool descending = false;       // ORDER BY time DESC
  // 0 means "not set", as in InfluxDB.
  int64_t limit = 0;
  int64_t offset = 0;
  int64_t slimit = 0;
  int64_t soffset = 0;
};

struct ShowMeasurementsStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowMeasurements;
  ShowMeasurementsStatement() : Statement(kKind) {}
  std::string ToString() const override;

  // WITH MEASUREMENT = m / =~ /re/ (regex set in the Measurement).
  std::optional<Measurement> with_measurement;
  Expr::Ptr condition;
  int64_t limit = 0;
  int64_t offset = 0;
};

struct ShowTagKeysStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowTagKeys;
  ShowTagKeysStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  Expr::Ptr condition;
  int64_t limit = 0;
  int64_t offset = 0;
  int64_t slimit = 0;
  int64_t soffset = 0;
};

struct ShowTagValuesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowTagValues;
  ShowTagValuesStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  TagKeyFilter key;
  Expr::Ptr condition;
  int64_t limit = 0;
  int64_t offset = 0;
};

struct ShowFieldKeysStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowFieldKeys;
  ShowFieldKeysStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  int64_t limit = 0;
  int64_t offset = 0;
};

struct ShowSeriesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kShowSeries;
  ShowSeriesStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  Expr::Ptr condition;
  int64_t limit = 0;
  int64_t offset = 0;
};

// DELETE [FROM m] [WHERE cond]; at least one of the two is present.
struct DeleteStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kDelete;
  DeleteStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  Expr::Ptr condition;
};

struct DropMeasurementStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kDropMeasurement;
  DropMeasurementStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::string name;
};

// DROP SERIES [FROM m] [WHERE cond]; at least one of the two is present.
struct DropSeriesStatement final : Statement {
  static constexpr StatementKind kKind = StatementKind::kDropSeries;
  DropSeriesStatement() : Statement(kKind) {}
  std::string ToString() const override;

  std::optional<Measurement> source;
  Expr::Ptr condition;
};

// A parsed query: statements separated by ';'.
struct Query {
  std::vector<Statement::Ptr> statements;

  // Statements joined by ";\n".
  std::string ToString() const;
};

// ---------------------------------------------------------------------------
// Quoting helpers (canonical output)

// `name` bare if it is a valid bare identifier and no keyword, else
// double-quoted with \n \\ \" escaped.
std::string QuoteIdent(std::string_view name);
// 'value' with \n \\ \' escaped.
std::string QuoteString(std::string_view value);

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_AST_H_
