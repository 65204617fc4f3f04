// Thin RAII helpers over the SQLite C API (Debian libsqlite3-dev) for the
// SQLite peers: one connection in WAL mode with a 64 MiB page cache, and
// prepared statements. SQLite errors become absl::Status naming the SQL.
#ifndef STRATA_BENCH_SQLITE_PEER_H_
#define STRATA_BENCH_SQLITE_PEER_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::bench {

class SqliteStmt {
 public:
  SqliteStmt() = default;
  SqliteStmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStmt(SqliteStmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) {
    o.stmt_ = nullptr;
  }
  SqliteStmt& operator=(SqliteStmt&& o) noexcept;
  ~SqliteStmt() { sqlite3_finalize(stmt_); }

  // Parameters are 1-based. Text is not copied: it must stay alive until
  // the statement is reset.
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  // true: a row is ready; false: done. Errors go to *status.
  bool Step(absl::Status* status);
  // Runs to completion (for writes).
  absl::Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  std::string_view Text(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb() { Close(); }

  // Creates path's parent directory, opens in WAL mode, synchronous=NORMAL
  // (no fsync per commit), 64 MiB cache.
  absl::Status Open(const std::string& path);
  // PRAGMA synchronous=FULL (fsync every commit) or NORMAL.
  absl::Status SetSync(bool sync);
  absl::Status Exec(std::string_view sql);
  absl::StatusOr<SqliteStmt> Prepare(std::string_view sql);
  // Checkpoints the WAL into the database file.
  absl::Status Checkpoint();
  void Close();
  sqlite3* get() { return db_; }

  // "SQLite 3.40.1: WAL, ..." for the report.
  static std::string Describe();

 private:
  sqlite3* db_ = nullptr;
  bool sync_ = false;
};

}  // namespace strata::bench

#endif  // STRATA_BENCH_SQLITE_PEER_H_
