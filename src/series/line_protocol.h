// InfluxDB line protocol (1.x dialect): a streaming parser that yields
// points without per-point heap allocation, a formatter, and the canonical
// series key. Never reads outside its input, never loops without progress,
// and bounds every allocation by the input or by an option.
//
//   measurement[,tag_key=tag_value...] field_key=field_value[,...] [time]
//
// Rules (InfluxDB's documented behaviour unless noted):
//  * Lines end at '\n'. A trailing '\r', spaces and tabs are ignored, as is
//    leading whitespace. Blank lines and lines starting with '#' are
//    skipped. A newline can never be part of a value.
//  * Escapes. Measurement: "\," "\ " "\\". Tag keys, tag values, field
//    keys: "\," "\=" "\ " "\\". String field values: "\"" "\\". Any other
//    backslash is a literal backslash. ("\\" -> "\" follows the reference
//    page; the 1.x Go scanner keeps both bytes.)
//  * Field values: float (1, -1.5, 1e-3, 1.e+78, .5; NaN and Inf are not
//    accepted; underflow rounds to 0), integer "<int64>i", unsigned
//    "<uint64>u", boolean t T true True TRUE f F false False FALSE, or a
//    double-quoted string.
//  * Tags are returned sorted by key (bytewise). A repeated tag key is an
//    error. A repeated field key is not: the last value wins, kept at the
//    position of the first occurrence (InfluxDB builds a map).
//  * Timestamp: optional signed integer in the chosen precision, scaled to
//    ns; the result must lie in [kMinPointTime, kMaxPointTime]. Without one
//    the point gets default_time_ns truncated (floor) to the precision.
//  * Sections are separated by one space plus any further spaces or tabs.
//  * "time" names the timestamp (InfluxDB 1.x): a tag key "time" is an
//    error, a field "time" is skipped, and a line whose only field is
//    "time" is an error. Series keys (ParseSeriesKey) are not checked.
//
// Errors are InvalidArgument "line L, column C: <reason>", 1-based, column
// in bytes of the physical line.
#ifndef STRATA_SERIES_LINE_PROTOCOL_H_
#define STRATA_SERIES_LINE_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/point.h"

namespace strata {

// The key InfluxDB reserves for the timestamp: never a tag or field key.
inline constexpr std::string_view kReservedTimeKey = "time";

enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

// "ns" or "n", "us" or "u", "ms", "s"; anything else is InvalidArgument.
absl::StatusOr<Precision> ParsePrecision(std::string_view name);
// Nanoseconds per unit: 1, 1e3, 1e6 or 1e9.
int64_t PrecisionMultiplier(Precision p);

struct LineProtocolOptions {
  // Unit of the timestamps in the input.
  Precision precision = Precision::kNanoseconds;
  // Time in ns given to points without a timestamp (usually "now").
  Timestamp default_time_ns = 0;
  // Longest accepted line in bytes, excluding the '\n'. [1, SIZE_MAX].
  size_t max_line_bytes = size_t{1} << 20;
  // Most tags per point. [0, SIZE_MAX].
  size_t max_tags = 1024;
  // Most fields per point (before duplicates are merged). [1, SIZE_MAX].
  size_t max_fields = 4096;
  // Longest canonical series key (see AppendSeriesKey) and longest field
  // key, in bytes. Default as InfluxDB's MaxKeyLength. [1, SIZE_MAX].
  size_t max_key_bytes = 65535;
  // false: stop at the first bad line (status() reports it).
  // true: record the bad line in errors() and continue with the next.
  bool skip_invalid = false;
  // In skip mode, how many errors are kept in errors(); later ones are
  // only counted in error_count(). [0, SIZE_MAX].
  size_t max_errors = 1000;
};

// A parsed point. Its strings point into the parser's input or, where
// escapes had to be removed, into the parser's scratch buffer: valid until
// the next call to Next() or the parser's destruction.
struct ParsedPoint : PointView {
  // 1-based input line the point came from.
  size_t line = 0;
};

// One rejected line.
struct LineProtocolError {
  size_t line = 0;    // 1-based
  size_t column = 0;  // 1-based byte column within the line
  std::string reason;
  // InvalidArgument("line L, column C: reason").
  absl::Status ToStatus() const;
  bool operator==(const LineProtocolError&) const = default;
};

namespace lp_internal {
class LineScanner;
}

// Parses a whole buffer point by point. Not thread-safe. The input must
// outlive the parser and every ParsedPoint it fills.
//
//   LineProtocolParser parser(body, options);
//   ParsedPoint p;  // reuse it: its vectors keep their capacity
//   while (parser.Next(&p)) Use(p);
//   if (!parser.status().ok()) ...
class LineProtocolParser {
 public:
  LineProtocolParser(std::string_view input,
                     const LineProtocolOptions& options);
  ~LineProtocolParser();
  LineProtocolParser(const LineProtocolParser&) = delete;
  LineProtocolParser& operator=(const LineProtocolParser&) = delete;

