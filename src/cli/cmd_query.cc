// `strata query`: runs ';'-separated InfluxQL statements and prints the
// results as a table, CSV or the InfluxDB 1.x /query JSON. A syntax error
// fails the whole query (with its line and char); a failed statement is
// reported on stderr and the others still print. Exit 1 if anything failed.
// --epoch also takes InfluxDB's h and m: times are divided here (truncated
// toward zero, as InfluxDB's integer division) and printed as integers.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/output.h"

namespace strata::cli {
namespace {
constexpr size_t kMaxStdinQueryBytes = 16 << 20;
constexpr int64_t kNanosPerMinute = int64_t{60} * 1000 * 1000 * 1000;

// Divides the time column (column 0 named "time", int64 ns) of every series
// by unit_ns.
void ScaleTimes(QueryResult* result, int64_t unit_ns) {
  for (StatementResult& st : result->results) {
    for (ResultSeries& series : st.series) {
      if (series.columns.empty() || series.columns[0] != "time") continue;
      for (std::vector<QueryValue>& row : series.values) {
        if (row.empty()) continue;
        if (auto* t = std::get_if<int64_t>(&row[0])) *t /= unit_ns;
      }
    }
  }
}

// ExecuteQuery with times in units of unit_ns when unit_ns > 1 (then
// printed with the kNanoseconds formatting, i.e. as plain integers).
int Execute(CliContext& ctx, std::string_view influxql, OutputFormat format,
            EpochFormat epoch, int64_t unit_ns) {
  absl::StatusOr<TimeSeries*> ts = ctx.Series(/*create=*/false);
  if (!ts.ok()) return Fail(ctx, "query", ts.status());
  absl::StatusOr<QueryResult> result = (*ts)->Query(influxql);
  if (!result.ok()) return Fail(ctx, "query", result.status());
  if (unit_ns > 1) {
    ScaleTimes(&*result, unit_ns);
    epoch = EpochFormat::kNanoseconds;
  }
  switch (format) {
    case OutputFormat::kTable:
      ctx.Print(FormatTable(*result, epoch));
      break;
    case OutputFormat::kCsv:
      ctx.Print(FormatCsv(*result, epoch));
      break;
    case OutputFormat::kJson:
      ctx.Print(ToInfluxJson(*result, epoch) + "\n");
      break;
  }
  int code = kExitOk;
  for (const StatementResult& st : result->results) {
    if (st.error.ok()) continue;
    code = Fail(ctx, "query",
                absl::StrFormat("statement %d: %s", st.statement_id,
                                st.error.message()));
  }
  return code;
}

}  // namespace

int ExecuteQuery(CliContext& ctx, std::string_view influxql,
                 OutputFormat format, EpochFormat epoch) {
  return Execute(ctx, influxql, format, epoch, 1);
}

int RunQuery(CliContext& ctx, const std::vector<std::string>& args) {
  std::string format = "table";
  std::string epoch = "rfc3339";
  FlagSet flags(
      "strata query [--format table|csv|json] [--epoch ns|us|ms|s|m|h] "
      "\"STATEMENTS\"|-",
      "Runs InfluxQL statements (several may be separated by ';'; '-' reads\n"
      "them from stdin). --format json prints exactly InfluxDB 1.x's /query\n"
      "response (schema/influx-json.schema.json); times are RFC 3339 unless\n"
      "--epoch is given.");
  flags.AddChoice("format", &format, {"table", "csv", "json"},
                  "output format (default table)");
  flags.AddChoice("epoch", &epoch, {"rfc3339", "ns", "us", "ms", "s", "m", "h"},
                  "print times as integers of this unit");
  if (auto r = ParseFlags(ctx, flags, "query", args, 1, 1)) return *r;

  std::string text = flags.positional()[0];
  if (text == "-") {
    auto in = LineChunkReader::Open("-");
    if (!in.ok()) return Fail(ctx, "query", in.status());
    text.clear();
    std::string_view chunk;
    uint64_t line = 0;
    while ((*in)->Next(&chunk, &line)) {
      text.append(chunk);
      // The layer refuses long queries anyway; do not buffer without end.
      if (text.size() > kMaxStdinQueryBytes) {
        return Fail(ctx, "query",
                    absl::StrFormat("query on stdin is longer than %d bytes",
                                    kMaxStdinQueryBytes));
      }
    }
    if (!(*in)->status().ok()) return Fail(ctx, "query", (*in)->status());
  }
  absl::StatusOr<OutputFormat> f = ParseOutputFormat(format);
  int64_t unit_ns = 1;
  if (epoch == "m" || epoch == "h") {
    unit_ns = epoch == "m" ? kNanosPerMinute : 60 * kNanosPerMinute;
    epoch = "ns";
  }
  absl::StatusOr<EpochFormat> e = ParseEpoch(epoch);
  if (!f.ok())
    return UsageError(ctx, flags, "query", std::string(f.status().message()));
  if (!e.ok())
    return UsageError(ctx, flags, "query", std::string(e.status().message()));
  return Execute(ctx, text, *f, *e, unit_ns);
}

}  // namespace strata::cli
