// SELECT over the real storage: every query of a table runs twice on the
// same DB snapshot state, once through SeriesStore::NewReader (in-memory
// catalog, tag index series selection, shared field scans) and once
// through a reader that scans the DB's catalog records and opens one
// iterator per (series, field); the answers must be identical. The table
// covers tag equality (alone, ANDed, with OR, !=, regexes, the empty
// string, a field named like a tag), raw multi-field rows, aggregates,
// selectors and GROUP BY.
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "series/executor.h"
#include "series/influxql/parser.h"
#include "series/series_db_reader.h"
#include "series/series_store.h"
#include "strata/db.h"
#include "util/random.h"

namespace strata::series {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

// Forwards the required calls only, so the optional ones (SeriesByTag,
// NewFieldScan) take SeriesReader's plain defaults.
class PlainReader final : public SeriesReader {
 public:
  explicit PlainReader(SeriesReader* r) : r_(r) {}
  absl::StatusOr<std::vector<std::string>> Measurements() override {
    return r_->Measurements();
  }
  absl::StatusOr<std::vector<FieldInfo>> Fields(std::string_view m) override {
    return r_->Fields(m);
  }
  absl::Status ForEachSeries(
      std::string_view m,
      const std::function<absl::Status(const SeriesInfo&)>& fn) override {
    return r_->ForEachSeries(m, fn);
  }
  absl::StatusOr<std::vector<uint64_t>> SeriesWithTag(
      std::string_view m, std::string_view k, std::string_view v) override {
    return r_->SeriesWithTag(m, k, v);
  }
  absl::StatusOr<std::vector<std::string>> TagKeys(
      std::string_view m) override {
    return r_->TagKeys(m);
  }
  absl::StatusOr<std::vector<std::string>> TagValues(
      std::string_view m, std::string_view k) override {
    return r_->TagValues(m, k);
  }
  std::unique_ptr<Iterator> NewFieldIterator(std::string_view m, uint64_t s,
                                             uint32_t f, Timestamp t0,
                                             Timestamp t1) override {
    return r_->NewFieldIterator(m, s, f, t0, t1);
  }
  Timestamp RetentionFloor(std::string_view m) override {
    return r_->RetentionFloor(m);
  }
  int64_t Now() override { return r_->Now(); }

 private:
  SeriesReader* const r_;
};

std::string Cell(const QueryValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "-";
  if (const double* d = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), *d);
    return std::string(buf, r.ptr);
  }
  if (const int64_t* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
    return std::to_string(*u) + "u";
  }
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(v) + "\"";
}

std::string Render(const absl::Status& s, const StatementResult& r) {
  if (!s.ok()) return "error: " + std::string(s.message());
  std::string out;
  for (const ResultSeries& rs : r.series) {
    out += rs.name;
    for (const auto& [k, v] : rs.tags) out += " " + k + "=" + v;
    out += "\n";
    for (const auto& row : rs.values) {
      for (const QueryValue& v : row) out += " " + Cell(v);
      out += "\n";
    }
  }
  return out;
}

class SeriesQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto store = SeriesStore::Open(db_.get(), ts_options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Writes hosts h0..h7 in dc d0/d1 (h7 has no dc) with fields usage
  // (float), n (integer) and, on some hosts, a field named "dc".
  void Load() {
    Random rnd(11);
    std::string text;
    for (int t = 0; t < 120; ++t) {
      for (int h = 0; h < 8; ++h) {
        if (rnd.OneIn(7)) continue;  // gaps
        text += absl::StrFormat("cpu,host=h%d", h);
        if (h != 7) text += absl::StrFormat(",dc=d%d", h % 2);
        absl::StrAppendFormat(&text, " usage=%d.25", rnd.Uniform(100));
        if (!rnd.OneIn(3)) absl::StrAppendFormat(&text, ",n=%di", t % 11);
        text += absl::StrFormat(" %d\n", t);
      }
    }
    text +=
        "mem,host=h0,dc=x1 dc=\"x\",free=5 3\nmem,host=h1 dc=\"y\",free=6 4\n";
    LineProtocolWriteOptions o;
    o.precision = "s";
    auto r = store_->WriteLineProtocol(text, o);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // The query through both readers; returns the store reader's answer.
  std::string Both(const std::string& query) {
    auto stmt = influxql::ParseStatement(query);
    EXPECT_TRUE(stmt.ok()) << query << ": " << stmt.status();
    if (!stmt.ok()) return "";
    const auto* select = (*stmt)->As<influxql::SelectStatement>();
    EXPECT_NE(select, nullptr);
    if (select == nullptr) return "";
    auto fast = store_->NewReader();
    SeriesDbReader db_reader(db_.get(), clock_.get(), 0);
    PlainReader plain(&db_reader);
    StatementResult a, b;
    absl::Status sa = ExecuteSelect(*select, fast.get(), ExecOptions(), &a);
    absl::Status sb = ExecuteSelect(*select, &plain, ExecOptions(), &b);
    const std::string got = Render(sa, a);
    EXPECT_EQ(got, Render(sb, b)) << query;
    return got;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<SeriesStore> store_;
};

TEST_F(SeriesQueryTest, StoreReaderAnswersAsTheDbScan) {
  ASSERT_NO_FATAL_FAILURE(Load());
  const std::vector<std::string> queries = {
      "SELECT usage FROM cpu WHERE host = 'h3' AND time >= 10s AND "
      "time < 40s",
      "SELECT usage, n FROM cpu WHERE host = 'h3'",
      "SELECT usage FROM cpu WHERE 'h2' = host AND dc = 'd0'",
      "SELECT usage FROM cpu WHERE host = 'h2' AND dc = 'd1'",  // none
      "SELECT usage FROM cpu WHERE host = 'nosuch'",
      "SELECT usage FROM cpu WHERE host = 'h1' OR host = 'h4'",
      "SELECT usage FROM cpu WHERE host != 'h1' AND time < 5s",
      "SELECT usage FROM cpu WHERE host =~ /h[12]/ AND time < 9s",
      "SELECT usage FROM cpu WHERE dc = '' AND time < 9s",  // h7
      "SELECT usage FROM cpu WHERE host = 'h5' AND usage > 50",
      "SELECT usage FROM cpu WHERE (host = 'h5' AND n > 3) OR host = 'h6'",
      "SELECT mean(usage) FROM cpu WHERE time >= 0s AND time < 60s GROUP BY "
      "time(10s)",
      "SELECT mean(usage), max(usage), count(n) FROM cpu WHERE dc = 'd0' "
      "AND time >= 0s AND time < 120s GROUP BY time(30s), host",
      "SELECT last(*) FROM cpu GROUP BY *",
      "SELECT first(usage), last(n) FROM cpu WHERE host = 'h0'",
      "SELECT max(usage) FROM cpu",
      "SELECT max(usage), host FROM cpu WHERE dc = 'd1'",
      "SELECT percentile(usage, 90), spread(n) FROM cpu GROUP BY dc",
      "SELECT count(usage) FROM cpu WHERE host = 'h3' AND usage < 30 "
      "GROUP BY time(20s) fill(0)",
      "SELECT usage FROM cpu WHERE host = 'h3' ORDER BY time DESC LIMIT 3",
      "SELECT * FROM cpu WHERE host = 'h4' AND time < 20s",
      // "dc" is a field of mem, so the condition compares the field.
      "SELECT free FROM mem WHERE dc = 'x'",
      "SELECT free FROM mem WHERE dc::tag = 'x1'",
      "SELECT free FROM /.*/ WHERE host = 'h1'",
  };
  int nonempty = 0;
  for (const std::string& q : queries) nonempty += !Both(q).empty();
  EXPECT_GE(nonempty, static_cast<int>(queries.size()) - 3);
  // Spot checks of answers that the tag index decides.
  EXPECT_EQ(Both("SELECT count(usage) FROM cpu WHERE host = 'h2' AND "
                 "dc = 'd1'"),
            "");
  EXPECT_EQ(Both("SELECT free FROM mem WHERE dc = 'x'"),
            "mem\n 3000000000 5\n");
  EXPECT_EQ(Both("SELECT free FROM mem WHERE dc::tag = 'x1'"),
            "mem\n 3000000000 5\n");
}

TEST_F(SeriesQueryTest, RandomQueriesAgree) {
  ASSERT_NO_FATAL_FAILURE(Load());
  // Data in a flushed file and in the memtable, and a deleted range.
  ASSERT_TRUE(db_->Flush().ok());
  LineProtocolWriteOptions o;
  o.precision = "s";
  ASSERT_TRUE(store_->WriteLineProtocol("cpu,host=h9 usage=1 200\n", o).ok());
  auto n = store_->DeleteSeries(
      "cpu", [](const SeriesInfo& s) { return s.key == "cpu,dc=d0,host=h2"; },
      50 * kSecond, 70 * kSecond, false);
  ASSERT_TRUE(n.ok());
  Random rnd(5);
  const std::vector<std::string> selects = {"usage",
                                            "usage, n",
                                            "mean(usage)",
                                            "sum(n)",
                                            "max(usage), min(n)",
                                            "last(usage)",
                                            "first(n)",
                                            "count(usage), mean(usage)"};
  const std::vector<std::string> conds = {"",
                                          "host = 'h1'",
                                          "host = 'h1' AND dc = 'd1'",
                                          "host != 'h1'",
                                          "host = 'h1' OR dc = 'd0'",
                                          "host =~ /h[0-3]/",
                                          "dc = ''",
                                          "n > 4",
                                          "host = 'h9'"};
  const std::vector<std::string> groups = {
      "", " GROUP BY host", " GROUP BY time(15s)", " GROUP BY *"};
  for (int i = 0; i < 150; ++i) {
    const std::string& sel = selects[rnd.Uniform(selects.size())];
    std::string where = conds[rnd.Uniform(conds.size())];
    const int64_t t0 = rnd.Uniform(150);
    const std::string time = absl::StrFormat("time >= %ds AND time < %ds", t0,
                                             t0 + 1 + rnd.Uniform(80));
    where = where.empty() ? time : "(" + where + ") AND " + time;
    std::string group = groups[rnd.Uniform(groups.size())];
    const bool raw = sel.find('(') == std::string::npos;
    if (raw && group.find("time") != std::string::npos) group.clear();
    Both("SELECT " + sel + " FROM cpu WHERE " + where + group);
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace strata::series
