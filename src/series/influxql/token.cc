// Keyword table and token naming for InfluxQL error messages.
#include "series/influxql/token.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"

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

std::string TokenDisplay(const Token& tok) {
  switch (tok.type) {
    case TokenType::kEof:
      return "EOF";
    case TokenType::kIdent:
      return tok.text.empty() ? "IDENT" : tok.text;
    case TokenType::kString:
      return tok.text.empty() ? "STRING" : tok.text;
    case TokenType::kRegex:
      return tok.text.empty() ? "REGEX" : tok.text;
    case TokenType::kKeyword:
    case TokenType::kInteger:
    case TokenType::kNumber:
    case TokenType::kDuration:
    case TokenType::kIllegal:
    case TokenType::kBadString:
    case TokenType::kBadEscape:
    case TokenType::kBadRegex:
    case TokenType::kBadComment:
      return tok.text.empty() ? "ILLEGAL" : tok.text;
    default:
      return std::string(TokenSymbol(tok.type));
  }
}

}  // namespace strata::influxql
