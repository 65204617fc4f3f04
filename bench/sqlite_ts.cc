// TsEngine over SQLite: the time-series layout a SQL user would pick for
// schemaless line protocol, equivalent to the key-value layout:
//   series(id, measurement, host, field, series_key, type)
//   points(series, ts, value, PRIMARY KEY (series, ts)) WITHOUT ROWID
// Lines are parsed with Strata's parser; series ids are cached in memory;
// each batch is one transaction of prepared INSERT OR REPLACE statements.
// Queries are SQL.
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "series/line_protocol.h"
#include "sqlite_peer.h"
#include "ts_engine.h"
#include "util/mutex.h"

namespace strata::bench {
namespace {

class SqliteTs final : public TsEngine {
 public:
  std::string name() const override { return "SQLite"; }
  std::string config() const override {
    return SqliteDb::Describe() +
           "; time series: points(series, ts, value) WITHOUT ROWID with "
           "primary key (series, ts), series table indexed by (measurement, "
           "field, host), our line-protocol parser";
  }
  absl::Status Open(const std::string& dir) override {
    MutexLock l(&mu_);
    absl::Status s = db_.Open(dir + "/points.db");
    if (s.ok()) {
      s = db_.Exec(
          "CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, "
          "measurement TEXT NOT NULL, host TEXT, field TEXT NOT NULL, "
          "series_key TEXT NOT NULL, type INTEGER NOT NULL);"
          "CREATE INDEX IF NOT EXISTS series_by_field ON series(measurement, "
          "field, host);"
          "CREATE TABLE IF NOT EXISTS points(series INTEGER NOT NULL, ts "
          "INTEGER NOT NULL, value, PRIMARY KEY (series, ts)) WITHOUT ROWID;");
    }
    if (s.ok())
      s = Prep(&insert_point_, "INSERT OR REPLACE INTO points VALUES(?,?,?)");
    if (s.ok()) {
      s = Prep(&insert_series_,
               "INSERT INTO series(measurement, host, field, series_key, type) "
               "VALUES(?,?,?,?,?)");
    }
    if (s.ok()) {
      s = Prep(&range_,
               "SELECT ts, value FROM points WHERE series = (SELECT id FROM "
               "series WHERE measurement = ?1 AND field = ?3 AND host = ?2) "
               "AND ts >= ?4 AND ts < ?5");
    }
    if (s.ok()) {
      s = Prep(&buckets_,
               "SELECT (ts - ?3) / ?5 AS b, avg(value) FROM points WHERE "
               "series IN (SELECT id FROM series WHERE measurement = ?1 AND "
               "field = ?2) AND ts >= ?3 AND ts < ?4 GROUP BY b");
    }
    if (s.ok()) {
      s = Prep(&last_,
               "SELECT (SELECT value FROM points WHERE series = s.id ORDER BY "
               "ts DESC LIMIT 1) FROM series s WHERE s.measurement = ?1");
    }
    if (s.ok()) {
      s = Prep(&max_,
               "SELECT max(value) FROM points WHERE series IN (SELECT id FROM "
               "series WHERE measurement = ?1 AND field = ?2)");
    }
    return s;
  }

