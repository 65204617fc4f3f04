// POSIX-only Env behaviour: permissions, close-on-exec, locks across
// processes, and errno mapping.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <string>

#include "env/env_test_util.h"
#include "gtest/gtest.h"
#include "strata/env.h"
#include "strata/status.h"

namespace strata {
namespace {

class PosixEnvTest : public testing::Test {
 protected:
  PosixEnvTest() : h_(EnvKind::kPosix), env_(h_.env()) {}
  EnvHarness h_;
  Env* env_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Runs fn in a child process and returns its exit code (or -1).
int RunInChild(const std::function<int()>& fn) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Probes the lock from a child process the way another DB process would:
// a fresh descriptor and a plain fcntl lock, bypassing the in-process table
// the child inherited. 0: held by someone else; 1: acquired; 2: error.
int ChildTryLock(const std::string& path, int cmd) {
  return RunInChild([&] {
    int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) return 2;
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, cmd, &fl) == 0) return 1;
    return (errno == EAGAIN || errno == EACCES) ? 0 : 2;
  });
}

TEST_F(PosixEnvTest, RestrictivePermissions) {
  WriteFile(env_, h_.Path("f"), "x");
  EXPECT_EQ(ModeOf(h_.Path("f")), 0600u);
  ASSERT_TRUE(env_->CreateDir(h_.Path("d")).ok());
  EXPECT_EQ(ModeOf(h_.Path("d")), 0700u);
  ASSERT_TRUE(WriteStringToFileSync(env_, "y", h_.Path("CURRENT")).ok());
  EXPECT_EQ(ModeOf(h_.Path("CURRENT")), 0600u);
  auto lock = env_->LockFile(h_.Path("LOCK"));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(ModeOf(h_.Path("LOCK")), 0600u);
}

// Every descriptor the env holds open is close-on-exec.
TEST_F(PosixEnvTest, DescriptorsAreCloseOnExec) {
  WriteFile(env_, h_.Path("r"), "data");
  auto w = env_->NewWritableFile(h_.Path("w"));
  auto s = env_->NewSequentialFile(h_.Path("r"));
  auto r = env_->NewRandomAccessFile(h_.Path("r"));
  auto l = env_->LockFile(h_.Path("LOCK"));
  ASSERT_TRUE(w.ok() && s.ok() && r.ok() && l.ok());
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    std::filesystem::path target = std::filesystem::read_symlink(e, ec);
    if (ec || target.string().rfind(h_.dir(), 0) != 0) continue;
    int fd = std::stoi(e.path().filename().string());
    int flags = ::fcntl(fd, F_GETFD);
    EXPECT_TRUE(flags >= 0 && (flags & FD_CLOEXEC)) << target;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST_F(PosixEnvTest, LockExcludesOtherProcesses) {
  const std::string p = h_.Path("LOCK");
  for (int cmd : {F_SETLK, F_OFD_SETLK}) {
    {
      auto lock = env_->LockFile(p);
      ASSERT_TRUE(lock.ok());
      EXPECT_EQ(ChildTryLock(p, cmd), 0);
      // Opening and closing the lock file elsewhere must not drop the lock
      // (a classic fcntl lock would be lost here).
      { auto reader = env_->NewSequentialFile(p); }
      EXPECT_EQ(ChildTryLock(p, cmd), 0);
    }
    EXPECT_EQ(ChildTryLock(p, cmd), 1) << "released";
  }
}

// The reverse: a lock held by another process makes LockFile fail.
TEST_F(PosixEnvTest, LockHeldByOtherProcessFails) {
  const std::string p = h_.Path("LOCK");
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(p.c_str(), O_RDWR | O_CREAT, 0600);
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    char c = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(done[0], &c, 1);  // hold until the parent is done
    ::_exit(0);
  }
  ASSERT_GT(pid, 0);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto lock = env_->LockFile(p);
  EXPECT_TRUE(absl::IsFailedPrecondition(lock.status())) << lock.status();
  (void)!::write(done[1], "x", 1);
  ::waitpid(pid, nullptr, 0);
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
  lock = env_->LockFile(p);  // the child exited: free again
  EXPECT_TRUE(lock.ok()) << lock.status();
}

TEST_F(PosixEnvTest, LockKeyIgnoresPathSpelling) {
  auto lock = env_->LockFile(h_.Path("LOCK"));
  ASSERT_TRUE(lock.ok());
  auto again = env_->LockFile(h_.dir() + "/./LOCK");
  EXPECT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
}

TEST_F(PosixEnvTest, ErrnoMapping) {
  absl::Status s = env_->NewWritableFile(h_.Path("no/dir/f")).status();
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  WriteFile(env_, h_.Path("file"), "x");
  s = env_->GetChildren(h_.Path("file")).status();  // ENOTDIR
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_NE(std::string(s.message()).find(h_.Path("file")), std::string::npos);
}

// /dev/full fails every write with ENOSPC: reported as ResourceExhausted
// when the buffer reaches the fd.
TEST_F(PosixEnvTest, NoSpaceIsResourceExhausted) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  auto f = env_->NewWritableFile("/dev/full");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append("buffered").ok());
  absl::Status s = (*f)->Flush();
  EXPECT_TRUE(IsNoSpace(s)) << s;
  EXPECT_TRUE((*f)->Close().ok());  // the failed bytes were dropped
}

}  // namespace
}  // namespace strata
