// The Env contract, checked identically against the POSIX env and the
// memory env: files, directories, locks, the whole-file helpers, clocks.
#include "strata/env.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "env/env_test_util.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "strata/status.h"
#include "util/random.h"

namespace strata {
namespace {

// Deterministic bytes, position-dependent so misplaced data is caught.
std::string Pattern(size_t n, uint64_t seed) {
  Random rnd(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rnd.Uniform(256));
  return s;
}

class EnvTest : public testing::TestWithParam<EnvKind> {
 protected:
  EnvTest() : h_(GetParam()), env_(h_.env()) {}
  EnvHarness h_;
  Env* env_;
};

TEST_P(EnvTest, WriteThenRead) {
  auto f = env_->NewWritableFile(h_.Path("a"));
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append("hello").ok());
  ASSERT_TRUE((*f)->Append("").ok());
  ASSERT_TRUE((*f)->Append(", world").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(Contents(env_, h_.Path("a")), "hello, world");
  auto size = env_->GetFileSize(h_.Path("a"));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 12u);
  EXPECT_TRUE(env_->FileExists(h_.Path("a")));
  EXPECT_FALSE(env_->FileExists(h_.Path("b")));
}

// Appends of every size around the 64 KiB buffer, checked against a model;
// after each Flush the file must already hold everything appended.
TEST_P(EnvTest, AppendSizesAroundBuffer) {
  const std::vector<size_t> sizes = {0,     1,     100,    65535, 65536,
                                     65537, 1,     200000, 7,     65536 * 3,
                                     0,     32768, 32768,  32769};
  auto f = env_->NewWritableFile(h_.Path("big"));
  ASSERT_TRUE(f.ok());
  std::string model;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string chunk = Pattern(sizes[i], i);
    ASSERT_TRUE((*f)->Append(chunk).ok());
    model += chunk;
    if (i % 3 == 2) {
      ASSERT_TRUE((*f)->Flush().ok());
      EXPECT_EQ(SizeOf(env_, h_.Path("big")),
                static_cast<int64_t>(model.size()))
          << i;
    }
  }
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_TRUE(Contents(env_, h_.Path("big")) == model);
}

TEST_P(EnvTest, SequentialReadAndSkip) {
  const std::string data = Pattern(150000, 1);
  WriteFile(env_, h_.Path("s"), data);
  auto f = env_->NewSequentialFile(h_.Path("s"));
  ASSERT_TRUE(f.ok());
  std::string scratch(70000, '\0');
  std::string_view r;
  ASSERT_TRUE((*f)->Read(1000, &r, scratch.data()).ok());
  EXPECT_EQ(r, std::string_view(data).substr(0, 1000));
  ASSERT_TRUE((*f)->Skip(9000).ok());
  ASSERT_TRUE((*f)->Read(70000, &r, scratch.data()).ok());
  EXPECT_EQ(r, std::string_view(data).substr(10000, 70000));
  ASSERT_TRUE((*f)->Read(70000, &r, scratch.data()).ok());
  EXPECT_EQ(r, std::string_view(data).substr(80000));  // short: end of file
  ASSERT_TRUE((*f)->Read(10, &r, scratch.data()).ok());
  EXPECT_TRUE(r.empty());
  ASSERT_TRUE((*f)->Skip(1000).ok());  // past the end is not an error
  ASSERT_TRUE((*f)->Read(10, &r, scratch.data()).ok());
  EXPECT_TRUE(r.empty());
}

TEST_P(EnvTest, RandomAccessReads) {
  const std::string data = Pattern(5000, 2);
  WriteFile(env_, h_.Path("r"), data);
  auto f = env_->NewRandomAccessFile(h_.Path("r"));
  ASSERT_TRUE(f.ok());
  struct Case {
    uint64_t offset;
    size_t n;
    size_t want;
  };
  const Case cases[] = {
      {0, 0, 0},     {0, 10, 10},  {4990, 10, 10},    {4990, 100, 10},
      {5000, 10, 0}, {9999, 5, 0}, {123, 4000, 4000}, {UINT64_MAX - 3, 8, 0}};
  std::string scratch(5000, '\0');
  for (const Case& c : cases) {
    std::string_view r;
    ASSERT_TRUE((*f)->Read(c.offset, c.n, &r, scratch.data()).ok()) << c.offset;
    ASSERT_EQ(r.size(), c.want) << c.offset;
    if (c.want > 0) {
      EXPECT_EQ(r, std::string_view(data).substr(c.offset, c.n));
    }
  }
}

