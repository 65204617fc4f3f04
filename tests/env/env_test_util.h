// Test harness for the Env tests: the same test body runs against the POSIX
// env (in a fresh temporary directory, removed afterwards) and the memory
// env, selected by a test parameter.
#ifndef STRATA_TESTS_ENV_ENV_TEST_UTIL_H_
#define STRATA_TESTS_ENV_ENV_TEST_UTIL_H_

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "strata/env.h"

namespace strata {

enum class EnvKind { kPosix, kMem };

inline std::string EnvKindName(const testing::TestParamInfo<EnvKind>& info) {
  return info.param == EnvKind::kPosix ? "Posix" : "Mem";
}

// Owns the env under test (the memory env) or borrows Env::Default(), plus
// a fresh, empty directory to work in.
class EnvHarness {
 public:
  explicit EnvHarness(EnvKind kind) : kind_(kind) {
    if (kind == EnvKind::kPosix) {
      char tmpl[] = "/tmp/strata_env_test.XXXXXX";
      char* d = ::mkdtemp(tmpl);
      EXPECT_NE(d, nullptr) << "mkdtemp failed";
      dir_ = d == nullptr ? "/tmp/strata_env_test.failed" : d;
      env_ = Env::Default();
    } else {
      owned_ = NewMemEnv();
      env_ = owned_.get();
      dir_ = "/mem/test";
      EXPECT_TRUE(env_->CreateDir("/mem").ok());
      EXPECT_TRUE(env_->CreateDir(dir_).ok());
    }
  }
  ~EnvHarness() {
    if (kind_ == EnvKind::kPosix) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  EnvHarness(const EnvHarness&) = delete;
  EnvHarness& operator=(const EnvHarness&) = delete;

  Env* env() const { return env_; }
  const std::string& dir() const { return dir_; }
  std::string Path(std::string_view name) const {
    return dir_ + "/" + std::string(name);
  }

 private:
  const EnvKind kind_;
  std::unique_ptr<Env> owned_;
  Env* env_ = nullptr;
  std::string dir_;
};

// Creates path holding data (no sync), failing the test on any error.
inline void WriteFile(Env* env, const std::string& path,
                      std::string_view data) {
  auto f = env->NewWritableFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(data).ok());
  ASSERT_TRUE((*f)->Close().ok());
}

// The file's contents, or "<error: ...>".
inline std::string Contents(Env* env, const std::string& path) {
  auto s = ReadFileToString(env, path);
  return s.ok() ? *s : "<error: " + s.status().ToString() + ">";
}

// The file's size, or -1 if it cannot be read.
inline int64_t SizeOf(Env* env, const std::string& path) {
  auto size = env->GetFileSize(path);
  return size.ok() ? static_cast<int64_t>(*size) : -1;
}

}  // namespace strata

#endif  // STRATA_TESTS_ENV_ENV_TEST_UTIL_H_
