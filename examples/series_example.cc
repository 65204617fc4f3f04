// Time series through the TimeSeries layer: InfluxDB line protocol in,
// InfluxQL out.
//
// Writes six hours of per-minute climate readings for two rooms, shows how
// a bad line is reported (or skipped), then asks InfluxQL for hourly means
// per room and prints the InfluxDB-style JSON of a query. The database
// goes to ./strata-series-example (or argv[1]) and is replaced each run.
// Exits non-zero on any unexpected result, so the test suite notices.
#include <cmath>
#include <cstdio>
#include <string>

#include "absl/strings/str_format.h"
#include "strata/db.h"
#include "strata/series.h"
#include "strata/status.h"

namespace {

// Every check goes through here: print why and exit with 1.
int Fail(const std::string& what) {
  std::fprintf(stderr, "series_example: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "strata-series-example";
  // Start from an empty database every run (NotFound: nothing to clear).
  if (absl::Status s = strata::DB::Destroy(dir);
      !s.ok() && !strata::IsNotFound(s)) {
    return Fail(s.ToString());
  }
  auto db = strata::DB::Open(strata::Options(), dir);
  if (!db.ok()) return Fail(db.status().ToString());
  // The time-series layer sits on the DB (which it does not own).
  auto ts = strata::TimeSeries::Open(db->get());
  if (!ts.ok()) return Fail(ts.status().ToString());

  // 1. Line protocol: `measurement,tag=value field=value,... timestamp`.
  // Integers carry an `i` suffix. The timestamps here are in seconds, so
  // the write says precision "s". 1700002800 is 2023-11-14T23:00:00Z.
  const int64_t kStart = 1'700'002'800;
  std::string lines;
  for (int minute = 0; minute < 6 * 60; minute++) {
    for (const char* room : {"kitchen", "office"}) {
      double temperature = (room[0] == 'k' ? 20 : 18) + (minute % 60) / 10.0;
      lines += absl::StrFormat(
          "climate,room=%s temperature=%.1f,humidity=%di %d\n", room,
          temperature, 40 + minute % 7, kStart + minute * 60);
    }
  }
  strata::LineProtocolWriteOptions wo;
  wo.precision = std::string("s");  // seconds
  auto written = (*ts)->WriteLineProtocol(lines, wo);
  if (!written.ok()) return Fail(written.status().ToString());
  if (written->points_written != 720 || written->values_written != 1440) {
    return Fail("unexpected write counts");
  }
  std::printf("wrote %llu points (%llu values)\n",
              static_cast<unsigned long long>(written->points_written),
              static_cast<unsigned long long>(written->values_written));

  // 2. Bad input. By default one bad line rejects the whole batch, and the
  // error names its line and column...
  const std::string mixed =
      "door,room=hall open=true 1700002800\n"
      "door,room=hall open=maybe 1700002860\n";
  auto rejected = (*ts)->WriteLineProtocol(mixed, wo);
  if (rejected.ok()) return Fail("a bad line was accepted");
  std::printf("rejected: %s\n",
              std::string(rejected.status().message()).c_str());
  // ...while skip_invalid writes the good lines and lists the bad ones.
  wo.skip_invalid = true;
  auto partial = (*ts)->WriteLineProtocol(mixed, wo);
  if (!partial.ok() || partial->points_written != 1 ||
      partial->rejected.size() != 1) {
    return Fail("skip_invalid should write one line and reject one");
  }
  std::printf("skipped: %s\n", partial->rejected[0].c_str());

  // 3. InfluxQL: the hourly mean temperature and peak humidity per room.
  // Each room is one result series; its rows are the hourly buckets.
  auto result = (*ts)->Query(
      "SELECT mean(temperature), max(humidity) FROM climate "
      "WHERE time >= '2023-11-14T23:00:00Z' AND time < '2023-11-15T05:00:00Z' "
      "GROUP BY time(1h), room");
  if (!result.ok()) return Fail(result.status().ToString());
  const strata::StatementResult& st = result->results.at(0);
  if (!st.error.ok()) return Fail(st.error.ToString());
  if (st.series.size() != 2) return Fail("expected one series per room");
  for (const strata::ResultSeries& s : st.series) {
    if (s.values.size() != 6) return Fail("expected 6 hourly rows");
    const bool kitchen = s.tags.at(0).second == "kitchen";
    for (const auto& row : s.values) {
      // Columns: time (int64 ns), mean (double), max (int64, as the field).
      double mean = std::get<double>(row[1]);
      int64_t max = std::get<int64_t>(row[2]);
      // Minutes 0..59 add 0.0..5.9 degrees: the mean adds 2.95.
      if (std::fabs(mean - ((kitchen ? 20 : 18) + 2.95)) > 1e-9 || max != 46) {
        return Fail("wrong hourly aggregate");
      }
    }
    std::printf("%s %s: %zu hourly rows, first mean %.2f\n",
                s.tags[0].first.c_str(), s.tags[0].second.c_str(),
                s.values.size(), std::get<double>(s.values[0][1]));
  }

  // 4. Metadata statements, and the JSON an InfluxDB 1.x client expects.
  auto meta = (*ts)->Query("SHOW MEASUREMENTS");
  if (!meta.ok() || meta->results.at(0).series.at(0).values.size() != 2) {
    return Fail("expected two measurements (climate, door)");
  }
  auto last =
      (*ts)->Query("SELECT last(temperature) FROM climate GROUP BY room");
  if (!last.ok()) return Fail(last.status().ToString());
  std::printf("%s\n", strata::ToInfluxJson(*last).c_str());
  return 0;
}
