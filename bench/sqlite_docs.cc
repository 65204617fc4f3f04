// DocEngine over SQLite with JSON1: documents in a TEXT column checked by
// json_valid, virtual generated columns for id, device and ts, a unique
// index on id and an index on (device, ts), or, as the covering variant,
// on (device, ts, doc) so lookups read only the index b-tree (SQLite's
// covering index: the same advantage Strata's covering index has).
// Unindexed filters use json_extract, as a SQLite user would write them.
#include "doc_engine.h"
#include "sqlite_peer.h"

namespace strata::bench {
namespace {

class SqliteDocs final : public DocEngine {
 public:
  explicit SqliteDocs(bool covering) : covering_(covering) {}
  std::string name() const override {
    return covering_ ? "SQLite (covering index)" : "SQLite";
  }
  std::string config() const override {
    return SqliteDb::Describe() +
           "; documents: JSON1, events(doc TEXT CHECK(json_valid(doc)), "
           "virtual generated columns id/device/ts, UNIQUE index on id, " +
           (covering_ ? "covering index on (device, ts, doc)"
                      : "index on (device, ts)") +
           "), one transaction per 1,000-document batch";
  }
  absl::Status Open(const std::string& dir) override {
    absl::Status s = db_.Open(dir + "/docs.db");
    if (s.ok()) {
      s = db_.Exec(
          "CREATE TABLE IF NOT EXISTS events(doc TEXT NOT NULL CHECK "
          "(json_valid(doc)), id TEXT GENERATED ALWAYS AS "
          "(json_extract(doc, '$.id')) VIRTUAL, device TEXT GENERATED ALWAYS "
          "AS (json_extract(doc, '$.device')) VIRTUAL, ts INTEGER GENERATED "
          "ALWAYS AS (json_extract(doc, '$.ts')) VIRTUAL);"
          "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);");
    }
    // Only one device index, so SQLite's planner cannot pick the other.
    if (s.ok()) {
      s = db_.Exec(covering_
                       ? "CREATE INDEX IF NOT EXISTS events_device_ts_doc "
                         "ON events(device, ts, doc);"
                       : "CREATE INDEX IF NOT EXISTS events_device_ts ON "
                         "events(device, ts);");
    }
    if (s.ok()) s = Prep(&insert_, "INSERT INTO events(doc) VALUES(?)");
    if (s.ok())
      s = Prep(&by_device_, "SELECT doc FROM events WHERE device = ?");
    if (s.ok()) {
      s = Prep(&window_,
               "SELECT doc FROM events WHERE device = ? AND ts >= ? AND ts < "
               "?");
    }
    if (s.ok()) {
      s = Prep(&scan_,
               "SELECT doc FROM events WHERE json_extract(doc, '$.kind') = "
               "'alert' AND json_extract(doc, '$.metrics.rssi') < -70");
    }
    return s;
  }
  absl::Status InsertBatch(const std::vector<std::string>& docs) override {
    absl::Status s = db_.Exec("BEGIN");
    for (size_t i = 0; s.ok() && i < docs.size(); i++) {
      insert_.Bind(1, std::string_view(docs[i]));
      s = insert_.Run();
    }
    if (!s.ok()) {
      db_.Exec("ROLLBACK").IgnoreError();
      return s;
    }
    return db_.Exec("COMMIT");
  }
  absl::Status Settle() override { return db_.Checkpoint(); }
  absl::StatusOr<DocAnswer> FindDevice(std::string_view device) override {
    by_device_.Bind(1, device);
    return Collect(&by_device_);
  }
  absl::StatusOr<DocAnswer> FindDeviceWindow(std::string_view device,
                                             int64_t from_ms,
                                             int64_t to_ms) override {
    window_.Bind(1, device);
    window_.Bind(2, from_ms);
    window_.Bind(3, to_ms);
    return Collect(&window_);
  }
  absl::StatusOr<DocAnswer> ScanFilter() override { return Collect(&scan_); }
  absl::StatusOr<std::string> ExplainFindDevice(
      std::string_view device) override {
    auto plan = db_.Prepare(
        "EXPLAIN QUERY PLAN SELECT doc FROM events WHERE device = ?");
    if (!plan.ok()) return plan.status();
    plan->Bind(1, device);
    std::string out;
    absl::Status s;
    while (plan->Step(&s)) {
      if (!out.empty()) out += "; ";
      out += plan->Text(3);
    }
    plan->Reset();
    if (!s.ok()) return s;
    return out;
  }
  void Close() override {
    insert_ = SqliteStmt();
    by_device_ = SqliteStmt();
    window_ = SqliteStmt();
    scan_ = SqliteStmt();
    db_.Close();
  }

 private:
  absl::Status Prep(SqliteStmt* stmt, std::string_view sql) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    *stmt = std::move(*s);
    return absl::OkStatus();
  }
  absl::StatusOr<DocAnswer> Collect(SqliteStmt* stmt) {
    DocAnswer a;
    absl::Status s;
    while (stmt->Step(&s)) {
      a.docs++;
      a.bytes += static_cast<int64_t>(stmt->Text(0).size());
    }
    stmt->Reset();
    if (!s.ok()) return s;
    return a;
  }

  const bool covering_;
  SqliteDb db_;
  SqliteStmt insert_, by_device_, window_, scan_;
};

}  // namespace

std::unique_ptr<DocEngine> NewSqliteDocEngine(bool covering) {
  return std::make_unique<SqliteDocs>(covering);
}

}  // namespace strata::bench
