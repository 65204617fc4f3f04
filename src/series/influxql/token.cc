// Keyword table and token naming for InfluxQL error messages.
#include "series/influxql/token.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace strata::influxql {

namespace {

// Every InfluxDB 1.x keyword, sorted, so identifiers that collide with one
// must be quoted exactly where InfluxDB requires it.
constexpr std::array<std::string_view, 80> kKeywords = {
    "ALL",
    "ALTER",
    "ANALYZE",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "BEGIN",
    "BY",
    "CARDINALITY",
    "CONTINUOUS",
    "CREATE",
    "DATABASE",
    "DATABASES",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DESTINATIONS",
    "DIAGNOSTICS",
    "DISTINCT",
    "DROP",
    "DURATION",
    "END",
    "EVERY",
    "EXACT",
    "EXPLAIN",
    "FALSE",
    "FIELD",
    "FOR",
    "FROM",
    "GRANT",
    "GRANTS",
    "GROUP",
    "GROUPS",
    "IN",
    "INF",
    "INSERT",
    "INTO",
    "KEY",
    "KEYS",
    "KILL",
    "LIMIT",
    "MEASUREMENT",
    "MEASUREMENTS",
    "NAME",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "PASSWORD",
    "POLICIES",
    "POLICY",
    "PRIVILEGES",
    "QUERIES",
    "QUERY",
    "READ",
    "REPLICATION",
    "RESAMPLE",
    "RETENTION",
    "REVOKE",
    "SELECT",
    "SERIES",
    "SET",
    "SHARD",
    "SHARDS",
    "SHOW",
    "SLIMIT",
    "SOFFSET",
    "STATS",
    "SUBSCRIPTION",
    "SUBSCRIPTIONS",
    "TAG",
    "TO",
    "TRUE",
    "USER",
    "USERS",
    "VALUES",
    "WHERE",
    "WITH",
    "WRITE",
};
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end()) &&
                  !kKeywords.front().empty(),
              "keyword table must be sorted and full");

}  // namespace

std::string_view LookupKeyword(std::string_view word) {
  // No keyword is longer than 13 characters; skip the copy for long words.
  if (word.empty() || word.size() > 13) return {};
  char upper[16];
  for (size_t i = 0; i < word.size(); ++i) {
    upper[i] = absl::ascii_toupper(static_cast<unsigned char>(word[i]));
  }
  std::string_view key(upper, word.size());
  auto it = std::lower_bound(kKeywords.begin(), kKeywords.end(), key);
  if (it != kKeywords.end() && *it == key) return *it;
  return {};
}

std::string_view TokenSymbol(TokenType type) {
  switch (type) {
    case TokenType::kAdd:
      return "+";
    case TokenType::kSub:
      return "-";
    case TokenType::kMul:
      return "*";
    case TokenType::kDiv:
      return "/";
    case TokenType::kMod:
      return "%";
    case TokenType::kBitAnd:
      return "&";
    case TokenType::kBitOr:
      return "|";
    case TokenType::kBitXor:
      return "^";
    case TokenType::kEq:
      return "=";
    case TokenType::kNeq:
      return "!=";
    case TokenType::kEqRegex:
      return "=~";
    case TokenType::kNeqRegex:
      return "!~";
    case TokenType::kLt:
      return "<";
    case TokenType::kLte:
      return "<=";
    case TokenType::kGt:
      return ">";
    case TokenType::kGte:
      return ">=";
    case TokenType::kLParen:
      return "(";
    case TokenType::kRParen:
      return ")";
    case TokenType::kComma:
      return ",";
    case TokenType::kSemicolon:
      return ";";
    case TokenType::kDot:
      return ".";
    case TokenType::kColon:
      return ":";
    case TokenType::kDoubleColon:
      return "::";
    default:
      return {};
  }
}

std::string PrintableForMessage(std::string_view s) {
  constexpr size_t kMaxBytes = 64;  // a 1 MiB literal makes no good message
  std::string out;
  size_t i = 0;
  while (i < s.size() && out.size() < kMaxBytes) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    // Length of a well-formed UTF-8 sequence starting here, else 0.
    size_t len = 0;
    if (c >= 0x20 && c < 0x7F) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xF4) {
      len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      for (size_t k = 1; k < len; ++k) {
        if (i + k >= s.size() ||
            (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
          len = 0;
          break;
        }
      }
    }
    if (len == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  if (i < s.size()) out.append("...");
  return out;
}

std::string TokenDisplay(const Token& tok) {
  switch (tok.type) {
    case TokenType::kEof:
      return "EOF";
    case TokenType::kIdent:
      return tok.text.empty() ? "IDENT" : PrintableForMessage(tok.text);
    case TokenType::kString:
      return tok.text.empty() ? "STRING" : PrintableForMessage(tok.text);
    case TokenType::kRegex:
      return tok.text.empty() ? "REGEX" : PrintableForMessage(tok.text);
    case TokenType::kKeyword:
    case TokenType::kInteger:
    case TokenType::kNumber:
    case TokenType::kDuration:
    case TokenType::kIllegal:
    case TokenType::kBadString:
    case TokenType::kBadEscape:
    case TokenType::kBadRegex:
    case TokenType::kBadComment:
      return tok.text.empty() ? "ILLEGAL" : PrintableForMessage(tok.text);
    default:
      return std::string(TokenSymbol(tok.type));
  }
}

}  // namespace strata::influxql
