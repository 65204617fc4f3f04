// Filter evaluation. The document is scanned once by a PathExtractor that
// gathers every value each filter path reaches; the AST is then evaluated
// over those values with short-circuiting. Never builds a DOM of the
// document and never allocates per value on the scan path beyond the
// extractor's reused vectors. MayMatch is a byte-level prefilter for
// stored documents: string equalities the filter needs must appear quoted
// in the text, so most non-matching documents are dropped after a memmem
// instead of a parse.
#include <emmintrin.h>

#include <algorithm>
#include <cstring>

#include "docs/filter.h"

namespace strata::docs {

namespace {

bool AnyNull(const PathValues& pv) {
  if (pv.missing) return true;
  for (const PathValue& v : pv.values) {
    if (v.value.is_null()) return true;
  }
  return false;
}

bool MatchEq(const PathValues& pv, const JsonValue& operand) {
  if (operand.is_null()) return AnyNull(pv);
  const TypeBracket bracket = BracketOf(operand.type());
  for (const PathValue& v : pv.values) {
    if (BracketOf(v.value.type()) == bracket &&
        CompareJson(v.value, operand) == 0) {
      return true;
    }
  }
  return false;
}

bool MatchCompare(const PathValues& pv, FilterOp op, const JsonValue& operand) {
  if (operand.is_null()) {
    // null only equals null (or missing): the bounds are inclusive or empty.
    return (op == FilterOp::kGte || op == FilterOp::kLte) && AnyNull(pv);
  }
  const TypeBracket bracket = BracketOf(operand.type());
  for (const PathValue& v : pv.values) {
    if (BracketOf(v.value.type()) != bracket) continue;
    int c = CompareJson(v.value, operand);
    bool hit = op == FilterOp::kGt    ? c > 0
               : op == FilterOp::kGte ? c >= 0
               : op == FilterOp::kLt  ? c < 0
                                      : c <= 0;
    if (hit) return true;
  }
  return false;
}

bool MatchIn(const PathValues& pv, const std::vector<JsonValue>& set) {
  // The set is sorted by CompareJson, so null (the lowest bracket) is first.
  if (pv.missing && !set.empty() && set.front().is_null()) return true;
  auto less = [](const JsonValue& a, JsonView b) {
    return CompareJson(a, b) < 0;
  };
  for (const PathValue& v : pv.values) {
    auto it = std::lower_bound(set.begin(), set.end(), v.value, less);
    if (it != set.end() && CompareJson(*it, v.value) == 0) return true;
  }
  return false;
}

}  // namespace

bool EvaluateFilter(const FilterNode& n, const PathExtractor& values) {
  switch (n.op) {
    case FilterOp::kTrue:
      return true;
    case FilterOp::kAnd:
      for (const FilterNode& c : n.children) {
        if (!EvaluateFilter(c, values)) return false;
      }
      return true;
    case FilterOp::kOr:
      for (const FilterNode& c : n.children) {
        if (EvaluateFilter(c, values)) return true;
      }
      return false;
    case FilterOp::kNor:
      for (const FilterNode& c : n.children) {
        if (EvaluateFilter(c, values)) return false;
      }
      return true;
    case FilterOp::kNot:
      return !EvaluateFilter(n.children[0], values);
    case FilterOp::kEq:
      return MatchEq(values.values(n.path), n.value);
    case FilterOp::kGt:
    case FilterOp::kGte:
    case FilterOp::kLt:
    case FilterOp::kLte:
      return MatchCompare(values.values(n.path), n.op, n.value);
    case FilterOp::kIn:
      return MatchIn(values.values(n.path), n.in_values);
    case FilterOp::kExists:
      return values.values(n.path).exists();
  }
  return false;
}

namespace {

// "s" as it appears in a document written without escapes, or false if s
// has a byte JSON must escape.
bool QuotedLiteral(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  out->assign(1, '"').append(s).push_back('"');
  return true;
}

// Adds the literal alternatives each conjunct of n needs (see MayMatch).
// A value equals a string operand only if it is that string, or an array
// holding it; either way the quoted string is in the text.
void CollectRequired(const FilterNode& n,
                     std::vector<std::vector<std::string>>* out) {
  switch (n.op) {
    case FilterOp::kAnd:
      for (const FilterNode& c : n.children) CollectRequired(c, out);
      return;
    case FilterOp::kEq: {
      std::string lit;
      if (n.value.type() == JsonType::kString &&
          QuotedLiteral(n.value.string_value(), &lit)) {
        out->push_back({std::move(lit)});
      }
      return;
    }
    case FilterOp::kIn: {
      // null in the list also matches a missing path: no requirement.
      std::vector<std::string> any;
      for (const JsonValue& v : n.in_values) {
        std::string lit;
        if (v.type() != JsonType::kString ||
            !QuotedLiteral(v.string_value(), &lit)) {
          return;
        }
        any.push_back(std::move(lit));
      }
      if (!any.empty()) out->push_back(std::move(any));
      return;
    }
    default:
      return;
  }
}

// True if text holds lit (quoted, so at least 2 bytes). Candidates are
// found 16 positions at a time by comparing two bytes of lit at once (the
// ones inside the quotes when there are any, since quotes are common in
// JSON), then checked whole; memmem was a fifth of a filtered scan.
bool Contains(std::string_view text, std::string_view lit) {
  const size_t n = text.size(), m = lit.size();
  if (m > n) return false;
  const size_t a = m >= 4 ? 1 : 0;
  const size_t b = m >= 4 ? m - 2 : m - 1;
  const __m128i fa = _mm_set1_epi8(lit[a]);
  const __m128i fb = _mm_set1_epi8(lit[b]);
  const char* p = text.data();
  size_t k = 0;
  for (; k + m + 15 <= n; k += 16) {
    const __m128i ba =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k + a));
    const __m128i bb =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k + b));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(ba, fa), _mm_cmpeq_epi8(bb, fb))));
    while (mask != 0) {
      const size_t at = k + static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(p + at, lit.data(), m) == 0) return true;
      mask &= mask - 1;
    }
  }
  // The last starts (fewer than 16) one by one.
  for (; k + m <= n; ++k) {
    if (p[k + a] == lit[a] && p[k + b] == lit[b] &&
        std::memcmp(p + k, lit.data(), m) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Matcher::Matcher(Filter filter)
    : filter_(std::move(filter)), extractor_(filter_.paths()) {
  CollectRequired(filter_.root(), &required_);
}

bool Matcher::MayMatch(std::string_view json) const {
  if (required_.empty() ||
      std::memchr(json.data(), '\\', json.size()) != nullptr) {
    return true;
  }
  for (const std::vector<std::string>& any : required_) {
    bool found = false;
    for (const std::string& lit : any) {
      if (Contains(json, lit)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

absl::StatusOr<bool> Matcher::Matches(std::string_view json) {
  if (auto st = extractor_.Extract(json); !st.ok()) return st;
  return EvaluateFilter(filter_.root(), extractor_);
}

absl::StatusOr<bool> Matcher::MatchesPadded(std::string_view json) {
  if (auto st = extractor_.ExtractPadded(json); !st.ok()) return st;
  return EvaluateFilter(filter_.root(), extractor_);
}

bool Matcher::MatchesValue(const JsonValue& doc) {
  extractor_.ExtractFromValue(doc);
  return EvaluateFilter(filter_.root(), extractor_);
}

}  // namespace strata::docs