TEST_P(EnvTest, RandomAccessIsThreadSafe) {
  const std::string data = Pattern(1 << 16, 3);
  WriteFile(env_, h_.Path("r"), data);
  auto f = env_->NewRandomAccessFile(h_.Path("r"));
  ASSERT_TRUE(f.ok());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Random rnd(100 + t);
      char scratch[512];
      for (int i = 0; i < 2000; ++i) {
        uint64_t off = rnd.Uniform(data.size());
        size_t n = rnd.Uniform(sizeof(scratch)) + 1;
        std::string_view r;
        if (!(*f)->Read(off, n, &r, scratch).ok() ||
            r != std::string_view(data).substr(off, n)) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_P(EnvTest, NewWritableFileTruncates) {
  WriteFile(env_, h_.Path("t"), "a long first version");
  WriteFile(env_, h_.Path("t"), "v2");
  EXPECT_EQ(Contents(env_, h_.Path("t")), "v2");
}

TEST_P(EnvTest, UseAfterCloseFails) {
  auto f = env_->NewWritableFile(h_.Path("c"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("x").ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_TRUE((*f)->Close().ok());  // idempotent
  absl::Status s = (*f)->Append("y");
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(Contents(env_, h_.Path("c")), "x");
}

// Destroying a writer without Close() keeps what was appended.
TEST_P(EnvTest, DestructorKeepsBufferedData) {
  {
    auto f = env_->NewWritableFile(h_.Path("d"));
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("buffered").ok());
  }
  EXPECT_EQ(Contents(env_, h_.Path("d")), "buffered");
}

TEST_P(EnvTest, RenameReplacesTarget) {
  WriteFile(env_, h_.Path("from"), "new");
  WriteFile(env_, h_.Path("to"), "old");
  ASSERT_TRUE(env_->RenameFile(h_.Path("from"), h_.Path("to")).ok());
  EXPECT_FALSE(env_->FileExists(h_.Path("from")));
  EXPECT_EQ(Contents(env_, h_.Path("to")), "new");
  ASSERT_TRUE(env_->RenameFile(h_.Path("to"), h_.Path("fresh")).ok());
  EXPECT_EQ(Contents(env_, h_.Path("fresh")), "new");
  absl::Status s = env_->RenameFile(h_.Path("missing"), h_.Path("x"));
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

TEST_P(EnvTest, RemoveFile) {
  WriteFile(env_, h_.Path("f"), "x");
  ASSERT_TRUE(env_->RemoveFile(h_.Path("f")).ok());
  EXPECT_FALSE(env_->FileExists(h_.Path("f")));
  absl::Status s = env_->RemoveFile(h_.Path("f"));
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_NE(std::string(s.message()).find(h_.Path("f")), std::string::npos);
}

TEST_P(EnvTest, GetChildren) {
  WriteFile(env_, h_.Path("f2"), "");
  WriteFile(env_, h_.Path("f1"), "");
  ASSERT_TRUE(env_->CreateDir(h_.Path("sub")).ok());
  WriteFile(env_, h_.Path("sub/inner"), "");
  auto kids = env_->GetChildren(h_.dir());
  ASSERT_TRUE(kids.ok()) << kids.status();
  std::sort(kids->begin(), kids->end());
  EXPECT_EQ(*kids, (std::vector<std::string>{"f1", "f2", "sub"}));
  kids = env_->GetChildren(h_.dir() + "/");
  ASSERT_TRUE(kids.ok());
  EXPECT_EQ(kids->size(), 3u);
  kids = env_->GetChildren(h_.Path("sub"));
  ASSERT_TRUE(kids.ok());
  EXPECT_EQ(*kids, std::vector<std::string>{"inner"});
  kids = env_->GetChildren(h_.Path("nope"));
  EXPECT_TRUE(absl::IsNotFound(kids.status())) << kids.status();
  kids = env_->GetChildren(h_.Path("f1"));  // not a directory
  EXPECT_FALSE(kids.ok());
}

TEST_P(EnvTest, Directories) {
  const std::string d = h_.Path("dir");
  ASSERT_TRUE(env_->CreateDir(d).ok());
  ASSERT_TRUE(env_->CreateDir(d).ok());  // already exists: fine
  EXPECT_TRUE(env_->FileExists(d));
  EXPECT_TRUE(env_->SyncDir(d).ok());
  WriteFile(env_, d + "/f", "x");
  EXPECT_FALSE(env_->RemoveDir(d).ok());  // not empty
  ASSERT_TRUE(env_->RemoveFile(d + "/f").ok());
  ASSERT_TRUE(env_->RemoveDir(d).ok());
  EXPECT_FALSE(env_->FileExists(d));
  EXPECT_TRUE(absl::IsNotFound(env_->RemoveDir(d)));
  EXPECT_TRUE(absl::IsNotFound(env_->SyncDir(d)));
  WriteFile(env_, h_.Path("file"), "x");
  EXPECT_FALSE(env_->CreateDir(h_.Path("file")).ok());  // a file is there
}

TEST_P(EnvTest, OpenMissingFileIsNotFoundNamingPath) {
  const std::string p = h_.Path("missing");
  absl::Status s1 = env_->NewSequentialFile(p).status();
  absl::Status s2 = env_->NewRandomAccessFile(p).status();
  absl::Status s3 = env_->GetFileSize(p).status();
  for (const absl::Status& s : {s1, s2, s3}) {
    EXPECT_TRUE(absl::IsNotFound(s)) << s;
    EXPECT_NE(std::string(s.message()).find(p), std::string::npos) << s;
  }
}

TEST_P(EnvTest, LockFile) {
  const std::string p = h_.Path("LOCK");
  auto first = env_->LockFile(p);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(env_->FileExists(p));
  auto second = env_->LockFile(p);
  ASSERT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(std::string(second.status().message()).find(p), std::string::npos);
  EXPECT_NE(std::string(second.status().message()).find("held by another"),
            std::string::npos);
  // A failed attempt must not have released the holder's lock.
  EXPECT_FALSE(env_->LockFile(p).ok());
  first->reset();
  auto again = env_->LockFile(p);
  EXPECT_TRUE(again.ok()) << again.status();
  // Independent locks on other files.
  auto other = env_->LockFile(h_.Path("LOCK2"));
  EXPECT_TRUE(other.ok());
}

TEST_P(EnvTest, ReadFileToStringMissingIsNotFound) {
  auto s = ReadFileToString(env_, h_.Path("none"));
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
}

TEST_P(EnvTest, WriteStringToFileSync) {
  const std::string p = h_.Path("CURRENT");
  ASSERT_TRUE(WriteStringToFileSync(env_, "MANIFEST-000001\n", p).ok());
  EXPECT_EQ(Contents(env_, p), "MANIFEST-000001\n");
  const std::string big = Pattern(300000, 4);
  ASSERT_TRUE(WriteStringToFileSync(env_, big, p).ok());
  EXPECT_TRUE(Contents(env_, p) == big);
  auto kids = env_->GetChildren(h_.dir());
  ASSERT_TRUE(kids.ok());
  EXPECT_EQ(*kids, std::vector<std::string>{"CURRENT"});  // no .tmp left
  // Into a missing directory: the env's error comes back (the memory env
  // does not require parents to exist).
  absl::Status s = WriteStringToFileSync(env_, "x", h_.Path("no/such/file"));
  if (GetParam() == EnvKind::kPosix) {
    EXPECT_TRUE(absl::IsNotFound(s)) << s;
  }
}

TEST_P(EnvTest, ClocksAndManualClock) {
  const int64_t m1 = env_->MonotonicNanos();
  const int64_t m2 = env_->MonotonicNanos();
  EXPECT_LE(m1, m2);
  // Wall clock after 2020-01-01.
  EXPECT_GT(env_->NowNanos(), int64_t{1'577'836'800} * 1'000'000'000);

  ManualClockEnv clock(env_);
  EXPECT_EQ(clock.NowNanos(), ManualClockEnv::kDefaultStartNanos);
  clock.SetNow(1000);
  clock.Advance(234);
  EXPECT_EQ(clock.NowNanos(), 1234);
  EXPECT_GE(clock.MonotonicNanos(), m2);  // still the real one
  // File calls pass through.
  WriteFile(&clock, h_.Path("via_clock"), "ok");
  EXPECT_EQ(Contents(env_, h_.Path("via_clock")), "ok");

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(3);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.NowNanos(), 1234 + 4 * 1000 * 3);
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, EnvTest,
                         testing::Values(EnvKind::kPosix, EnvKind::kMem),
                         EnvKindName);

// The memory env takes its clock from the env it was given.
TEST(MemEnvTest, ClockForwardedToBase) {
  ManualClockEnv clock(Env::Default(), 42);
  std::unique_ptr<Env> mem = NewMemEnv(&clock);
  EXPECT_EQ(mem->NowNanos(), 42);
  clock.Advance(8);
  EXPECT_EQ(mem->NowNanos(), 50);
}

// Handles stay usable after their path is renamed or removed, as on POSIX.
TEST(MemEnvTest, OpenHandlesSurviveRenameAndRemove) {
  std::unique_ptr<Env> mem = NewMemEnv();
  WriteFile(mem.get(), "/a", "data");
  auto r = mem->NewRandomAccessFile("/a");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(mem->RenameFile("/a", "/b").ok());
  ASSERT_TRUE(mem->RemoveFile("/b").ok());
  char scratch[8];
  std::string_view v;
  ASSERT_TRUE((*r)->Read(0, 8, &v, scratch).ok());
  EXPECT_EQ(v, "data");
  auto kids = mem->GetChildren("/");
  ASSERT_TRUE(kids.ok());
  EXPECT_TRUE(kids->empty());
}

}  // namespace
}  // namespace strata
