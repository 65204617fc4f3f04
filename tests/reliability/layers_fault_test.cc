// Fault sweep through the layers: a document collection with a secondary
// index and a time-series measurement, written by single puts, deletes,
// transactions and point batches, with a flush and a compaction, over
// FaultInjectionEnv(MemEnv). Every k-th I/O call fails once in turn (EIO;
// STRATA_LONG=1 sweeps every call, STRATA_SWEEP_STRIDE=S every S-th); then
// power is lost and the DB is reopened on the clean env. The layers must show
// exactly the effect of a prefix of the attempted operations that includes
// every one acknowledged as durable, and the index must agree with a scan of
// the collection.
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "reliability/reliability_util.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/series.h"

namespace strata::reliability {
namespace {

constexpr char kDir[] = "/layers";
constexpr char kColl[] = "c";

Options LayerOptions(Env* env) {
  Options o;
  o.env = env;
  o.write_buffer_size = 64 << 10;
  o.background_threads = 1;
  o.window_merge_trigger = 64;  // the same calls in every run
  return o;
}

// One acknowledged-or-not step and its effects.
struct Effect {
  enum Kind { kPut, kDelete, kPoint } kind;
  std::string id;    // document id; point: host
  std::string json;  // document
  Timestamp ts = 0;
  double v = 0;
};
using Step = std::vector<Effect>;

struct LayerState {
  std::map<std::string, std::string> docs;
  std::map<std::pair<std::string, Timestamp>, double> points;
  void Apply(const Step& s) {
    for (const Effect& e : s) {
      if (e.kind == Effect::kPut) docs[e.id] = e.json;
      if (e.kind == Effect::kDelete) docs.erase(e.id);
      if (e.kind == Effect::kPoint) points[{e.id, e.ts}] = e.v;
    }
  }
  std::string Render() const {
    std::string out;
    for (const auto& [id, json] : docs) {
      absl::StrAppendFormat(&out, "%s=%s\n", id, json);
    }
    for (const auto& [k, v] : points) {
      absl::StrAppendFormat(&out, "%s@%d=%.17g\n", k.first, k.second, v);
    }
    return out;
  }
};

std::string Doc(int id, int n) {
  return absl::StrFormat(R"({"id":"d%02d","n":%d,"s":"%s"})", id, n,
                         std::string(static_cast<size_t>(n % 7) * 10, 's'));
}

// What the layers hold, rendered as LayerState::Render, or an error; also
// checks the index against the scan.
absl::StatusOr<std::string> RenderLayers(DB* db) {
  auto docs = DocumentStore::Open(db);
  if (!docs.ok()) return docs.status();
  auto scan = [&](const FindRequest& req)
      -> absl::StatusOr<std::map<std::string, std::string>> {
    std::map<std::string, std::string> out;
    auto c = (*docs)->Find(kColl, req);
    if (!c.ok()) return c.status();
    while ((*c)->Next()) {
      std::string key((*c)->key());
      out[key.substr(1, key.size() - 2)] = std::string((*c)->document());
    }
    if (!(*c)->status().ok()) return (*c)->status();
    return out;
  };
  LayerState got;
  auto all = scan(FindRequest());
  if (!all.ok()) return all.status();
  got.docs = *all;
  FindRequest by_n;
  by_n.filter = R"({"n": {"$gte": 0}})";
  auto indexed = scan(by_n);
  if (!indexed.ok()) return indexed.status();
  if (*indexed != *all) {
    return absl::InternalError(absl::StrFormat(
        "index on n disagrees with the scan: %d vs %d documents",
        indexed->size(), all->size()));
  }
  auto ts = TimeSeries::Open(db);
  if (!ts.ok()) return ts.status();
  auto r = (*ts)->Query("SELECT v FROM cpu GROUP BY host");
  if (!r.ok()) return r.status();
  for (const StatementResult& st : r->results) {
    if (!st.error.ok()) return st.error;
    for (const ResultSeries& rs : st.series) {
      std::string host = rs.tags.empty() ? "" : rs.tags[0].second;
      for (const auto& row : rs.values) {
        if (row.size() != 2 || !std::holds_alternative<double>(row[1])) {
          continue;
        }
        got.points[{host, std::get<int64_t>(row[0])}] =
            std::get<double>(row[1]);
      }
    }
  }
  return got.Render();
}

// The workload, stopping at the first error. Records attempted steps and
// the durable prefix.
class LayerWorkload {
 public:
  LayerWorkload(EnvStack* envs, std::vector<Step>* steps, size_t* durable)
      : envs_(envs), steps_(steps), durable_(durable) {}

