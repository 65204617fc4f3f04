// FaultInjectionEnv: failure rules, the filesystem-inactive switch and the
// power-loss model described in fault_injection_env.h. Every call is
// counted and checked under one mutex; namespace calls also run under it so
// the bookkeeping matches what the wrapped env did.
#include "env/fault_injection_env.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_format.h"

namespace strata {
namespace {

std::string_view CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return "EIO";
    case absl::StatusCode::kResourceExhausted:
      return "ENOSPC";
    default:
      return "error";
  }
}

// Trailing slashes removed, so "d/" and "d" name one directory.
std::string NormalizeDir(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir);
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string_view FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kRead:
      return "read";
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kSyncDir:
      return "syncdir";
    case FaultOp::kCreate:
      return "create";
    case FaultOp::kRemove:
      return "remove";
    case FaultOp::kAny:
      return "any";
  }
  return "unknown";
}

// --- File wrappers: check every call, then forward. ---

class FaultInjectionEnv::SequentialFileImpl final : public SequentialFile {
 public:
  SequentialFileImpl(FaultInjectionEnv* env, std::string path,
                     std::unique_ptr<SequentialFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  absl::Status Read(size_t n, std::string_view* result,
                    char* scratch) override {
    absl::Status s = env_->Check(FaultOp::kRead, "read", path_);
    if (!s.ok()) {
      *result = std::string_view(scratch, 0);
      return s;
    }
    return base_->Read(n, result, scratch);
  }
  absl::Status Skip(uint64_t n) override { return base_->Skip(n); }

 private:
  FaultInjectionEnv* const env_;
  const std::string path_;
  std::unique_ptr<SequentialFile> base_;
};

class FaultInjectionEnv::RandomAccessFileImpl final : public RandomAccessFile {
 public:
  RandomAccessFileImpl(FaultInjectionEnv* env, std::string path,
                       std::unique_ptr<RandomAccessFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  absl::Status Read(uint64_t offset, size_t n, std::string_view* result,
                    char* scratch) const override {
    absl::Status s = env_->Check(FaultOp::kRead, "read", path_);
    if (!s.ok()) {
      *result = std::string_view(scratch, 0);
      return s;
    }
    return base_->Read(offset, n, result, scratch);
  }

 private:
  FaultInjectionEnv* const env_;
  const std::string path_;
  std::unique_ptr<RandomAccessFile> base_;
};

class FaultInjectionEnv::WritableFileImpl final : public WritableFile {
 public:
  WritableFileImpl(FaultInjectionEnv* env, std::string path,
                   std::shared_ptr<FileState> state,
                   std::unique_ptr<WritableFile> base)
      : env_(env),
        path_(std::move(path)),
        state_(std::move(state)),
        base_(std::move(base)) {}
  ~WritableFileImpl() override {
    {
      MutexLock l(&env_->mu_);
      env_->open_writers_.erase(this);
    }
    base_.reset();  // the base closes itself, keeping buffered data
  }

  absl::Status Append(std::string_view data) override {
    absl::Status s = env_->Check(FaultOp::kWrite, "append", path_);
    if (s.ok()) s = Base("append");
    if (s.ok()) s = base_->Append(data);
    if (s.ok()) {
      MutexLock l(&env_->mu_);
      state_->written += data.size();
    }
    return s;
  }
  absl::Status Flush() override {
    absl::Status s = env_->Check(FaultOp::kWrite, "flush", path_);
    if (s.ok()) s = Base("flush");
    return s.ok() ? base_->Flush() : s;
  }
  absl::Status Sync() override {
    absl::Status s = env_->Check(FaultOp::kSync, "sync", path_);
    if (s.ok()) s = Base("sync");
    if (s.ok()) s = base_->Sync();
    if (s.ok()) {
      MutexLock l(&env_->mu_);
      state_->synced = state_->written;
    }
    return s;
  }
  // Not a fault point, but refused while the filesystem is inactive. The
  // base is released either way so descriptors do not leak.
  absl::Status Close() override {
    absl::Status s;
    {
      MutexLock l(&env_->mu_);
      if (!env_->active_) s = env_->InactiveError("close", path_);
      env_->open_writers_.erase(this);
    }
    if (base_ != nullptr) {
      absl::Status c = base_->Close();
      if (s.ok()) s = c;
      base_.reset();
    }
    return s;
  }

