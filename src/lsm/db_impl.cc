// DBImpl lifecycle: open and recovery, obsolete-file cleanup, snapshots,
// stats, close. Writes: db_write.cc. Flush: db_flush.cc. Reads: db_read.cc.
#include "lsm/db_impl.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "lsm/filename.h"
#include "lsm/log_reader.h"
#include "lsm/write_batch_internal.h"
#include "util/errors.h"

namespace strata {
namespace {

constexpr std::string_view kWalMagic = "STRATAWL";

class SnapshotImpl final : public Snapshot {
 public:
  SnapshotImpl(DBImpl* db, SequenceNumber seq) : db_(db), seq_(seq) {}
  ~SnapshotImpl() override { db_->ReleaseSnapshot(seq_); }
  SequenceNumber sequence() const override { return seq_; }

 private:
  DBImpl* db_;
  SequenceNumber seq_;
};

Options Sanitize(Options o) {
  if (o.env == nullptr) o.env = Env::Default();
  o.write_buffer_size =
      std::clamp<size_t>(o.write_buffer_size, 64 << 10, size_t{4} << 30);
  o.max_immutable_memtables = std::clamp(o.max_immutable_memtables, 1, 16);
  o.block_size = std::clamp<size_t>(o.block_size, 256, 4 << 20);
  o.columnar_block_size =
      std::clamp<size_t>(o.columnar_block_size, o.block_size, 16 << 20);
  o.bloom_bits_per_key = std::clamp(o.bloom_bits_per_key, 0, 32);
  o.max_open_files = std::clamp(o.max_open_files, 16, 1'000'000);
  o.sync_interval_ms = std::clamp<int64_t>(o.sync_interval_ms, 1, 60'000);
  if (o.time_window_ns <= 0) o.time_window_ns = 86'400'000'000'000;
  o.window_merge_trigger = std::clamp(o.window_merge_trigger, 2, 64);
  o.background_threads = std::clamp(o.background_threads, 1, 16);
  o.slowdown_files = std::clamp(o.slowdown_files, 8, 10'000);
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DB>> DB::Open(const Options& options,
                                             const std::string& dir) {
  auto db = std::make_unique<DBImpl>(options, dir);
  absl::Status s = db->Open();
  if (!s.ok()) return s;
  return std::unique_ptr<DB>(std::move(db));
}

absl::Status DB::Destroy(const std::string& dir, Env* env) {
  if (env == nullptr) env = Env::Default();
  if (!env->FileExists(dir)) return absl::OkStatus();  // nothing to destroy
  auto lock = env->LockFile(LockFileName(dir));
  if (!lock.ok()) return lock.status();
  auto children = env->GetChildren(dir);
  if (!children.ok()) {
    return absl::IsNotFound(children.status()) ? absl::OkStatus()
                                               : children.status();
  }
  for (const std::string& name : *children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type) && type != FileType::kLock) {
      absl::Status s = env->RemoveFile(absl::StrFormat("%s/%s", dir, name));
      if (!s.ok()) return s;
    }
  }
  lock->reset();
  env->RemoveFile(LockFileName(dir)).IgnoreError();
  env->RemoveDir(dir).IgnoreError();  // fails if foreign files remain
  return absl::OkStatus();
}

DBImpl::DBImpl(const Options& options, std::string dir)
    : options_(Sanitize(options)), dir_(std::move(dir)), env_(options_.env) {
  if (options_.block_cache_bytes > 0) {
    block_cache_ = std::make_unique<BlockCache>(options_.block_cache_bytes);
  }
  table_cache_ = std::make_unique<TableCache>(
      dir_, env_, static_cast<size_t>(options_.max_open_files),
      block_cache_.get(), &read_stats_);
  versions_ = std::make_unique<VersionSet>(dir_, env_);
}

DBImpl::~DBImpl() {
  {
    MutexLock l(&mu_);
    shutting_down_ = true;
    work_cv_.SignalAll();
  }
  for (auto& t : threads_) t.join();
  MutexLock l(&wal_mu_);
  if (log_file_ != nullptr) {
    // Hand buffered WAL bytes to the OS; durability per the sync policy.
    if (options_.sync_policy != SyncPolicy::kNever) {
      log_file_->Sync().IgnoreError();
    }
    log_file_->Close().IgnoreError();
  }
}

absl::Status DBImpl::Open() {
  absl::Status s = env_->CreateDir(dir_);
  if (!s.ok()) return Annotate(s, "creating DB directory");
  auto lock = env_->LockFile(LockFileName(dir_));
  if (!lock.ok()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("DB %s is in use by another process or DB object: %s",
                        dir_, lock.status().message()));
  }
  lock_ = std::move(*lock);

  s = Recover();
  if (!s.ok()) return s;

  for (int i = 0; i < options_.background_threads; i++) {
    threads_.emplace_back([this] { BackgroundLoop(); });
  }
  if (options_.sync_policy == SyncPolicy::kInterval) {
    threads_.emplace_back([this] { SyncLoop(); });
  }
  return absl::OkStatus();
}

absl::Status DBImpl::Recover() {
  const bool exists = env_->FileExists(CurrentFileName(dir_));
  if (!exists) {
    if (!options_.create_if_missing) {
      return absl::NotFoundError(absl::StrFormat(
          "DB %s does not exist (create_if_missing is false)", dir_));
    }
    absl::Status s = versions_->Create(options_.time_window_ns);
    if (!s.ok()) return s;
  } else {
    if (options_.error_if_exists) {
      return absl::AlreadyExistsError(
          absl::StrFormat("DB %s already exists (error_if_exists)", dir_));
    }
    absl::Status s = versions_->Recover();
    if (!s.ok()) return s;
  }

  // Replay the WALs that are not yet fully in SSTs, oldest first.
  auto children = env_->GetChildren(dir_);
  if (!children.ok()) return children.status();
  std::vector<uint64_t> logs;
  for (const std::string& name : *children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type)) {
      versions_->MarkFileNumberUsed(number);
      if (type == FileType::kLog && number >= versions_->log_number()) {
        logs.push_back(number);
      }
    }
  }
  std::sort(logs.begin(), logs.end());

