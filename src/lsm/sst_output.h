// SstOutput: one SST being written by a flush or a compaction. Wraps the
// file and TableBuilder and accumulates the manifest's FileMeta for it.
#ifndef STRATA_LSM_SST_OUTPUT_H_
#define STRATA_LSM_SST_OUTPUT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "lsm/dbformat.h"
#include "lsm/range_tombstone.h"
#include "lsm/table_builder.h"
#include "lsm/version_edit.h"
#include "strata/env.h"

namespace strata {

class SstOutput {
 public:
  SstOutput(Env* env, std::string path, uint64_t number, int64_t window,
            int level);
  SstOutput(const SstOutput&) = delete;
  SstOutput& operator=(const SstOutput&) = delete;

  absl::Status Open(const TableBuildOptions& options);
  // REQUIRES: keys in increasing internal-key order.
  void Add(std::string_view ikey, const ParsedInternalKey& parsed,
           int64_t expire_at, std::string_view value);
  void AddRangeTombstone(const RangeTombstone& t);
  // Finishes the table, syncs and closes the file, fills meta().file_size.
  absl::Status Finish();
  // Drops the partial file.
  void Abandon();

  uint64_t FileSize() const { return builder_ ? builder_->FileSize() : 0; }
  bool empty() const {
    return meta_.num_records == 0 && meta_.num_range_deletes == 0;
  }
  const FileMeta& meta() const { return meta_; }

 private:
  void NoteSeq(SequenceNumber s);

  Env* const env_;
  const std::string path_;
  FileMeta meta_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
};

}  // namespace strata

#endif  // STRATA_LSM_SST_OUTPUT_H_