  // Called by the env on power loss, under its mutex.
  void ForceClose() {
    if (base_ != nullptr) (void)base_->Close();
    base_.reset();
    lost_ = true;
  }

 private:
  absl::Status Base(std::string_view op) const {
    if (base_ != nullptr) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s: file %s", op, path_,
        lost_ ? "closed by simulated power loss" : "already closed"));
  }

  FaultInjectionEnv* const env_;
  const std::string path_;
  const std::shared_ptr<FileState> state_;
  std::unique_ptr<WritableFile> base_;
  bool lost_ = false;
};

// --- Failure rules. ---

FaultInjectionEnv::FaultInjectionEnv(Env* target) : EnvWrapper(target) {}

FaultInjectionEnv::~FaultInjectionEnv() = default;

void FaultInjectionEnv::FailAfter(FaultOp op, int n, absl::StatusCode code,
                                  bool sticky) {
  MutexLock l(&mu_);
  rules_.push_back(Rule{op, code, sticky, std::max(n, 0), 0, Random(0)});
}

void FaultInjectionEnv::FailOneIn(FaultOp op, uint64_t n, uint64_t seed,
                                  absl::StatusCode code) {
  if (n == 0) return;
  MutexLock l(&mu_);
  rules_.push_back(Rule{op, code, true, 0, n, Random(seed)});
}

void FaultInjectionEnv::ClearFaults() {
  MutexLock l(&mu_);
  rules_.clear();
}

int64_t FaultInjectionEnv::CountOps(FaultOp op) const {
  MutexLock l(&mu_);
  if (op != FaultOp::kAny) return counts_[static_cast<int>(op)];
  int64_t total = 0;
  for (int64_t c : counts_) total += c;
  return total;
}

void FaultInjectionEnv::ResetCounts() {
  MutexLock l(&mu_);
  counts_.fill(0);
}

int64_t FaultInjectionEnv::InjectedFaults() const {
  MutexLock l(&mu_);
  return injected_;
}

void FaultInjectionEnv::TraceCalls(int64_t first, size_t n) {
  MutexLock l(&mu_);
  trace_first_ = first;
  trace_limit_ = n;
  trace_.clear();
}

std::vector<std::string> FaultInjectionEnv::TracedCalls() const {
  MutexLock l(&mu_);
  return trace_;
}

void FaultInjectionEnv::SetFilesystemActive(bool active) {
  MutexLock l(&mu_);
  active_ = active;
}

bool FaultInjectionEnv::IsFilesystemActive() const {
  MutexLock l(&mu_);
  return active_;
}

absl::Status FaultInjectionEnv::InactiveError(std::string_view what,
                                              std::string_view path) {
  return absl::UnavailableError(absl::StrFormat(
      "IO error: filesystem inactive (simulated crash): %s %s", what, path));
}

absl::Status FaultInjectionEnv::Check(FaultOp op, std::string_view what,
                                      std::string_view path) {
  MutexLock l(&mu_);
  return CheckLocked(op, what, path);
}

