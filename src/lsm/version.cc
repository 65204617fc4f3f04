#include "lsm/version.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "lsm/filename.h"
#include "lsm/log_reader.h"
#include "util/errors.h"

namespace strata {
namespace {

constexpr std::string_view kManifestMagic = "STRATAMF";

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

int64_t Saturate(__int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) {
    return std::numeric_limits<int64_t>::max();
  }
  if (v < std::numeric_limits<int64_t>::min()) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

}  // namespace

int64_t WindowOf(Timestamp ts, int64_t width) { return FloorDiv(ts, width); }
Timestamp WindowStart(int64_t window, int64_t width) {
  return Saturate(static_cast<__int128>(window) * width);
}
Timestamp WindowEnd(int64_t window, int64_t width) {
  return Saturate((static_cast<__int128>(window) + 1) * width);
}

uint64_t Version::NumFiles() const {
  uint64_t n = 0;
  for (const auto& [w, files] : windows_) n += files.size();
  return n;
}

uint64_t Version::TotalBytes() const {
  uint64_t n = 0;
  for (const auto& [w, files] : windows_) {
    for (const auto& f : files) n += f->file_size;
  }
  return n;
}

VersionSet::VersionSet(std::string dir, Env* env)
    : dir_(std::move(dir)), env_(env) {
  MutexLock l(&mu_);
  current_ = std::make_shared<Version>();
}

VersionSet::~VersionSet() {
  MutexLock l(&apply_mu_);
  if (manifest_file_ != nullptr) manifest_file_->Close().IgnoreError();
}

void VersionSet::MarkFileNumberUsed(uint64_t n) {
  uint64_t cur = next_file_number_.load();
  while (cur <= n && !next_file_number_.compare_exchange_weak(cur, n + 1)) {
  }
}

std::shared_ptr<const Version> VersionSet::current() const {
  MutexLock l(&mu_);
  return current_;
}

std::set<uint64_t> VersionSet::LiveFiles() {
  MutexLock l(&mu_);
  std::set<uint64_t> live;
  auto add = [&](const Version& v) {
    for (const auto& [w, files] : v.windows()) {
      for (const auto& f : files) live.insert(f->number);
    }
  };
  add(*current_);
  std::vector<std::weak_ptr<const Version>> kept;
  for (auto& weak : live_) {
    if (auto v = weak.lock()) {
      add(*v);
      kept.push_back(weak);
    }
  }
  live_ = std::move(kept);
  return live;
}

void VersionSet::Apply(const VersionEdit& edit, Version* v) {
  for (const auto& [window, number] : edit.deleted_files) {
    auto it = v->windows_.find(window);
    if (it == v->windows_.end()) continue;
    auto& files = it->second;
    files.erase(
        std::remove_if(files.begin(), files.end(),
                       [n = number](const auto& f) { return f->number == n; }),
        files.end());
    if (files.empty()) v->windows_.erase(it);
  }
  for (const FileMeta& f : edit.new_files) {
    auto& files = v->windows_[f.window_id];
    files.push_back(std::make_shared<const FileMeta>(f));
  }
  for (auto& [w, files] : v->windows_) {
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return a->max_seq != b->max_seq ? a->max_seq > b->max_seq
                                      : a->number > b->number;
    });
  }
}

absl::Status VersionSet::WriteSnapshot(LogWriter* log) {
  VersionEdit snap;
  snap.time_window_ns = time_window_ns_;
  snap.log_number = log_number_.load();
  snap.next_file_number = next_file_number_.load();
  snap.last_sequence = last_sequence_.load();
  auto v = current();  // a temporary would die inside the range-for
  for (const auto& [w, files] : v->windows()) {
    for (const auto& f : files) snap.AddFile(*f);
  }
  std::string record;
  snap.EncodeTo(&record);
  return log->AddRecord(record);
}

