// Env::Default(): the POSIX file system and clocks. Every syscall retries
// EINTR, loops short reads/writes, and maps errno through ErrnoError. Never
// throws, never aborts on an I/O error.
//
// Permissions are restrictive by default: files 0600 and directories 0700,
// because a DB holds user data and nothing else needs to read it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
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

constexpr mode_t kFileMode = 0600;
constexpr mode_t kDirMode = 0700;
constexpr size_t kWriteBufferSize = 64 * 1024;

// Opens with EINTR retried; every fd is O_CLOEXEC so children never inherit
// DB files (or, worse, the lock).
int OpenRetry(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  absl::Status Read(size_t n, std::string_view* result,
                    char* scratch) override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::read(fd_, scratch + done, std::min(n - done, kMaxIo));
      if (r < 0) {
        if (errno == EINTR) continue;
        *result = std::string_view(scratch, 0);
        return ErrnoError("read", path_, errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return absl::OkStatus();
  }

  absl::Status Skip(uint64_t n) override {
    if (n > static_cast<uint64_t>(LLONG_MAX)) {
      return ErrnoError("skip", path_, EINVAL);
    }
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) {
      return ErrnoError("skip", path_, errno);
    }
    return absl::OkStatus();
  }

 private:
  // Caps one syscall; Linux transfers at most ~2 GiB per call anyway.
  static constexpr size_t kMaxIo = size_t{1} << 30;
  const std::string path_;
  const int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  // pread does not move a shared offset, so concurrent readers are safe.
  absl::Status Read(uint64_t offset, size_t n, std::string_view* result,
                    char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      uint64_t at = offset + done;
      if (at > static_cast<uint64_t>(LLONG_MAX)) break;  // past any file end
      ssize_t r = ::pread(fd_, scratch + done, std::min(n - done, kMaxIo),
                          static_cast<off_t>(at));
      if (r < 0) {
        if (errno == EINTR) continue;
        *result = std::string_view(scratch, 0);
        return ErrnoError(absl::StrFormat("pread at offset %d", at), path_,
                          errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kMaxIo = size_t{1} << 30;
  const std::string path_;
  const int fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd) {
    buf_.reserve(kWriteBufferSize);
  }
  // Closing flushes, so abandoning a writer loses no appended data.
  ~PosixWritableFile() override {
    if (fd_ >= 0) (void)Close();
  }

  absl::Status Append(std::string_view data) override {
    if (fd_ < 0) return ClosedError("append");
    if (buf_.size() + data.size() <= kWriteBufferSize) {
      buf_.append(data);
      return absl::OkStatus();
    }
    absl::Status s = Flush();
    if (!s.ok()) return s;
    // Large appends skip the buffer rather than being copied through it.
    if (data.size() >= kWriteBufferSize) return WriteAll(data);
    buf_.append(data);
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (fd_ < 0) return ClosedError("flush");
    absl::Status s = WriteAll(buf_);
    // On failure the unwritten bytes are dropped: a retry would otherwise
    // write them after bytes the kernel may already have taken.
    buf_.clear();
    return s;
  }

  absl::Status Sync() override {
    absl::Status s = Flush();
    if (!s.ok()) return s;
    while (::fdatasync(fd_) != 0) {
      if (errno != EINTR) return ErrnoError("fdatasync", path_, errno);
    }
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (fd_ < 0) return absl::OkStatus();
    absl::Status s = Flush();
    // close(2) must not be retried on EINTR: the fd is gone either way.
    if (::close(fd_) != 0 && s.ok() && errno != EINTR) {
      s = ErrnoError("close", path_, errno);
    }
    fd_ = -1;
    return s;
  }

 private:
  absl::Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t r = ::write(fd_, data.data(), data.size());
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(r));
    }
    return absl::OkStatus();
  }
  absl::Status ClosedError(std::string_view op) const {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s %s: file already closed", op, path_));
  }

  const std::string path_;
  int fd_;
  std::string buf_;
};

// fcntl locks do not conflict within one process, so every lock this
// process holds is also recorded here; a second DB opened on the same
// directory in the same process then fails too.
class LockTable {
 public:
  bool Insert(const std::string& key) {
    MutexLock l(&mu_);
    return held_.insert(key).second;
  }
  void Erase(const std::string& key) {
    MutexLock l(&mu_);
    held_.erase(key);
  }

