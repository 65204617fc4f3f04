// InfluxQL regex compilation (see influxql_regex.h): RE2's leading flags
// group is translated to std::regex options, then the pattern is compiled.
#include "series/influxql_regex.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace strata::series {

namespace {

// Parses a leading "(?flags)" group. Returns the number of bytes it spans
// (0 if the pattern does not start with one) and adds to `flags`.
absl::StatusOr<size_t> LeadingFlags(std::string_view pattern,
                                    std::regex::flag_type* flags) {
  if (!pattern.starts_with("(?")) return 0;
  const size_t close = pattern.find_first_not_of("imsU-", 2);
  // "(?:...)", "(?=...)", "(?i:...)": a group, not a flags setting.
  if (close == std::string_view::npos || pattern[close] != ')') return 0;
  const std::string_view letters = pattern.substr(2, close - 2);
  if (letters.empty() || letters.back() == '-' ||
      letters.find('-') != letters.rfind('-')) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid flags group (?%s)", letters));
  }
  bool clearing = false;
  for (char c : letters) {
    if (c == '-') {
      clearing = true;
    } else if (clearing) {
      continue;  // every flag starts cleared
    } else if (c == 'i') {
      *flags |= std::regex::icase;
    } else if (c == 'm') {
      *flags |= std::regex::multiline;
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "flag %c in (?%s) is not supported (only i and m are)", c, letters));
    }
  }
  return close + 1;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const std::regex>> CompileInfluxRegex(
    std::string_view pattern) {
  if (pattern.size() > kMaxRegexBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("regex longer than %d bytes", kMaxRegexBytes));
  }
  std::regex::flag_type flags =
      std::regex::ECMAScript | std::regex_constants::__polynomial;
  absl::StatusOr<size_t> skip = LeadingFlags(pattern, &flags);
  if (!skip.ok()) return skip.status();
  pattern.remove_prefix(*skip);
  try {
    return std::make_shared<const std::regex>(pattern.begin(), pattern.end(),
                                              flags);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

bool InfluxRegexSearch(const std::regex& re, std::string_view s) {
  try {
    return std::regex_search(s.begin(), s.end(), re);
  } catch (const std::regex_error&) {
    return false;  // too complex for this input: treat as no match
  }
}

}  // namespace strata::series
