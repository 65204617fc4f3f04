// The grammar of one line of line protocol (see line_protocol.h for the
// rules). Single pass, no allocation once the scanner's buffers have grown
// to the input's shape: strings are views into the line, or into scratch_
// when escapes had to be removed (unescaped text is never longer than the
// line, so scratch_ sized to the line never reallocates mid-line).
#include "series/lp_scan.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/lp_chars.h"

namespace strata::lp_internal {
namespace {

constexpr size_t kNpos = std::string_view::npos;
// Longest piece of input quoted in an error message.
constexpr size_t kMaxQuoted = 64;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// s in double quotes for a message: control bytes, quote and backslash
// escaped, cut to kMaxQuoted bytes so messages stay small.
std::string Quote(std::string_view s) {
  const bool cut = s.size() > kMaxQuoted;
  if (cut) s = s.substr(0, kMaxQuoted);
  std::string r = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (u < 0x20 || u == 0x7f) {
      r += absl::StrFormat("\\x%02x", u);
    } else {
      r += c;
    }
  }
  r += cut ? "...\"" : "\"";
  return r;
}

bool Fail(LineFault* fault, size_t offset, std::string reason) {
  fault->offset = offset;
  fault->reason = std::move(reason);
  return false;
}
size_t FailAt(LineFault* fault, size_t offset, std::string reason) {
  Fail(fault, offset, std::move(reason));
  return kNpos;
}

// End of the element starting at line[p]: the first unescaped byte of
// class special (other than the backslash). A backslash always takes the
// next byte with it, so an escaped delimiter never ends an element.
size_t ScanElement(std::string_view line, size_t p, uint8_t special,
                   bool* escaped) {
  const size_t n = line.size();
  while (p < n) {
    const char c = line[p];
    if (!HasClass(c, special)) {
      ++p;
    } else if (c == '\\') {
      *escaped = true;
      p += 2;
    } else {
      break;
    }
  }
  return std::min(p, n);
}

enum class NumStatus { kOk, kInvalid, kOutOfRange };

// Decimal integer, optionally negative, into int64.
NumStatus ParseInt64(std::string_view s, int64_t* out) {
  size_t i = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) i = 1;
  if (i == s.size()) return NumStatus::kInvalid;
  for (size_t j = i; j < s.size(); ++j) {
    if (!IsDigit(s[j])) return NumStatus::kInvalid;
  }
  const uint64_t limit =
      neg ? uint64_t{1} << 63 : std::numeric_limits<int64_t>::max();
  uint64_t acc = 0;
  for (; i < s.size(); ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (acc > (limit - d) / 10) return NumStatus::kOutOfRange;
    acc = acc * 10 + d;
  }
  // Negating in unsigned arithmetic handles -2^63 without overflow.
  *out = neg ? static_cast<int64_t>(0 - acc) : static_cast<int64_t>(acc);
  return NumStatus::kOk;
}

NumStatus ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) return NumStatus::kInvalid;
  for (char c : s) {
    if (!IsDigit(c)) return NumStatus::kInvalid;
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t acc = 0;
  for (char c : s) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (acc > (kMax - d) / 10) return NumStatus::kOutOfRange;
    acc = acc * 10 + d;
  }
  *out = acc;
  return NumStatus::kOk;
}

// Float: -?(digits[.digits*] | .digits)([eE][+-]?digits)?. Overflow is
// an error; underflow gives a zero of the right sign (as strconv does).
NumStatus ParseFloat(std::string_view s, double* out) {
  const size_t n = s.size();
  size_t i = 0;
  const bool neg = n > 0 && s[0] == '-';
  if (neg) i = 1;
  // Decimal magnitude of the first significant digit, to tell overflow
  // from underflow if the conversion reports a range error.
  int64_t magnitude = 0;
  bool significant = false;
  size_t digits = 0;
  for (; i < n && IsDigit(s[i]); ++i, ++digits) {
    if (significant) {
      ++magnitude;
    } else if (s[i] != '0') {
      significant = true;
    }
  }
  if (i < n && s[i] == '.') {
    for (++i; i < n && IsDigit(s[i]); ++i, ++digits) {
      if (!significant) {
        --magnitude;
        if (s[i] != '0') significant = true;
      }
    }
  }
  if (digits == 0) return NumStatus::kInvalid;
  int64_t exponent = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool neg_exp = i < n && s[i] == '-';
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == n || !IsDigit(s[i])) return NumStatus::kInvalid;
    for (; i < n && IsDigit(s[i]); ++i) {
      // Saturate: anything past 1e6 is out of double range either way.
      if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (neg_exp) exponent = -exponent;
  }
  if (i != n) return NumStatus::kInvalid;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + n, v);
  if (ec == std::errc::result_out_of_range) {
    if (magnitude + exponent > 0) return NumStatus::kOutOfRange;
    v = neg ? -0.0 : 0.0;
  } else if (ec != std::errc() || ptr != s.data() + n) {
    return NumStatus::kInvalid;
  }
  *out = v;
  return NumStatus::kOk;
}