  VersionEdit edit;
  // Every sequence number in an SST is taken, even one above the manifest's
  // last sequence: an earlier open may have installed replayed (possibly
  // never synced) WAL records and then failed before its final edit. Those
  // records are whole batches; a later write reusing their numbers, or a
  // compaction rewriting one window of them, must not mix with them.
  SequenceNumber max_seq = versions_->last_sequence();
  const std::shared_ptr<const Version> recovered = versions_->current();
  for (const auto& [window, files] : recovered->windows()) {
    for (const auto& f : files) max_seq = std::max(max_seq, f->max_seq);
  }
  std::shared_ptr<MemTable> mem;
  for (uint64_t number : logs) {
    absl::Status s = ReplayLog(number, &mem, &max_seq);
    if (!s.ok()) return s;
  }
  if (mem != nullptr && !mem->empty()) {
    std::vector<FileMeta> files;
    absl::Status s = WriteTables(*mem, *versions_->current(), &files);
    if (!s.ok()) return s;
    for (auto& f : files) edit.AddFile(std::move(f));
  }
  versions_->SetLastSequence(max_seq);
  visible_seq_ = max_seq;

  MutexLock l(&mu_);
  mem_ = std::make_shared<MemTable>();
  absl::Status s = NewLog();
  if (!s.ok()) return s;
  edit.log_number = log_number_;
  mu_.Unlock();
  s = Install(&edit);
  mu_.Lock();
  if (!s.ok()) return s;
  pending_outputs_.clear();
  mu_.Unlock();
  DeleteObsoleteFiles(/*at_open=*/true);
  mu_.Lock();
  return absl::OkStatus();
}

