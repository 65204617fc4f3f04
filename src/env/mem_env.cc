// NewMemEnv(): an Env whose files live in memory, for fast tests and as the
// base of FaultInjectionEnv. Thread-safe: one mutex guards the namespace,
// each file's bytes have their own mutex.
//
// Directory model, good enough for a DB: paths are '/'-separated strings
// (trailing slashes ignored); CreateDir records a directory, and a directory
// also exists implicitly while any path lies under it. Creating a file does
// not require its parent to exist (more lenient than POSIX). Errors reuse
// ErrnoError so codes and messages match the POSIX Env.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "strata/env.h"
#include "util/errors.h"
#include "util/mutex.h"

namespace strata {
namespace {

// A file's bytes, shared by the namespace entry and every open handle, so a
// renamed or removed file stays readable through handles already open.
struct MemFile {
  Mutex mu;
  std::string data ABSL_GUARDED_BY(mu);
};

// Copies up to n bytes at offset into scratch.
size_t ReadAt(MemFile& f, uint64_t offset, size_t n, char* scratch) {
  MutexLock l(&f.mu);
  if (offset >= f.data.size()) return 0;
  size_t k = std::min<uint64_t>(n, f.data.size() - offset);
  std::memcpy(scratch, f.data.data() + offset, k);
  return k;
}

class MemSequentialFile final : public SequentialFile {
 public:
  explicit MemSequentialFile(std::shared_ptr<MemFile> f) : f_(std::move(f)) {}
  absl::Status Read(size_t n, std::string_view* result,
                    char* scratch) override {
    size_t k = ReadAt(*f_, pos_, n, scratch);
    pos_ += k;
    *result = std::string_view(scratch, k);
    return absl::OkStatus();
  }
  absl::Status Skip(uint64_t n) override {
    pos_ = n > UINT64_MAX - pos_ ? UINT64_MAX : pos_ + n;
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<MemFile> f_;
  uint64_t pos_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  explicit MemRandomAccessFile(std::shared_ptr<MemFile> f) : f_(std::move(f)) {}
  absl::Status Read(uint64_t offset, size_t n, std::string_view* result,
                    char* scratch) const override {
    *result = std::string_view(scratch, ReadAt(*f_, offset, n, scratch));
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<MemFile> f_;
};

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<MemFile> f)
      : path_(std::move(path)), f_(std::move(f)) {}
  absl::Status Append(std::string_view data) override {
    if (closed_) return ClosedError("append");
    MutexLock l(&f_->mu);
    f_->data.append(data);
    return absl::OkStatus();
  }
  absl::Status Flush() override {
    return closed_ ? ClosedError("flush") : absl::OkStatus();
  }
  absl::Status Sync() override {
    return closed_ ? ClosedError("sync") : absl::OkStatus();
  }
  absl::Status Close() override {
    closed_ = true;
    return absl::OkStatus();
  }

 private:
  absl::Status ClosedError(std::string_view op) const {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s %s: file already closed", op, path_));
  }

  const std::string path_;
  std::shared_ptr<MemFile> f_;
  bool closed_ = false;
};

// Locks held through one MemEnv. Shared with the lock objects so releasing
// a lock stays safe even if the lock outlives its env.
struct MemLockTable {
  Mutex mu;
  std::set<std::string> held ABSL_GUARDED_BY(mu);
};

class MemFileLock final : public FileLock {
 public:
  MemFileLock(std::shared_ptr<MemLockTable> table, std::string path)
      : table_(std::move(table)), path_(std::move(path)) {}
  ~MemFileLock() override {
    MutexLock l(&table_->mu);
    table_->held.erase(path_);
  }

