// Durations and RFC 3339 time literals for InfluxQL. Shapes are checked
// strictly by hand (InfluxDB accepts exactly these layouts); the calendar
// work (month lengths, leap years, days since the epoch) is done by
// Howard Hinnant's date library.
#include "series/influxql/time_literals.h"

#include <chrono>
#include <sstream>

#include "absl/strings/str_format.h"
#include "date/date.h"
#include "series/influxql/lexer.h"
#include "series/influxql/token.h"

namespace strata::influxql {

namespace {

bool DigitsAt(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return true;
}

int TwoDigits(std::string_view s, size_t pos) {
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

absl::Status InvalidTime(std::string_view text) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "invalid time literal '%s': expected 2006-01-02T15:04:05Z, "
      "2006-01-02 15:04:05 or 2006-01-02",
      PrintableForMessage(text)));
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid duration %s", PrintableForMessage(text)));
  };
  if (text.size() < 2) return invalid();
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  int64_t total = 0;
  while (i < text.size()) {
    const size_t start = i;
    int64_t n = 0;
    bool overflow = false;
    while (i < text.size() && IsDigit(text[i])) {
      overflow |= __builtin_mul_overflow(n, 10, &n);
      overflow |= __builtin_add_overflow(n, text[i] - '0', &n);
      ++i;
    }
    if (i == start || i >= text.size()) return invalid();
    int64_t unit;
    const char u = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (u == 'n' && next == 's') {
      unit = 1;
      i += 2;
    } else if (u == 'u') {
      unit = kNanosPerMicro;
      i += 1;
    } else if (u == '\xC2' && next == '\xB5') {  // µ
      unit = kNanosPerMicro;
      i += 2;
    } else if (u == 'm' && next == 's') {
      unit = kNanosPerMilli;
      i += 2;
    } else if (u == 'm') {
      unit = kNanosPerMinute;
      i += 1;
    } else if (u == 's') {
      unit = kNanosPerSecond;
      i += 1;
    } else if (u == 'h') {
      unit = kNanosPerHour;
      i += 1;
    } else if (u == 'd') {
      unit = kNanosPerDay;
      i += 1;
    } else if (u == 'w') {
      unit = kNanosPerWeek;
      i += 1;
    } else {
      return invalid();
    }
    overflow |= __builtin_mul_overflow(n, unit, &n);
    overflow |= __builtin_add_overflow(total, n, &total);
    if (overflow) {
      return absl::InvalidArgumentError(
          absl::StrFormat("overflowed duration %s", PrintableForMessage(text)));
    }
  }
  return negative ? -total : total;
}

std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  // Work on the magnitude as unsigned so INT64_MIN has one too.
  const uint64_t mag = ns < 0 ? 0 - static_cast<uint64_t>(ns) : ns;
  const char* sign = ns < 0 ? "-" : "";
  struct Unit {
    uint64_t nanos;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {kNanosPerWeek, "w"},   {kNanosPerDay, "d"},
      {kNanosPerHour, "h"},   {kNanosPerMinute, "m"},
      {kNanosPerSecond, "s"}, {kNanosPerMilli, "ms"},
      {kNanosPerMicro, "u"},  {1, "ns"},
  };
  for (const Unit& u : kUnits) {
    if (mag % u.nanos == 0) {
      return absl::StrFormat("%s%d%s", sign, mag / u.nanos, u.suffix);
    }
  }
  return "";  // unreachable: 1 divides everything
}

bool LooksLikeTimeString(std::string_view s) {
  return DigitsAt(s, 0, 4) && s.size() >= 10 && s[4] == '-' &&
         DigitsAt(s, 5, 2) && s[7] == '-' && DigitsAt(s, 8, 2);
}

absl::StatusOr<int64_t> ParseTimeString(std::string_view text) {
  if (!LooksLikeTimeString(text)) return InvalidTime(text);
  int64_t frac_ns = 0;
  int offset_seconds = 0;
  if (text.size() > 10) {
    // Time of day: "T15:04:05" (RFC 3339) or " 15:04:05" (UTC).
    const char sep = text[10];
    if ((sep != 'T' && sep != ' ') || !DigitsAt(text, 11, 2) ||
        text.size() < 19 || text[13] != ':' || !DigitsAt(text, 14, 2) ||
        text[16] != ':' || !DigitsAt(text, 17, 2)) {
      return InvalidTime(text);
    }
    size_t i = 19;
    if (i < text.size() && text[i] == '.') {
      ++i;
      const size_t start = i;
      int64_t scale = kNanosPerSecond;
      while (i < text.size() && IsDigit(text[i])) {
        if (scale > 1) {  // digits past nanoseconds are dropped, as Go
          scale /= 10;
          frac_ns += (text[i] - '0') * scale;
        }
        ++i;
      }
      if (i == start) return InvalidTime(text);
    }
    if (sep == 'T') {
      if (i < text.size() && text[i] == 'Z') {
        ++i;
      } else if (i < text.size() && (text[i] == '+' || text[i] == '-') &&
                 DigitsAt(text, i + 1, 2) && i + 6 <= text.size() &&
                 text[i + 3] == ':' && DigitsAt(text, i + 4, 2)) {
        const int hours = TwoDigits(text, i + 1);
        const int minutes = TwoDigits(text, i + 4);
        if (hours > 23 || minutes > 59) return InvalidTime(text);
        offset_seconds = (hours * 60 + minutes) * 60;
        if (text[i] == '-') offset_seconds = -offset_seconds;
        i += 6;
      } else {
        return InvalidTime(text);
      }
    }
    if (i != text.size()) return InvalidTime(text);
  }

  // The calendar part: date::parse rejects month 13, Feb 30, hour 24 etc.
  std::string civil(text.substr(0, 10));
  civil += text.size() > 10 ? "T" + std::string(text.substr(11, 8))
                            : std::string("T00:00:00");
  std::istringstream in(civil);
  date::sys_seconds secs;
  in >> date::parse("%FT%T", secs);
  if (in.fail()) return InvalidTime(text);

  // A local time at +05:30 is 5h30m ahead of UTC.
  const __int128 total =
      static_cast<__int128>(secs.time_since_epoch().count() - offset_seconds) *
          kNanosPerSecond +
      frac_ns;
  if (total > INT64_MAX || total < INT64_MIN) {
    const date::sys_seconds utc = secs - std::chrono::seconds(offset_seconds);
    return absl::InvalidArgumentError(
        absl::StrFormat("time %s %s time literal", date::format("%FT%TZ", utc),
                        total > 0 ? "overflows" : "underflows"));
  }
  return static_cast<int64_t>(total);
}

std::string FormatRfc3339Nano(int64_t ns) {
  // Floor to whole seconds so times before 1970 keep a positive fraction.
  int64_t secs = ns / kNanosPerSecond;
  int64_t frac = ns % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --secs;
  }
  const date::sys_seconds tp{std::chrono::seconds(secs)};
  const date::sys_days day = date::floor<date::days>(tp);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<std::chrono::seconds> hms(tp - day);
  std::string out = absl::StrFormat(
      "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  if (frac != 0) {
    std::string digits = absl::StrFormat("%09d", frac);
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  out += "Z";
  return out;
}

}  // namespace strata::influxql
