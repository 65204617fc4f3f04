// WHERE evaluation for SELECT (after ExtractTimeRange removed the time
// comparisons). A condition is compiled once per query; per series it is
// bound to the series' tags, which decides most conditions without reading
// a point (kNone: skip the series, kAll: every row matches); only
// conditions that depend on field values are evaluated per row, with the
// series' tags as constants. Comparison semantics follow InfluxDB 1.x: a
// null (missing field, unknown name) compares false, a missing tag is "".
#ifndef STRATA_SERIES_EXEC_CONDITION_H_
#define STRATA_SERIES_EXEC_CONDITION_H_

#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "series/exec_value.h"
#include "series/influxql/ast.h"
#include "strata/point.h"

namespace strata::series {

// Longest string a regex is matched against: std::regex recurses per input
// character and would overflow the stack on long values.
inline constexpr size_t kMaxRegexSubject = 4096;

// How a bound condition applies to the rows of one series.
enum class Verdict { kNone, kAll, kRows };

// Per-series state of a bound condition. Owned by the caller; refers to the
// tag strings passed to Bind, which must outlive it.
struct SeriesBinding {
  std::vector<std::string_view> tag_values;  // by tag key index; "" missing
  std::vector<int8_t> cached;  // per node: -1 field-dependent, else 0/1
  absl::Status error;          // set if a value could not be evaluated
};

// InfluxDB 1.x's numeric casts: a ::float, ::integer or ::unsigned hint on
// a field of another numeric type converts its values (the engine's cast
// cursors). Float to integer truncates toward zero and saturates at the
// target's range (Go leaves out-of-range conversions to the CPU); integer
// and unsigned convert to each other wrapping, as Go does. Anything but a
// number is returned unchanged.
Val CastNumeric(const Val& v, FieldType to);

// A name resolved to a plan field to read: index -1 if none; `cast` if its
// values are converted first (see CastNumeric).
struct ResolvedField {
  int index = -1;
  std::optional<FieldType> cast;
};

class Condition {
 public:
  // Maps a name (with its ::type hint) to the plan field to read.
  using FieldResolver = std::function<ResolvedField(std::string_view name,
                                                    influxql::DataType hint)>;

  Condition() = default;
  Condition(Condition&&) = default;
  Condition& operator=(Condition&&) = default;

  // Compiles `expr` (nullptr: no condition). Names resolve to fields first
  // (via `resolve_field`), then to `tag_keys`; anything else is null.
  static absl::StatusOr<Condition> Compile(
      const influxql::Expr* expr, const FieldResolver& resolve_field,
      const std::vector<std::string>& tag_keys);

  bool empty() const { return root_ < 0; }
  // Plan field indices that row evaluation reads, ascending.
  const std::vector<int>& fields() const { return fields_; }

  // (tag key, value) pairs that every matching series must carry: the
  // `tag = 'non-empty literal'` comparisons ANDed at the top level. A
  // series without one of them cannot match, so callers may start from the
  // tag index; the rest of the condition still has to be bound.
  std::vector<std::pair<std::string, std::string>> RequiredTags() const;
  // Binds a series' tags (sorted by key) and decides what can be decided.
  Verdict Bind(const std::vector<Tag>& tags, SeriesBinding* b) const;
  // For kRows: does the row match? `row` is indexed by plan field index.
  bool Matches(SeriesBinding* b, const Val* row) const;

 private:
  struct Operand {
    enum class Kind { kNull, kLiteral, kField, kTag, kArith };
    Kind kind = Kind::kNull;
    Val literal;                    // kLiteral (strings live in `text`)
    std::string text;               // kLiteral string
    int index = -1;                 // kField: plan field; kTag: tag key index
    std::optional<FieldType> cast;  // kField: converted with CastNumeric
    influxql::BinaryOp op = influxql::BinaryOp::kAdd;  // kArith
    int lhs = -1, rhs = -1;                            // kArith operands
    bool has_field = false;
  };
  struct Node {
    enum class Kind { kConst, kAnd, kOr, kCompare };
    Kind kind = Kind::kConst;
    bool value = false;      // kConst
    int lhs = -1, rhs = -1;  // kAnd/kOr: nodes; kCompare: operands
    influxql::BinaryOp op = influxql::BinaryOp::kEq;
    int regex = -1;  // kCompare with =~ / !~
    bool has_field = false;
  };

  absl::StatusOr<int> CompileNode(const influxql::Expr& e,
                                  const FieldResolver& resolve_field,
                                  const std::vector<std::string>& tag_keys);
  absl::StatusOr<int> CompileOperand(const influxql::Expr& e,
                                     const FieldResolver& resolve_field,
                                     const std::vector<std::string>& tag_keys);
  Val EvalOperand(int i, const SeriesBinding& b, const Val* row) const;
  bool EvalCompare(const Node& n, SeriesBinding* b, const Val* row) const;
  bool EvalNode(int i, SeriesBinding* b, const Val* row) const;
  // -1 unknown (depends on fields), else 0/1.
  int EvalPartial(int i, const SeriesBinding& b) const;
  void CollectRequiredTags(
      int i, std::vector<std::pair<std::string, std::string>>* out) const;

  std::vector<Node> nodes_;
  std::vector<Operand> operands_;
  std::vector<std::shared_ptr<const std::regex>> regexes_;
  std::vector<int> fields_;
  size_t num_tag_keys_ = 0;
  std::vector<std::string> tag_keys_;
  int root_ = -1;
};

// InfluxDB 1.x comparison of two values; null and mismatched types compare
// false (also a null against a boolean: `ok = false` needs the field).
bool CompareVals(influxql::BinaryOp op, Val a, Val b);

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_CONDITION_H_
