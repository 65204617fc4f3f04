// `strata write`: line protocol from a file or stdin into the time-series
// layer, streamed in line-aligned chunks (each written atomically).
//
// Without --skip-invalid, a regular file is parsed completely before the
// first write, so one malformed line leaves the DB untouched. stdin cannot
// be read twice: there a malformed line stops the write at its chunk and
// the error says how many points before it were written. Field type
// conflicts are only found while writing and behave the same way.
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/input.h"
#include "cli/output.h"
#include "series/line_protocol.h"

namespace strata::cli {
namespace {

constexpr size_t kMaxReportedRejects = 100;

// Parses every chunk without writing; the first error, with its absolute
// line number, or OK.
absl::Status ValidateAll(LineChunkReader* in, Precision precision,
                         Progress* progress) {
  LineProtocolOptions options;
  options.precision = precision;
  std::string_view chunk;
  uint64_t first_line = 0;
  uint64_t points = 0;
  while (in->Next(&chunk, &first_line)) {
    LineProtocolParser parser(chunk, options);
    ParsedPoint p;
    while (parser.Next(&p)) ++points;
    if (!parser.status().ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %s (nothing was written)", in->name(),
          RebaseLineNumber(std::string(parser.status().message()),
                           first_line)));
    }
    progress->Update(in->bytes_consumed(), points);
  }
  return in->status();
}

}  // namespace

int RunWrite(CliContext& ctx, const std::vector<std::string>& args) {
  std::string precision = "ns";
  bool skip_invalid = false;
  bool sync = false;
  FlagSet flags(
      "strata write [--precision ns|us|ms|s] [--skip-invalid] [--sync] FILE|-",
      "Writes InfluxDB line protocol (one point per line) from FILE, or from\n"
      "stdin with '-', and prints the points written and the rate. Without\n"
      "--skip-invalid one malformed line fails the command; for a file,\n"
      "nothing is written then. Errors name the line and column.");
  // n and u are InfluxDB's /write spellings of ns and us.
  flags.AddChoice("precision", &precision, {"ns", "us", "ms", "s", "n", "u"},
                  "unit of the timestamps in the input (default ns)");
  flags.AddBool("skip-invalid", &skip_invalid,
                "write the valid lines and report each invalid one");
  flags.AddBool("sync", &sync, "fsync the WAL after each chunk");
  if (auto r = ParseFlags(ctx, flags, "write", args, 1, 1)) return *r;

  if (precision == "n" || precision == "u") precision += "s";
  auto in = LineChunkReader::Open(flags.positional()[0]);
  if (!in.ok()) return Fail(ctx, "write", in.status());
  absl::StatusOr<Precision> prec = ParsePrecision(precision);
  if (!prec.ok())
    return UsageError(ctx, flags, "write",
                      std::string(prec.status().message()));

  const bool show = !ctx.in_shell() && Progress::StderrWanted();
  if (!skip_invalid && (*in)->rewindable()) {
    Progress check(ctx.err(), show, "checking", "points", (*in)->total_bytes());
    absl::Status s = ValidateAll(in->get(), *prec, &check);
    check.Finish();
    if (!s.ok()) return Fail(ctx, "write", s);
    s = (*in)->Rewind();
    if (!s.ok()) return Fail(ctx, "write", s);
  }

  absl::StatusOr<TimeSeries*> ts = ctx.Series(/*create=*/true);
  if (!ts.ok()) return Fail(ctx, "write", ts.status());

  LineProtocolWriteOptions options;
  options.precision = precision;
  options.skip_invalid = skip_invalid;
  options.sync = sync;
  Progress progress(ctx.err(), show, "write", "points", (*in)->total_bytes());
  uint64_t points = 0, values = 0, rejected = 0;
  std::string_view chunk;
  uint64_t first_line = 0;
  while ((*in)->Next(&chunk, &first_line)) {
    absl::StatusOr<WriteResult> r = (*ts)->WriteLineProtocol(chunk, options);
    if (!r.ok()) {
      progress.Finish();
      std::string msg = absl::StrFormat(
          "%s: %s", (*in)->name(),
          RebaseLineNumber(std::string(r.status().message()), first_line));
      if (points > 0) {
        msg += absl::StrFormat(" (%d points from earlier lines were written)",
                               points);
      } else {
        msg += " (nothing was written)";
      }
      return Fail(ctx, "write", msg);
    }
    points += r->points_written;
    values += r->values_written;
    for (const std::string& reject : r->rejected) {
      if (rejected++ < kMaxReportedRejects) {
        progress.Finish();
        ctx.PrintErr(absl::StrFormat("strata write: %s: %s (skipped)\n",
                                     (*in)->name(),
                                     RebaseLineNumber(reject, first_line)));
      }
    }
    progress.Update((*in)->bytes_consumed(), points);
  }
  progress.Finish();
  if (!(*in)->status().ok()) {
    return Fail(ctx, "write",
                absl::StrFormat("%s (%d points before it were written)",
                                (*in)->status().message(), points));
  }
  if (rejected > kMaxReportedRejects) {
    ctx.PrintErr(absl::StrFormat("strata write: ... %d more invalid lines\n",
                                 rejected - kMaxReportedRejects));
  }
  const double secs = progress.ElapsedSeconds();
  std::string summary = absl::StrFormat(
      "wrote %d points (%d values) in %.3f s (%s points/s)", points, values,
      secs, HumanCount(secs > 0 ? points / secs : 0));
  if (skip_invalid)
    summary += absl::StrFormat(", skipped %d invalid lines", rejected);
  ctx.Print(summary + "\n");
  return kExitOk;
}

}  // namespace strata::cli
