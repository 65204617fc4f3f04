// Workload "queries" (issue 7 item 2, issue 4 query figures) on the devops
// day: one series over 1 h, all hosts' mean per 5 min over 1 h, the last
// point of every series, and the max over the whole range. Each shape runs
// with the same seeded parameters on every engine; the first answer of
// each is cross-checked against Strata's.
#include <functional>

#include "absl/strings/str_format.h"
#include "ts_fixture.h"
#include "util/random.h"
#include "workload_util.h"

namespace strata::bench {
namespace {

struct Shape {
  const char* metric;
  std::function<absl::StatusOr<QueryAnswer>(TsEngine*, Random*)> run;
};

}  // namespace

absl::Status RunQueriesWorkload(const BenchConfig& cfg, Report* report) {
  std::string why;
  absl::Status s = EnsureDevopsDay(cfg, &why);
  if (!s.ok()) return s;
  DevopsDay& day = SharedDevopsDay();
  if (day.engines.empty()) {
    report->Skip("queries", why);
    return absl::OkStatus();
  }
  const int64_t span = day.t_end - day.t_begin;
  const int64_t window = std::min(kHour, span);
  const int hosts = day.config.hosts;
  // A random start in [t_begin, t_end - window], a multiple of `align`
  // since the epoch (InfluxQL's GROUP BY time buckets are epoch-aligned).
  auto start = [&](Random* r, int64_t align) {
    const int64_t first = (day.t_begin + align - 1) / align * align;
    const int64_t room =
        std::max<int64_t>((day.t_end - window - first) / align + 1, 1);
    return first + static_cast<int64_t>(r->Uniform(room)) * align;
  };
  const std::vector<Shape> shapes = {
      {"one series, 1 h",
       [&](TsEngine* e, Random* r) {
         const int64_t t0 = start(r, day.config.interval_ns);
         return e->SeriesRange(
             "cpu",
             DevopsGenerator::HostName(static_cast<int>(r->Uniform(hosts))),
             "usage_user", t0, t0 + window);
       }},
      {"all hosts, mean per 5 min over 1 h",
       [&](TsEngine* e, Random* r) {
         const int64_t t0 = start(r, 5 * kMinute);
         return e->MeanPerBucket("cpu", "usage_user", t0, t0 + window,
                                 5 * kMinute);
       }},
      {"last point of every series (1,000 values)",
       [&](TsEngine* e, Random*) { return e->LastPerSeries("cpu"); }},
      {"max over the whole range, all hosts",
       [&](TsEngine* e, Random*) { return e->MaxAll("cpu", "usage_user"); }},
  };
  const std::string w = absl::StrFormat(
      "2. queries: devops cpu %d hosts x %d steps", hosts, day.steps);
  for (const Shape& shape : shapes) {
    std::vector<double> latency(day.engines.size());
    QueryAnswer first;
    for (size_t i = 0; i < day.engines.size(); i++) {
      TsEngine* e = day.engines[i].get();
      Random rnd(17);
      QueryAnswer a0;
      auto t = TimeRepeated(QueryBudget(cfg), 2, 100000, [&](int rep) {
        auto a = shape.run(e, &rnd);
        if (!a.ok()) return a.status();
        if (rep == 0) a0 = *a;
        return absl::OkStatus();
      });
      if (!t.ok()) {
        return absl::InternalError(absl::StrFormat(
            "%s, %s: %s", e->name(), shape.metric, t.status().message()));
      }
      latency[i] = *t * 1e6;
      if (i == 0) {
        first = a0;
      } else if (!SameAnswer(first.values, first.sum, a0.values, a0.sum)) {
        report->Note(absl::StrFormat(
            "ANSWER MISMATCH in \"%s\": Strata %d values, sum %.6f; %s %d "
            "values, sum %.6f",
            shape.metric, first.values, first.sum, e->name(), a0.values,
            a0.sum));
      }
    }
    for (size_t i = 1; i < day.engines.size(); i++) {
      report->Add({w, shape.metric, "us", latency[0], latency[i],
                   day.engines[i]->name(), false});
    }
    if (std::string_view(shape.metric).rfind("all hosts", 0) == 0) {
      for (size_t i = 1; i < day.engines.size(); i++) {
        if (day.engines[i]->name() != "RocksDB") continue;
        const double speedup = latency[i] / latency[0];
        report->AddTarget({"issue 4: all-hosts 5-min mean vs RocksDB baseline",
                           speedup, "x faster", ">= 5x", speedup >= 5});
      }
    }
  }
  return absl::OkStatus();
}

void ReleaseSharedState() {
  DevopsDay& day = SharedDevopsDay();
  for (auto& e : day.engines) e->Close();
  day.engines.clear();
}

}  // namespace strata::bench