absl::Status DBImpl::ReplayLog(uint64_t number, std::shared_ptr<MemTable>* mem,
                               SequenceNumber* max_seq) {
  std::string name = LogFileName(dir_, number);
  auto size = env_->GetFileSize(name);
  if (!size.ok()) return size.status();
  auto file = env_->NewSequentialFile(name);
  if (!file.ok()) return file.status();
  LogReader reader(std::move(*file), name, *size);
  reader.set_salvage_mode(options_.wal_salvage);
  uint64_t header_number;
  absl::Status s = reader.ReadHeader(kWalMagic, &header_number);
  if (!s.ok()) return s;
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    std::string where =
        absl::StrFormat("%s at offset %d", name, reader.last_record_offset());
    s = WriteBatchInternal::Validate(record, where);
    if (!s.ok()) {
      if (!options_.wal_salvage) return s;
      salvaged_.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    if (*mem == nullptr) *mem = std::make_shared<MemTable>();
    s = WriteBatchInternal::InsertInto(record, mem->get());
    if (!s.ok()) return Annotate(s, where);
    SequenceNumber last = WriteBatchInternal::Sequence(record) +
                          WriteBatchInternal::Count(record) - 1;
    *max_seq = std::max(*max_seq, last);
    if ((*mem)->ApproximateMemoryUsage() >= options_.write_buffer_size) {
      std::vector<FileMeta> files;
      s = WriteTables(**mem, *versions_->current(), &files);
      if (!s.ok()) return s;
      // Install the SSTs now, not with the final edit: WriteTables writes a
      // range delete only into windows the current Version (or its own
      // memtable) has, so a range delete replayed later must see these
      // files. The log number is unchanged, so a crash before recovery ends
      // replays the WALs again (the same records, harmlessly duplicated).
      VersionEdit edit;
      for (auto& f : files) edit.AddFile(std::move(f));
      // The replayed records are now in SSTs: the manifest's last sequence
      // must cover them, or a failed open followed by a power loss (the WAL
      // tail gone, these SSTs kept) would leave them above it.
      edit.last_sequence = *max_seq;
      s = Install(&edit);
      if (!s.ok()) return s;
      mem->reset();
    }
  }
  if (!reader.status().ok()) return reader.status();
  if (reader.dropped_bytes() > 0) {
    salvaged_.fetch_add(1, std::memory_order_relaxed);
  }
  return absl::OkStatus();
}

absl::Status DBImpl::NewLog() {
  uint64_t number = versions_->NewFileNumber();
  std::string name = LogFileName(dir_, number);
  auto file = env_->NewWritableFile(name);
  if (!file.ok()) return file.status();
  auto log = std::make_unique<LogWriter>(file->get());
  absl::Status s = log->WriteHeader(kWalMagic, number);
  if (s.ok()) s = (*file)->Sync();
  // The new WAL's directory entry must be durable before a synced write in
  // it is acknowledged.
  if (s.ok()) s = env_->SyncDir(dir_);
  if (!s.ok()) {
    (*file)->Close().IgnoreError();
    env_->RemoveFile(name).IgnoreError();
    return Annotate(s, "creating WAL");
  }
  MutexLock l(&wal_mu_);
  if (log_file_ != nullptr) {
    // Keep the old WAL a durable prefix of history: sync it before writes
    // start landing in the new one.
    s = log_file_->Sync();
    log_file_->Close().IgnoreError();
    if (!s.ok()) return Annotate(s, "syncing WAL");
  }
  log_file_ = std::move(*file);
  log_ = std::move(log);
  log_dirty_ = false;
  log_number_ = number;
  return absl::OkStatus();
}

void DBImpl::DeleteObsoleteFiles(bool at_open) {
  // Decide under the mutex: a new SST is registered in pending_outputs_
  // (under the mutex) before it is created and leaves it only after it is
  // installed, so with the mutex held every file in the listing is either
  // pending, referenced by a live Version, or truly obsolete.
  std::vector<std::string> obsolete;
  {
    MutexLock l(&mu_);
    std::set<uint64_t> live = versions_->LiveFiles();
    live.insert(pending_outputs_.begin(), pending_outputs_.end());
    uint64_t min_log = imms_.empty() ? log_number_ : imms_.front().log_number;
    min_log = std::min(min_log, versions_->log_number());
    auto children = env_->GetChildren(dir_);
    if (!children.ok()) return;
    for (const std::string& name : *children) {
      uint64_t number;
      FileType type;
      if (!ParseFileName(name, &number, &type)) continue;
      bool keep = true;
      switch (type) {
        case FileType::kLog:
          keep = number >= min_log;
          break;
        case FileType::kTable:
          keep = live.count(number) > 0;
          break;
        case FileType::kManifest:
          keep = number == versions_->manifest_number();
          break;
        case FileType::kTemp:
          keep = !at_open;
          break;
        default:
          break;
      }
      if (!keep) {
        if (type == FileType::kTable) table_cache_->Evict(number);
        obsolete.push_back(absl::StrFormat("%s/%s", dir_, name));
      }
    }
  }
  for (const std::string& path : obsolete) env_->RemoveFile(path).IgnoreError();
}

