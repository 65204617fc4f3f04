// FaultInjectionEnv: wraps any Env (POSIX or memory) for reliability tests.
// It can fail chosen I/O calls (EIO, ENOSPC, ...), stop all writes as if
// the machine died, and simulate a power loss that throws away whatever was
// not made durable. It never changes what a successful call does.
//
// Power-loss model (SimulatePowerLoss):
//  - File data: a file written through this env keeps only the bytes
//    covered by its last successful Sync(); the rest is dropped.
//  - Directory entries: a creation or rename of a path counts only once
//    SyncDir() of the path's directory succeeds. Otherwise the
//    path goes back to what it was before its first unsynced change: absent
//    (an unsynced new file disappears), or its earlier durable contents (a
//    file replaced by an unsynced rename comes back, and the renamed file
//    returns to its old name). Earlier contents are copied into memory at
//    the first change, so this env suits test-sized data only.
//  - Rewriting an existing file (NewWritableFile on it) changes no entry:
//    the file keeps its synced prefix of the new data (empty if unsynced).
//  - Removals are treated as durable at once (never resurrected).
//  - Directories themselves are durable once created.
//  - Paths are compared as strings: spell each path the same way in every
//    call, and pass SyncDir the exact parent ("a/b" for "a/b/f").
// Files not written or renamed through this env are assumed durable.
#ifndef STRATA_ENV_FAULT_INJECTION_ENV_H_
#define STRATA_ENV_FAULT_INJECTION_ENV_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "strata/env.h"
#include "util/mutex.h"
#include "util/random.h"

namespace strata {

// Classes of I/O call a fault can target.
enum class FaultOp {
  kRead,     // file Read(); NewSequentialFile, NewRandomAccessFile,
             // GetChildren, GetFileSize
  kWrite,    // WritableFile Append() and Flush()
  kSync,     // WritableFile Sync()
  kRename,   // RenameFile
  kSyncDir,  // SyncDir
  kCreate,   // NewWritableFile, CreateDir
  kRemove,   // RemoveFile, RemoveDir
  kAny,      // every call above
};
inline constexpr int kNumFaultOps = 7;  // classes other than kAny

std::string_view FaultOpName(FaultOp op);

class FaultInjectionEnv : public EnvWrapper {
 public:
  explicit FaultInjectionEnv(Env* target);
  // REQUIRES: every file opened through this env is destroyed first.
  ~FaultInjectionEnv() override;

  // --- Failure injection. Rules add up; a failed call does nothing. ---

  // The (n+1)-th call matching op from now fails with code (kUnavailable
  // reads as EIO, kResourceExhausted as ENOSPC). Once, or every call from
  // then on if sticky.
  void FailAfter(FaultOp op, int n,
                 absl::StatusCode code = absl::StatusCode::kUnavailable,
                 bool sticky = false);
  // Each call matching op fails with probability 1/n (n = 0: never),
  // deterministically for a given seed.
  void FailOneIn(FaultOp op, uint64_t n, uint64_t seed,
                 absl::StatusCode code = absl::StatusCode::kUnavailable);
  void ClearFaults();
  // Calls of class op (kAny: all) since construction or ResetCounts(),
  // failed ones included. Count a workload once, then sweep FailAfter(op, k)
  // over k in [0, count).
  int64_t CountOps(FaultOp op) const;
  void ResetCounts();
  // How many calls were failed by a rule.
  int64_t InjectedFaults() const;
  // Keeps a description ("#index tTHREAD op path", "!" before op marking a
  // failed call) of each call whose index is in [first, first + n), for
  // failure messages. Indexes count every call since construction, so a
  // sweep's fault at call k is #k. n = 0 (the default) keeps none.
  void TraceCalls(int64_t first, size_t n);
  // The kept calls, in call order.
  std::vector<std::string> TracedCalls() const;

  // --- Crash simulation. ---

  // While inactive, every call that would change the file system (all but
  // kRead and LockFile) fails with Unavailable "filesystem inactive".
  void SetFilesystemActive(bool active);
  bool IsFilesystemActive() const;

  // Applies the power-loss model above to the underlying env, then treats
  // everything as durable. Call with all writers closed or abandoned:
  // writers still open are closed first and fail from then on.
  absl::Status SimulatePowerLoss();
  // Only the file-data half: truncates every file written through this env
  // to its last synced length. Same rule for open writers.
  absl::Status DropUnsyncedFileData();

  // --- Env. ---
  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) override;
  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status CreateDir(const std::string& dir) override;
  absl::Status RemoveDir(const std::string& dir) override;
  absl::Status RenameFile(const std::string& from,
                          const std::string& to) override;
  absl::Status SyncDir(const std::string& dir) override;

 private:
  class SequentialFileImpl;
  class RandomAccessFileImpl;
  class WritableFileImpl;

  // Bytes written and synced through this env, following the file across
  // renames.
  struct FileState {
    uint64_t written = 0;
    uint64_t synced = 0;
  };
  struct Rule {
    FaultOp op;
    absl::StatusCode code;
    bool sticky;
    int64_t countdown;  // FailAfter: matching calls left to let through
    uint64_t one_in;    // FailOneIn: 0 if this is a FailAfter rule
    Random rng;
  };

  static absl::Status InactiveError(std::string_view what,
                                    std::string_view path);
  // Counts the call and decides whether it fails.
  absl::Status Check(FaultOp op, std::string_view what, std::string_view path)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status CheckLocked(FaultOp op, std::string_view what,
                           std::string_view path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Before the first unsynced change to path's directory entry, remembers
  // what a power loss would bring back.
  absl::Status RecordChangeLocked(const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CloseOpenWritersLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status TruncateUnsyncedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::string> ReadPrefix(const std::string& path,
                                         uint64_t limit);
  absl::Status Overwrite(const std::string& path, std::string_view data);

  mutable Mutex mu_;
  std::vector<Rule> rules_ ABSL_GUARDED_BY(mu_);
  std::array<int64_t, kNumFaultOps> counts_ ABSL_GUARDED_BY(mu_) = {};
  int64_t injected_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t calls_ ABSL_GUARDED_BY(mu_) = 0;  // never reset: trace indexes
  int64_t trace_first_ ABSL_GUARDED_BY(mu_) = 0;
  size_t trace_limit_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> trace_ ABSL_GUARDED_BY(mu_);
  bool active_ ABSL_GUARDED_BY(mu_) = true;
  // Live path -> state, for files written through this env.
  std::map<std::string, std::shared_ptr<FileState>> files_ ABSL_GUARDED_BY(mu_);
  // Paths changed since their directory's last SyncDir -> contents a power
  // loss restores (nullopt: the path disappears).
  std::map<std::string, std::optional<std::string>> pending_
      ABSL_GUARDED_BY(mu_);
  std::set<WritableFileImpl*> open_writers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata

#endif  // STRATA_ENV_FAULT_INJECTION_ENV_H_
