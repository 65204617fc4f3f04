// SplitShellWords: the shell's argument splitter (see shell_words.h).
#include "cli/shell_words.h"

#include "absl/strings/str_format.h"

namespace strata::cli {

absl::StatusOr<std::vector<std::string>> SplitShellWords(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  int depth = 0;
  bool in_dq = false;     // inside a JSON string
  bool in_sq = false;     // inside 'single quotes'
  size_t quote_at = 0;    // where the open quote began
  size_t bracket_at = 0;  // where the outermost open bracket began
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_sq) {
      if (c == '\'') {
        in_sq = false;
      } else {
        word += c;
      }
      continue;
    }
    if (in_dq) {
      word += c;
      if (c == '\\' && i + 1 < s.size()) {
        word += s[++i];
      } else if (c == '"') {
        in_dq = false;
      }
      continue;
    }
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && depth == 0) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'' && depth == 0) {
      in_sq = true;
      quote_at = i;
      continue;
    }
    word += c;
    if (c == '"') {
      in_dq = true;
      quote_at = i;
    } else if (c == '{' || c == '[') {
      if (depth == 0) bracket_at = i;
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  if (in_sq || in_dq || depth > 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("column %d: unterminated %s",
                        (in_sq || in_dq ? quote_at : bracket_at) + 1,
                        in_sq   ? "single quote"
                        : in_dq ? "string"
                                : "bracket"));
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace strata::cli
