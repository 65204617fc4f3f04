// `strata demo` (see demo.h): generate, ingest, query, show retention. Each
// section checks its result against what the generators know to be true,
// so a wrong answer fails the demo (and its test) instead of printing
// quietly. Only the public API is used: the demo is also a tour of it.
#include "cli/demo.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/demo_data.h"
#include "simdjson.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/env.h"
#include "strata/series.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kInterval = 10 * kNanosPerSecond;
constexpr int64_t kDay = 24 * kNanosPerHour;
constexpr size_t kChunkLines = 5000;
constexpr size_t kDocBatch = 1000;

// n per second, for printing; 0 when no time was measured.
uint64_t Rate(double n, double seconds) {
  return seconds > 0 ? static_cast<uint64_t>(n / seconds) : 0;
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

absl::Status Unexpected(std::string_view what) {
  return absl::InternalError(absl::StrFormat("unexpected result: %s", what));
}

// A query's result must hold no statement error.
absl::Status FirstError(const QueryResult& r) {
  for (const StatementResult& st : r.results) {
    if (!st.error.ok()) return st.error;
  }
  return absl::OkStatus();
}

// The single value of a one-row aggregate such as count(); 0 with no rows
// (InfluxQL returns no series when nothing matched).
int64_t SingleInt(const QueryResult& r) {
  if (r.results.empty() || r.results[0].series.empty()) return 0;
  const ResultSeries& s = r.results[0].series[0];
  if (s.values.empty() || s.values[0].size() < 2) return 0;
  const QueryValue& v = s.values[0][1];
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
    return static_cast<int64_t>(*u);
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Printing: counts, sizes, times, aligned tables, the progress bar.

// 1234567 -> "1,234,567".
std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrFormat("%d B", bytes)
                : absl::StrFormat("%.1f %s", v, units[u]);
}

// RFC 3339 UTC to the second, as InfluxDB prints result times.
std::string FormatTime(int64_t ns) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixNanos(ns),
                          absl::UTCTimeZone());
}

// A directory as printed: with one trailing slash.
std::string DirName(std::string_view dir) {
  std::string d(dir);
  if (d.back() != '/') d.push_back('/');
  return d;
}

