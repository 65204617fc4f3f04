// Workload "scaling" (issue 7 item 6): the same devops shape (10 hosts x
// 10 cpu fields at 10 s, 3 h at scale 1) with 1x, 4x and 16x as much history,
// each into fresh engines: ingest cost per point and the latency of 1-hour
// window queries (one series; all hosts per 5 min) at random places in the
// history. Time-partitioned storage should keep window cost flat as the
// history grows. Curves go to the scaling plots.
#include "absl/strings/str_format.h"
#include "ts_fixture.h"
#include "util/random.h"
#include "workload_util.h"

namespace strata::bench {
namespace {

struct ScaleResult {
  double ingest_pps = 0, series_us = 0, buckets_us = 0;
};

absl::Status RunOne(const BenchConfig& cfg, TsEngine* e, const DevopsConfig& dc,
                    int64_t steps, int mult, ScaleResult* r) {
  const std::string dir =
      FreshDir(cfg, absl::StrFormat("scale%d-%s", mult, DirName(e->name())));
  absl::Status s = e->Open(dir);
  if (!s.ok()) return s;
  const DevopsBatches data = GenerateDevops(dc, steps, 1000);
  double t = Now();
  for (const std::string& b : data.batches) {
    if (s = e->WriteLines(b, false); !s.ok()) return s;
  }
  if (s = e->Settle(); !s.ok()) return s;
  r->ingest_pps = static_cast<double>(data.values) / (Now() - t);
  const int64_t span = steps * dc.interval_ns;
  const int64_t window = std::min(kHour, span);
  // Window starts on 5-minute boundaries since the epoch, as InfluxQL's
  // GROUP BY time buckets are.
  const int64_t first =
      (dc.start_ns + 5 * kMinute - 1) / (5 * kMinute) * 5 * kMinute;
  const int64_t room = std::max<int64_t>(
      (dc.start_ns + span - window - first) / (5 * kMinute) + 1, 1);
  Random q(31);
  auto st = TimeRepeated(QueryBudget(cfg), 5, 1'000'000, [&](int) {
    const int64_t t0 =
        first + static_cast<int64_t>(q.Uniform(room)) * 5 * kMinute;
    return e
        ->SeriesRange(
            "cpu",
            DevopsGenerator::HostName(static_cast<int>(q.Uniform(dc.hosts))),
            "usage_user", t0, t0 + window)
        .status();
  });
  if (!st.ok()) return st.status();
  r->series_us = *st * 1e6;
  auto bt = TimeRepeated(QueryBudget(cfg), 5, 1'000'000, [&](int) {
    const int64_t t0 =
        first + static_cast<int64_t>(q.Uniform(room)) * 5 * kMinute;
    return e->MeanPerBucket("cpu", "usage_user", t0, t0 + window, 5 * kMinute)
        .status();
  });
  if (!bt.ok()) return bt.status();
  r->buckets_us = *bt * 1e6;
  e->Close();
  RemoveDir(dir);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunScalingWorkload(const BenchConfig& cfg, Report* report) {
  std::string why;
  if (NewTsEngines(false, &why).empty()) {
    report->Skip("scaling", why);
    return absl::OkStatus();
  }
  DevopsConfig dc;
  dc.hosts = 10;
  dc.seed = 5;
  const int64_t base = std::max<int64_t>(30, std::llround(1080 * cfg.scale));
  report->DefinePlot({"scaling_ingest", "Ingest cost as history grows",
                      "data (x base)", "ns per point (lower is better)", true,
                      false});
  report->DefinePlot({"scaling_window", "1-hour window query as history grows",
                      "data (x base)", "us per query (lower is better)", true,
                      true});
  for (int mult : {1, 4, 16}) {
    auto engines = NewTsEngines(/*with_leveldb=*/false, &why);
    std::vector<ScaleResult> results(engines.size());
    for (size_t i = 0; i < engines.size(); i++) {
      absl::Status s =
          RunOne(cfg, engines[i].get(), dc, base * mult, mult, &results[i]);
      if (!s.ok()) {
        return absl::InternalError(absl::StrFormat(
            "%s at %dx: %s", engines[i]->name(), mult, s.message()));
      }
      const std::string& n = engines[i]->name();
      report->AddCurvePoint("scaling_ingest", n, mult,
                            1e9 / results[i].ingest_pps);
      report->AddCurvePoint("scaling_window", n + ", one series", mult,
                            results[i].series_us);
      report->AddCurvePoint("scaling_window", n + ", all hosts 5-min mean",
                            mult, results[i].buckets_us);
    }
    const std::string w = absl::StrFormat(
        "6. scaling %2dx: %d hosts x %d steps (%s values)", mult, dc.hosts,
        base * mult,
        HumanNumber(static_cast<double>(base * mult * dc.hosts * 10)));
    for (size_t i = 1; i < engines.size(); i++) {
      const std::string& peer = engines[i]->name();
      report->Add({w, "ingest incl. flush + settle", "points/s",
                   results[0].ingest_pps, results[i].ingest_pps, peer});
      report->Add({w, "one series, 1 h", "us", results[0].series_us,
                   results[i].series_us, peer, false});
      report->Add({w, "all hosts, mean per 5 min over 1 h", "us",
                   results[0].buckets_us, results[i].buckets_us, peer, false});
    }
  }
  return absl::OkStatus();
}

}  // namespace strata::bench
