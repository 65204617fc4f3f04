// Version: an immutable set of live SSTs, partitioned by time window.
// VersionSet: the current Version plus the manifest that makes each change
// durable (schema/manifest.md). Readers hold a shared_ptr<const Version>;
// files stay on disk while any live Version references them.
#ifndef STRATA_LSM_VERSION_H_
#define STRATA_LSM_VERSION_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "lsm/log_writer.h"
#include "lsm/version_edit.h"
#include "strata/env.h"
#include "util/mutex.h"

namespace strata {

using FileList = std::vector<std::shared_ptr<const FileMeta>>;

class LogReader;

class Version {
 public:
  // Window id -> files, newest (highest max_seq) first.
  const std::map<int64_t, FileList>& windows() const { return windows_; }
  uint64_t NumFiles() const;
  uint64_t TotalBytes() const;

 private:
  friend class VersionSet;
  std::map<int64_t, FileList> windows_;
};

// Which window a timestamp falls in, and a window's [start, end) bounds,
// saturated to the int64 range.
int64_t WindowOf(Timestamp ts, int64_t width);
Timestamp WindowStart(int64_t window, int64_t width);
Timestamp WindowEnd(int64_t window, int64_t width);  // exclusive

class VersionSet {
 public:
  VersionSet(std::string dir, Env* env);
  ~VersionSet();

  // Starts a brand-new DB: first manifest and CURRENT.
  absl::Status Create(int64_t time_window_ns);
  // Rebuilds state from CURRENT and the manifest it names, checks that every
  // referenced SST exists, then starts a fresh manifest.
  absl::Status Recover();

  // Makes edit durable in the manifest, then installs the resulting Version.
  // Fills log_number/next_file_number/last_sequence if unset. Serialised
  // internally; safe from any thread.
  absl::Status LogAndApply(VersionEdit* edit);

  std::shared_ptr<const Version> current() const;
  // Every file number referenced by a Version someone still holds.
  std::set<uint64_t> LiveFiles();

  uint64_t NewFileNumber() { return next_file_number_.fetch_add(1); }
  // Makes sure future NewFileNumber() results exceed n.
  void MarkFileNumberUsed(uint64_t n);
  uint64_t log_number() const { return log_number_.load(); }
  uint64_t manifest_number() const { return manifest_number_; }
  SequenceNumber last_sequence() const { return last_sequence_.load(); }
  void SetLastSequence(SequenceNumber s) { last_sequence_.store(s); }
  int64_t time_window_ns() const { return time_window_ns_; }

 private:
  absl::Status WriteSnapshot(LogWriter* log);
  absl::Status CheckNoEditLost(const std::string& path, const LogReader& reader,
                               uint64_t first_next_file);
  absl::Status StartNewManifest();
  static void Apply(const VersionEdit& edit, Version* v);

  const std::string dir_;
  Env* const env_;
  int64_t time_window_ns_ = 0;
  uint64_t manifest_number_ = 0;
  std::atomic<uint64_t> next_file_number_{2};
  std::atomic<uint64_t> log_number_{0};
  std::atomic<SequenceNumber> last_sequence_{0};

  Mutex apply_mu_;  // serialises LogAndApply; held across manifest I/O
  std::unique_ptr<WritableFile> manifest_file_ ABSL_GUARDED_BY(apply_mu_);
  std::unique_ptr<LogWriter> manifest_log_ ABSL_GUARDED_BY(apply_mu_);
  absl::Status manifest_error_ ABSL_GUARDED_BY(apply_mu_);

  mutable Mutex mu_;  // guards current_ and live_
  std::shared_ptr<const Version> current_ ABSL_GUARDED_BY(mu_);
  std::vector<std::weak_ptr<const Version>> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata

#endif  // STRATA_LSM_VERSION_H_
