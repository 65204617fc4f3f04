// The write path: group commit into the WAL, memtable insert, sequence
// publication, memtable switching and write stalls.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/log_format.h"
#include "lsm/write_batch_internal.h"
#include "util/errors.h"

namespace strata {

struct DBImpl::Writer {
  explicit Writer(const WriteBatch* b, bool s) : batch(b), sync(s) {}
  const WriteBatch* batch;
  bool sync;
  bool done = false;
  absl::Status status;
  CondVar cv;
};

absl::Status DB::Put(const WriteOptions& options, std::string_view key,
                     Timestamp ts, std::string_view value, Expiry expiry) {
  WriteBatch b;
  b.Put(key, ts, value, expiry);
  return Write(options, b);
}

absl::Status DB::Delete(const WriteOptions& options, std::string_view key,
                        Timestamp ts) {
  WriteBatch b;
  b.Delete(key, ts);
  return Write(options, b);
}

absl::Status DB::DeleteRange(const WriteOptions& options,
                             std::string_view begin, std::string_view end,
                             Timestamp t0, Timestamp t1) {
  WriteBatch b;
  b.DeleteRange(begin, end, t0, t1);
  return Write(options, b);
}

absl::Status DBImpl::Write(const WriteOptions& options,
                           const WriteBatch& batch) {
  absl::Status valid = batch.status();
  if (!valid.ok()) return valid;
  if (batch.Count() == 0) return absl::OkStatus();
  // A batch is one WAL record. One too large for a record would fail the
  // append and put the whole DB in read-only mode: refuse it here instead.
  if (WriteBatchInternal::ByteSize(batch) > log::kMaxRecordSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "write batch of %d bytes exceeds the %d-byte limit",
        WriteBatchInternal::ByteSize(batch), log::kMaxRecordSize));
  }

  Writer w(&batch,
           options.sync || options_.sync_policy == SyncPolicy::kEveryBatch);
  MutexLock l(&mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.Wait(&mu_);
  if (w.done) return w.status;

  // This writer leads a group: everyone queued behind it commits with it.
  absl::Status s = MakeRoomForWrite(/*force=*/false);
  Writer* last = &w;
  if (s.ok()) {
    bool sync = false;
    last = BuildGroup(&group_rep_, &sync);
    SequenceNumber first = visible_seq_.load(std::memory_order_relaxed) + 1;
    TtlContext ttl;
    ttl.write_time = env_->NowNanos();
    ttl.default_ttl = options_.default_ttl_ns;
    ttl.from_write_time = options_.ttl_base == TtlBase::kWriteTime;
    WriteBatchInternal::SetHeader(&group_rep_, first, ttl);
    uint32_t count = WriteBatchInternal::Count(group_rep_);
    MemTable* mem = mem_.get();

    // Only the leader appends, so the WAL and memtable need no mutex; other
    // writers keep queueing meanwhile.
    mu_.Unlock();
    {
      MutexLock wl(&wal_mu_);
      s = log_->AddRecord(group_rep_);
      if (s.ok()) s = log_file_->Flush();
      log_dirty_ = true;
      if (s.ok() && sync) {
        s = log_file_->Sync();
        wal_syncs_.fetch_add(1, std::memory_order_relaxed);
        log_dirty_ = false;
        last_sync_nanos_ = env_->MonotonicNanos();
      }
    }
    if (s.ok()) {
      s = WriteBatchInternal::InsertInto(group_rep_, mem);
    }
    wal_bytes_.fetch_add(group_rep_.size(), std::memory_order_relaxed);
    records_.fetch_add(count, std::memory_order_relaxed);
    groups_.fetch_add(1, std::memory_order_relaxed);
    mu_.Lock();
    if (s.ok()) {
      visible_seq_.store(first + count - 1, std::memory_order_release);
      versions_->SetLastSequence(first + count - 1);
    } else {
      // The WAL may hold a partial record now; never append after it.
      RecordBackgroundError(Annotate(s, "writing WAL"));
    }
  }

  while (true) {
    Writer* ready = writers_.front();
    writers_.pop_front();
    batches_.fetch_add(1, std::memory_order_relaxed);
    if (ready != &w) {
      ready->status = s;
      ready->done = true;
      ready->cv.Signal();
    }
    if (ready == last) break;
  }
  if (!writers_.empty()) writers_.front()->cv.Signal();
  return s;
}

