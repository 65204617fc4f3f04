// ToInfluxJson: the InfluxDB 1.x /query response body, byte for byte as
// its Go encoder writes it (schema/influx-json.schema.json):
//   {"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{..},
//    "columns":["time","mean"],"values":[["2024-01-01T00:00:00Z",1.5]]}]}]}
// "series" and "tags" are left out when empty, a failed statement is
// {"statement_id":N,"error":"..."}. Floats use Go's shortest form ('f',
// exponent below 1e-6 and from 1e21); NaN and infinities, which Go cannot
// encode, become null. Strings are escaped as Go's encoding/json does
// (<, >, & and U+2028/9 as \u escapes, invalid UTF-8 as U+FFFD). The time
// column (column 0 named "time") is RFC 3339 with trimmed nanoseconds, or
// an integer in the requested epoch unit, truncated toward zero as Go's
// integer division.
#include <charconv>
#include <cmath>
#include <string>

#include "series/influxql/time_literals.h"
#include "strata/series.h"
#include "util/json_escape.h"

namespace strata {

namespace {

void AppendFloat(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[64];
  const double a = std::fabs(d);
  const bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
  auto res = std::to_chars(
      buf, buf + sizeof(buf), d,
      exp ? std::chars_format::scientific : std::chars_format::fixed);
  std::string_view s(buf, res.ptr - buf);
  if (exp) {
    // Go writes e-7, not e-07.
    const size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
      out->append(s.substr(0, n - 2));
      out->push_back(s[n - 1]);
      return;
    }
  }
  out->append(s);
}

// Strings are escaped byte for byte as Go's encoding/json does.
void AppendString(std::string_view s, std::string* out) {
  AppendJsonString(out, s, JsonEscape::kGo);
}

void AppendValue(const QueryValue& v, std::string* out) {
  if (std::holds_alternative<std::monostate>(v)) {
    out->append("null");
  } else if (const double* d = std::get_if<double>(&v)) {
    AppendFloat(*d, out);
  } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
    out->append(std::to_string(*i));
  } else if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
    out->append(std::to_string(*u));
  } else if (const bool* b = std::get_if<bool>(&v)) {
    out->append(*b ? "true" : "false");
  } else {
    AppendString(std::get<std::string>(v), out);
  }
}

void AppendTime(int64_t ns, EpochFormat epoch, std::string* out) {
  int64_t div = 1;
  switch (epoch) {
    case EpochFormat::kRfc3339:
      AppendString(influxql::FormatRfc3339Nano(ns), out);
      return;
    case EpochFormat::kNanoseconds:
      break;
    case EpochFormat::kMicroseconds:
      div = 1000;
      break;
    case EpochFormat::kMilliseconds:
      div = 1000 * 1000;
      break;
    case EpochFormat::kSeconds:
      div = 1000 * 1000 * 1000;
      break;
  }
  out->append(std::to_string(ns / div));
}

void AppendSeries(const ResultSeries& s, EpochFormat epoch, std::string* out) {
  out->push_back('{');
  bool comma = false;
  // Go omits empty name, tags, columns and values (omitempty).
  if (!s.name.empty()) {
    out->append("\"name\":");
    AppendString(s.name, out);
    comma = true;
  }
  if (!s.tags.empty()) {
    if (comma) out->push_back(',');
    out->append("\"tags\":{");
    for (size_t i = 0; i < s.tags.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendString(s.tags[i].first, out);
      out->push_back(':');
      AppendString(s.tags[i].second, out);
    }
    out->push_back('}');
    comma = true;
  }
  if (!s.columns.empty()) {
    if (comma) out->push_back(',');
    out->append("\"columns\":[");
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendString(s.columns[i], out);
    }
    out->push_back(']');
    comma = true;
  }
  if (!s.values.empty()) {
    if (comma) out->push_back(',');
    const bool has_time = !s.columns.empty() && s.columns[0] == "time";
    out->append("\"values\":[");
    for (size_t r = 0; r < s.values.size(); ++r) {
      if (r > 0) out->push_back(',');
      out->push_back('[');
      const std::vector<QueryValue>& row = s.values[r];
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) out->push_back(',');
        const int64_t* t = std::get_if<int64_t>(&row[c]);
        if (c == 0 && has_time && t != nullptr) {
          AppendTime(*t, epoch, out);
        } else {
          AppendValue(row[c], out);
        }
      }
      out->push_back(']');
    }
    out->push_back(']');
  }
  out->push_back('}');
}

}  // namespace

std::string ToInfluxJson(const QueryResult& result, EpochFormat epoch) {
  // "results" is omitempty in InfluxDB's response struct.
  if (result.results.empty()) return "{}";
  std::string out = "{\"results\":[";
  for (size_t i = 0; i < result.results.size(); ++i) {
    const StatementResult& r = result.results[i];
    if (i > 0) out.push_back(',');
    out.append("{\"statement_id\":");
    out.append(std::to_string(r.statement_id));
    if (!r.series.empty()) {
      out.append(",\"series\":[");
      for (size_t k = 0; k < r.series.size(); ++k) {
        if (k > 0) out.push_back(',');
        AppendSeries(r.series[k], epoch, &out);
      }
      out.push_back(']');
    }
    if (!r.error.ok()) {
      out.append(",\"error\":");
      AppendString(std::string(r.error.message()), &out);
    }
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

}  // namespace strata