std::unique_ptr<const Snapshot> DBImpl::GetSnapshot() {
  MutexLock l(&mu_);
  SequenceNumber seq = visible_seq_.load(std::memory_order_acquire);
  snapshots_.insert(seq);
  return std::make_unique<SnapshotImpl>(this, seq);
}

void DBImpl::ReleaseSnapshot(SequenceNumber seq) {
  MutexLock l(&mu_);
  auto it = snapshots_.find(seq);
  if (it != snapshots_.end()) snapshots_.erase(it);
}

absl::Status DBImpl::BackgroundError() {
  MutexLock l(&mu_);
  return bg_error_;
}

void DBImpl::RecordBackgroundError(const absl::Status& s) {
  if (bg_error_.ok() && !s.ok()) {
    bg_error_ = absl::Status(
        s.code(),
        absl::StrFormat("DB is read-only after an error: %s", s.message()));
  }
  bg_cv_.SignalAll();
}

Stats DBImpl::GetStats() {
  Stats st;
  auto ld = [](const std::atomic<uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  st.gets = ld(gets_);
  st.iterators_created = ld(iterators_);
  st.blocks_read = ld(read_stats_.blocks_read);
  st.blocks_skipped_time = ld(read_stats_.blocks_skipped_time);
  st.blocks_skipped_expired = ld(read_stats_.blocks_skipped_expired);
  st.files_skipped_time = ld(read_stats_.files_skipped_time);
  st.files_skipped_expired = ld(read_stats_.files_skipped_expired);
  st.bloom_checks = ld(read_stats_.bloom_checks);
  st.bloom_useful = ld(read_stats_.bloom_useful);
  st.block_cache_hits = ld(read_stats_.block_cache_hits);
  st.block_cache_misses = ld(read_stats_.block_cache_misses);
  st.block_cache_bytes = block_cache_ ? block_cache_->charge() : 0;
  st.batches_written = ld(batches_);
  st.records_written = ld(records_);
  st.wal_bytes = ld(wal_bytes_);
  st.wal_syncs = ld(wal_syncs_);
  st.write_groups = ld(groups_);
  st.stall_micros = ld(stall_micros_);
  st.slowdown_micros = ld(slowdown_micros_);
  st.flushes = ld(flushes_);
  st.flush_bytes = ld(flush_bytes_);
  st.wal_records_salvaged_away = ld(salvaged_);
  st.compactions = ld(compactions_);
  st.compaction_bytes_read = ld(compaction_read_);
  st.compaction_bytes_written = ld(compaction_written_);
  st.dropped_expired = ld(dropped_expired_);
  st.dropped_shadowed = ld(dropped_shadowed_);
  st.dropped_deleted = ld(dropped_deleted_);
  st.dropped_tombstones = ld(dropped_tombstones_);
  st.files_dropped_ttl = ld(files_dropped_ttl_);
  st.bytes_dropped_ttl = ld(bytes_dropped_ttl_);
  st.dropped_retention = ld(dropped_retention_);
  st.files_dropped_retention = ld(files_dropped_retention_);
  st.bytes_dropped_retention = ld(bytes_dropped_retention_);
  auto v = versions_->current();
  st.live_files = v->NumFiles();
  st.live_bytes = v->TotalBytes();
  for (const auto& [w, files] : v->windows()) {
    WindowStats ws;
    ws.window_start = WindowStart(w, versions_->time_window_ns());
    ws.files = files.size();
    for (const auto& f : files) {
      ws.bytes += f->file_size;
      ws.records += f->num_records;
      ws.tombstones += f->num_deletes + f->num_range_deletes;
    }
    st.windows.push_back(ws);
  }
  MutexLock l(&mu_);
  st.memtable_bytes = mem_->ApproximateMemoryUsage();
  st.immutable_memtables = imms_.size();
  for (const auto& f : imms_)
    st.memtable_bytes += f.mem->ApproximateMemoryUsage();
  return st;
}

}  // namespace strata