// s quoted for a POSIX shell when it needs it.
std::string ShellQuote(std::string_view s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyz"
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-_./") == std::string::npos;
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// "12.3 ms · blocks read 4, skipped 170 (time) / 0 (expired)".
std::string TimingLine(double ms, const Stats& before, const Stats& after) {
  std::string line = absl::StrFormat(
      "%.1f ms · blocks read %d, skipped %d (time) / %d (expired)", ms,
      after.blocks_read - before.blocks_read,
      after.blocks_skipped_time - before.blocks_skipped_time,
      after.blocks_skipped_expired - before.blocks_skipped_expired);
  // Counted per iterator that passed an SST by, so it can exceed the number
  // of SSTs: hence "lookups".
  const uint64_t ft = after.files_skipped_time - before.files_skipped_time;
  const uint64_t fe =
      after.files_skipped_expired - before.files_skipped_expired;
  if (ft + fe > 0) {
    absl::StrAppendFormat(
        &line, " · SST lookups skipped %d (time) / %d (expired)", ft, fe);
  }
  return line;
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

bool LooksNumeric(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && s[0] >= '0' && s[0] <= '9' &&
         s.find_first_not_of("0123456789.,") == std::string_view::npos;
}

// Prints at most max_rows rows, numbers right-aligned, then "... N more"
// and the timing line, indented under the section title.
void PrintTable(FILE* out, const Table& t, size_t max_rows,
                std::string_view timing) {
  const size_t shown = std::min(max_rows, t.rows.size());
  std::vector<size_t> width(t.header.size());
  std::vector<bool> numeric(t.header.size(), true);
  for (size_t c = 0; c < t.header.size(); ++c) width[c] = t.header[c].size();
  for (size_t r = 0; r < shown; ++r) {
    for (size_t c = 0; c < t.header.size() && c < t.rows[r].size(); ++c) {
      width[c] = std::max(width[c], t.rows[r][c].size());
      if (!t.rows[r][c].empty() && !LooksNumeric(t.rows[r][c])) {
        numeric[c] = false;
      }
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line = "  ";
    for (size_t c = 0; c < t.header.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : "";
      std::string pad(width[c] - std::min(width[c], cell.size()), ' ');
      line += " ";
      line += numeric[c] ? pad + cell : cell + pad;
      line += " ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_row(t.header);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  print_row(rule);
  for (size_t r = 0; r < shown; ++r) print_row(t.rows[r]);
  if (shown < t.rows.size()) {
    std::fprintf(out, "   ... %s more\n",
                 FormatCount(t.rows.size() - shown).c_str());
  }
  if (t.rows.empty()) std::fprintf(out, "   (no rows)\n");
  std::fprintf(out, "   %s\n\n", std::string(timing).c_str());
}

std::string FormatQueryValue(const QueryValue& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(double d) const {
      return absl::StrFormat("%.2f", d);
    }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(uint64_t u) const { return std::to_string(u); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, v);
}

// One row per result row of every series: tag values first (a column per
// tag key), then the columns; the time column formatted or left out.
Table TableFromResult(const QueryResult& r, bool with_time) {
  Table t;
  for (const StatementResult& st : r.results) {
    for (const ResultSeries& s : st.series) {
      if (t.header.empty()) {
        for (const auto& [key, value] : s.tags) t.header.push_back(key);
        for (size_t c = 0; c < s.columns.size(); ++c) {
          if (c == 0 && !with_time) continue;
          t.header.push_back(s.columns[c]);
        }
      }
      for (const std::vector<QueryValue>& values : s.values) {
        std::vector<std::string> row;
        for (const auto& [key, value] : s.tags) row.push_back(value);
        for (size_t c = 0; c < values.size(); ++c) {
          if (c == 0 && !with_time) continue;
          const int64_t* ns = std::get_if<int64_t>(&values[c]);
          row.push_back(c == 0 && ns != nullptr ? FormatTime(*ns)
                                                : FormatQueryValue(values[c]));
        }
        t.rows.push_back(std::move(row));
      }
    }
  }
  return t;
}

// ts, host, service and message of each incident document.
absl::StatusOr<Table> IncidentTable(const std::vector<std::string>& docs) {
  Table t;
  t.header = {"ts", "host", "service", "message"};
  simdjson::dom::parser parser;
  for (const std::string& json : docs) {
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
      return Unexpected("Find returned a document that is not JSON");
    }
    std::vector<std::string> row;
    for (const char* field : {"ts", "host", "service", "message"}) {
      std::string_view v;
      if (doc[field].get(v) != simdjson::SUCCESS) {
        return Unexpected(absl::StrFormat("incident without \"%s\"", field));
      }
      row.emplace_back(v);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// A one-line bar redrawn in place on stderr at most every 100 ms; erased
// when done. Disabled, it prints nothing.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label)
      : enabled_(enabled), label_(std::move(label)) {}
  ~ProgressBar() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }
  void Update(double fraction, std::string_view detail) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 30);
    std::fprintf(stderr, "\r\033[K  %-14s [%s%s] %3d%%  %s", label_.c_str(),
                 std::string(filled, '#').c_str(),
                 std::string(30 - filled, '.').c_str(),
                 static_cast<int>(fraction * 100), std::string(detail).c_str());
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::string label_;
  bool drawn_ = false;
  Clock::time_point last_;
};

// ---------------------------------------------------------------------------
// The demo.

class Demo {
 public:
  explicit Demo(const DemoOptions& o)
      : o_(o),
        out_(o.out != nullptr ? o.out : stdout),
        hosts_(std::max(2, static_cast<int>(50 * o.scale + 0.5))),
        incidents_(std::max(100, static_cast<int>(20'000 * o.scale + 0.5))) {}

  absl::Status Run() {
    const Clock::time_point start = Clock::now();
    if (absl::Status s = OpenFresh(); !s.ok()) return s;
    end_ns_ = env_->NowNanos() / kInterval * kInterval;
    absl::FPrintF(out_,
                  "Strata demo: a fresh database in %s\n"
                  "  metrics    %d hosts x 10 fields (cpu, mem, disk) every "
                  "10 s for the 24 h up to %s\n"
                  "  incidents  %s JSON documents over the same day "
                  "(indexes on host and severity, TTL 30 d)\n\n",
                  DirName(o_.dir), hosts_, FormatTime(end_ns_),
                  FormatCount(incidents_));
    for (auto step :
         {&Demo::IngestMetrics, &Demo::IngestIncidents, &Demo::LatestPerHost,
          &Demo::WindowedMean, &Demo::TopHostsByMax, &Demo::IncidentFilter,
          &Demo::Retention}) {
      if (absl::Status s = (this->*step)(); !s.ok()) return s;
    }
    const std::string db = "./build/src/cli/strata --db " + ShellQuote(o_.dir);
    absl::FPrintF(
        out_,
        "Done in %.1f s. The database stays in %s; keep exploring:\n"
        "  %s query \"SELECT mean(usage_user) FROM cpu WHERE time > now() - "
        "1h GROUP BY time(10m), host\"\n"
        "  %s docs find incidents '{\"severity\":\"critical\"}' --sort "
        "'{\"ts\":-1}' --limit 5\n"
        "  %s shell\n",
        SecondsSince(start), DirName(o_.dir), db, db, db);
    return absl::OkStatus();
  }

 private:
  // Replaces whatever Strata database is at dir with an empty one.
  absl::Status OpenFresh() {
    env_ = Env::Default();
    if (env_->FileExists(o_.dir)) {
      absl::StatusOr<std::vector<std::string>> children =
          env_->GetChildren(o_.dir);
      if (!children.ok()) return children.status();
      const bool is_db = std::find(children->begin(), children->end(),
                                   "CURRENT") != children->end();
      if (!children->empty() && !is_db) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s exists and is not a Strata database; refusing to replace it "
            "(pass another directory)",
            o_.dir));
      }
      if (absl::Status s = DB::Destroy(o_.dir, env_); !s.ok()) return s;
    }
    Options options;
    options.error_if_exists = true;
    // One background thread: with two, both can pick the same expired SSTs
    // and files_dropped_ttl counts them twice (a core bug, reported), which
    // would make the retention numbers below wrong.
    options.background_threads = 1;
    absl::StatusOr<std::unique_ptr<DB>> db = DB::Open(options, o_.dir);
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    absl::StatusOr<std::unique_ptr<TimeSeries>> ts =
        TimeSeries::Open(db_.get());
    if (!ts.ok()) return ts.status();
    series_ = std::move(*ts);
    absl::StatusOr<std::unique_ptr<DocumentStore>> docs =
        DocumentStore::Open(db_.get());
    if (!docs.ok()) return docs.status();
    docs_ = std::move(*docs);
    return absl::OkStatus();
  }

  // Writes generated line protocol in chunks; returns seconds spent inside
  // WriteLineProtocol.
  absl::StatusOr<double> WriteMetrics(MetricsGenerator* gen,
                                      std::string_view label) {
    ProgressBar bar(o_.progress, std::string(label));
    double write_s = 0;
    std::string chunk;
    while (chunk.clear(), gen->NextChunk(kChunkLines, &chunk)) {
      const Clock::time_point t = Clock::now();
      absl::StatusOr<WriteResult> r = series_->WriteLineProtocol(chunk);
      write_s += SecondsSince(t);
      if (!r.ok()) return r.status();
      bar.Update(static_cast<double>(gen->lines_done()) / gen->total_lines(),
                 absl::StrFormat("%s values", FormatCount(gen->values_done())));
    }
    return write_s;
  }

  absl::Status IngestMetrics() {
    MetricsSpec spec;
    spec.hosts = hosts_;
    spec.end_ns = end_ns_;
    MetricsGenerator gen(spec);
    const Clock::time_point start = Clock::now();
    absl::StatusOr<double> write_s = WriteMetrics(&gen, "metrics");
    if (!write_s.ok()) return write_s.status();
    const double total_s = SecondsSince(start);
    const Clock::time_point settle = Clock::now();
    if (absl::Status s = Settle(); !s.ok()) return s;
    const Stats st = db_->GetStats();
    metrics_bytes_ = st.live_bytes;
    metric_values_ = gen.total_values();
    metric_steps_ = gen.steps();
    absl::FPrintF(
        out_,
        "Ingest\n"
        "  metrics    %s lines, %s values in %.1f s: %s values/s through "
        "WriteLineProtocol (%.1f s of it generating text)\n"
        "             flush + compaction %.1f s; %s of SSTs = %.2f bytes per "
        "value\n",
        FormatCount(gen.total_lines()), FormatCount(metric_values_), total_s,
        FormatCount(Rate(metric_values_, *write_s)), total_s - *write_s,
        SecondsSince(settle), FormatBytes(metrics_bytes_),
        static_cast<double>(metrics_bytes_) / metric_values_);
    return absl::OkStatus();
  }

  // Flushes the memtable and waits for compactions, so queries read SSTs
  // (where blocks can be counted and skipped) and sizes are final.
  absl::Status Settle() {
    if (absl::Status s = db_->Flush(); !s.ok()) return s;
    return db_->WaitForBackgroundWork();
  }

  absl::Status IngestIncidents() {
    CollectionSpec spec;
    spec.name = "incidents";
    spec.key_path = "id";
    spec.time_path = "ts";
    spec.time_unit = "rfc3339";
    spec.default_ttl_ns = 30 * kDay;
    if (absl::Status s = docs_->CreateCollection(spec); !s.ok()) return s;
    for (const char* path : {"host", "severity"}) {
      IndexSpec index;
      index.name = std::string("by_") + path;
      index.paths = {path};
      if (absl::Status s = docs_->CreateIndex("incidents", index); !s.ok()) {
        return s;
      }
    }
    IncidentSpec ispec;
    ispec.count = incidents_;
    ispec.hosts = hosts_;
    ispec.start_ns = end_ns_ - kDay + kInterval;
    ispec.end_ns = end_ns_ + 1;
    incident_gen_ = std::make_unique<IncidentGenerator>(ispec);
    const Clock::time_point start = Clock::now();
    {
      ProgressBar bar(o_.progress, "incidents");
      std::vector<std::string> batch;
      size_t done = 0;
      while (batch.clear(), incident_gen_->Next(kDocBatch, &batch) > 0) {
        absl::Status s = docs_->PutMany("incidents", batch,
                                        /*insert_only=*/true);
        if (!s.ok()) return s;
        done += batch.size();
        bar.Update(static_cast<double>(done) / incidents_,
                   absl::StrFormat("%s documents", FormatCount(done)));
      }
    }
    const double write_s = SecondsSince(start);
    if (absl::Status s = Settle(); !s.ok()) return s;
    const Stats st = db_->GetStats();
    const uint64_t doc_bytes =
        st.live_bytes > metrics_bytes_ ? st.live_bytes - metrics_bytes_ : 0;
    absl::StatusOr<uint64_t> on_disk = DirectoryBytes();
    if (!on_disk.ok()) return on_disk.status();
    absl::FPrintF(out_,
                  "  incidents  %s documents in %.1f s: %s documents/s "
                  "through PutMany (batches of %d), ~%.0f bytes each in SSTs\n"
                  "  on disk    %s in %s (%s in %d SSTs)\n\n",
                  FormatCount(incidents_), write_s,
                  FormatCount(Rate(incidents_, write_s)), kDocBatch,
                  static_cast<double>(doc_bytes) / incidents_,
                  FormatBytes(*on_disk), DirName(o_.dir),
                  FormatBytes(st.live_bytes), st.live_files);
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> DirectoryBytes() {
    absl::StatusOr<std::vector<std::string>> names = env_->GetChildren(o_.dir);
    if (!names.ok()) return names.status();
    uint64_t total = 0;
    for (const std::string& n : *names) {
      absl::StatusOr<uint64_t> size = env_->GetFileSize(o_.dir + "/" + n);
      if (size.ok()) total += *size;  // a file compaction just removed
    }
    return total;
  }

  // Runs InfluxQL, timing it and counting the blocks it read and skipped.
  absl::StatusOr<QueryResult> Query(std::string_view q, std::string* timing) {
    const Stats before = db_->GetStats();
    const Clock::time_point start = Clock::now();
    absl::StatusOr<QueryResult> r = series_->Query(q);
    const double ms = SecondsSince(start) * 1e3;
    if (!r.ok()) return r.status();
    if (absl::Status s = FirstError(*r); !s.ok()) return s;
    *timing = TimingLine(ms, before, db_->GetStats());
    return r;
  }

  void Section(int n, std::string_view title, std::string_view text) {
    absl::FPrintF(out_, "%d. %s\n   %s\n\n", n, title, text);
  }

  absl::Status LatestPerHost() {
    const std::string q =
        "SELECT last(usage_user) AS usr, last(usage_system) AS sys, "
        "last(usage_iowait) AS iowait, last(usage_idle) AS idle FROM cpu "
        "WHERE time > now() - 1m GROUP BY host";
    Section(1, "Latest values per host", q);
    std::string timing;
    absl::StatusOr<QueryResult> r = Query(q, &timing);
    if (!r.ok()) return r.status();
    // The time column is the start of the range for several selectors.
    Table t = TableFromResult(*r, /*with_time=*/false);
    if (t.rows.size() != static_cast<size_t>(hosts_)) {
      return Unexpected(absl::StrFormat("latest values for %d hosts, not %d",
                                        t.rows.size(), hosts_));
    }
    PrintTable(out_, t, 10, timing);
    return absl::OkStatus();
  }

  absl::Status WindowedMean() {
    const std::string q =
        "SELECT mean(usage_user) AS mean_usr, mean(usage_system) AS mean_sys, "
        "max(usage_user) AS max_usr FROM cpu WHERE time > now() - 1h "
        "GROUP BY time(5m)";
    Section(2, "Fleet CPU per 5 minutes over the last hour", q);
    std::string timing;
    absl::StatusOr<QueryResult> r = Query(q, &timing);
    if (!r.ok()) return r.status();
    Table t = TableFromResult(*r, /*with_time=*/true);
    // 12 buckets, 13 when now() is not on a 5-minute boundary.
    if (t.rows.size() < 12 || t.rows.size() > 13) {
      return Unexpected(
          absl::StrFormat("%d five-minute buckets in an hour", t.rows.size()));
    }
    PrintTable(out_, t, 13, timing);
    return absl::OkStatus();
  }

  absl::Status TopHostsByMax() {
    const std::string q =
        "SELECT max(usage_user) FROM cpu WHERE time > now() - 6h GROUP BY host";
    Section(3, "Top hosts by peak user CPU over 6 hours (sorted here)", q);
    std::string timing;
    absl::StatusOr<QueryResult> r = Query(q, &timing);
    if (!r.ok()) return r.status();
    // InfluxQL has no ORDER BY on a value: sort the per-host series by
    // their one value, highest first.
    std::vector<ResultSeries>& series = r->results.at(0).series;
    auto peak = [](const ResultSeries& s) {
      const double* v = s.values.empty() || s.values[0].size() < 2
                            ? nullptr
                            : std::get_if<double>(&s.values[0][1]);
      return v != nullptr ? *v : -1.0;
    };
    std::stable_sort(series.begin(), series.end(),
                     [&](const ResultSeries& a, const ResultSeries& b) {
                       return peak(a) > peak(b);
                     });
    Table t = TableFromResult(*r, /*with_time=*/true);
    if (t.rows.size() != static_cast<size_t>(hosts_) ||
        peak(series.back()) < 0) {
      return Unexpected(absl::StrFormat("a maximum for %d hosts, not %d",
                                        t.rows.size(), hosts_));
    }
    PrintTable(out_, t, 10, timing);
    return absl::OkStatus();
  }

  absl::Status IncidentFilter() {
    FindRequest req;
    req.filter = R"({"severity": "critical"})";
    req.sort = R"({"ts": -1})";
    req.from = end_ns_ - 6 * kNanosPerHour;
    req.to = end_ns_ + 1;
    Section(4, "Critical incidents of the last 6 hours, newest first",
            absl::StrFormat("incidents: filter %s, sort %s, ts in [now-6h, "
                            "now]",
                            req.filter, req.sort));
    const Stats before = db_->GetStats();
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::unique_ptr<DocCursor>> c =
        docs_->Find("incidents", req);
    if (!c.ok()) return c.status();
    std::vector<std::string> docs;
    while ((*c)->Next()) docs.emplace_back((*c)->document());
    if (absl::Status s = (*c)->status(); !s.ok()) return s;
    const double ms = SecondsSince(start) * 1e3;
    const std::string timing = TimingLine(ms, before, db_->GetStats());
    absl::StatusOr<Table> t = IncidentTable(docs);
    if (!t.ok()) return t.status();
    const uint64_t want =
        incident_gen_->CountMade("critical", *req.from, *req.to);
    if (docs.size() != want) {
      return Unexpected(absl::StrFormat("%d critical incidents, generated %d",
                                        docs.size(), want));
    }
    for (size_t i = 1; i < t->rows.size(); ++i) {
      if (t->rows[i - 1][0] < t->rows[i][0]) {
        return Unexpected("incidents not sorted newest first");
      }
    }
    PrintTable(out_, *t, 10, timing);
    absl::StatusOr<std::string> plan = docs_->Explain("incidents", req);
    if (!plan.ok()) return plan.status();
    absl::FPrintF(out_, "   explain: %s\n\n", *plan);
    return absl::OkStatus();
  }

  // Part one: a shorter retention hides old points at once. Part two: data
  // that arrives already past its retention is written, never seen, and
  // its files are dropped whole by compaction without being read.
  absl::Status Retention() {
    const std::string count = "SELECT count(usage_user) FROM cpu";
    Section(5, "Retention in action",
            "SetRetention(\"cpu\", 12h), then " + count);
    std::string before_timing, timing;
    absl::StatusOr<QueryResult> r = Query(count, &before_timing);
    if (!r.ok()) return r.status();
    const int64_t before = SingleInt(*r);
    if (before != hosts_ * metric_steps_) {
      return Unexpected(absl::StrFormat("%d cpu points, wrote %d", before,
                                        hosts_ * metric_steps_));
    }
    if (absl::Status s = series_->SetRetention("cpu", 12 * kNanosPerHour);
        !s.ok()) {
      return s;
    }
    r = Query(count, &timing);
    if (!r.ok()) return r.status();
    const int64_t after = SingleInt(*r);
    // Points newer than now - 12h; now has moved on since end_ns_.
    const int64_t moved = (env_->NowNanos() - end_ns_) / kInterval + 2;
    if (after > hosts_ * metric_steps_ / 2 ||
        after < hosts_ * (metric_steps_ / 2 - moved)) {
      return Unexpected(
          absl::StrFormat("%d cpu points left under a 12 h retention", after));
    }
    const std::string b = FormatCount(before), a = FormatCount(after);
    absl::FPrintF(out_,
                  "   before  %*s points  %s\n"
                  "   after   %*s points  %s\n"
                  "   Points older than 12 h are hidden at once; nothing is "
                  "rewritten.\n\n",
                  b.size(), b, before_timing, b.size(), a, timing);
    return LateArrivals();
  }

  absl::Status LateArrivals() {
    MetricsSpec spec;
    spec.hosts = hosts_;
    spec.end_ns = end_ns_ - 7 * kDay;
    spec.span_ns = 6 * kNanosPerHour;
    spec.cpu_only = true;
    spec.seed = 1234;
    MetricsGenerator gen(spec);
    absl::FPrintF(out_,
                  "   A collector replays a buffer from a week ago: 6 h of cpu "
                  "for %d hosts (%s points),\n"
                  "   already past cpu's 12 h retention when written.\n",
                  hosts_, FormatCount(gen.total_lines()));
    const Stats start = db_->GetStats();
    absl::StatusOr<double> write_s = WriteMetrics(&gen, "late arrivals");
    if (!write_s.ok()) return write_s.status();
    const std::string q =
        "SELECT count(usage_user) FROM cpu WHERE time < now() - 6d";
    std::string timing;
    absl::StatusOr<QueryResult> r = Query(q, &timing);
    if (!r.ok()) return r.status();
    const int64_t visible = SingleInt(*r);
    if (visible != 0) {
      return Unexpected(absl::StrFormat("%d expired points visible", visible));
    }
    // The flush writes them to SSTs of their own (SSTs are cut by day), and
    // background compaction deletes SSTs whose records have all expired:
    // no CompactRange needed, nothing read.
    const Clock::time_point t = Clock::now();
    if (absl::Status s = Settle(); !s.ok()) return s;
    const double settle_s = SecondsSince(t);
    const Stats end = db_->GetStats();
    const uint64_t files = end.files_dropped_ttl - start.files_dropped_ttl;
    if (files == 0) return Unexpected("no expired SST was dropped");
    for (const WindowStats& w : end.windows) {
      if (w.window_start > gen.first_ns() - kDay &&
          w.window_start <= end_ns_ - 7 * kDay) {
        return Unexpected("an SST of expired points is still live");
      }
    }
    absl::FPrintF(out_,
                  "   %s\n   visible: %s points  %s\n"
                  "   Flush + background compaction (%.1f s): %s, %s, "
                  "dropped whole by TTL without being read;\n"
                  "   live SSTs %s before the replay, %s after.\n\n",
                  q, FormatCount(visible), timing, settle_s,
                  files == 1 ? "1 SST" : FormatCount(files) + " SSTs",
                  FormatBytes(end.bytes_dropped_ttl - start.bytes_dropped_ttl),
                  FormatBytes(start.live_bytes), FormatBytes(end.live_bytes));
    return absl::OkStatus();
  }

  const DemoOptions o_;
  FILE* const out_;
  const int hosts_;
  const int incidents_;
  Env* env_ = nullptr;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> series_;
  std::unique_ptr<DocumentStore> docs_;
  std::unique_ptr<IncidentGenerator> incident_gen_;
  int64_t end_ns_ = 0;
  int64_t metric_steps_ = 0;
  uint64_t metric_values_ = 0;
  uint64_t metrics_bytes_ = 0;
};

}  // namespace

int RunDemo(const DemoOptions& options) {
  if (!(options.scale > 0 && options.scale <= 10)) {
    std::fprintf(stderr, "strata demo: --scale must be in (0, 10], got %g\n",
                 options.scale);
    return 2;
  }
  if (options.dir.empty()) {
    std::fprintf(stderr, "strata demo: empty directory name\n");
    return 2;
  }
  Demo demo(options);
  absl::Status s = demo.Run();
  if (!s.ok()) {
    std::fflush(options.out != nullptr ? options.out : stdout);
    absl::FPrintF(stderr, "strata demo: %s\n", s.ToString());
    return 1;
  }
  return 0;
}

}  // namespace strata::cli
