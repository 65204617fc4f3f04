// Workload "docs" (issue 7 item 5, issue 5 figures): telemetry events
// (~250 bytes of JSON each) bulk-inserted in batches of 1,000, then:
// indexed equality (every event of one device), indexed device + 1-hour
// window, and an unindexed filter scan (reported as GB/s of JSON), against
// SQLite with JSON1 and generated-column indexes. Then the two lookups again
// with covering indexes on both sides (Strata: entries hold the document;
// SQLite: index on (device, ts, doc)), also against Strata's plain index.
// Every engine is loaded first and stays open; the lookups are then timed
// on all of them in alternating slices of the same queries, so that the
// ratios compare engines under the same machine state.
#include "absl/strings/str_format.h"
#include "doc_engine.h"
#include "telemetry_gen.h"
#include "util/random.h"
#include "workload_util.h"

namespace strata::bench {

namespace {

struct DocsResult {
  double insert_docs_s = 0;
  double bytes_per_doc = 0;
  double eq_qps = 0, window_qps = 0, scan_gbs = 0;
  DocAnswer eq0, window0, scan0;
  std::string plan;  // the engine's plan for the equality lookup
};

// Loads the documents into an open engine: bulk insert (timed), settle,
// size on disk.
absl::Status Load(const std::string& dir, DocEngine* e,
                  const TelemetryDocs& data,
                  const std::vector<std::vector<std::string>>& batches,
                  DocsResult* r) {
  absl::Status s = e->Open(dir);
  if (!s.ok()) return s;
  double t = Now();
  for (const auto& b : batches) {
    if (s = e->InsertBatch(b); !s.ok()) return s;
  }
  r->insert_docs_s = static_cast<double>(data.docs.size()) / (Now() - t);
  if (s = e->Settle(); !s.ok()) return s;
  r->bytes_per_doc = static_cast<double>(DirectoryBytes(dir)) /
                     static_cast<double>(data.docs.size());
  return absl::OkStatus();
}

// The two lookups, timed on all engines at once (TimeInterleaved: the
// same queries, alternating in slices), then each engine's scan and plan.
absl::Status RunQueries(const BenchConfig& cfg,
                        const std::vector<std::unique_ptr<DocEngine>>& engines,
                        const TelemetryConfig& tc, const TelemetryDocs& data,
                        size_t scans, std::vector<DocsResult>* results) {
  // Devices as the traffic picks them: half from the busiest tenth. Query
  // rep picks the same device (and window) for every engine.
  auto device = [&](Random* q) {
    const int n = tc.devices;
    return TelemetryGenerator::DeviceId(static_cast<int>(
        q->OneIn(2) ? q->Uniform(std::max(n / 10, 1)) : q->Uniform(n)));
  };
  // A budget per engine several times the other workloads': these queries
  // are short and the ratios are the point.
  const double budget = 4 * QueryBudget(cfg);
  const double slice = budget / 8;
  auto eq = TimeInterleaved(engines.size(), budget, 20, 1'000'000, slice,
                            [&](size_t e, int rep) -> absl::Status {
                              Random q(21 + 7919 * static_cast<uint32_t>(rep));
                              auto a = engines[e]->FindDevice(device(&q));
                              if (!a.ok()) return a.status();
                              if (rep == 0) (*results)[e].eq0 = *a;
                              return absl::OkStatus();
                            });
  if (!eq.ok()) return eq.status();
  const int64_t hour_ms = 3'600'000;
  const int64_t room =
      std::max<int64_t>(data.last_ms - data.first_ms - hour_ms, 1);
  auto win = TimeInterleaved(
      engines.size(), budget, 20, 1'000'000, slice,
      [&](size_t e, int rep) -> absl::Status {
        Random q(22 + 7919 * static_cast<uint32_t>(rep));
        const std::string d = device(&q);
        const int64_t from =
            data.first_ms + static_cast<int64_t>(q.Uniform(room));
        auto a = engines[e]->FindDeviceWindow(d, from, from + hour_ms);
        if (!a.ok()) return a.status();
        if (rep == 0) (*results)[e].window0 = *a;
        return absl::OkStatus();
      });
  if (!win.ok()) return win.status();
  for (size_t e = 0; e < engines.size(); e++) {
    DocsResult* r = &(*results)[e];
    r->eq_qps = 1 / (*eq)[e];
    r->window_qps = 1 / (*win)[e];
    if (e < scans) {
      auto scan = TimeRepeated(QueryBudget(cfg), 1, 1000, [&](int rep) {
        auto a = engines[e]->ScanFilter();
        if (!a.ok()) return a.status();
        if (rep == 0) r->scan0 = *a;
        return absl::OkStatus();
      });
      if (!scan.ok()) return scan.status();
      r->scan_gbs = static_cast<double>(data.bytes) / *scan / 1e9;
    }
    auto plan = engines[e]->ExplainFindDevice(TelemetryGenerator::DeviceId(0));
    r->plan = plan.ok() ? *plan : std::string(plan.status().message());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunDocsWorkload(const BenchConfig& cfg, Report* report) {
  std::string why;
  std::vector<std::unique_ptr<DocEngine>> engines;
  engines.push_back(NewStrataDocEngine(&why));
  if (engines[0] == nullptr) {
    report->Skip("docs", why);
    return absl::OkStatus();
  }
  engines.push_back(NewSqliteDocEngine());
  // [2], [3]: the covering variants; their scans would repeat [0] and [1].
  constexpr size_t kStrataCovering = 2, kSqliteCovering = 3;
  engines.push_back(NewStrataDocEngine(&why, true));
  engines.push_back(NewSqliteDocEngine(true));
  TelemetryConfig tc;
  const int64_t count =
      std::max<int64_t>(2000, std::llround(200000 * cfg.scale));
  const TelemetryDocs data = GenerateTelemetry(tc, count);
  std::vector<std::vector<std::string>> batches;
  for (size_t i = 0; i < data.docs.size(); i += 1000) {
    batches.emplace_back(
        data.docs.begin() + i,
        data.docs.begin() + std::min(i + 1000, data.docs.size()));
  }
  std::vector<DocsResult> results(engines.size());
  std::vector<std::string> dirs;
  auto close_all = [&] {
    for (size_t i = 0; i < dirs.size(); i++) {
      engines[i]->Close();
      RemoveDir(dirs[i]);
    }
  };
  for (size_t i = 0; i < engines.size(); i++) {
    report->Config(engines[i]->name() + ", documents", engines[i]->config());
    dirs.push_back(FreshDir(cfg, "docs-" + engines[i]->name()));
    absl::Status s =
        Load(dirs.back(), engines[i].get(), data, batches, &results[i]);
    if (!s.ok()) {
      close_all();
      return absl::InternalError(
          absl::StrFormat("%s documents: %s", engines[i]->name(), s.message()));
    }
  }
  absl::Status s =
      RunQueries(cfg, engines, tc, data, /*scans=*/kStrataCovering, &results);
  close_all();
  if (!s.ok()) {
    return absl::InternalError(absl::StrFormat("documents: %s", s.message()));
  }
  const std::string w = absl::StrFormat(
      "5. documents: %d telemetry events, %.0f bytes avg, %d devices", count,
      static_cast<double>(data.bytes) / count, tc.devices);
  auto mismatch = [&](const char* what, const DocAnswer& x,
                      const std::string& xn, const DocAnswer& y,
                      const std::string& yn) {
    if (x.docs != y.docs || x.bytes != y.bytes) {
      report->Note(absl::StrFormat(
          "ANSWER MISMATCH in docs %s: %s %d docs / %d bytes, %s %d docs / "
          "%d bytes",
          what, xn, x.docs, x.bytes, yn, y.docs, y.bytes));
    }
  };
  const DocsResult& a = results[0];
  for (size_t i = 1; i < kStrataCovering; i++) {
    const DocsResult& b = results[i];
    const std::string peer = engines[i]->name();
    report->Add({w, "bulk insert (batches of 1,000)", "docs/s", a.insert_docs_s,
                 b.insert_docs_s, peer});
    report->Add({w, "indexed equality (all events of a device)", "queries/s",
                 a.eq_qps, b.eq_qps, peer});
    report->Add({w, "indexed device + 1 h window", "queries/s", a.window_qps,
                 b.window_qps, peer});
    report->Add({w, "unindexed filter scan", "GB/s of JSON", a.scan_gbs,
                 b.scan_gbs, peer});
    report->Add({w, "disk after settle", "bytes/doc", a.bytes_per_doc,
                 b.bytes_per_doc, peer, false});
    const std::pair<const char*, std::pair<DocAnswer, DocAnswer>> checks[] = {
        {"indexed equality", {a.eq0, b.eq0}},
        {"indexed window", {a.window0, b.window0}},
        {"filter scan", {a.scan0, b.scan0}}};
    for (const auto& [what, ab] : checks) {
      mismatch(what, ab.first, engines[0]->name(), ab.second, peer);
    }
    if (peer == "SQLite") {
      report->AddTarget({"issue 5: bulk insert vs SQLite",
                         a.insert_docs_s / b.insert_docs_s, "x", ">= 2x",
                         a.insert_docs_s >= 2 * b.insert_docs_s});
      report->AddTarget({"issue 5: indexed equality vs SQLite",
                         a.eq_qps / b.eq_qps, "x", ">= 2x",
                         a.eq_qps >= 2 * b.eq_qps});
      report->AddTarget({"issue 5: indexed device + window vs SQLite",
                         a.window_qps / b.window_qps, "x", ">= 2x",
                         a.window_qps >= 2 * b.window_qps});
    }
  }
  // Covering indexes on both sides, and Strata's covering against its plain
  // index (what the option buys).
  const DocsResult& ac = results[kStrataCovering];
  const DocsResult& bc = results[kSqliteCovering];
  const std::string cw = w + ", covering indexes";
  for (const auto& [peer, b] : {std::pair<std::string, const DocsResult*>{
                                    engines[kSqliteCovering]->name(), &bc},
                                std::pair<std::string, const DocsResult*>{
                                    "Strata (plain index)", &a}}) {
    report->Add({cw, "bulk insert (batches of 1,000)", "docs/s",
                 ac.insert_docs_s, b->insert_docs_s, peer});
    report->Add({cw, "indexed equality (all events of a device)", "queries/s",
                 ac.eq_qps, b->eq_qps, peer});
    report->Add({cw, "indexed device + 1 h window", "queries/s", ac.window_qps,
                 b->window_qps, peer});
    report->Add({cw, "disk after settle", "bytes/doc", ac.bytes_per_doc,
                 b->bytes_per_doc, peer, false});
  }
  for (size_t i = kStrataCovering; i < engines.size(); i++) {
    mismatch("indexed equality", a.eq0, engines[0]->name(), results[i].eq0,
             engines[i]->name());
    mismatch("indexed window", a.window0, engines[0]->name(),
             results[i].window0, engines[i]->name());
  }
  report->AddTarget({"issue 5: indexed equality vs SQLite, both covering",
                     ac.eq_qps / bc.eq_qps, "x", ">= 2x",
                     ac.eq_qps >= 2 * bc.eq_qps});
  report->AddTarget(
      {"issue 5: indexed device + window vs SQLite, both "
       "covering",
       ac.window_qps / bc.window_qps, "x", ">= 2x",
       ac.window_qps >= 2 * bc.window_qps});
  report->AddTarget({"issue 5: unindexed filter scan", a.scan_gbs,
                     "GB/s of JSON", ">= 1 GB/s per core", a.scan_gbs >= 1});
  for (size_t i = 0; i < engines.size(); i++) {
    report->Note(absl::StrFormat("docs: %s plan for the equality lookup: %s",
                                 engines[i]->name(), results[i].plan));
  }
  report->Note(absl::StrFormat(
      "docs: the scan filter is %s; first answers: equality %d docs, window "
      "%d docs, scan %d docs",
      kScanFilterJson, a.eq0.docs, a.window0.docs, a.scan0.docs));
  return absl::OkStatus();
}

}  // namespace strata::bench