 private:
  Mutex mu_;
  std::set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

LockTable* ProcessLocks() {
  static LockTable* table = new LockTable;  // never destroyed
  return table;
}

// The lock table key: the canonical directory plus the file name, so
// "db/LOCK" and "./db/LOCK" are the same lock. Falls back to the path as
// given when the directory cannot be resolved.
std::string LockKey(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir;
  if (slash == std::string::npos) {
    dir.push_back('.');
  } else if (slash == 0) {
    dir.push_back('/');
  } else {
    dir = path.substr(0, slash);
  }
  std::string_view base = path;
  if (slash != std::string::npos) base.remove_prefix(slash + 1);
  char* real = ::realpath(dir.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string key = absl::StrFormat("%s/%s", real, base);
  std::free(real);
  return key;
}

// Prefer open-file-description locks (Linux): unlike classic fcntl locks
// they are not dropped when some other fd of the same file is closed.
#ifdef F_OFD_SETLK
constexpr int kSetLockCmd = F_OFD_SETLK;
#else
constexpr int kSetLockCmd = F_SETLK;
#endif

int SetLock(int fd, short type) {
  struct flock fl;
  std::memset(&fl, 0, sizeof(fl));
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // whole file
  fl.l_pid = 0;  // required by OFD locks
  int r;
  do {
    r = ::fcntl(fd, kSetLockCmd, &fl);
  } while (r != 0 && errno == EINTR);
  return r;
}

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string key, int fd) : key_(std::move(key)), fd_(fd) {}
  ~PosixFileLock() override {
    SetLock(fd_, F_UNLCK);
    ::close(fd_);
    ProcessLocks()->Erase(key_);
  }

 private:
  const std::string key_;
  const int fd_;
};

absl::Status LockHeldError(const std::string& path) {
  return absl::FailedPreconditionError(absl::StrFormat(
      "lock %s: held by another process or by another DB in this process",
      path));
}

class PosixEnv final : public Env {
 public:
  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override {
    int fd = OpenRetry(path, O_RDONLY);
    if (fd < 0) return ErrnoError("open", path, errno);
    return std::make_unique<PosixSequentialFile>(path, fd);
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    int fd = OpenRetry(path, O_RDONLY);
    if (fd < 0) return ErrnoError("open", path, errno);
    return std::make_unique<PosixRandomAccessFile>(path, fd);
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override {
    int fd = OpenRetry(path, O_WRONLY | O_CREAT | O_TRUNC, kFileMode);
    if (fd < 0) return ErrnoError("create", path, errno);
    return std::make_unique<PosixWritableFile>(path, fd);
  }

  bool FileExists(const std::string& path) override {
    return ::access(path.c_str(), F_OK) == 0;
  }

  absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoError("opendir", dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoError("readdir", dir, err);
    return names;
  }

  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  absl::Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoError("unlink", path, errno);
    return absl::OkStatus();
  }

  absl::Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), kDirMode) == 0) return absl::OkStatus();
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return absl::OkStatus();
    }
    return ErrnoError("mkdir", dir, err);
  }

  absl::Status RemoveDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return ErrnoError("rmdir", dir, errno);
    return absl::OkStatus();
  }

  absl::Status RenameFile(const std::string& from,
                          const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoError("rename", absl::StrFormat("%s -> %s", from, to), errno);
    }
    return absl::OkStatus();
  }

  absl::Status SyncDir(const std::string& dir) override {
    int fd = OpenRetry(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ErrnoError("open dir", dir, errno);
    absl::Status s;
    while (::fsync(fd) != 0) {
      if (errno != EINTR) {
        s = ErrnoError("fsync dir", dir, errno);
        break;
      }
    }
    ::close(fd);
    return s;
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(
      const std::string& path) override {
    std::string key = LockKey(path);
    // Checked before opening: closing any fd of a file would drop a classic
    // fcntl lock this process already holds on it.
    if (!ProcessLocks()->Insert(key)) return LockHeldError(path);
    int fd = OpenRetry(path, O_RDWR | O_CREAT, kFileMode);
    if (fd < 0) {
      int err = errno;
      ProcessLocks()->Erase(key);
      return ErrnoError("open lock file", path, err);
    }
    if (SetLock(fd, F_WRLCK) != 0) {
      int err = errno;
      ::close(fd);
      ProcessLocks()->Erase(key);
      if (err == EACCES || err == EAGAIN) return LockHeldError(path);
      return ErrnoError("lock", path, err);
    }
    return std::make_unique<PosixFileLock>(std::move(key), fd);
  }

  int64_t NowNanos() override { return ClockNanos(CLOCK_REALTIME); }
  int64_t MonotonicNanos() override { return ClockNanos(CLOCK_MONOTONIC); }

  void SleepForMicros(int64_t micros) override {
    if (micros <= 0) return;
    struct timespec req;
    req.tv_sec = micros / 1000000;
    req.tv_nsec = (micros % 1000000) * 1000;
    while (::nanosleep(&req, &req) != 0 && errno == EINTR) {
    }
  }

 private:
  static int64_t ClockNanos(clockid_t clock) {
    struct timespec ts;
    ::clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv;  // never destroyed: outlives all users
  return env;
}

}  // namespace strata
