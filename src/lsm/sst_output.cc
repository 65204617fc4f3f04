#include "lsm/sst_output.h"

#include <algorithm>

namespace strata {

SstOutput::SstOutput(Env* env, std::string path, uint64_t number,
                     int64_t window, int level)
    : env_(env), path_(std::move(path)) {
  meta_.number = number;
  meta_.window_id = window;
  meta_.level = level;
  meta_.min_expire = kNeverExpires;
  meta_.max_expire = kMinTimestamp;
  meta_.min_seq = kMaxSequenceNumber;
  meta_.max_seq = 0;
}

absl::Status SstOutput::Open(const TableBuildOptions& options) {
  auto file = env_->NewWritableFile(path_);
  if (!file.ok()) return file.status();
  file_ = std::move(*file);
  builder_ = std::make_unique<TableBuilder>(options, file_.get(), path_);
  return absl::OkStatus();
}

void SstOutput::NoteSeq(SequenceNumber s) {
  meta_.min_seq = std::min(meta_.min_seq, s);
  meta_.max_seq = std::max(meta_.max_seq, s);
}

void SstOutput::Add(std::string_view ikey, const ParsedInternalKey& ik,
                    int64_t expire_at, std::string_view value) {
  builder_->Add(ikey, expire_at, value);
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
  meta_.raw_bytes += ikey.size() + value.size();
}

void SstOutput::AddRangeTombstone(const RangeTombstone& t) {
  builder_->AddRangeTombstone(t);
  meta_.num_range_deletes++;
  meta_.max_expire = kNeverExpires;
  NoteSeq(t.seq);
}

absl::Status SstOutput::Finish() {
  absl::Status s = builder_->Finish();
  if (s.ok()) s = file_->Sync();
  if (s.ok()) s = file_->Close();
  if (s.ok()) meta_.file_size = builder_->FileSize();
  return s;
}

void SstOutput::Abandon() {
  if (builder_ != nullptr) builder_->Abandon();
  if (file_ != nullptr) file_->Close().IgnoreError();
  env_->RemoveFile(path_).IgnoreError();
}

}  // namespace strata
