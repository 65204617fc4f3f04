// Env: every file-system call and the clock Strata uses go through this
// interface, so tests can run in memory, control time and inject faults.
// Implementations must be thread-safe.
#ifndef STRATA_ENV_H_
#define STRATA_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata {

// Reads a file from start to end. Not thread-safe.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes. *result points into scratch (or the file's own
  // memory) and is shorter than n only at end of file.
  virtual absl::Status Read(size_t n, std::string_view* result,
                            char* scratch) = 0;
  virtual absl::Status Skip(uint64_t n) = 0;
};

// Reads at offsets. Thread-safe.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset; shorter only at end of file.
  virtual absl::Status Read(uint64_t offset, size_t n, std::string_view* result,
                            char* scratch) const = 0;
};

// Appends to a file. Not thread-safe. Data is durable only after Sync().
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(std::string_view data) = 0;
  // Hands buffered data to the operating system (survives a process crash,
  // not a power loss).
  virtual absl::Status Flush() = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  virtual absl::Status Close() = 0;
};

// A held advisory lock; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The POSIX environment. Never deleted.
  static Env* Default();

  virtual absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>>
  NewRandomAccessFile(const std::string& path) = 0;
  // Creates or truncates. Files are created with mode 0600.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of dir, without "." and "..".
  virtual absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) = 0;
  virtual absl::StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  // Creates dir (mode 0700); OK if it already exists.
  virtual absl::Status CreateDir(const std::string& dir) = 0;
  virtual absl::Status RemoveDir(const std::string& dir) = 0;
  // Atomically replaces target.
  virtual absl::Status RenameFile(const std::string& from,
                                  const std::string& to) = 0;
  // Makes the directory's entries (creations, renames, removals) durable.
  virtual absl::Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock, across processes and within this one.
  // FailedPrecondition if someone else holds it.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(
      const std::string& path) = 0;

  // Wall clock in ns since the epoch: the "now" of TTL expiry.
  virtual int64_t NowNanos() = 0;
  // Monotonic clock in ns for durations and rates.
  virtual int64_t MonotonicNanos() = 0;
  virtual void SleepForMicros(int64_t micros) = 0;
};

// Forwards every call to another Env; override what you need.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& p) override {
    return target_->NewSequentialFile(p);
  }
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& p) override {
    return target_->NewRandomAccessFile(p);
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& p) override {
    return target_->NewWritableFile(p);
  }
  bool FileExists(const std::string& p) override {
    return target_->FileExists(p);
  }
  absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& d) override {
    return target_->GetChildren(d);
  }
  absl::StatusOr<uint64_t> GetFileSize(const std::string& p) override {
    return target_->GetFileSize(p);
  }
  absl::Status RemoveFile(const std::string& p) override {
    return target_->RemoveFile(p);
  }
  absl::Status CreateDir(const std::string& d) override {
    return target_->CreateDir(d);
  }
  absl::Status RemoveDir(const std::string& d) override {
    return target_->RemoveDir(d);
  }
  absl::Status RenameFile(const std::string& f, const std::string& t) override {
    return target_->RenameFile(f, t);
  }
  absl::Status SyncDir(const std::string& d) override {
    return target_->SyncDir(d);
  }
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(
      const std::string& p) override {
    return target_->LockFile(p);
  }
  int64_t NowNanos() override { return target_->NowNanos(); }
  int64_t MonotonicNanos() override { return target_->MonotonicNanos(); }
  void SleepForMicros(int64_t m) override { target_->SleepForMicros(m); }

 private:
  Env* target_;
};

// An Env that keeps every file in memory; its clock is the base Env's
// unless overridden. Caller owns the result.
std::unique_ptr<Env> NewMemEnv(Env* base_for_clock = Env::Default());

// Reads a whole file.
absl::StatusOr<std::string> ReadFileToString(Env* env, const std::string& path);
// Writes a whole file durably: temp file, sync, rename, sync directory.
absl::Status WriteStringToFileSync(Env* env, std::string_view data,
                                   const std::string& path);

}  // namespace strata

#endif  // STRATA_ENV_H_
