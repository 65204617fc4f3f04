// Query result writers (table, CSV), JSON quoting, byte escaping and the
// terminal progress bar of the strata tool. JSON query output itself is
// strata::ToInfluxJson (src/series/influx_json.cc), so the CLI and the
// library print byte-identical InfluxDB responses.
#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_format.h"
#include "series/influxql/time_literals.h"

namespace strata::cli {
namespace {

bool IsTimeCell(const ResultSeries& s, size_t col, const QueryValue& v) {
  return col == 0 && !s.columns.empty() && s.columns[0] == "time" &&
         std::holds_alternative<int64_t>(v);
}

std::string Cell(const ResultSeries& s, size_t col, const QueryValue& v,
                 EpochFormat epoch) {
  if (IsTimeCell(s, col, v)) return FormatTime(std::get<int64_t>(v), epoch);
  return FormatValue(v);
}

std::string TagsText(const ResultSeries& s, std::string_view sep) {
  std::string out;
  for (const auto& [k, v] : s.tags) {
    if (!out.empty()) out += sep;
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

// Display width of a cell: code points, not bytes, so UTF-8 tag values
// keep the columns aligned.
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (char c : s) {
    if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

void PadTo(std::string* out, std::string_view cell, size_t width) {
  out->append(cell);
  for (size_t w = DisplayWidth(cell); w < width; ++w) out->push_back(' ');
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrFormat("unknown format '%s' (want table, csv or json)", name));
}

absl::StatusOr<EpochFormat> ParseEpoch(std::string_view name) {
  if (name.empty() || name == "rfc3339") return EpochFormat::kRfc3339;
  if (name == "ns" || name == "n") return EpochFormat::kNanoseconds;
  if (name == "us" || name == "u") return EpochFormat::kMicroseconds;
  if (name == "ms") return EpochFormat::kMilliseconds;
  if (name == "s") return EpochFormat::kSeconds;
  return absl::InvalidArgumentError(absl::StrFormat(
      "unknown epoch '%s' (want ns, us, ms, s or rfc3339)", name));
}

std::string FormatTime(int64_t ns, EpochFormat epoch) {
  switch (epoch) {
    case EpochFormat::kRfc3339:
      return influxql::FormatRfc3339Nano(ns);
    case EpochFormat::kNanoseconds:
      return std::to_string(ns);
    case EpochFormat::kMicroseconds:
      return std::to_string(ns / 1000);
    case EpochFormat::kMilliseconds:
      return std::to_string(ns / 1000000);
    case EpochFormat::kSeconds:
      return std::to_string(ns / 1000000000);
  }
  return std::to_string(ns);
}

std::string FormatValue(const QueryValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "";
  if (const double* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return "NaN";
    if (std::isinf(*d)) return *d > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), *d);
    return std::string(buf, res.ptr - buf);
  }
  if (const int64_t* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

std::string FormatTable(const QueryResult& result, EpochFormat epoch) {
  std::string out;
  for (const StatementResult& st : result.results) {
    if (!st.error.ok()) continue;
    for (const ResultSeries& s : st.series) {
      if (!out.empty()) out += '\n';
      out += absl::StrFormat("name: %s\n", s.name);
      if (!s.tags.empty()) out += "tags: " + TagsText(s, ", ") + "\n";
      std::vector<std::vector<std::string>> cells;
      std::vector<size_t> width(s.columns.size(), 0);
      for (size_t c = 0; c < s.columns.size(); ++c) {
        width[c] = DisplayWidth(s.columns[c]);
      }
      for (const auto& row : s.values) {
        std::vector<std::string> line;
        for (size_t c = 0; c < row.size() && c < s.columns.size(); ++c) {
          line.push_back(Cell(s, c, row[c], epoch));
          width[c] = std::max(width[c], DisplayWidth(line.back()));
        }
        cells.push_back(std::move(line));
      }
      auto emit = [&](const std::vector<std::string>& line) {
        std::string text;
        for (size_t c = 0; c < line.size(); ++c) {
          if (c + 1 == line.size()) {
            text += line[c];  // no trailing spaces
          } else {
            PadTo(&text, line[c], width[c]);
            text += ' ';
          }
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + "\n";
      };
      emit(s.columns);
      std::vector<std::string> rule;
      for (const std::string& c : s.columns) {
        rule.push_back(std::string(DisplayWidth(c), '-'));
      }
      emit(rule);
      for (const auto& line : cells) emit(line);
    }
  }
  return out;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(s);
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string FormatCsv(const QueryResult& result, EpochFormat epoch) {
  std::string out;
  for (const StatementResult& st : result.results) {
    if (!st.error.ok()) continue;
    std::vector<std::string> last_header;
    for (const ResultSeries& s : st.series) {
      // Like influx -format csv: name and tags lead every row; the header
      // is repeated only when the columns change.
      if (s.columns != last_header) {
        out += "name,tags";
        for (const std::string& c : s.columns) out += "," + CsvField(c);
        out += "\n";
        last_header = s.columns;
      }
      const std::string lead =
          CsvField(s.name) + "," + CsvField(TagsText(s, ","));
      for (const auto& row : s.values) {
        out += lead;
        for (size_t c = 0; c < row.size(); ++c) {
          out += "," + CsvField(Cell(s, c, row[c], epoch));
        }
        out += "\n";
      }
    }
  }
  return out;
}

std::string EscapeBytes(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string HumanBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  if (u == 0) return absl::StrFormat("%.0f B", bytes);
  return absl::StrFormat("%.1f %s", bytes, kUnits[u]);
}

std::string HumanCount(double n) {
  if (n < 1e3) return absl::StrFormat("%.0f", n);
  if (n < 1e6) return absl::StrFormat("%.1fk", n / 1e3);
  if (n < 1e9) return absl::StrFormat("%.2fM", n / 1e6);
  return absl::StrFormat("%.2fG", n / 1e9);
}

std::string RenderProgress(std::string_view label, std::string_view unit,
                           uint64_t bytes, uint64_t total_bytes, uint64_t items,
                           double elapsed_s) {
  if (elapsed_s <= 0) elapsed_s = 1e-9;
  std::string out(label);
  if (total_bytes > 0) {
    const double frac = std::min(
        1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes));
    constexpr int kBar = 24;
    const int filled = static_cast<int>(frac * kBar);
    out +=
        " [" + std::string(filled, '#') + std::string(kBar - filled, '-') + "]";
    out += absl::StrFormat(" %3.0f%% %s/%s", frac * 100, HumanBytes(bytes),
                           HumanBytes(total_bytes));
  } else {
    out += " " + HumanBytes(bytes);
  }
  out += absl::StrFormat(" %s %s (%s/s)", HumanCount(items), unit,
                         HumanCount(items / elapsed_s));
  if (total_bytes > 0 && bytes > 0 && bytes < total_bytes) {
    const double eta = elapsed_s * (total_bytes - bytes) / bytes;
    const int64_t secs = static_cast<int64_t>(eta + 0.5);
    out += absl::StrFormat(" ETA %d:%02d", secs / 60, secs % 60);
  }
  return out;
}

Progress::Progress(FILE* out, bool enabled, std::string label, std::string unit,
                   uint64_t total_bytes)
    : out_(out),
      enabled_(enabled),
      label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

bool Progress::StderrWanted() {
  const char* force = std::getenv("STRATA_PROGRESS");
  if (force != nullptr) {
    if (std::string_view(force) == "always") return true;
    if (std::string_view(force) == "never") return false;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

double Progress::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start_)
      .count();
}

void Progress::Update(uint64_t bytes, uint64_t items) {
  bytes_ = bytes;
  items_ = items;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  std::string line =
      RenderProgress(label_, unit_, bytes_, total_, items_, ElapsedSeconds());
  // \r and erase-to-end-of-line: redraw in place.
  std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::Finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(out_, "\r\x1b[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace strata::cli
