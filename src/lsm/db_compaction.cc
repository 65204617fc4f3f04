// Background compaction and retention for DBImpl: retention rules,
// whole-file drops (TTL or rule), picked compactions, manual CompactRange,
// and waiting for quiescence.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/dbformat.h"
#include "lsm/table_reader.h"
#include "util/errors.h"

namespace strata {

absl::Status DBImpl::Install(VersionEdit* edit) {
  absl::Status s = versions_->LogAndApply(edit);
  if (!s.ok()) return s;
  uint64_t most = 0;
  // Hold the Version: a temporary would die inside the range-for.
  auto v = versions_->current();
  for (const auto& [w, files] : v->windows()) {
    most = std::max<uint64_t>(most, files.size());
  }
  max_window_files_.store(most, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status DBImpl::SetRetentionRule(std::string_view begin,
                                      std::string_view end,
                                      int64_t retention_ns) {
  MutexLock l(&mu_);
  auto next = RetentionRules::With(rules_.get(), begin, end, retention_ns);
  if (!next.ok()) return next.status();
  rules_ = std::move(*next);
  coverage_.clear();  // summaries are per rule set
  // Time or a shorter retention may have made data dead: let the
  // background threads look now rather than at their next idle tick.
  work_cv_.SignalAll();
  return absl::OkStatus();
}

FileList DBImpl::PickDroppableFiles(const Version& v, int64_t now,
                                    bool* by_rule) {
  *by_rule = false;
  FileList files = PickExpiredFiles(v, now, compacting_windows_);
  if (!files.empty()) return files;
  *by_rule = true;
  return PickRetentionDeadFiles(v, *rules_, now, compacting_windows_);
}

FileList DBImpl::FilesNeedingCoverage(const Version& v, int64_t now) {
  FileList out;
  if (rules_->empty()) return out;
  const Timestamp max_floor = rules_->MaxFloor(now);
  for (const auto& [w, files] : v.windows()) {
    if (compacting_windows_.count(w)) continue;
    for (const auto& f : files) {
      // Only files that may hold dead data, and only once per rule set.
      if (!f->has_points() || f->min_ts >= max_floor ||
          coverage_.count(f->number)) {
        continue;
      }
      std::string_view first = ExtractUserKey(f->smallest);
      std::string_view last = ExtractUserKey(f->largest);
      // Wholly covered files are estimated from their metadata alone.
      if (rules_->LongestRetentionOverClosed(first, last) >= 0) continue;
      if (rules_->TouchesClosed(first, last)) out.push_back(f);
    }
  }
  return out;
}

void DBImpl::ComputeCoverage(const FileList& files) {
  std::shared_ptr<const RetentionRules> rules = rules_;
  mu_.Unlock();
  std::vector<std::pair<uint64_t, RuleCoverage>> done;
  for (const auto& f : files) {
    RuleCoverage c;
    // The index is in memory once the table is open: no data block is
    // read. A table that fails to open gets an empty summary (nothing
    // known dead) rather than a retry loop; reads report the error.
    auto table = table_cache_->Get(f->number, f->file_size);
    if (table.ok()) c = SummarizeRuleCoverage((*table)->index(), *rules);
    done.emplace_back(f->number, std::move(c));
  }
  mu_.Lock();
  if (rules_ != rules) return;  // computed for rules no longer in force
  std::set<uint64_t> live;
  {
    auto v = versions_->current();
    for (const auto& [w, fs] : v->windows()) {
      for (const auto& f : fs) live.insert(f->number);
    }
  }
  for (auto it = coverage_.begin(); it != coverage_.end();) {
    it = live.count(it->first) ? std::next(it) : coverage_.erase(it);
  }
  for (auto& [number, c] : done) {
    if (live.count(number)) coverage_[number] = std::move(c);
  }
}

PickerOptions DBImpl::MakePickerOptions(int64_t now) {
  PickerOptions po;
  po.merge_trigger = options_.window_merge_trigger;
  po.now = now;
  po.rules = rules_.get();
  if (!coverage_.empty()) {
    // Called by the picker, under mu_.
    po.mixed_dead_fraction =
        [this, now](const FileMeta& f) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          auto it = coverage_.find(f.number);
          return it == coverage_.end() ? 0.0 : it->second.DeadFraction(now);
        };
  }
  return po;
}

bool DBImpl::HasCompactionWork() {
  auto v = versions_->current();
  const int64_t now = env_->NowNanos();
  bool by_rule;
  if (!PickDroppableFiles(*v, now, &by_rule).empty()) return true;
  if (PickCompaction(*v, MakePickerOptions(now), compacting_windows_)) {
    return true;
  }
  return !FilesNeedingCoverage(*v, now).empty();
}

bool DBImpl::MaybeCompact() {
  // Hold the Version only while picking: a held Version pins its files on
  // disk, including the ones this work is about to make obsolete.
  auto v = versions_->current();
  const int64_t now = env_->NowNanos();
  bool by_rule;
  FileList expired = PickDroppableFiles(*v, now, &by_rule);
  std::optional<CompactionInputs> picked;
  FileList need_coverage;
  if (expired.empty()) {
    picked = PickCompaction(*v, MakePickerOptions(now), compacting_windows_);
    // With nothing else to do, learn which mixed files hold dead data.
    if (!picked) need_coverage = FilesNeedingCoverage(*v, now);
  }
  v.reset();
  if (!expired.empty()) {
    absl::Status s = DropExpiredFiles(expired, by_rule);
    if (!s.ok()) RecordBackgroundError(Annotate(s, "dropping expired SSTs"));
    return true;
  }
  if (!need_coverage.empty()) {
    ComputeCoverage(need_coverage);
    return true;
  }
  if (!picked) return false;
  absl::Status s = RunAndInstall(*picked);
  if (!s.ok()) RecordBackgroundError(Annotate(s, "compaction"));
  return true;
}

absl::Status DBImpl::DropExpiredFiles(const FileList& files, bool by_rule) {
  VersionEdit edit;
  uint64_t bytes = 0;
  std::set<int64_t> windows;
  for (const auto& f : files) {
    edit.DeleteFile(f->window_id, f->number);
    bytes += f->file_size;
    windows.insert(f->window_id);
  }
  // Mark the windows busy so another thread cannot pick the same files
  // while the mutex is released (they would be dropped, and counted, twice).
  for (int64_t w : windows) compacting_windows_.insert(w);
  mu_.Unlock();
  absl::Status s = Install(&edit);
  if (s.ok()) {
    auto& nfiles = by_rule ? files_dropped_retention_ : files_dropped_ttl_;
    auto& nbytes = by_rule ? bytes_dropped_retention_ : bytes_dropped_ttl_;
    nfiles.fetch_add(files.size(), std::memory_order_relaxed);
    nbytes.fetch_add(bytes, std::memory_order_relaxed);
    // Before the windows stop being busy, so that waiting for background
    // work also waits for the disk space to come back.
    DeleteObsoleteFiles(/*at_open=*/false);
  }
  mu_.Lock();
  for (int64_t w : windows) compacting_windows_.erase(w);
  bg_cv_.SignalAll();
  return s;
}

absl::Status DBImpl::RunAndInstall(const CompactionInputs& inputs) {
  compacting_windows_.insert(inputs.window);
  CompactionContext ctx;
  ctx.tables = table_cache_.get();
  ctx.snapshots.assign(snapshots_.begin(), snapshots_.end());
  ctx.now = env_->NowNanos();
  ctx.target_file_size = options_.target_file_size;
  ctx.rules = rules_;
  ctx.new_output = [this](int64_t window) { return NewOutput(window, 1); };
  ctx.finish_outputs = [this](std::vector<std::unique_ptr<SstOutput>>* outs,
                              absl::Status s, std::vector<FileMeta>* metas) {
    std::map<int64_t, std::unique_ptr<SstOutput>> keyed;
    int64_t i = 0;
    for (auto& o : *outs) keyed.emplace(i++, std::move(o));
    outs->clear();
    return FinishOutputs(&keyed, s, metas);
  };
  mu_.Unlock();

  absl::StatusOr<CompactionResult> r = RunCompaction(inputs, ctx);
  absl::Status s = r.status();
  if (s.ok()) {
    VersionEdit edit;
    for (const auto& f : inputs.files) edit.DeleteFile(f->window_id, f->number);
    // The outputs form one sorted run: the picker treats them as a unit.
    for (auto m : r->outputs) {
      m.run = r->outputs.front().number;
      edit.AddFile(m);
    }
    s = Install(&edit);
  }
  if (s.ok()) {
    compactions_.fetch_add(1, std::memory_order_relaxed);
    compaction_read_.fetch_add(r->bytes_read, std::memory_order_relaxed);
    compaction_written_.fetch_add(r->bytes_written, std::memory_order_relaxed);
    dropped_expired_.fetch_add(r->dropped_expired, std::memory_order_relaxed);
    dropped_shadowed_.fetch_add(r->dropped_shadowed, std::memory_order_relaxed);
    dropped_deleted_.fetch_add(r->dropped_deleted, std::memory_order_relaxed);
    dropped_tombstones_.fetch_add(r->dropped_tombstones,
                                  std::memory_order_relaxed);
    dropped_retention_.fetch_add(r->dropped_retention,
                                 std::memory_order_relaxed);
  }
  mu_.Lock();
  if (r.ok()) {
    for (const auto& m : r->outputs) pending_outputs_.erase(m.number);
  }
  if (s.ok()) {
    // While the window is still busy (see DropExpiredFiles).
    mu_.Unlock();
    DeleteObsoleteFiles(/*at_open=*/false);
    mu_.Lock();
  }
  compacting_windows_.erase(inputs.window);
  bg_cv_.SignalAll();
  return s;
}

absl::Status DBImpl::CompactRange(std::string_view begin,
                                  std::string_view end) {
  absl::Status s = Flush();
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  // Expired and rule-dead files go first: they need no rewrite.
  while (bg_error_.ok()) {
    bool by_rule;
    FileList expired =
        PickDroppableFiles(*versions_->current(), env_->NowNanos(), &by_rule);
    if (expired.empty()) break;
    s = DropExpiredFiles(expired, by_rule);
    if (!s.ok()) RecordBackgroundError(s);
  }
  std::vector<int64_t> windows;
  auto v = versions_->current();
  for (const auto& [w, files] : v->windows()) {
    for (const auto& f : files) {
      bool overlaps = (end.empty() || ExtractUserKey(f->smallest) < end ||
                       !f->has_points()) &&
                      (!f->has_points() || ExtractUserKey(f->largest) >= begin);
      if (overlaps) {
        windows.push_back(w);
        break;
      }
    }
  }
  v.reset();  // do not pin the files the compactions below replace
  for (int64_t w : windows) {
    while (compacting_windows_.count(w) && bg_error_.ok()) bg_cv_.Wait(&mu_);
    if (!bg_error_.ok()) return bg_error_;
    CompactionInputs in =
        WholeWindow(*versions_->current(), w, CompactionReason::kManual);
    if (in.files.empty()) continue;
    s = RunAndInstall(in);
    if (!s.ok()) {
      RecordBackgroundError(Annotate(s, "compaction"));
      return bg_error_;
    }
  }
  return bg_error_;
}

absl::Status DBImpl::WaitForBackgroundWork() {
  MutexLock l(&mu_);
  while (bg_error_.ok() &&
         (!imms_.empty() || flush_running_ || !compacting_windows_.empty() ||
          HasCompactionWork())) {
    work_cv_.SignalAll();
    bg_cv_.WaitWithTimeout(&mu_, absl::Milliseconds(100));
  }
  return bg_error_;
}

}  // namespace strata