  // Fills *out with the next point and returns true; false at the end of
  // the input, or at a bad line unless options.skip_invalid.
  bool Next(ParsedPoint* out);

  // OK, or the error that stopped parsing. Always OK in skip mode.
  absl::Status status() const;
  // Skip mode: the first max_errors rejected lines, in input order.
  // Otherwise: empty, or the one error that stopped parsing.
  const std::vector<LineProtocolError>& errors() const { return errors_; }
  // Rejected lines, including those beyond max_errors.
  size_t error_count() const { return error_count_; }
  // Physical lines consumed so far.
  size_t lines_read() const { return line_; }

 private:
  // Records an error; returns true if parsing should continue.
  bool Reject(size_t column, std::string reason);

  std::string_view input_;
  LineProtocolOptions options_;
  size_t pos_ = 0;
  size_t line_ = 0;
  bool done_ = false;
  std::vector<LineProtocolError> errors_;
  size_t error_count_ = 0;
  std::unique_ptr<lp_internal::LineScanner> scanner_;
};

struct ParsedBatch {
  std::vector<Point> points;
  // As LineProtocolParser::errors().
  std::vector<LineProtocolError> errors;
  size_t error_count = 0;
};

// Parses all of input into owned points. Without options.skip_invalid,
// stops at the first bad line: points holds those before it.
ParsedBatch ParseAll(std::string_view input,
                     const LineProtocolOptions& options);

// Appends the canonical series key "measurement,k1=v1,k2=v2": tags sorted
// by key, elements escaped as line protocol ("\\" for backslash too, so the
// key is unambiguous). The storage identity of a series.
void AppendSeriesKey(const PointView& point, std::string* out);
void AppendSeriesKey(const Point& point, std::string* out);

// Splits a canonical series key back into measurement and tags (owned,
// sorted by key). InvalidArgument ("series key, column C: reason") if it is
// not one.
absl::Status ParseSeriesKey(std::string_view key, std::string* measurement,
                            std::vector<Tag>* tags);

// Appends point as one line of line protocol, with its timestamp in the
// given precision and a trailing '\n'. Tags and fields are written in the
// order given. InvalidArgument, appending nothing, if the point cannot be
// written so that it parses back to itself: empty measurement, tag key, tag
// value or field key; no fields; a '\n' anywhere; a measurement starting
// with '#' or a tab, or a first field key starting with a tab (whitespace
// and comments at those places are not part of a name); a NaN or infinite
// float; a timestamp outside [kMinPointTime, kMaxPointTime] or not a
// multiple of the precision. Duplicate keys and the size limits of
// LineProtocolOptions are not checked.
absl::Status FormatPoint(const Point& point, std::string* out,
                         Precision precision = Precision::kNanoseconds);
absl::Status FormatPoint(const PointView& point, std::string* out,
                         Precision precision = Precision::kNanoseconds);

}  // namespace strata

#endif  // STRATA_SERIES_LINE_PROTOCOL_H_