bool ParseBool(std::string_view s, bool* out) {
  if (s == "t" || s == "T" || s == "true" || s == "True" || s == "TRUE") {
    *out = true;
    return true;
  }
  if (s == "f" || s == "F" || s == "false" || s == "False" || s == "FALSE") {
    *out = false;
    return true;
  }
  return false;
}

// Cheap fingerprint to rule out most field key pairs before comparing.
uint32_t KeyHash(std::string_view k) {
  const auto b = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(k[i]));
  };
  return static_cast<uint32_t>(k.size()) * 0x9E3779B1u ^ b(0) ^
         (b(k.size() - 1) << 8) ^ (b(k.size() / 2) << 16);
}

// Fields up to this many are checked for repeats pairwise, beyond with a
// hash map.
constexpr size_t kPairwiseFieldLimit = 32;
// Tags up to this many are sorted by insertion (usually already sorted).
constexpr size_t kInsertionSortLimit = 16;

Timestamp TruncateDefaultTime(Timestamp t, int64_t multiplier) {
  t = std::clamp(t, kMinPointTime, kMaxPointTime);
  Timestamp q = t / multiplier;
  if (t % multiplier != 0 && t < 0) --q;  // floor, not toward zero
  Timestamp r;
  if (__builtin_mul_overflow(q, multiplier, &r) || r < kMinPointTime) {
    r = (q + 1) * multiplier;
  }
  return r;
}

}  // namespace

LineScanner::LineScanner(const LineProtocolOptions& options)
    : options_(options),
      multiplier_(PrecisionMultiplier(options.precision)),
      default_time_(TruncateDefaultTime(options.default_time_ns, multiplier_)) {
}

void LineScanner::ResetScratch(size_t n) {
  if (scratch_.size() < n) scratch_.resize(n);
  scratch_used_ = 0;
}

std::string_view LineScanner::Unescape(std::string_view raw, uint8_t special,
                                       size_t* canonical_size) {
  char* const dst = scratch_.data() + scratch_used_;
  char* w = dst;
  size_t specials = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() && HasClass(raw[i + 1], special)) {
      c = raw[++i];
    }
    if (HasClass(c, special)) ++specials;
    *w++ = c;
  }
  const size_t len = static_cast<size_t>(w - dst);
  scratch_used_ += len;
  *canonical_size = len + specials;
  return std::string_view(dst, len);
}

std::string_view LineScanner::UnescapeString(std::string_view raw) {
  size_t unused;
  return Unescape(raw, kStringSpecial, &unused);
}

bool LineScanner::ParseLine(std::string_view line, size_t start,
                            ParsedPoint* out, LineFault* fault) {
  const size_t n = line.size();
  ResetScratch(n);
  size_t p = ParseKeySection(line, start, out, fault);
  if (p == kNpos) return false;
  // Checked here, not in ParseKeySection: series keys already stored must
  // still parse.
  for (const TagAt& t : tags_) {
    if (t.tag.key == kReservedTimeKey) {
      return Fail(fault, t.key_offset,
                  "invalid tag key \"time\": it names the timestamp");
    }
  }
  while (p < n && IsBlank(line[p])) ++p;
  if (p == n) return Fail(fault, p, "missing field set");
  p = ParseFieldSection(line, p, out, fault);
  if (p == kNpos) return false;
  if (time_field_offset_ != kNpos && !DropTimeFields(out)) {
    return Fail(fault, time_field_offset_,
                "invalid field name \"time\": it names the timestamp and "
                "the point has no other field");
  }

  while (p < n && IsBlank(line[p])) ++p;
  if (p == n) {
    out->timestamp = default_time_;
  } else {
    size_t end = p;
    while (end < n && !IsBlank(line[end])) ++end;
    const std::string_view token = line.substr(p, end - p);
    int64_t ts = 0;
    const NumStatus st = ParseInt64(token, &ts);
    if (st == NumStatus::kInvalid) {
      return Fail(fault, p, "invalid timestamp " + Quote(token));
    }
    if (st == NumStatus::kOutOfRange ||
        __builtin_mul_overflow(ts, multiplier_, &ts) || ts < kMinPointTime ||
        ts > kMaxPointTime) {
      return Fail(fault, p, "timestamp " + Quote(token) + " out of range");
    }
    while (end < n && IsBlank(line[end])) ++end;
    if (end != n) return Fail(fault, end, "unexpected text after timestamp");
    out->timestamp = ts;
  }
  MergeDuplicateFields(out);
  return true;
}

