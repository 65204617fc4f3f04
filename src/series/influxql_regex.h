// InfluxQL regular expressions (Go RE2 syntax) compiled for std::regex.
// The one place SELECT (WHERE, FROM /re/) and SHOW statements compile a
// pattern, so they can never disagree on what a regex means. Never throws.
#ifndef STRATA_SERIES_INFLUXQL_REGEX_H_
#define STRATA_SERIES_INFLUXQL_REGEX_H_

#include <cstddef>
#include <memory>
#include <regex>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::series {

// Longest pattern accepted: std::regex compiles recursively, so the bound
// keeps the stack safe.
inline constexpr size_t kMaxRegexBytes = 4096;

// Compiles an InfluxQL regex. A leading RE2 flags group such as (?i),
// (?im) or (?i-m) sets the flags std::regex can express: i (ignore case)
// and m (^ and $ also match at line breaks). s (dot matches a newline) and
// U (ungreedy) cannot be expressed and are refused; clearing a flag
// ((?-s)) is accepted, as every flag starts cleared. The rest is read as
// ECMAScript and run by libstdc++'s polynomial (Thompson) executor, so
// matching never backtracks exponentially. An error (InvalidArgument)
// holds only the reason; callers add the pattern and its position.
absl::StatusOr<std::shared_ptr<const std::regex>> CompileInfluxRegex(
    std::string_view pattern);

// Does `re` match somewhere in `s`? False if the executor gives up.
bool InfluxRegexSearch(const std::regex& re, std::string_view s);

}  // namespace strata::series

#endif  // STRATA_SERIES_INFLUXQL_REGEX_H_