absl::Status VersionSet::StartNewManifest() {
  uint64_t number = NewFileNumber();
  std::string name = ManifestFileName(dir_, number);
  auto file = env_->NewWritableFile(name);
  if (!file.ok()) return file.status();
  auto log = std::make_unique<LogWriter>(file->get());
  absl::Status s = log->WriteHeader(kManifestMagic, number);
  if (s.ok()) s = WriteSnapshot(log.get());
  if (s.ok()) s = (*file)->Sync();
  if (!s.ok()) {
    (*file)->Close().IgnoreError();
    env_->RemoveFile(name).IgnoreError();
    return s;
  }
  s = WriteStringToFileSync(env_, absl::StrFormat("MANIFEST-%06d\n", number),
                            CurrentFileName(dir_));
  if (!s.ok()) {
    // CURRENT may already name the new manifest (the rename went through
    // and only the directory sync failed), so keep it: it is complete and
    // synced, and an unused one is removed as obsolete at the next open.
    (*file)->Close().IgnoreError();
    return s;
  }
  if (manifest_file_ != nullptr) manifest_file_->Close().IgnoreError();
  manifest_file_ = std::move(*file);
  manifest_log_ = std::move(log);
  manifest_number_ = number;
  return absl::OkStatus();
}

absl::Status VersionSet::Create(int64_t time_window_ns) {
  MutexLock l(&apply_mu_);
  time_window_ns_ = time_window_ns;
  return StartNewManifest();
}

absl::Status VersionSet::Recover() {
  MutexLock l(&apply_mu_);
  auto current = ReadFileToString(env_, CurrentFileName(dir_));
  if (!current.ok()) return Annotate(current.status(), "reading CURRENT");
  std::string name = *current;
  if (name.empty() || name.back() != '\n' || !name.starts_with("MANIFEST-")) {
    return CorruptionError(CurrentFileName(dir_), 0,
                           "CURRENT does not name a manifest");
  }
  name.pop_back();
  // Only a bare "MANIFEST-<digits>": a name with '/' or ".." would make
  // the DB read (and trust) a file outside its directory.
  uint64_t named_number;
  FileType named_type;
  if (!ParseFileName(name, &named_number, &named_type) ||
      named_type != FileType::kManifest) {
    return CorruptionError(CurrentFileName(dir_), 0,
                           "CURRENT does not name a manifest");
  }
  std::string path = absl::StrFormat("%s/%s", dir_, name);
  auto size = env_->GetFileSize(path);
  // Only a missing manifest is damage; an I/O error keeps its code so a
  // transient EIO is not reported as corruption.
  if (!size.ok() && !absl::IsNotFound(size.status())) {
    return Annotate(size.status(), "reading the manifest named by CURRENT");
  }
  if (!size.ok()) {
    return absl::DataLossError(
        absl::StrFormat("manifest %s named by CURRENT is unreadable: %s", path,
                        size.status().message()));
  }
  auto file = env_->NewSequentialFile(path);
  if (!file.ok()) return file.status();
  LogReader reader(std::move(*file), path, *size);
  uint64_t number;
  absl::Status s = reader.ReadHeader(kManifestMagic, &number);
  if (!s.ok()) return s;

  auto v = std::make_shared<Version>();
  bool have_window = false;
  std::string_view record;
  std::string scratch;
  uint64_t first_next_file = 0;  // from the snapshot record
  while (reader.ReadRecord(&record, &scratch)) {
    VersionEdit edit;
    s = edit.DecodeFrom(record, absl::StrFormat("%s at offset %d", path,
                                                reader.last_record_offset()));
    if (!s.ok()) return s;
    if (edit.time_window_ns) {
      time_window_ns_ = *edit.time_window_ns;
      have_window = true;
    }
    if (edit.log_number) log_number_ = *edit.log_number;
    if (first_next_file == 0 && edit.next_file_number) {
      first_next_file = *edit.next_file_number;
    }
    if (edit.next_file_number) MarkFileNumberUsed(*edit.next_file_number - 1);
    if (edit.last_sequence) {
      last_sequence_ = std::max(last_sequence_.load(), *edit.last_sequence);
    }
    Apply(edit, v.get());
  }
  if (!reader.status().ok()) return reader.status();
  s = CheckNoEditLost(path, reader, first_next_file);
  if (!s.ok()) return s;
  if (!have_window) {
    return CorruptionError(path, 0, "manifest has no time window setting");
  }
  MarkFileNumberUsed(number);

  // Every referenced SST must be present and whole.
  for (const auto& [w, files] : v->windows_) {
    for (const auto& f : files) {
      MarkFileNumberUsed(f->number);
      std::string table = TableFileName(dir_, f->number);
      auto fsize = env_->GetFileSize(table);
      if (!fsize.ok() && !absl::IsNotFound(fsize.status())) {
        return Annotate(fsize.status(),
                        absl::StrFormat("checking SST %s", table));
      }
      if (!fsize.ok()) {
        return absl::DataLossError(
            absl::StrFormat("SST %s referenced by %s is missing: %s", table,
                            path, fsize.status().message()));
      }
      if (*fsize != f->file_size) {
        return absl::DataLossError(
            absl::StrFormat("SST %s is %d bytes, manifest %s says %d", table,
                            *fsize, path, f->file_size));
      }
    }
  }
  {
    MutexLock ml(&mu_);
    current_ = v;
  }
  return StartNewManifest();
}