bool LineScanner::ParseKey(std::string_view key, PointView* out,
                           LineFault* fault) {
  ResetScratch(key.size());
  const size_t p = ParseKeySection(key, 0, out, fault);
  if (p == kNpos) return false;
  if (p != key.size()) return Fail(fault, p, "unescaped space in series key");
  return true;
}

size_t LineScanner::ParseKeySection(std::string_view line, size_t start,
                                    PointView* out, LineFault* fault) {
  const size_t n = line.size();
  bool escaped = false;
  const size_t mend = ScanElement(line, start, kMeasurementSpecial, &escaped);
  if (mend == start) return FailAt(fault, start, "missing measurement");
  const std::string_view raw_measurement = line.substr(start, mend - start);
  size_t key_size = raw_measurement.size();
  out->measurement =
      escaped ? Unescape(raw_measurement, kMeasurementSpecial, &key_size)
              : raw_measurement;

  tags_.clear();
  size_t p = mend;
  while (p < n && line[p] == ',') {
    const size_t k = p + 1;
    escaped = false;
    const size_t kend = ScanElement(line, k, kKeySpecial, &escaped);
    if (kend == k) return FailAt(fault, k, "missing tag key");
    if (tags_.size() >= options_.max_tags) {
      return FailAt(
          fault, k,
          absl::StrFormat("too many tags (max %d)", options_.max_tags));
    }
    std::string_view key = line.substr(k, kend - k);
    size_t key_canonical = key.size();
    if (escaped) key = Unescape(key, kKeySpecial, &key_canonical);
    if (kend == n || line[kend] != '=') {
      return FailAt(fault, kend, "missing \"=\" after tag key " + Quote(key));
    }
    const size_t v = kend + 1;
    escaped = false;
    const size_t vend = ScanElement(line, v, kKeySpecial, &escaped);
    if (vend == v) return FailAt(fault, v, "empty value for tag " + Quote(key));
    if (vend < n && line[vend] == '=') {
      return FailAt(fault, vend,
                    "unescaped \"=\" in value of tag " + Quote(key));
    }
    std::string_view value = line.substr(v, vend - v);
    size_t value_canonical = value.size();
    if (escaped) value = Unescape(value, kKeySpecial, &value_canonical);
    tags_.push_back(TagAt{TagView{key, value}, k});
    key_size += 2 + key_canonical + value_canonical;
    p = vend;
  }
  if (key_size > options_.max_key_bytes) {
    return FailAt(fault, start,
                  absl::StrFormat("series key longer than %d bytes",
                                  options_.max_key_bytes));
  }
  if (!SortTags(out, fault)) return kNpos;
  return p;
}

bool LineScanner::SortTags(PointView* out, LineFault* fault) {
  // Ties broken by position, so a repeated key is reported where it
  // repeats, whichever sort runs.
  const auto less = [](const TagAt& a, const TagAt& b) {
    const int c = a.tag.key.compare(b.tag.key);
    return c != 0 ? c < 0 : a.key_offset < b.key_offset;
  };
  const size_t n = tags_.size();
  if (n <= kInsertionSortLimit) {
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = i; j > 0 && less(tags_[j], tags_[j - 1]); --j) {
        std::swap(tags_[j], tags_[j - 1]);
      }
    }
  } else {
    std::sort(tags_.begin(), tags_.end(), less);
  }
  out->tags.clear();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && tags_[i].tag.key == tags_[i - 1].tag.key) {
      return Fail(fault, tags_[i].key_offset,
                  "duplicate tag key " + Quote(tags_[i].tag.key));
    }
    out->tags.push_back(tags_[i].tag);
  }
  return true;
}

