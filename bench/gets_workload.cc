// Workload "gets" (issue 7 item 3): point reads of (series, timestamp) on
// the storage core and the key-value peers. Hot: a working set of 1,000
// points read over and over (block cache warm). Cold: the store is
// reopened (empty block cache) and points are read at random over the
// whole data set, so nearly every read misses the cache. The OS page cache
// is left alone (the machine is shared), so "cold" means cold in the
// engine, not on the device.
#include <vector>

#include "absl/strings/str_format.h"
#include "series_store.h"
#include "tsbs_gen.h"
#include "util/random.h"
#include "workload_util.h"

namespace strata::bench {
namespace {

constexpr int64_t kStep = 10 * kSecond;

struct GetsResult {
  double hot_us = 0, cold_us = 0;
};

absl::Status RunOne(const BenchConfig& cfg, SeriesStore* store, int series,
                    int points, GetsResult* r) {
  StoreOptions so;
  so.dir = FreshDir(cfg, "gets-" + store->name());
  absl::Status s = store->Open(so);
  if (!s.ok()) return s;
  Random values(3);
  std::vector<SeriesPoint> batch;
  for (int i = 0; i < points; i++) {
    for (int k = 0; k < series; k++) {
      batch.push_back({static_cast<uint32_t>(k), kBenchEpoch + i * kStep,
                       static_cast<double>(values.Uniform(10000)) / 100});
      if (batch.size() == 1000) {
        if (s = store->Write(batch); !s.ok()) return s;
        batch.clear();
      }
    }
  }
  if (!batch.empty()) {
    if (s = store->Write(batch); !s.ok()) return s;
  }
  if (s = store->Settle(); !s.ok()) return s;

  auto get = [&](uint32_t k, int i) {
    double v;
    return store->Get(k, kBenchEpoch + i * kStep, &v);
  };
  Random q(5);
  std::vector<std::pair<uint32_t, int>> hot(1000);
  for (auto& [k, i] : hot) {
    k = static_cast<uint32_t>(q.Uniform(series));
    i = static_cast<int>(q.Uniform(points));
  }
  auto hot_t = TimeRepeated(QueryBudget(cfg), 2000, 10'000'000, [&](int rep) {
    return get(hot[rep % hot.size()].first, hot[rep % hot.size()].second);
  });
  if (!hot_t.ok()) return hot_t.status();
  r->hot_us = *hot_t * 1e6;

  store->Close();
  if (s = store->Open(so); !s.ok()) return s;
  auto cold_t = TimeRepeated(QueryBudget(cfg), 200, 1'000'000, [&](int) {
    return get(static_cast<uint32_t>(q.Uniform(series)),
               static_cast<int>(q.Uniform(points)));
  });
  if (!cold_t.ok()) return cold_t.status();
  r->cold_us = *cold_t * 1e6;
  store->Close();
  RemoveDir(so.dir);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunGetsWorkload(const BenchConfig& cfg, Report* report) {
  const int series = 1000;
  const int points = std::max(50, static_cast<int>(1000 * cfg.scale));
  std::vector<std::unique_ptr<SeriesStore>> stores;
  stores.push_back(NewStrataStore());
  stores.push_back(NewRocksDbStore());
  stores.push_back(NewLevelDbStore());
  std::vector<GetsResult> results(stores.size());
  for (size_t i = 0; i < stores.size(); i++) {
    absl::Status s = RunOne(cfg, stores[i].get(), series, points, &results[i]);
    if (!s.ok()) {
      return absl::InternalError(
          absl::StrFormat("%s: %s", stores[i]->name(), s.message()));
    }
  }
  const std::string w =
      absl::StrFormat("3. point gets: %d series x %d points", series, points);
  for (size_t i = 1; i < stores.size(); i++) {
    report->Add({w, "hot get (1,000-point working set)", "us",
                 results[0].hot_us, results[i].hot_us, stores[i]->name(),
                 false});
    report->Add({w, "cold get (reopened, random over all)", "us",
                 results[0].cold_us, results[i].cold_us, stores[i]->name(),
                 false});
  }
  return absl::OkStatus();
}

}  // namespace strata::bench
