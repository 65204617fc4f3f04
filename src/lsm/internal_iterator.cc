// The empty iterator and helpers shared by InternalIterator implementations.
#include "lsm/internal_iterator.h"

#include <utility>

#include "lsm/dbformat.h"

namespace strata {
namespace {

class EmptyIterator final : public InternalIterator {
 public:
  explicit EmptyIterator(absl::Status s) : status_(std::move(s)) {}
  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  int64_t expire_at() const override { return 0; }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

}  // namespace

bool ClampRunBefore(EntryRun* run, std::string_view bound) {
  const int c = run->user_key.compare(ExtractUserKey(bound));
  if (c > 0) run->end = run->begin;
  if (c == 0) {
    // Same user key: entries order by ts ascending, then packed descending.
    const Timestamp ts = ExtractTimestamp(bound);
    const uint64_t packed = ExtractPackedSeqKind(bound);
    size_t lo = run->begin, hi = run->end;  // first entry >= bound
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (run->ts[mid] < ts ||
          (run->ts[mid] == ts && run->packed[mid] > packed)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    run->end = lo;
  }
  return run->end > run->begin;
}

std::unique_ptr<InternalIterator> NewEmptyIterator(absl::Status status) {
  return std::make_unique<EmptyIterator>(std::move(status));
}

}  // namespace strata