DBImpl::Writer* DBImpl::BuildGroup(std::string* rep, bool* sync) {
  Writer* first = writers_.front();
  std::string_view first_rep = WriteBatchInternal::Contents(*first->batch);
  rep->assign(first_rep.data(), first_rep.size());
  *sync = first->sync;
  // Bound the group so a small write is not delayed behind megabytes.
  size_t max_size = first_rep.size() <= (128 << 10)
                        ? first_rep.size() + (128 << 10)
                        : size_t{1} << 20;
  Writer* last = first;
  for (auto it = writers_.begin() + 1; it != writers_.end(); ++it) {
    if ((*it)->batch == nullptr) break;  // a Flush() waiting for its turn
    std::string_view r = WriteBatchInternal::Contents(*(*it)->batch);
    if (rep->size() + r.size() > max_size) break;
    WriteBatchInternal::AppendRecords(rep, r);
    *sync = *sync || (*it)->sync;
    last = *it;
  }
  return last;
}

absl::Status DBImpl::MakeRoomForWrite(bool force) {
  bool slowed = false;
  while (true) {
    if (!bg_error_.ok()) return bg_error_;
    if (shutting_down_) return absl::FailedPreconditionError("DB is closing");
    // Compaction is behind when a window piles up files: slow writers down
    // a little at first, stop them at twice the limit.
    const uint64_t files = max_window_files_.load(std::memory_order_relaxed);
    const uint64_t limit = static_cast<uint64_t>(options_.slowdown_files);
    if (!force && files >= 2 * limit) {
      int64_t start = env_->MonotonicNanos();
      work_cv_.SignalAll();
      bg_cv_.WaitWithTimeout(&mu_, absl::Milliseconds(100));
      stall_micros_.fetch_add((env_->MonotonicNanos() - start) / 1000,
                              std::memory_order_relaxed);
      continue;
    }
    if (!force && !slowed && files >= limit) {
      slowed = true;
      mu_.Unlock();
      env_->SleepForMicros(1000);
      slowdown_micros_.fetch_add(1000, std::memory_order_relaxed);
      mu_.Lock();
      continue;
    }
    // An empty memtable is never full: its arena's first block alone may
    // exceed a tiny write_buffer_size.
    if (!force && (mem_->empty() || mem_->ApproximateMemoryUsage() <
                                        options_.write_buffer_size)) {
      return absl::OkStatus();
    }
    if (force && mem_->empty()) return absl::OkStatus();
    if (!slowed &&
        imms_.size() + 1 >=
            static_cast<size_t>(options_.max_immutable_memtables) &&
        !force) {
      // Nearly out of room: delay this write a little so the flush catches
      // up, rather than stopping writers outright later.
      slowed = true;
      mu_.Unlock();
      env_->SleepForMicros(1000);
      slowdown_micros_.fetch_add(1000, std::memory_order_relaxed);
      mu_.Lock();
      continue;
    }
    if (imms_.size() >= static_cast<size_t>(options_.max_immutable_memtables)) {
      int64_t start = env_->MonotonicNanos();
      work_cv_.SignalAll();
      bg_cv_.Wait(&mu_);
      stall_micros_.fetch_add((env_->MonotonicNanos() - start) / 1000,
                              std::memory_order_relaxed);
      continue;
    }
    Frozen frozen{mem_, log_number_};
    absl::Status s = NewLog();
    if (!s.ok()) {
      RecordBackgroundError(s);
      return bg_error_;
    }
    imms_.push_back(std::move(frozen));
    mem_ = std::make_shared<MemTable>();
    work_cv_.SignalAll();
    if (force) return absl::OkStatus();
  }
}

absl::Status DBImpl::Flush() {
  // Queue like a writer so no group leader is mid-insert into the memtable
  // being frozen.
  Writer w(nullptr, false);
  MutexLock l(&mu_);
  writers_.push_back(&w);
  while (&w != writers_.front()) w.cv.Wait(&mu_);
  absl::Status s = MakeRoomForWrite(/*force=*/true);
  writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.Signal();
  if (!s.ok()) return s;
  while (!imms_.empty() && bg_error_.ok()) bg_cv_.Wait(&mu_);
  return bg_error_;
}

void DBImpl::SyncLoop() {
  const int64_t interval = options_.sync_interval_ms * 1'000'000;
  MutexLock l(&mu_);
  while (!shutting_down_) {
    work_cv_.WaitWithTimeout(&mu_, absl::Nanoseconds(interval));
    if (shutting_down_) break;
    mu_.Unlock();
    absl::Status s;
    {
      MutexLock wl(&wal_mu_);
      if (log_dirty_ &&
          env_->MonotonicNanos() - last_sync_nanos_ >= interval / 2) {
        s = log_file_->Sync();
        log_dirty_ = false;
        last_sync_nanos_ = env_->MonotonicNanos();
        wal_syncs_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    mu_.Lock();
    if (!s.ok()) RecordBackgroundError(Annotate(s, "syncing WAL"));
  }
}

}  // namespace strata