  absl::Status WriteLines(std::string_view lines, bool sync) override {
    MutexLock l(&mu_);
    absl::Status s = db_.SetSync(sync);
    if (s.ok()) s = db_.Exec("BEGIN");
    if (!s.ok()) return s;
    LineProtocolParser parser(lines, LineProtocolOptions());
    ParsedPoint p;
    std::string series, id_key;
    while (s.ok() && parser.Next(&p)) {
      series.clear();
      AppendSeriesKey(p, &series);
      for (const FieldView& f : p.fields) {
        id_key = series;
        id_key.push_back('\0');
        id_key.append(f.key);
        auto it = ids_.find(id_key);
        int64_t id;
        if (it != ids_.end()) {
          id = it->second;
        } else {
          std::string_view host;
          for (const TagView& t : p.tags) {
            if (t.key == "hostname") host = t.value;
          }
          insert_series_.Bind(1, p.measurement);
          insert_series_.Bind(2, host);
          insert_series_.Bind(3, f.key);
          insert_series_.Bind(4, std::string_view(series));
          insert_series_.Bind(5, static_cast<int64_t>(f.value.type()));
          if (s = insert_series_.Run(); !s.ok()) break;
          id = sqlite3_last_insert_rowid(db_.get());
          ids_.emplace(id_key, id);
        }
        insert_point_.Bind(1, id);
        insert_point_.Bind(2, static_cast<int64_t>(p.timestamp));
        switch (f.value.type()) {
          case FieldType::kFloat:
            insert_point_.Bind(3, f.value.float_value());
            break;
          case FieldType::kInteger:
            insert_point_.Bind(3, f.value.integer_value());
            break;
          case FieldType::kUnsigned:
            insert_point_.Bind(3,
                               static_cast<int64_t>(f.value.unsigned_value()));
            break;
          case FieldType::kBoolean:
            insert_point_.Bind(3, int64_t{f.value.bool_value() ? 1 : 0});
            break;
          case FieldType::kString:
            insert_point_.Bind(3, f.value.string_value());
            break;
        }
        if (s = insert_point_.Run(); !s.ok()) break;
      }
    }
    if (s.ok()) s = parser.status();
    if (!s.ok()) {
      db_.Exec("ROLLBACK").IgnoreError();
      return s;
    }
    return db_.Exec("COMMIT");
  }

  absl::Status Settle() override {
    MutexLock l(&mu_);
    return db_.Checkpoint();
  }

  absl::StatusOr<QueryAnswer> SeriesRange(std::string_view m,
                                          std::string_view host,
                                          std::string_view field, int64_t t0,
                                          int64_t t1) override {
    MutexLock l(&mu_);
    range_.Bind(1, m);
    range_.Bind(2, host);
    range_.Bind(3, field);
    range_.Bind(4, t0);
    range_.Bind(5, t1);
    return Collect(&range_, 1);
  }
  absl::StatusOr<QueryAnswer> MeanPerBucket(std::string_view m,
                                            std::string_view field, int64_t t0,
                                            int64_t t1,
                                            int64_t bucket) override {
    MutexLock l(&mu_);
    buckets_.Bind(1, m);
    buckets_.Bind(2, field);
    buckets_.Bind(3, t0);
    buckets_.Bind(4, t1);
    buckets_.Bind(5, bucket);
    return Collect(&buckets_, 1);
  }
  absl::StatusOr<QueryAnswer> LastPerSeries(std::string_view m) override {
    MutexLock l(&mu_);
    last_.Bind(1, m);
    return Collect(&last_, 0);
  }
  absl::StatusOr<QueryAnswer> MaxAll(std::string_view m,
                                     std::string_view field) override {
    MutexLock l(&mu_);
    max_.Bind(1, m);
    max_.Bind(2, field);
    return Collect(&max_, 0);
  }
  void Close() override {
    MutexLock l(&mu_);
    insert_point_ = SqliteStmt();
    insert_series_ = SqliteStmt();
    range_ = SqliteStmt();
    buckets_ = SqliteStmt();
    last_ = SqliteStmt();
    max_ = SqliteStmt();
    db_.Close();
  }

 private:
  absl::Status Prep(SqliteStmt* stmt, std::string_view sql) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.status();
    *stmt = std::move(*s);
    return absl::OkStatus();
  }

  // Sums column `col` of every row (nulls left out), then resets.
  absl::StatusOr<QueryAnswer> Collect(SqliteStmt* stmt, int col) {
    QueryAnswer a;
    absl::Status s;
    while (stmt->Step(&s)) {
      if (stmt->IsNull(col)) continue;
      a.values++;
      a.sum += stmt->Double(col);
    }
    stmt->Reset();
    if (!s.ok()) return s;
    return a;
  }

  Mutex mu_;
  SqliteDb db_ ABSL_GUARDED_BY(mu_);
  SqliteStmt insert_point_, insert_series_, range_, buckets_, last_, max_;
  absl::flat_hash_map<std::string, int64_t> ids_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<TsEngine> NewSqliteTsEngine() {
  return std::make_unique<SqliteTs>();
}

}  // namespace strata::bench
