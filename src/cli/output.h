// Output of the strata tool: query results as an aligned table (like the
// influx CLI), CSV (like `influx -format csv`) or InfluxDB 1.x JSON; JSON
// string quoting; byte escaping for dumps; and the progress bar long
// commands draw on stderr when it is a terminal. Pure formatting: no I/O
// except the progress bar's writes to its stream.
#ifndef STRATA_CLI_OUTPUT_H_
#define STRATA_CLI_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "strata/series.h"
#include "util/json_escape.h"

namespace strata::cli {

// "table", "csv" or "json".
enum class OutputFormat { kTable, kCsv, kJson };
absl::StatusOr<OutputFormat> ParseOutputFormat(std::string_view name);
// "ns", "us", "ms", "s", or "" / "rfc3339" for RFC 3339.
absl::StatusOr<EpochFormat> ParseEpoch(std::string_view name);

// A time value as printed in the time column.
std::string FormatTime(int64_t ns, EpochFormat epoch);
// A result value: floats in their shortest round-trip form, strings raw,
// null as the empty string.
std::string FormatValue(const QueryValue& v);

// Every series of every statement that succeeded; failed statements are
// left out (the caller reports their errors).
std::string FormatTable(const QueryResult& result, EpochFormat epoch);
std::string FormatCsv(const QueryResult& result, EpochFormat epoch);
// One field of CSV, quoted when it must be.
std::string CsvField(std::string_view s);

// JSON string literals: strata::JsonQuote (util/json_escape.h; invalid
// UTF-8 bytes become U+FFFD so the result is always valid JSON).
// Printable ASCII as is (backslash doubled), other bytes as \xNN.
std::string EscapeBytes(std::string_view s);

// One line of progress: label, bar (when total is known), percent, bytes,
// items and their rate, ETA. elapsed_s > 0.
std::string RenderProgress(std::string_view label, std::string_view unit,
                           uint64_t bytes, uint64_t total_bytes, uint64_t items,
                           double elapsed_s);
// "1.5 MiB"-style sizes and "12.3k"-style counts.
std::string HumanBytes(double bytes);
std::string HumanCount(double n);

// A progress bar redrawn in place (at most every 100 ms) on a terminal.
// Disabled, it prints nothing at all, so piped output stays clean.
class Progress {
 public:
  Progress(FILE* out, bool enabled, std::string label, std::string unit,
           uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Update(uint64_t bytes, uint64_t items);
  // Erases the bar line.
  void Finish();
  double ElapsedSeconds() const;

  // True when stderr is a terminal. STRATA_PROGRESS=always|never overrides
  // (for tests and for people who want the bar in a log).
  static bool StderrWanted();

 private:
  void Draw();

  FILE* out_;
  bool enabled_;
  std::string label_;
  std::string unit_;
  uint64_t total_;
  uint64_t bytes_ = 0;
  uint64_t items_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace strata::cli

#endif  // STRATA_CLI_OUTPUT_H_
