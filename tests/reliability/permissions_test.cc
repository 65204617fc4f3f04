// File-system hygiene on the POSIX env (schema/limits.md, "Files"):
//  - DB files are created 0600 and the DB directory 0700, whatever the
//    process umask allows;
//  - the DB never reads outside its directory on its own: CURRENT naming
//    anything but a bare MANIFEST-<digits> (a path that climbs out, even
//    one that resolves; an absolute path) is refused as corruption;
//  - DB::Destroy removes only Strata's own files;
//  - symlinks (policy: README, "Durability and reliability"): the DB
//    directory may be one; Strata never creates one, never writes through
//    one, and removes a link, never its target.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// Every CURRENT content but a bare manifest name is refused, whether or
// not the path it names exists.
TEST_F(PermissionsTest, CurrentMustNameABareManifest) {
  MakeDb();
  std::string current;
  std::getline(std::ifstream(dir_ + "/CURRENT"), current);
  fs::create_directories(root_ + "/outside");
  fs::copy_file(dir_ + "/" + current, root_ + "/outside/" + current);
  fs::create_directories(dir_ + "/MANIFEST-000009");
  const std::string cases[] = {
      "../outside/" + current,
      root_ + "/outside/" + current,
      "./" + current,
      "MANIFEST-000009/../" + current,
      "MANIFEST-000009/../../outside/" + current,
      current + "/",
      current + "/.",
      "MANIFEST-",
      "MANIFEST-12ab",
      "MANIFEST-000001.sst",
      "",
  };
  for (const std::string& named : cases) {
    SCOPED_TRACE("CURRENT = \"" + named + "\"");
    std::ofstream(dir_ + "/CURRENT", std::ios::trunc) << named << "\n";
    auto db = DB::Open(opts_, dir_);
    ASSERT_FALSE(db.ok()) << "the DB opened through a non-bare CURRENT";
    EXPECT_TRUE(IsCorruption(db.status())) << db.status();
    EXPECT_NE(std::string(db.status().message()).find("CURRENT"),
              std::string::npos)
        << db.status();
  }
  // The bare name still opens: the refusals above were about the name.
  std::ofstream(dir_ + "/CURRENT", std::ios::trunc) << current << "\n";
  EXPECT_TRUE(DB::Open(opts_, dir_).ok());
}

TEST_F(PermissionsTest, TheDbDirectoryMayBeASymlink) {
  fs::create_directories(root_ + "/real");
  fs::create_directory_symlink(root_ + "/real", dir_);
  MakeDb();
  {
    auto db = DB::Open(opts_, dir_);
    ASSERT_TRUE(db.ok()) << db.status();
    auto r = (*db)->Get(ReadOptions(), "b", 2);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->value, "y");
  }
  EXPECT_TRUE(fs::is_symlink(dir_));
  EXPECT_TRUE(fs::exists(root_ + "/real/CURRENT"));
}

// A link planted in the DB directory under a Strata name (only the owner
// can: the directory is 0700) is read like the file it stands for, so
// foreign contents are refused as damage; nothing is ever written to its
// target, and removing the file removes the link only.
TEST_F(PermissionsTest, PlantedSymlinksAreNeverWrittenThroughOrDeleted) {
  MakeDb();
  fs::create_directories(root_ + "/outside");
  const std::string victim = root_ + "/outside/victim";
  const std::string text = "precious, not Strata's\n";
  std::ofstream(victim) << text;
  // A "newer WAL" that is a link to the victim: the replay refuses it.
  fs::create_symlink(victim, dir_ + "/000099.log");
  auto db = DB::Open(opts_, dir_);
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(IsCorruption(db.status())) << db.status();
  EXPECT_NE(std::string(db.status().message()).find("000099.log"),
            std::string::npos)
      << db.status();
  // An SST-named link: Destroy removes the link, not the victim.
  fs::create_symlink(victim, dir_ + "/000098.sst");
  ASSERT_TRUE(DB::Destroy(dir_).ok());
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_ + "/000098.sst")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_ + "/000099.log")));
  std::ifstream in(victim);
  std::string got((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  EXPECT_EQ(got, text);
  EXPECT_EQ(Mode(victim) & 0600, 0600u);
}

// CURRENT is replaced through CURRENT.tmp on every open; a link planted
// under that name must not let the open write through it (finding B:
// WriteStringToFileSync truncated the existing tmp name; it now removes it
// first, as it would a crash leftover).
TEST_F(PermissionsTest, PlantedCurrentTmpIsNotWrittenThrough) {
  MakeDb();
  fs::create_directories(root_ + "/outside");
  const std::string victim = root_ + "/outside/victim";
  const std::string text = "precious, not Strata's\n";
  std::ofstream(victim) << text;
  fs::create_symlink(victim, dir_ + "/CURRENT.tmp");
  {
    auto db = DB::Open(opts_, dir_);
    ASSERT_TRUE(db.ok()) << db.status();
  }
  std::ifstream in(victim);
  std::string got((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  EXPECT_EQ(got, text) << "the open wrote through the planted CURRENT.tmp";
  EXPECT_FALSE(fs::is_symlink(dir_ + "/CURRENT"));
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
