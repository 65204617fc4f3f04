// DocEngine over Strata's DocumentStore: collection "events" keyed by
// "id" with time field "ts" (ms), a secondary index on (device, ts), as
// SQLite's (plain, or covering: entries hold the documents, so lookups
// read no documents);
// batches through PutMany (insert only), lookups and scans through Find.
// Built only when the document layer is (STRATA_BENCH_HAVE_DOCS).
#include "doc_engine.h"

#ifdef STRATA_BENCH_HAVE_DOCS

#include "strata/db.h"
#include "strata/docs.h"

namespace strata::bench {
namespace {

constexpr char kCollection[] = "events";

class StrataDocs final : public DocEngine {
 public:
  explicit StrataDocs(bool covering) : covering_(covering) {}
  std::string name() const override {
    return covering_ ? "Strata (covering index)" : "Strata";
  }
  std::string config() const override {
    return std::string(
               "Strata DocumentStore over DB (64 MiB memtable and block "
               "cache, LZ4, bloom 10 bits/key, WAL on without fsync): "
               "collection keyed by id with time field ts (ms), ") +
           (covering_
                ? "covering index on (device, ts) (entries hold the document)"
                : "index on (device, ts)") +
           ", PutMany per 1,000-document batch";
  }
  absl::Status Open(const std::string& dir) override {
    auto db = DB::Open(Options(), dir);
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    auto store = DocumentStore::Open(db_.get());
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    CollectionSpec spec;
    spec.name = kCollection;
    spec.key_path = "id";
    spec.time_path = "ts";
    spec.time_unit = "ms";
    absl::Status s = store_->CreateCollection(spec);
    if (!s.ok()) return s;
    IndexSpec index;
    index.name = "by_device_ts";
    index.paths = {"device", "ts"};
    index.covering = covering_;
    return store_->CreateIndex(kCollection, index);
  }
  absl::Status InsertBatch(const std::vector<std::string>& docs) override {
    return store_->PutMany(kCollection, docs, /*insert_only=*/true);
  }
  absl::Status Settle() override {
    absl::Status s = db_->Flush();
    if (s.ok()) s = db_->WaitForBackgroundWork();
    return s;
  }
  absl::StatusOr<DocAnswer> FindDevice(std::string_view device) override {
    FindRequest r;
    r.filter = DeviceFilter(device);
    return Collect(r);
  }
  absl::StatusOr<DocAnswer> FindDeviceWindow(std::string_view device,
                                             int64_t from_ms,
                                             int64_t to_ms) override {
    FindRequest r;
    r.filter = DeviceFilter(device);
    r.from = from_ms * 1'000'000;
    r.to = to_ms * 1'000'000;
    return Collect(r);
  }
  absl::StatusOr<DocAnswer> ScanFilter() override {
    FindRequest r;
    r.filter = kScanFilterJson;
    return Collect(r);
  }
  absl::StatusOr<std::string> ExplainFindDevice(
      std::string_view device) override {
    FindRequest r;
    r.filter = DeviceFilter(device);
    return store_->Explain(kCollection, r);
  }
  void Close() override {
    store_.reset();
    db_.reset();
  }

 private:
  static std::string DeviceFilter(std::string_view device) {
    std::string f = R"({"device":")";
    f.append(device);
    f += "\"}";
    return f;
  }
  absl::StatusOr<DocAnswer> Collect(const FindRequest& r) {
    auto cursor = store_->Find(kCollection, r);
    if (!cursor.ok()) return cursor.status();
    DocAnswer a;
    while ((*cursor)->Next()) {
      a.docs++;
      a.bytes += static_cast<int64_t>((*cursor)->document().size());
    }
    if (!(*cursor)->status().ok()) return (*cursor)->status();
    return a;
  }

  const bool covering_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocumentStore> store_;
};

}  // namespace

std::unique_ptr<DocEngine> NewStrataDocEngine(std::string* why, bool covering) {
  return std::make_unique<StrataDocs>(covering);
}

}  // namespace strata::bench

#else  // !STRATA_BENCH_HAVE_DOCS

namespace strata::bench {
std::unique_ptr<DocEngine> NewStrataDocEngine(std::string* why,
                                              bool /*covering*/) {
  *why = "layer not available (this build has no document layer)";
  return nullptr;
}
}  // namespace strata::bench

#endif  // STRATA_BENCH_HAVE_DOCS
