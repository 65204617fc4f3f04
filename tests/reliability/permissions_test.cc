// File-system hygiene on the POSIX env (schema/limits.md, "Files"):
//  - DB files are created 0600 and the DB directory 0700, whatever the
//    process umask allows;
//  - the DB never reads outside its directory: CURRENT naming a path that
//    climbs out (even one that resolves) is refused as corruption;
//  - DB::Destroy removes only Strata's own files.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/status.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

class PermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string pattern =
        absl::StrFormat("%s/strata-perm-XXXXXX", tmp ? tmp : "/tmp");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ + "/db";
    opts_.env = Env::Default();
  }
  void TearDown() override { fs::remove_all(root_); }

  static mode_t Mode(const std::string& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  void MakeDb() {
    auto db = DB::Open(opts_, dir_);
    ASSERT_TRUE(db.ok()) << db.status();
    WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE((*db)->Put(sync, "a", 1, "x").ok());
    ASSERT_TRUE((*db)->Flush().ok());
    ASSERT_TRUE((*db)->Put(sync, "b", 2, "y").ok());
  }

  std::string root_, dir_;
  Options opts_;
};

TEST_F(PermissionsTest, FilesAre0600AndTheDirectory0700) {
  // A permissive umask must not loosen the modes: they are explicit.
  mode_t old = ::umask(0);
  MakeDb();
  ::umask(old);
  EXPECT_EQ(Mode(dir_), 0700u);
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    SCOPED_TRACE(e.path().string());
    EXPECT_TRUE(e.is_regular_file());
    EXPECT_EQ(Mode(e.path().string()), 0600u);
    files++;
  }
  EXPECT_GE(files, 5);  // CURRENT, LOCK, a manifest, a WAL, an SST
}

TEST_F(PermissionsTest, CurrentNamingAPathOutsideTheDirectoryIsRefused) {
  MakeDb();
  // A valid manifest outside the DB, reachable through a directory that
  // looks like a manifest name.
  std::string current;
  std::getline(std::ifstream(dir_ + "/CURRENT"), current);
  fs::create_directories(root_ + "/outside");
  fs::copy_file(dir_ + "/" + current, root_ + "/outside/MANIFEST-000001");
  fs::create_directories(dir_ + "/MANIFEST-000009");
  const std::string escape = "MANIFEST-000009/../../outside/MANIFEST-000001";
  ASSERT_TRUE(fs::exists(dir_ + "/" + escape));
  std::ofstream(dir_ + "/CURRENT", std::ios::trunc) << escape << "\n";

  auto db = DB::Open(opts_, dir_);
  ASSERT_FALSE(db.ok()) << "the DB opened a manifest outside its directory";
  EXPECT_TRUE(IsCorruption(db.status())) << db.status();
  EXPECT_NE(std::string(db.status().message()).find("CURRENT"),
            std::string::npos)
      << db.status();
}

TEST_F(PermissionsTest, DestroyRemovesOnlyStrataFiles) {
  MakeDb();
  std::ofstream(dir_ + "/notes.txt") << "not Strata's";
  ASSERT_TRUE(DB::Destroy(dir_).ok());
  EXPECT_TRUE(fs::exists(dir_ + "/notes.txt"));
  int left = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename(), "notes.txt");
    left++;
  }
  EXPECT_EQ(left, 1);
}

}  // namespace
}  // namespace strata