  absl::Status Run() {
    auto db = DB::Open(LayerOptions(envs_->faulty.get()), kDir);
    if (!db.ok()) return db.status();
    *durable_ = steps_->size();
    auto docs = DocumentStore::Open(db->get());
    if (!docs.ok()) return docs.status();
    auto ts = TimeSeries::Open(db->get());
    if (!ts.ok()) return ts.status();
    docs_ = docs->get();
    ts_ = ts->get();
    db_ = db->get();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 12; i++) {
        absl::Status s = Put(i, round * 100 + i, i % 3 == 0);
        if (!s.ok()) return s;
      }
      absl::Status s = Points(round * 10, round == 0);
      if (s.ok()) s = Delete(round + 2);
      if (s.ok()) s = Transaction(round, /*sync=*/true);
      if (s.ok()) s = round == 0 ? Flush() : Compact();
      if (s.ok()) s = Put(20 + round, 7, /*sync=*/true);
      if (!s.ok()) return s;
    }
    return db_->WaitForBackgroundWork();
  }

 private:
  size_t Attempt(Step s) {
    steps_->push_back(std::move(s));
    return steps_->size() - 1;
  }
  void Durable(size_t index) { *durable_ = std::max(*durable_, index + 1); }

  absl::Status Put(int id, int n, bool sync) {
    size_t i =
        Attempt({{Effect::kPut, absl::StrFormat("d%02d", id), Doc(id, n)}});
    DocWriteOptions wo;
    wo.sync = sync;
    absl::Status s = docs_->Put(kColl, Doc(id, n), wo).status();
    if (s.ok() && sync) Durable(i);
    return s;
  }
  absl::Status Delete(int id) {
    Attempt({{Effect::kDelete, absl::StrFormat("d%02d", id), ""}});
    return docs_->Delete(kColl, absl::StrFormat("\"d%02d\"", id));
  }
  absl::Status Transaction(int round, bool sync) {
    Step step = {{Effect::kPut, "d30", Doc(30, 300 + round)},
                 {Effect::kDelete, "d05", ""},
                 {Effect::kPut, "d31", Doc(31, 310 + round)}};
    size_t i = Attempt(step);
    auto txn = docs_->Begin();
    absl::Status s = txn->Put(kColl, step[0].json).status();
    if (s.ok()) s = txn->Delete(kColl, "\"d05\"");
    if (absl::IsNotFound(s)) s = absl::OkStatus();
    if (s.ok()) s = txn->Put(kColl, step[2].json).status();
    if (s.ok()) s = txn->Commit(sync);
    if (s.ok() && sync) Durable(i);
    return s;
  }
  absl::Status Points(int base, bool sync) {
    Step step;
    std::vector<Point> points;
    for (int i = 0; i < 6; i++) {
      Point p;
      p.measurement = "cpu";
      p.tags.push_back(Tag{"host", absl::StrFormat("h%d", i % 2)});
      p.fields.push_back(Field{"v", FieldValue::Float(base + i + 0.5)});
      p.timestamp = 1'000'000'000 + (base + i) * 1000;
      step.push_back(Effect{Effect::kPoint, p.tags[0].value, "", p.timestamp,
                            base + i + 0.5});
      points.push_back(std::move(p));
    }
    size_t i = Attempt(step);
    absl::Status s = ts_->WritePoints(points, sync);
    if (s.ok() && sync) Durable(i);
    return s;
  }
  absl::Status Flush() {
    absl::Status s = db_->Flush();
    if (s.ok()) *durable_ = steps_->size();
    return s;
  }
  absl::Status Compact() {
    absl::Status s = db_->CompactRange("", "");
    if (s.ok()) *durable_ = steps_->size();
    return s;
  }