absl::Status VersionSet::CheckNoEditLost(const std::string& path,
                                         const LogReader& reader,
                                         uint64_t first_next_file) {
  // A damaged last record reads like a torn append. A torn append was never
  // acknowledged, so the WAL the recovered state replays from still exists.
  // If it is gone while newer WALs or SSTs exist, a later, durable edit
  // retired it and that edit was lost: refuse rather than roll back (and
  // then delete the newer SSTs as orphans).
  uint64_t need = log_number_.load();
  if (need == 0) need = first_next_file;  // the first WAL after creation
  if (need == 0 || env_->FileExists(LogFileName(dir_, need))) {
    return absl::OkStatus();
  }
  auto children = env_->GetChildren(dir_);
  if (!children.ok()) return children.status();
  for (const std::string& name : *children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type) && number > need &&
        (type == FileType::kLog || type == FileType::kTable)) {
      return absl::DataLossError(absl::StrFormat(
          "manifest %s lost an installed edit%s: the state it recovers "
          "replays from WAL %06d.log, which a later edit retired (%s exists)",
          path,
          reader.torn_tail()
              ? absl::StrFormat(" (damaged at offset %d)", reader.torn_offset())
              : "",
          need, name));
    }
  }
  return absl::OkStatus();
}

absl::Status VersionSet::LogAndApply(VersionEdit* edit) {
  MutexLock l(&apply_mu_);
  // A failed manifest write may leave a partial record; appending after it
  // would turn a torn tail into mid-log corruption, so stop for good.
  if (!manifest_error_.ok()) return manifest_error_;
  if (!edit->log_number) edit->log_number = log_number_.load();
  if (!edit->next_file_number)
    edit->next_file_number = next_file_number_.load();
  if (!edit->last_sequence) edit->last_sequence = last_sequence_.load();
  for (const FileMeta& f : edit->new_files) MarkFileNumberUsed(f.number);

  auto v = std::make_shared<Version>(*current());
  Apply(*edit, v.get());

  std::string record;
  edit->EncodeTo(&record);
  absl::Status s = manifest_log_->AddRecord(record);
  if (s.ok()) s = manifest_file_->Sync();
  if (!s.ok()) {
    manifest_error_ = Annotate(s, "writing manifest");
    return manifest_error_;
  }

  log_number_ = *edit->log_number;
  MutexLock ml(&mu_);
  live_.push_back(current_);
  current_ = std::move(v);
  return absl::OkStatus();
}

}  // namespace strata
