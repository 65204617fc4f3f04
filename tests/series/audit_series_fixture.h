// Fixture of the issue-4 acceptance audit tests (docs/acceptance.md): a
// TimeSeries over a MemEnv DB with an injected clock, used only through the
// public API, and a compact rendering of query results for exact answers.
#ifndef STRATA_TESTS_SERIES_AUDIT_SERIES_FIXTURE_H_
#define STRATA_TESTS_SERIES_AUDIT_SERIES_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "series/audit_support.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/series.h"
#include "strata/stats.h"

namespace strata::audit {

inline constexpr int64_t kSec = 1'000'000'000;

// One value as text: null "-", integers with their InfluxDB suffix.
inline std::string Cell(const QueryValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "-";
        } else if constexpr (std::is_same_v<T, double>) {
          return absl::StrFormat("%.10g", x);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return absl::StrFormat("%di", x);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          return absl::StrFormat("%du", x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else {
          return "'" + x + "'";
        }
      },
      v);
}

// "name{k=v} col,col|t v v|t v v" per series, series joined by "; ".
// Times print in seconds when whole, else ns.
inline std::string Render(const StatementResult& r) {
  if (!r.error.ok()) return "error: " + std::string(r.error.message());
  std::string out;
  for (const ResultSeries& s : r.series) {
    if (!out.empty()) out += "; ";
    out += s.name;
    if (!s.tags.empty()) {
      out += "{";
      for (size_t i = 0; i < s.tags.size(); ++i) {
        out += (i ? "," : "") + s.tags[i].first + "=" + s.tags[i].second;
      }
      out += "}";
    }
    out += " ";
    for (size_t i = 0; i < s.columns.size(); ++i) {
      out += (i ? "," : "") + s.columns[i];
    }
    for (const auto& row : s.values) {
      out += "|";
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += " ";
        const int64_t* t = std::get_if<int64_t>(&row[i]);
        if (i == 0 && t != nullptr) {
          out += *t % kSec == 0 ? absl::StrFormat("%ds", *t / kSec)
                                : absl::StrFormat("%dns", *t);
        } else {
          out += Cell(row[i]);
        }
      }
    }
  }
  return out;
}

class AuditSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<FakeClockEnv>(mem_env_.get(), 100 * kSec);
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
  }

  void Open() {
    ts_.reset();
    db_.reset();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto ts = TimeSeries::Open(db_.get(), ts_options_);
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = std::move(*ts);
  }

  absl::StatusOr<WriteResult> Lp(std::string_view text,
                                 LineProtocolWriteOptions o = {}) {
    return ts_->WriteLineProtocol(text, o);
  }

  void WriteSeconds(std::string_view text) {
    LineProtocolWriteOptions o;
    o.precision = "s";
    auto r = Lp(text, o);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // One statement, rendered; "query error: ..." if the call failed.
  std::string Q(std::string_view q) {
    auto r = ts_->Query(q);
    if (!r.ok()) return "query error: " + std::string(r.status().message());
    EXPECT_EQ(r->results.size(), 1u) << q;
    if (r->results.empty()) return "no result";
    return Render(r->results[0]);
  }

  uint64_t BlocksRead() { return db_->GetStats().blocks_read; }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<FakeClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<TimeSeries> ts_;
};

struct QueryCase {
  const char* query;
  const char* want;
};

}  // namespace strata::audit

#endif  // STRATA_TESTS_SERIES_AUDIT_SERIES_FIXTURE_H_
