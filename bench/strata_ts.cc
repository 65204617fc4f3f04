// TsEngine over Strata's TimeSeries: line protocol through
// WriteLineProtocol, queries as InfluxQL through Query. Built only when the
// series layer is (STRATA_BENCH_HAVE_SERIES, set by bench/CMakeLists.txt).
#include "ts_engine.h"

#ifdef STRATA_BENCH_HAVE_SERIES

#include "absl/strings/str_format.h"
#include "strata/db.h"
#include "strata/series.h"

namespace strata::bench {
namespace {

// Counts and sums the non-null numeric values of every statement's rows,
// leaving out the time column; the first failed statement is the error.
absl::StatusOr<QueryAnswer> Reduce(const absl::StatusOr<QueryResult>& r) {
  if (!r.ok()) return r.status();
  QueryAnswer a;
  for (const StatementResult& st : r->results) {
    if (!st.error.ok()) return st.error;
    for (const ResultSeries& s : st.series) {
      for (const auto& row : s.values) {
        for (size_t c = 1; c < row.size(); c++) {
          const QueryValue& v = row[c];
          if (const double* d = std::get_if<double>(&v)) {
            a.sum += *d;
          } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
            a.sum += static_cast<double>(*i);
          } else if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
            a.sum += static_cast<double>(*u);
          } else {
            continue;
          }
          a.values++;
        }
      }
    }
  }
  return a;
}

class StrataTs final : public TsEngine {
 public:
  std::string name() const override { return "Strata"; }
  std::string config() const override {
    return "Strata TimeSeries over DB: 64 MiB memtable, 16 KiB row / 128 KiB "
           "columnar blocks (auto), LZ4, bloom 10 bits/key, 64 MiB block "
           "cache, 1-day time windows, 2 background threads, WAL on, fsync "
           "per batch only in the sync runs; queries in InfluxQL";
  }
  absl::Status Open(const std::string& dir) override {
    Options opt;
    auto db = DB::Open(opt, dir);
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    auto ts = TimeSeries::Open(db_.get());
    if (!ts.ok()) return ts.status();
    ts_ = std::move(*ts);
    return absl::OkStatus();
  }
  absl::Status WriteLines(std::string_view lines, bool sync) override {
    LineProtocolWriteOptions o;
    o.sync = sync;
    auto r = ts_->WriteLineProtocol(lines, o);
    return r.status();
  }
  absl::Status Settle() override {
    absl::Status s = db_->Flush();
    if (s.ok()) s = db_->WaitForBackgroundWork();
    return s;
  }
  absl::StatusOr<QueryAnswer> SeriesRange(std::string_view m,
                                          std::string_view host,
                                          std::string_view field, int64_t t0,
                                          int64_t t1) override {
    return Reduce(ts_->Query(absl::StrFormat(
        "SELECT %s FROM %s WHERE hostname = '%s' AND time >= %d AND time < %d",
        field, m, host, t0, t1)));
  }
  absl::StatusOr<QueryAnswer> MeanPerBucket(std::string_view m,
                                            std::string_view field, int64_t t0,
                                            int64_t t1,
                                            int64_t bucket) override {
    return Reduce(ts_->Query(absl::StrFormat(
        "SELECT mean(%s) FROM %s WHERE time >= %d AND time < %d GROUP BY "
        "time(%dns)",
        field, m, t0, t1, bucket)));
  }
  absl::StatusOr<QueryAnswer> LastPerSeries(std::string_view m) override {
    return Reduce(
        ts_->Query(absl::StrFormat("SELECT last(*) FROM %s GROUP BY *", m)));
  }
  absl::StatusOr<QueryAnswer> MaxAll(std::string_view m,
                                     std::string_view field) override {
    return Reduce(
        ts_->Query(absl::StrFormat("SELECT max(%s) FROM %s", field, m)));
  }
  void Close() override {
    ts_.reset();
    db_.reset();
  }

 private:
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

}  // namespace

std::unique_ptr<TsEngine> NewStrataTsEngine(std::string* why) {
  return std::make_unique<StrataTs>();
}

}  // namespace strata::bench

#else  // !STRATA_BENCH_HAVE_SERIES

namespace strata::bench {
std::unique_ptr<TsEngine> NewStrataTsEngine(std::string* why) {
  *why = "layer not available (this build has no time-series layer)";
  return nullptr;
}
}  // namespace strata::bench

#endif  // STRATA_BENCH_HAVE_SERIES
