// Whole-file helpers on top of any Env (declared in strata/env.h). They
// hold no state and never touch the file system except through the Env.
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/env.h"

namespace strata {
namespace {

// The directory holding path, for SyncDir after a rename into it.
std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<std::string> ReadFileToString(Env* env,
                                             const std::string& path) {
  absl::StatusOr<std::unique_ptr<SequentialFile>> file =
      env->NewSequentialFile(path);
  if (!file.ok()) return file.status();
  constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<char[]> scratch(new char[kChunk]);
  std::string data;
  // Stops at the first empty read rather than the first short one, so an
  // Env that returns short reads before end of file still works.
  while (true) {
    std::string_view chunk;
    absl::Status s = (*file)->Read(kChunk, &chunk, scratch.get());
    if (!s.ok()) return s;
    if (chunk.empty()) break;
    data.append(chunk);
  }
  return data;
}

absl::Status WriteStringToFileSync(Env* env, std::string_view data,
                                   const std::string& path) {
  const std::string tmp = path + ".tmp";
  // Never write through whatever sits at tmp (a leftover, or a planted
  // symlink whose target would be truncated): remove it, create afresh.
  (void)env->RemoveFile(tmp);
  absl::Status s;
  {
    absl::StatusOr<std::unique_ptr<WritableFile>> file =
        env->NewWritableFile(tmp);
    if (!file.ok()) return file.status();
    s = (*file)->Append(data);
    if (s.ok()) s = (*file)->Sync();
    absl::Status closed = (*file)->Close();
    if (s.ok()) s = closed;
  }
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    (void)env->RemoveFile(tmp);  // best effort: the original error matters
    return s;
  }
  return env->SyncDir(ParentDir(path));
}

}  // namespace strata
