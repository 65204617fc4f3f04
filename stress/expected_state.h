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
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/db.h"

namespace strata::stress {

struct Op {
  enum Kind : char { kPut = 'P', kDelete = 'D', kDeleteRange = 'R' };
  Kind kind = kPut;
  std::string key;   // range delete: begin
  std::string end;   // range delete only
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

// The reference model: (key, ts) -> put versions since the last delete,
// oldest first; per db.h an expired put defers to the next older version.
class Model {
 public:
  void Apply(const std::vector<Op>& ops);
  // "key@ts=value\n" for every record visible at now.
  std::string Render(int64_t now) const;
  size_t records() const { return state_.size(); }

 private:
  std::map<std::pair<std::string, Timestamp>,
           std::vector<std::pair<std::string, int64_t>>>
      state_;
};

// The DB's contents in Model::Render's format.
absl::StatusOr<std::string> RenderDb(DB* db);

// Checks db against model + the iteration's batches and advances the model
// to the state the DB shows. Returns how many operations were verified.
absl::StatusOr<uint64_t> VerifyAndAdvance(DB* db,
                                          const std::vector<LoggedBatch>& log,
                                          int64_t now, Model* model);

}  // namespace strata::stress

#endif  // STRATA_STRESS_EXPECTED_STATE_H_
