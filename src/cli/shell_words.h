// Splits a shell line into arguments the way `strata shell` documents:
// whitespace separates words, except inside 'single quotes' (removed),
// "double-quoted JSON strings" (kept, quotes and escapes included) and
// balanced {...} / [...] JSON (kept whole), so JSON can be typed bare.
#ifndef STRATA_CLI_SHELL_WORDS_H_
#define STRATA_CLI_SHELL_WORDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::cli {

// InvalidArgument "column C: ..." for an unterminated quote or bracket.
absl::StatusOr<std::vector<std::string>> SplitShellWords(std::string_view s);

}  // namespace strata::cli

#endif  // STRATA_CLI_SHELL_WORDS_H_