 private:
  std::shared_ptr<MemLockTable> table_;
  const std::string path_;
};

std::string Normalize(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

// The prefix every entry directly or indirectly under dir starts with.
std::string ChildPrefix(const std::string& dir) {
  return dir == "/" ? dir : dir + "/";
}

class MemEnv final : public Env {
 public:
  explicit MemEnv(Env* clock) : clock_(clock) {}

  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override {
    absl::StatusOr<std::shared_ptr<MemFile>> f = Find(path, "open");
    if (!f.ok()) return f.status();
    return std::make_unique<MemSequentialFile>(*std::move(f));
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    absl::StatusOr<std::shared_ptr<MemFile>> f = Find(path, "open");
    if (!f.ok()) return f.status();
    return std::make_unique<MemRandomAccessFile>(*std::move(f));
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override {
    std::string p = Normalize(path);
    MutexLock l(&mu_);
    if (dirs_.count(p) > 0) return ErrnoError("create", path, EISDIR);
    // A fresh file, as if the old one were unlinked: handles still open on
    // the old contents keep them.
    auto f = std::make_shared<MemFile>();
    files_[p] = f;
    return std::make_unique<MemWritableFile>(p, std::move(f));
  }

  bool FileExists(const std::string& path) override {
    std::string p = Normalize(path);
    MutexLock l(&mu_);
    return files_.count(p) > 0 || DirExistsLocked(p);
  }

  absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) override {
    std::string d = Normalize(dir);
    MutexLock l(&mu_);
    if (files_.count(d) > 0) return ErrnoError("opendir", dir, ENOTDIR);
    if (!DirExistsLocked(d)) return ErrnoError("opendir", dir, ENOENT);
    std::string prefix = ChildPrefix(d);
    std::set<std::string> names;
    CollectNames(files_, prefix, &names);
    CollectNames(dirs_, prefix, &names);
    return std::vector<std::string>(names.begin(), names.end());
  }

  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override {
    absl::StatusOr<std::shared_ptr<MemFile>> f = Find(path, "stat");
    if (!f.ok()) return f.status();
    MutexLock l(&(*f)->mu);
    return (*f)->data.size();
  }

  absl::Status RemoveFile(const std::string& path) override {
    MutexLock l(&mu_);
    if (files_.erase(Normalize(path)) == 0) {
      return ErrnoError("unlink", path, ENOENT);
    }
    return absl::OkStatus();
  }

  absl::Status CreateDir(const std::string& dir) override {
    std::string d = Normalize(dir);
    MutexLock l(&mu_);
    if (files_.count(d) > 0) return ErrnoError("mkdir", dir, EEXIST);
    dirs_.insert(d);
    return absl::OkStatus();
  }

  absl::Status RemoveDir(const std::string& dir) override {
    std::string d = Normalize(dir);
    MutexLock l(&mu_);
    if (!DirExistsLocked(d)) return ErrnoError("rmdir", dir, ENOENT);
    if (HasEntriesUnderLocked(d)) return ErrnoError("rmdir", dir, ENOTEMPTY);
    dirs_.erase(d);
    return absl::OkStatus();
  }

  absl::Status RenameFile(const std::string& from,
                          const std::string& to) override {
    std::string f = Normalize(from);
    std::string t = Normalize(to);
    std::string what = absl::StrFormat("%s -> %s", from, to);
    MutexLock l(&mu_);
    auto it = files_.find(f);
    if (it == files_.end()) return ErrnoError("rename", what, ENOENT);
    if (dirs_.count(t) > 0) return ErrnoError("rename", what, EISDIR);
    if (f == t) return absl::OkStatus();
    files_[t] = std::move(it->second);
    files_.erase(f);
    return absl::OkStatus();
  }

  absl::Status SyncDir(const std::string& dir) override {
    std::string d = Normalize(dir);
    MutexLock l(&mu_);
    if (!DirExistsLocked(d)) return ErrnoError("open dir", dir, ENOENT);
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(
      const std::string& path) override {
    std::string p = Normalize(path);
    {
      MutexLock l(&locks_->mu);
      if (!locks_->held.insert(p).second) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "lock %s: held by another process or by another DB in this "
            "process",
            path));
      }
    }
    auto lock = std::make_unique<MemFileLock>(locks_, p);
    MutexLock l(&mu_);
    if (dirs_.count(p) > 0) return ErrnoError("open lock file", path, EISDIR);
    if (files_.count(p) == 0) files_[p] = std::make_shared<MemFile>();
    return lock;
  }

  int64_t NowNanos() override { return clock_->NowNanos(); }
  int64_t MonotonicNanos() override { return clock_->MonotonicNanos(); }
  void SleepForMicros(int64_t micros) override {
    clock_->SleepForMicros(micros);
  }

 private:
  absl::StatusOr<std::shared_ptr<MemFile>> Find(const std::string& path,
                                                std::string_view op) {
    std::string p = Normalize(path);
    MutexLock l(&mu_);
    auto it = files_.find(p);
    if (it != files_.end()) return it->second;
    return ErrnoError(op, path, DirExistsLocked(p) ? EISDIR : ENOENT);
  }

  bool DirExistsLocked(const std::string& d) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return d == "/" || d == "." || dirs_.count(d) > 0 ||
           HasEntriesUnderLocked(d);
  }

  bool HasEntriesUnderLocked(const std::string& d) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::string prefix = ChildPrefix(d);
    auto starts = [&](const std::string& k) {
      return k.compare(0, prefix.size(), prefix) == 0;
    };
    auto f = files_.lower_bound(prefix);
    auto s = dirs_.lower_bound(prefix);
    return (f != files_.end() && starts(f->first)) ||
           (s != dirs_.end() && starts(*s));
  }

  // Adds the first path component after prefix of every key under prefix.
  template <typename Container>
  static void CollectNames(const Container& c, const std::string& prefix,
                           std::set<std::string>* names) {
    for (auto it = c.lower_bound(prefix); it != c.end(); ++it) {
      const std::string& key = KeyOf(*it);
      if (key.compare(0, prefix.size(), prefix) != 0) break;
      std::string_view rest = std::string_view(key).substr(prefix.size());
      if (!rest.empty()) names->emplace(rest.substr(0, rest.find('/')));
    }
  }
  static const std::string& KeyOf(const std::string& k) { return k; }
  template <typename V>
  static const std::string& KeyOf(const std::pair<const std::string, V>& kv) {
    return kv.first;
  }

  Env* const clock_;
  const std::shared_ptr<MemLockTable> locks_ = std::make_shared<MemLockTable>();
  Mutex mu_;
  std::map<std::string, std::shared_ptr<MemFile>> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<Env> NewMemEnv(Env* base_for_clock) {
  return std::make_unique<MemEnv>(base_for_clock);
}

}  // namespace strata
