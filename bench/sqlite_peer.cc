// SQLite connection and statement helpers for the SQLite peers.
#include "sqlite_peer.h"

#include <filesystem>

#include "absl/strings/str_format.h"

namespace strata::bench {
namespace {

absl::Status Error(sqlite3* db, std::string_view what) {
  return absl::InternalError(absl::StrFormat(
      "sqlite: %s: %s", what, db != nullptr ? sqlite3_errmsg(db) : "no db"));
}

}  // namespace

SqliteStmt& SqliteStmt::operator=(SqliteStmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

bool SqliteStmt::Step(absl::Status* status) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    *status = Error(db_, sqlite3_sql(stmt_));
  }
  return false;
}

absl::Status SqliteStmt::Run() {
  absl::Status s;
  while (Step(&s)) {
  }
  Reset();
  return s;
}

std::string_view SqliteStmt::Text(int col) const {
  const auto* p =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p == nullptr ? std::string_view()
                      : std::string_view(p, sqlite3_column_bytes(stmt_, col));
}

absl::Status SqliteDb::Open(const std::string& path) {
  Close();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      ec);
  const int rc = sqlite3_open_v2(
      path.c_str(), &db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) return Error(db_, "open " + path);
  sync_ = false;
  return Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
      "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
}

absl::Status SqliteDb::SetSync(bool sync) {
  if (sync == sync_) return absl::OkStatus();
  sync_ = sync;
  return Exec(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

absl::Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    absl::Status s = absl::InternalError(absl::StrFormat(
        "sqlite: %s: %s", text, err != nullptr ? err : "error"));
    sqlite3_free(err);
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteStmt> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt,
                         nullptr) != SQLITE_OK) {
    return Error(db_, sql);
  }
  return SqliteStmt(db_, stmt);
}

absl::Status SqliteDb::Checkpoint() {
  return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void SqliteDb::Close() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

std::string SqliteDb::Describe() {
  return absl::StrFormat(
      "SQLite %s: WAL journal, synchronous=NORMAL (FULL = fsync per commit "
      "in the sync runs), 64 MiB page cache, one transaction per batch, "
      "prepared statements, one connection (SQLite has one writer at a "
      "time: concurrent writers queue on a mutex)",
      sqlite3_libversion());
}

}  // namespace strata::bench