  EnvStack* const envs_;
  std::vector<Step>* const steps_;
  size_t* const durable_;
  DB* db_ = nullptr;
  DocumentStore* docs_ = nullptr;
  TimeSeries* ts_ = nullptr;
};

// The collection and its index, made durably before any fault.
void MakeCollection(EnvStack* envs) {
  auto db = DB::Open(LayerOptions(envs->faulty.get()), kDir);
  ASSERT_TRUE(db.ok()) << db.status();
  auto docs = DocumentStore::Open(db->get());
  ASSERT_TRUE(docs.ok()) << docs.status();
  CollectionSpec spec;
  spec.name = kColl;
  spec.key_path = "id";
  ASSERT_TRUE((*docs)->CreateCollection(spec).ok());
  IndexSpec index;
  index.name = "by_n";
  index.paths = {"n"};
  ASSERT_TRUE((*docs)->CreateIndex(kColl, index).ok());
  ASSERT_TRUE((*db)->Flush().ok());
}

void CheckRecovery(EnvStack* envs, const std::vector<Step>& steps,
                   size_t durable, const std::string& what) {
  auto db = DB::Open(LayerOptions(envs->clean.get()), kDir);
  ASSERT_TRUE(db.ok()) << what << ": reopen: " << db.status();
  absl::StatusOr<std::string> got = RenderLayers(db->get());
  ASSERT_TRUE(got.ok()) << what << ": " << got.status();
  LayerState s;
  std::string at_durable;
  for (size_t p = 0; p <= steps.size(); p++) {
    if (p > 0) s.Apply(steps[p - 1]);
    if (p < durable) continue;
    std::string want = s.Render();
    if (p == durable) at_durable = want;
    if (want == *got) return;
  }
  FAIL() << what << ": the layers match no prefix in [" << durable << ", "
         << steps.size() << "] of the attempted steps\nDB:\n"
         << *got << "durable prefix:\n"
         << at_durable;
}

TEST(LayersFaultTest, EveryKthIoCallFailsOnce) {
  // Every 3rd call by default; every call with STRATA_LONG=1; any stride
  // with STRATA_SWEEP_STRIDE (scripts/sanitize.sh).
  const char* long_mode = std::getenv("STRATA_LONG");
  const char* stride_env = std::getenv("STRATA_SWEEP_STRIDE");
  int stride = long_mode != nullptr && long_mode[0] == '1' ? 1 : 3;
  if (stride_env != nullptr && std::atoi(stride_env) > 0) {
    stride = std::atoi(stride_env);
  }
  int64_t n = 0;
  {
    EnvStack envs;
    MakeCollection(&envs);
    if (HasFatalFailure()) return;
    envs.fault->ResetCounts();
    std::vector<Step> steps;
    size_t durable = 0;
    absl::Status s = LayerWorkload(&envs, &steps, &durable).Run();
    ASSERT_TRUE(s.ok()) << s;
    n = envs.fault->CountOps(FaultOp::kAny);
    ASSERT_TRUE(envs.fault->SimulatePowerLoss().ok());
    CheckRecovery(&envs, steps, durable, "no fault");
  }
  ASSERT_GT(n, 50);
  int points = 0, failed_ops = 0;
  for (int64_t k = 0; k < n; k += stride) {
    const std::string what = absl::StrFormat("EIO at call %d of %d", k, n);
    EnvStack envs;
    MakeCollection(&envs);
    if (HasFatalFailure()) return;
    envs.fault->ResetCounts();
    envs.fault->FailAfter(FaultOp::kAny, static_cast<int>(k));
    std::vector<Step> steps;
    size_t durable = 0;
    absl::Status s = LayerWorkload(&envs, &steps, &durable).Run();
    points++;
    if (!s.ok()) {
      failed_ops++;
      EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << what << ": " << s;
    }
    ASSERT_TRUE(envs.fault->SimulatePowerLoss().ok()) << what;
    envs.fault->ClearFaults();
    CheckRecovery(&envs, steps, durable, what);
    if (HasFatalFailure()) return;
  }
  std::cout << absl::StrFormat(
      "[layers sweep] %d of %d calls swept, an operation failed in %d\n",
      points, n, failed_ops);
  EXPECT_GT(failed_ops, points / 2);
}

}  // namespace
}  // namespace strata::reliability
