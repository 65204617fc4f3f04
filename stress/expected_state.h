// The crash loop's expected state: the child's operation log and a
// reference model of what the DB must hold.
//
// The child (one writer thread) appends each batch to the log with a single
// write(2) before giving it to the DB, and an acknowledgement line after
// the DB accepted it:
//   B <n> <ops>\n  then <ops> lines  O <kind> <key> <end> <ts> <t1> <exp> <v>
//   A <n>\n
// (fields tab-separated). write(2) data survives SIGKILL, and so does every
// acknowledged DB write (the WAL is handed to the OS before a write
// returns), so after a kill the DB must hold every acknowledged batch, and
// the last batch begun but not acknowledged either wholly or not at all.
#ifndef STRATA_STRESS_EXPECTED_STATE_H_
#define STRATA_STRESS_EXPECTED_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/db.h"

namespace strata::stress {

struct Op {
  enum Kind : char {
    // Core API (strata::DB).
    kPut = 'P',
    kDelete = 'D',
    kDeleteRange = 'R',
    // Time-series layer: a point of measurement `key`, tag host=`end`,
    // float field "v" = `value`, at `ts`.
    kPoint = 'S',
    // Document layer, collection "events": upsert of the JSON `value` with
    // id `key`, and delete of id `key`.
    kDocPut = 'J',
    kDocDelete = 'X',
  };
  Kind kind = kPut;
  std::string key;   // range delete: begin
  std::string end;   // range delete: end; kPoint: the host tag
  Timestamp ts = 0;  // range delete: t0
  Timestamp t1 = 0;
  int64_t expire_at = kNeverExpires;
  std::string value;  // no tabs or newlines
};

struct LoggedBatch {
  uint64_t n = 0;
  std::vector<Op> ops;
  bool acked = false;
};

// Serialises one batch as its "B" record (one write(2) in the child).
std::string EncodeBatchRecord(uint64_t n, const std::vector<Op>& ops);
std::string EncodeAckRecord(uint64_t n);
// Parses a whole log. A record cut short by the kill is ignored. Error for
// anything else malformed (the log is ours; damage means a bug).
absl::StatusOr<std::vector<LoggedBatch>> ParseLog(std::string_view log);

// The reference model. Core records: (key, ts) -> put versions since the
// last delete, oldest first (per db.h an expired put defers to the next
// older version). Points: (measurement, host, ts) -> value. Documents:
// id -> JSON.
class Model {
 public:
  void Apply(const std::vector<Op>& ops);
  // Everything visible at now, one line per record: core records
  // "key@ts=value" in key order, then "point m,host=h@ts=v" lines, then
  // "doc id=json" lines, each sorted.
  std::string Render(int64_t now) const;
  size_t records() const {
    return state_.size() + points_.size() + docs_.size();
  }

  static std::string PointLine(std::string_view measurement,
                               std::string_view host, Timestamp ts, double v);
  static std::string DocLine(std::string_view id, std::string_view json);

 private:
  std::map<std::pair<std::string, Timestamp>,
           std::vector<std::pair<std::string, int64_t>>>
      state_;
  std::map<std::tuple<std::string, std::string, Timestamp>, double> points_;
  std::map<std::string, std::string> docs_;
};

// Core records of db in Model::Render's format: keys from "0" on, clear of
// the layers' key bytes 0x10-0x2F (schema/keyspace.md).
absl::StatusOr<std::string> RenderDb(DB* db);

// Checks a rendering of the DB (core records, then points, then documents,
// as Model::Render) against model + the iteration's batches and advances
// the model to the state the DB shows. Returns how many operations were
// verified.
absl::StatusOr<uint64_t> VerifyAndAdvance(const std::string& got,
                                          const std::vector<LoggedBatch>& log,
                                          int64_t now, Model* model);

}  // namespace strata::stress

#endif  // STRATA_STRESS_EXPECTED_STATE_H_
