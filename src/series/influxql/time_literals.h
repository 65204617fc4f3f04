// InfluxQL durations (1h30m) and time literals (RFC 3339 strings) to and
// from int64 nanoseconds, with InfluxDB 1.x's formats and limits.
#ifndef STRATA_SERIES_INFLUXQL_TIME_LITERALS_H_
#define STRATA_SERIES_INFLUXQL_TIME_LITERALS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::influxql {

inline constexpr int64_t kNanosPerMicro = 1000;
inline constexpr int64_t kNanosPerMilli = 1000 * kNanosPerMicro;
inline constexpr int64_t kNanosPerSecond = 1000 * kNanosPerMilli;
inline constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
inline constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
inline constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;
inline constexpr int64_t kNanosPerWeek = 7 * kNanosPerDay;

// Parses an InfluxQL duration: one or more <digits><unit> with units
// ns, u, µ, ms, s, m, h, d, w (e.g. "10s", "1h30m"), optionally preceded
// by '-'. Errors: InvalidArgument "invalid duration" or "overflowed
// duration ...".
absl::StatusOr<int64_t> ParseDuration(std::string_view text);

// The largest unit that divides `ns` exactly, as InfluxDB prints it:
// 0 -> "0s", 5400e9 -> "90m", 1500 -> "1500ns", -3600e9 -> "-1h".
std::string FormatDuration(int64_t ns);

// True if `s` starts like a date ("YYYY-MM-DD..."): such strings compared
// with `time` are time literals; others are plain strings.
bool LooksLikeTimeString(std::string_view s);

// Parses a time literal the way InfluxDB 1.x does, to ns since the epoch:
//   "2024-01-01"                          midnight UTC
//   "2024-01-01 12:30:00[.fraction]"      UTC
//   "2024-01-01T12:30:00[.fraction]Z"     RFC 3339
//   "2024-01-01T12:30:00[.fraction]+05:30"
// Fractions may have any number of digits (beyond 9 are truncated).
// Errors: InvalidArgument naming the literal; times outside the int64 ns
// range (1677-09-21 .. 2262-04-11) "overflow"/"underflow" the literal.
absl::StatusOr<int64_t> ParseTimeString(std::string_view text);

// RFC 3339 with nanoseconds in UTC, trailing zeros of the fraction
// trimmed, as Go's time.RFC3339Nano: "2024-01-01T00:00:00.5Z",
// "1969-12-31T23:59:59.999999999Z". Defined for every int64.
std::string FormatRfc3339Nano(int64_t ns);

}  // namespace strata::influxql

#endif  // STRATA_SERIES_INFLUXQL_TIME_LITERALS_H_