size_t LineScanner::ParseFieldSection(std::string_view line, size_t p,
                                      PointView* out, LineFault* fault) {
  const size_t n = line.size();
  out->fields.clear();
  time_field_offset_ = kNpos;
  while (true) {
    const size_t k = p;
    bool escaped = false;
    const size_t kend = ScanElement(line, k, kKeySpecial, &escaped);
    if (kend == k) return FailAt(fault, k, "missing field key");
    if (out->fields.size() >= options_.max_fields) {
      return FailAt(
          fault, k,
          absl::StrFormat("too many fields (max %d)", options_.max_fields));
    }
    std::string_view key = line.substr(k, kend - k);
    size_t key_canonical = key.size();
    if (escaped) key = Unescape(key, kKeySpecial, &key_canonical);
    if (key_canonical > options_.max_key_bytes) {
      return FailAt(fault, k,
                    absl::StrFormat("field key longer than %d bytes",
                                    options_.max_key_bytes));
    }
    if (kend == n || line[kend] != '=') {
      return FailAt(fault, kend, "missing \"=\" after field key " + Quote(key));
    }
    const size_t v = kend + 1;
    if (v == n || HasClass(line[v], kValueEnd)) {
      return FailAt(fault, v, "missing value for field " + Quote(key));
    }
    FieldValueView value;
    const size_t vend = ParseFieldValue(line, v, key, &value, fault);
    if (vend == kNpos) return kNpos;
    out->fields.push_back(FieldView{key, value});
    if (key == kReservedTimeKey && time_field_offset_ == kNpos)
      time_field_offset_ = k;
    if (vend == n || line[vend] == ' ') return vend;
    p = vend + 1;  // past the ','
  }
}

size_t LineScanner::ParseFieldValue(std::string_view line, size_t p,
                                    std::string_view key, FieldValueView* value,
                                    LineFault* fault) {
  const size_t n = line.size();
  const char first = line[p];
  if (first == '"') {
    size_t q = p + 1;
    bool escaped = false;
    while (true) {
      while (q < n && !HasClass(line[q], kStringSpecial)) ++q;
      if (q >= n) {
        return FailAt(fault, p,
                      "unterminated string value for field " + Quote(key));
      }
      if (line[q] == '"') break;
      escaped = true;  // a backslash: it takes the next byte with it
      q += 2;
    }
    const std::string_view raw = line.substr(p + 1, q - p - 1);
    *value = FieldValueView::String(escaped ? UnescapeString(raw) : raw);
    ++q;
    if (q < n && !HasClass(line[q], kValueEnd)) {
      return FailAt(
          fault, q,
          "unexpected text after string value of field " + Quote(key));
    }
    return q;
  }

  size_t end = p;
  while (end < n && !HasClass(line[end], kValueEnd)) ++end;
  const std::string_view token = line.substr(p, end - p);
  const auto invalid = [&] {
    return FailAt(
        fault, p,
        "invalid field value " + Quote(token) + " for field " + Quote(key));
  };
  if (first == 't' || first == 'T' || first == 'f' || first == 'F') {
    bool b;
    if (!ParseBool(token, &b)) return invalid();
    *value = FieldValueView::Boolean(b);
    return end;
  }
  if (!IsDigit(first) && first != '-' && first != '.') return invalid();
  NumStatus st;
  const char last = token.back();
  const std::string_view body = token.substr(0, token.size() - 1);
  const char* kind;
  if (last == 'i') {
    int64_t i = 0;
    st = ParseInt64(body, &i);
    *value = FieldValueView::Integer(i);
    kind = "integer";
  } else if (last == 'u') {
    uint64_t u = 0;
    st = ParseUint64(body, &u);
    *value = FieldValueView::Unsigned(u);
    kind = "unsigned";
  } else {
    double d = 0;
    st = ParseFloat(token, &d);
    *value = FieldValueView::Float(d);
    kind = "float";
  }
  if (st == NumStatus::kInvalid) return invalid();
  if (st == NumStatus::kOutOfRange) {
    return FailAt(fault, p,
                  absl::StrFormat("%s value %s out of range for field %s", kind,
                                  Quote(token), Quote(key)));
  }
  return end;
}

bool LineScanner::DropTimeFields(PointView* out) {
  std::vector<FieldView>& f = out->fields;
  f.erase(std::remove_if(
              f.begin(), f.end(),
              [](const FieldView& v) { return v.key == kReservedTimeKey; }),
          f.end());
  return !f.empty();
}

void LineScanner::MergeDuplicateFields(PointView* out) {
  std::vector<FieldView>& f = out->fields;
  const size_t n = f.size();
  if (n < 2) return;
  if (n <= kPairwiseFieldLimit) {
    field_hashes_.resize(n);
    bool repeated = false;
    for (size_t i = 0; i < n && !repeated; ++i) {
      field_hashes_[i] = KeyHash(f[i].key);
      for (size_t j = 0; j < i; ++j) {
        if (field_hashes_[j] == field_hashes_[i] && f[j].key == f[i].key) {
          repeated = true;
          break;
        }
      }
    }
    if (!repeated) return;
  }
  field_index_.clear();
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto [it, inserted] = field_index_.try_emplace(f[i].key, kept);
    if (inserted) {
      f[kept++] = f[i];
    } else {
      f[it->second].value = f[i].value;
    }
  }
  f.resize(kept);
}

}  // namespace strata::lp_internal