absl::Status FaultInjectionEnv::CheckLocked(FaultOp op, std::string_view what,
                                            std::string_view path) {
  ++counts_[static_cast<int>(op)];
  const int64_t index = calls_++;
  if (!active_ && op != FaultOp::kRead) return InactiveError(what, path);
  // Every matching rule sees the call, so their countdowns stay exact even
  // when an earlier rule already fails it.
  absl::Status result;
  for (auto it = rules_.begin(); it != rules_.end();) {
    bool fire = false;
    bool spent = false;
    if (it->op == op || it->op == FaultOp::kAny) {
      if (it->one_in > 0) {
        fire = it->rng.OneIn(it->one_in);
      } else if (it->countdown > 0) {
        --it->countdown;
      } else {
        fire = true;
        spent = !it->sticky;
      }
    }
    if (fire && result.ok()) {
      ++injected_;
      result = absl::Status(
          it->code, absl::StrFormat("injected %s on %s %s", CodeName(it->code),
                                    what, path));
    }
    it = spent ? rules_.erase(it) : it + 1;
  }
  if (index >= trace_first_ &&
      index - trace_first_ < static_cast<int64_t>(trace_limit_)) {
    // A short thread tag tells foreground calls from background ones.
    const size_t thread =
        std::hash<std::thread::id>()(std::this_thread::get_id()) % 1000;
    trace_.push_back(absl::StrFormat("#%d t%03d %s%s %s", index, thread,
                                     result.ok() ? "" : "!", what, path));
  }
  return result;
}

// --- Env calls. ---

absl::StatusOr<std::unique_ptr<SequentialFile>>
FaultInjectionEnv::NewSequentialFile(const std::string& path) {
  absl::Status s = Check(FaultOp::kRead, "open", path);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<SequentialFile>> f =
      target()->NewSequentialFile(path);
  if (!f.ok()) return f.status();
  return std::make_unique<SequentialFileImpl>(this, path, *std::move(f));
}

absl::StatusOr<std::unique_ptr<RandomAccessFile>>
FaultInjectionEnv::NewRandomAccessFile(const std::string& path) {
  absl::Status s = Check(FaultOp::kRead, "open", path);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> f =
      target()->NewRandomAccessFile(path);
  if (!f.ok()) return f.status();
  return std::make_unique<RandomAccessFileImpl>(this, path, *std::move(f));
}

absl::StatusOr<std::unique_ptr<WritableFile>>
FaultInjectionEnv::NewWritableFile(const std::string& path) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kCreate, "create", path);
  if (!s.ok()) return s;
  // Only a creation changes the directory; rewriting an existing file
  // does not.
  if (!target()->FileExists(path)) {
    s = RecordChangeLocked(path);
    if (!s.ok()) return s;
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> f =
      target()->NewWritableFile(path);
  if (!f.ok()) return f.status();
  auto state = std::make_shared<FileState>();
  files_[path] = state;
  auto w = std::make_unique<WritableFileImpl>(this, path, std::move(state),
                                              *std::move(f));
  open_writers_.insert(w.get());
  return w;
}

absl::StatusOr<std::vector<std::string>> FaultInjectionEnv::GetChildren(
    const std::string& dir) {
  absl::Status s = Check(FaultOp::kRead, "list", dir);
  if (!s.ok()) return s;
  return target()->GetChildren(dir);
}

absl::StatusOr<uint64_t> FaultInjectionEnv::GetFileSize(
    const std::string& path) {
  absl::Status s = Check(FaultOp::kRead, "stat", path);
  if (!s.ok()) return s;
  return target()->GetFileSize(path);
}

absl::Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kRemove, "remove", path);
  if (s.ok()) s = target()->RemoveFile(path);
  if (s.ok()) {
    // Removals count as durable at once: nothing to bring back.
    files_.erase(path);
    pending_.erase(path);
  }
  return s;
}

absl::Status FaultInjectionEnv::CreateDir(const std::string& dir) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kCreate, "mkdir", dir);
  return s.ok() ? target()->CreateDir(dir) : s;
}

absl::Status FaultInjectionEnv::RemoveDir(const std::string& dir) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kRemove, "rmdir", dir);
  return s.ok() ? target()->RemoveDir(dir) : s;
}

absl::Status FaultInjectionEnv::RenameFile(const std::string& from,
                                           const std::string& to) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kRename, "rename",
                               absl::StrFormat("%s -> %s", from, to));
  if (!s.ok() || from == to) return s;
  if (target()->FileExists(from)) {
    s = RecordChangeLocked(from);
    if (s.ok()) s = RecordChangeLocked(to);
    if (!s.ok()) return s;
  }
  s = target()->RenameFile(from, to);
  if (!s.ok()) return s;
  auto it = files_.find(from);
  if (it == files_.end()) {
    files_.erase(to);  // untracked contents: assumed durable
  } else {
    files_[to] = std::move(it->second);
    files_.erase(from);
  }
  return s;
}

