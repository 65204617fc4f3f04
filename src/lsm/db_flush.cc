// Background work: flushing frozen memtables into SSTs, one per time
// window, and installing them in the manifest.
#include <map>

#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/dbformat.h"
#include "lsm/filename.h"
#include "lsm/sst_output.h"
#include "util/errors.h"

namespace strata {

void DBImpl::BackgroundLoop() {
  MutexLock l(&mu_);
  while (!shutting_down_) {
    if (!bg_error_.ok()) {
      work_cv_.Wait(&mu_);
      continue;
    }
    // Flushes first: they free memory writers may be waiting for.
    if (!imms_.empty() && !flush_running_) {
      flush_running_ = true;
      absl::Status s = FlushOldest();
      flush_running_ = false;
      if (!s.ok()) RecordBackgroundError(Annotate(s, "flush"));
      bg_cv_.SignalAll();
      continue;
    }
    if (MaybeCompact()) {
      bg_cv_.SignalAll();
      continue;
    }
    // Idle: wake up now and then, because time alone can expire files, and
    // files that readers held may have become deletable.
    if (work_cv_.WaitWithTimeout(&mu_, absl::Seconds(1))) {
      mu_.Unlock();
      DeleteObsoleteFiles(/*at_open=*/false);
      mu_.Lock();
    }
  }
}

absl::Status DBImpl::FlushOldest() {
  std::shared_ptr<MemTable> mem = imms_.front().mem;
  uint64_t next_log = imms_.size() > 1 ? imms_[1].log_number : log_number_;
  std::shared_ptr<const Version> base = versions_->current();
  mu_.Unlock();
  int64_t start = env_->MonotonicNanos();
  std::vector<FileMeta> files;
  absl::Status s = WriteTables(*mem, *base, &files);
  VersionEdit edit;
  if (s.ok()) {
    for (auto& f : files) {
      flush_bytes_.fetch_add(f.file_size, std::memory_order_relaxed);
      edit.AddFile(f);
    }
    // WALs below next_log hold nothing that is not now in an SST.
    edit.log_number = next_log;
    s = Install(&edit);
  }
  (void)start;
  mu_.Lock();
  for (const auto& f : files) pending_outputs_.erase(f.number);
  if (!s.ok()) return s;
  imms_.pop_front();
  flushes_.fetch_add(1, std::memory_order_relaxed);
  mu_.Unlock();
  DeleteObsoleteFiles(/*at_open=*/false);
  mu_.Lock();
  return absl::OkStatus();
}

absl::Status DBImpl::WriteTables(const MemTable& mem, const Version& base,
                                 std::vector<FileMeta>* out) {
  const int64_t width = versions_->time_window_ns();
  std::map<int64_t, std::unique_ptr<SstOutput>> outputs;
  absl::Status s;

  auto output_for = [&](int64_t window) -> SstOutput* {
    auto it = outputs.find(window);
    if (it != outputs.end()) return it->second.get();
    auto out = NewOutput(window, /*level=*/0);
    if (!out.ok()) {
      s = out.status();
      return nullptr;
    }
    return outputs.emplace(window, std::move(*out)).first->second.get();
  };

  // Point records, routed by the window of their timestamp.
  auto it = mem.NewIterator();
  ParsedInternalKey ik;
  for (it->SeekToFirst(); it->Valid() && s.ok(); it->Next()) {
    if (!ParseInternalKey(it->key(), &ik)) {
      s = absl::InternalError("memtable holds a malformed internal key");
      break;
    }
    SstOutput* o = output_for(WindowOf(ik.ts, width));
    if (o == nullptr) break;
    o->Add(it->key(), ik, it->expire_at(), it->value());
  }

  // Range tombstones, clipped to every window that may hold data they
  // cover: windows with files now or with records in this memtable. Data
  // written later has a higher sequence and is not covered.
  if (s.ok()) {
    std::set<int64_t> windows;
    for (const auto& [w, files] : base.windows()) windows.insert(w);
    for (const auto& [w, o] : outputs) windows.insert(w);
    for (const RangeTombstone& t : mem.RangeTombstones()) {
      auto first = windows.lower_bound(WindowOf(t.t0, width));
      for (auto w = first; w != windows.end() && s.ok(); ++w) {
        Timestamp start = WindowStart(*w, width);
        if (start >= t.t1) break;
        RangeTombstone clipped = t;
        clipped.t0 = std::max(t.t0, start);
        clipped.t1 = std::min(t.t1, WindowEnd(*w, width));
        SstOutput* o = output_for(*w);
        if (o == nullptr) break;
        o->AddRangeTombstone(clipped);
      }
    }
  }
  return FinishOutputs(&outputs, s, out);
}

absl::StatusOr<std::unique_ptr<SstOutput>> DBImpl::NewOutput(int64_t window,
                                                             int level) {
  uint64_t number = versions_->NewFileNumber();
  {
    MutexLock l(&mu_);
    pending_outputs_.insert(number);
  }
  TableBuildOptions tbo;
  tbo.block_size = options_.block_size;
  tbo.columnar_block_size = options_.columnar_block_size;
  tbo.encoding = options_.block_encoding;
  tbo.compression = options_.compression;
  tbo.bloom_bits_per_key = options_.bloom_bits_per_key;
  tbo.window_id = window;
  tbo.creation_time = env_->NowNanos();
  auto out = std::make_unique<SstOutput>(env_, TableFileName(dir_, number),
                                         number, window, level);
  absl::Status s = out->Open(tbo);
  if (!s.ok()) return s;
  return out;
}

absl::Status DBImpl::FinishOutputs(
    std::map<int64_t, std::unique_ptr<SstOutput>>* outputs, absl::Status s,
    std::vector<FileMeta>* out) {
  for (auto& [w, o] : *outputs) {
    if (s.ok()) s = o->Finish();
    if (s.ok()) out->push_back(o->meta());
  }
  if (s.ok() && !outputs->empty()) s = env_->SyncDir(dir_);
  if (!s.ok()) {
    for (auto& [w, o] : *outputs) o->Abandon();
    out->clear();
    return Annotate(s, "writing SST");
  }
  return absl::OkStatus();
}

}  // namespace strata
