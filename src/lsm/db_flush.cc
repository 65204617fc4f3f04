// Background work: flushing frozen memtables into SSTs, one per time
// window, and installing them in the manifest.
#include <map>

#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/dbformat.h"
#include "lsm/filename.h"
#include "lsm/table_builder.h"
#include "util/errors.h"

namespace strata {
namespace {

// Accumulates the manifest's view of one output file as entries are added.
class OutputFile {
 public:
  OutputFile(uint64_t number, int64_t window) {
    meta_.number = number;
    meta_.window_id = window;
    meta_.level = 0;
    meta_.min_expire = kNeverExpires;
    meta_.max_expire = kMinTimestamp;
    meta_.min_seq = kMaxSequenceNumber;
    meta_.max_seq = 0;
  }

  void NotePoint(const ParsedInternalKey& ik, std::string_view ikey,
                 int64_t expire_at, size_t value_size) {
    if (meta_.num_records == 0) meta_.smallest.assign(ikey);
    meta_.largest.assign(ikey);
    meta_.num_records++;
    if (ik.kind == ValueKind::kDelete) {
      meta_.num_deletes++;
      expire_at = kNeverExpires;  // tombstones outlive what they delete
    }
    meta_.min_ts = std::min(meta_.min_ts, ik.ts);
    meta_.max_ts = std::max(meta_.max_ts, ik.ts);
    meta_.min_expire = std::min(meta_.min_expire, expire_at);
    meta_.max_expire = std::max(meta_.max_expire, expire_at);
    NoteSeq(ik.seq);
    meta_.raw_bytes += ikey.size() + value_size;
  }
  void NoteRangeTombstone(const RangeTombstone& t) {
    meta_.num_range_deletes++;
    meta_.max_expire = kNeverExpires;
    meta_.min_expire = std::min(meta_.min_expire, kNeverExpires);
    NoteSeq(t.seq);
  }
  FileMeta& meta() { return meta_; }

 private:
  void NoteSeq(SequenceNumber s) {
    meta_.min_seq = std::min(meta_.min_seq, s);
    meta_.max_seq = std::max(meta_.max_seq, s);
  }
  FileMeta meta_;
};

}  // namespace

void DBImpl::BackgroundLoop() {
  absl::MutexLock l(&mu_);
  while (true) {
    while (!shutting_down_ && (imms_.empty() || !bg_error_.ok())) {
      work_cv_.Wait(&mu_);
    }
    if (shutting_down_) break;
    flush_running_ = true;
    absl::Status s = FlushOldest();
    flush_running_ = false;
    if (!s.ok()) RecordBackgroundError(Annotate(s, "flush"));
    bg_cv_.SignalAll();
  }
}

absl::Status DBImpl::FlushOldest() {
  std::shared_ptr<MemTable> mem = imms_.front().mem;
  uint64_t next_log =
      imms_.size() > 1 ? imms_[1].log_number : log_number_;
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
    s = versions_->LogAndApply(&edit);
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
  struct Output {
    std::unique_ptr<OutputFile> info;
    std::unique_ptr<WritableFile> file;
    std::unique_ptr<TableBuilder> builder;
  };
  std::map<int64_t, Output> outputs;
  absl::Status s;

  auto output_for = [&](int64_t window) -> Output* {
    auto it = outputs.find(window);
    if (it != outputs.end()) return &it->second;
    uint64_t number = versions_->NewFileNumber();
    {
      absl::MutexLock l(&mu_);
      pending_outputs_.insert(number);
    }
    std::string name = TableFileName(dir_, number);
    auto file = env_->NewWritableFile(name);
    if (!file.ok()) {
      s = file.status();
      return nullptr;
    }
    TableBuildOptions tbo;
    tbo.block_size = options_.block_size;
    tbo.columnar_block_size = options_.columnar_block_size;
    tbo.encoding = options_.block_encoding;
    tbo.compression = options_.compression;
    tbo.bloom_bits_per_key = options_.bloom_bits_per_key;
    tbo.window_id = window;
    tbo.creation_time = env_->NowNanos();
    Output o;
    o.info = std::make_unique<OutputFile>(number, window);
    o.builder = std::make_unique<TableBuilder>(tbo, file->get(), name);
    o.file = std::move(*file);
    return &outputs.emplace(window, std::move(o)).first->second;
  };

  // Point records, routed by the window of their timestamp.
  auto it = mem.NewIterator();
  ParsedInternalKey ik;
  for (it->SeekToFirst(); it->Valid() && s.ok(); it->Next()) {
    if (!ParseInternalKey(it->key(), &ik)) {
      s = absl::InternalError("memtable holds a malformed internal key");
      break;
    }
    Output* o = output_for(WindowOf(ik.ts, width));
    if (o == nullptr) break;
    o->builder->Add(it->key(), it->expire_at(), it->value());
    o->info->NotePoint(ik, it->key(), it->expire_at(), it->value().size());
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
        Output* o = output_for(*w);
        if (o == nullptr) break;
        o->builder->AddRangeTombstone(clipped);
        o->info->NoteRangeTombstone(clipped);
      }
    }
  }

  for (auto& [w, o] : outputs) {
    if (s.ok()) s = o.builder->Finish();
    if (s.ok()) s = o.file->Sync();
    if (s.ok()) s = o.file->Close();
    if (s.ok()) {
      o.info->meta().file_size = o.builder->FileSize();
      out->push_back(o.info->meta());
    } else {
      o.builder->Abandon();
    }
  }
  if (s.ok() && !outputs.empty()) s = env_->SyncDir(dir_);
  if (!s.ok()) {
    for (auto& [w, o] : outputs) {
      env_->RemoveFile(TableFileName(dir_, o.info->meta().number))
          .IgnoreError();
    }
    out->clear();
    return Annotate(s, "writing SST");
  }
  return absl::OkStatus();
}

}  // namespace strata