absl::Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  MutexLock l(&mu_);
  absl::Status s = CheckLocked(FaultOp::kSyncDir, "syncdir", dir);
  if (s.ok()) s = target()->SyncDir(dir);
  if (!s.ok()) return s;
  const std::string d = NormalizeDir(dir);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = ParentDir(it->first) == d ? pending_.erase(it) : std::next(it);
  }
  return s;
}

// --- Power loss. ---

absl::Status FaultInjectionEnv::RecordChangeLocked(const std::string& path) {
  if (pending_.count(path) > 0) return absl::OkStatus();
  if (!target()->FileExists(path)) {
    pending_[path] = std::nullopt;
    return absl::OkStatus();
  }
  auto it = files_.find(path);
  absl::StatusOr<std::string> durable =
      ReadPrefix(path, it == files_.end() ? UINT64_MAX : it->second->synced);
  if (!durable.ok()) return durable.status();
  pending_[path] = *std::move(durable);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FaultInjectionEnv::ReadPrefix(
    const std::string& path, uint64_t limit) {
  absl::StatusOr<std::unique_ptr<SequentialFile>> f =
      target()->NewSequentialFile(path);
  if (!f.ok()) return f.status();
  constexpr size_t kChunk = 64 * 1024;
  std::unique_ptr<char[]> scratch(new char[kChunk]);
  std::string data;
  while (data.size() < limit) {
    std::string_view chunk;
    size_t want = std::min<uint64_t>(kChunk, limit - data.size());
    absl::Status s = (*f)->Read(want, &chunk, scratch.get());
    if (!s.ok()) return s;
    if (chunk.empty()) break;
    data.append(chunk);
  }
  return data;
}

absl::Status FaultInjectionEnv::Overwrite(const std::string& path,
                                          std::string_view data) {
  absl::StatusOr<std::unique_ptr<WritableFile>> f =
      target()->NewWritableFile(path);
  if (!f.ok()) return f.status();
  absl::Status s = (*f)->Append(data);
  if (s.ok()) s = (*f)->Sync();
  absl::Status c = (*f)->Close();
  return s.ok() ? c : s;
}

void FaultInjectionEnv::CloseOpenWritersLocked() {
  for (WritableFileImpl* w : open_writers_) w->ForceClose();
  open_writers_.clear();
}

absl::Status FaultInjectionEnv::TruncateUnsyncedLocked() {
  absl::Status result;
  for (auto& [path, state] : files_) {
    absl::StatusOr<uint64_t> size = target()->GetFileSize(path);
    if (size.ok() && *size > state->synced) {
      absl::StatusOr<std::string> keep = ReadPrefix(path, state->synced);
      absl::Status s = keep.ok() ? Overwrite(path, *keep) : keep.status();
      if (!s.ok() && result.ok()) result = s;
    }
    state->written = state->synced;
  }
  return result;
}

absl::Status FaultInjectionEnv::SimulatePowerLoss() {
  MutexLock l(&mu_);
  CloseOpenWritersLocked();
  absl::Status result;
  auto keep_first = [&result](absl::Status s) {
    if (!s.ok() && result.ok()) result = s;
  };
  // Undo directory changes first; restored contents were durable already.
  for (auto& [path, durable] : pending_) {
    if (!durable.has_value()) {
      if (target()->FileExists(path)) keep_first(target()->RemoveFile(path));
    } else {
      keep_first(Overwrite(path, *durable));
    }
    files_.erase(path);
  }
  pending_.clear();
  keep_first(TruncateUnsyncedLocked());
  files_.clear();
  return result;
}

absl::Status FaultInjectionEnv::DropUnsyncedFileData() {
  MutexLock l(&mu_);
  CloseOpenWritersLocked();
  return TruncateUnsyncedLocked();
}

}  // namespace strata
