// The read path: taking a consistent view, choosing the sources a scan
// needs (skipping windows, files and blocks outside its time range or fully
// expired, or dead under a retention rule), and the point reads built on
// the iterator.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/db_iter.h"
#include "lsm/dbformat.h"
#include "lsm/merging_iterator.h"
#include "lsm/range_del.h"

namespace strata {
namespace {

bool IsSingleKey(const ScanRange& r) {
  return !r.begin.empty() && r.end.size() == r.begin.size() + 1 &&
         r.end.back() == '\0' && r.end.starts_with(r.begin);
}

// Everything a DBIter pins: the view's memtables and version.
struct Pin {
  std::shared_ptr<MemTable> mem;
  std::vector<std::shared_ptr<MemTable>> imms;
  std::shared_ptr<const Version> version;
};

}  // namespace

DBImpl::View DBImpl::GetView(const ReadOptions& options) {
  View v;
  MutexLock l(&mu_);
  v.mem = mem_;
  for (auto it = imms_.rbegin(); it != imms_.rend(); ++it) {
    v.imms.push_back(it->mem);
  }
  v.version = versions_->current();
  v.rules = rules_;
  v.seq = options.snapshot != nullptr
              ? options.snapshot->sequence()
              : visible_seq_.load(std::memory_order_acquire);
  return v;
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options,
                                              const ScanRange& range) {
  iterators_.fetch_add(1, std::memory_order_relaxed);
  return NewIteratorFromView(GetView(options), options, range);
}

std::unique_ptr<Iterator> DBImpl::NewIteratorFromView(
    View view, const ReadOptions& options, const ScanRange& in_range) {
  const int64_t now = env_->NowNanos();
  // Retention rules: records below the smallest floor over the key range
  // are dead, so the scan starts there (and skips files, blocks and old
  // timestamps by time). Where floors differ inside the range, a per-record
  // filter hides the rest.
  ScanRange range = in_range;
  bool uniform_floor = true;
  if (!view.rules->empty()) {
    range.t0 = std::max(
        range.t0,
        view.rules->MinFloorOver(range.begin, range.end, now, &uniform_floor));
  }
  const int64_t width = versions_->time_window_ns();
  const bool single_key = IsSingleKey(range);
  auto rd = std::make_unique<RangeDelAggregator>(view.seq);
  std::vector<std::unique_ptr<InternalIterator>> children;

  // Memtables: skip those whose points all fall outside the time range
  // (their range tombstones still apply).
  // Oldest timestamp any source may yield: if it is at or above every
  // rule's floor, nothing read can be dead and no per-record filter is
  // needed.
  Timestamp sources_min_ts = kMaxTimestamp;
  auto add_memtable = [&](const std::shared_ptr<MemTable>& m) {
    if (m->num_range_tombstones() > 0) rd->AddAll(m->RangeTombstones());
    if (m->empty() || m->max_ts() < range.t0 || m->min_ts() >= range.t1) {
      return;
    }
    sources_min_ts = std::min(sources_min_ts, m->min_ts());
    children.push_back(m->NewIterator());
  };
  add_memtable(view.mem);
  for (const auto& imm : view.imms) add_memtable(imm);

  TableReadOptions tro;
  tro.verify_checksums = options.verify_checksums;
  tro.fill_cache = options.fill_cache;
  tro.t0 = range.t0;
  tro.t1 = range.t1;
  tro.now = now;
  const auto& windows = view.version->windows();
  if (range.t1 > range.t0) {
    const int64_t last_window = WindowOf(range.t1 - 1, width);
    for (auto w = windows.lower_bound(WindowOf(range.t0, width));
         w != windows.end() && w->first <= last_window; ++w) {
      for (const auto& f : w->second) {
        if (f->num_range_deletes > 0) {
          auto table = table_cache_->Get(f->number, f->file_size);
          if (!table.ok()) {
            children.push_back(NewEmptyIterator(table.status()));
            continue;
          }
          rd->AddAll((*table)->range_tombstones());
        }
        if (!f->has_points()) continue;
        if (!range.end.empty() && ExtractUserKey(f->smallest) >= range.end) {
          continue;
        }
        if (ExtractUserKey(f->largest) < range.begin) continue;
        if (f->max_ts < range.t0 || f->min_ts >= range.t1) {
          ReadStats::Bump(read_stats_.files_skipped_time);
          continue;
        }
        if (!uniform_floor &&
            f->max_ts < view.rules->MinFloorOverClosed(
                            ExtractUserKey(f->smallest),
                            ExtractUserKey(f->largest), now)) {
          // Every record in it is dead under a retention rule.
          ReadStats::Bump(read_stats_.files_skipped_time);
          continue;
        }
        if (f->max_expire <= now) {
          // Holds no tombstone (those never expire): nothing to see.
          ReadStats::Bump(read_stats_.files_skipped_expired);
          continue;
        }
        auto table = table_cache_->Get(f->number, f->file_size);
        if (!table.ok()) {
          children.push_back(NewEmptyIterator(table.status()));
          continue;
        }
        if (single_key && !(*table)->KeyMayMatch(range.begin)) continue;
        sources_min_ts = std::min(sources_min_ts, f->min_ts);
        children.push_back((*table)->NewIterator(tro));
      }
    }
  }
  rd->Finish();

  auto pin = std::make_shared<Pin>();
  pin->mem = std::move(view.mem);
  pin->imms = std::move(view.imms);
  pin->version = std::move(view.version);

  DBIterArgs args;
  args.internal = NewMergingIterator(std::move(children));
  if (!uniform_floor &&
      std::max(range.t0, sources_min_ts) < view.rules->MaxFloor(now)) {
    args.internal =
        NewRetentionFilterIterator(std::move(args.internal), view.rules, now);
  }
  if (!rd->empty()) args.range_dels = std::move(rd);
  args.read_seq = view.seq;
  args.now = now;
  args.begin.assign(range.begin.data(), range.begin.size());
  args.end.assign(range.end.data(), range.end.size());
  args.t0 = range.t0;
  args.t1 = range.t1;
  args.pin = std::move(pin);
  return NewDBIterator(std::move(args));
}

absl::StatusOr<Record> DBImpl::GetLatest(const ReadOptions& options,
                                         std::string_view key) {
  gets_.fetch_add(1, std::memory_order_relaxed);
  if (key.empty()) return absl::NotFoundError("no such record");
  std::string end(key);
  end.push_back('\0');
  ScanRange r{key, end, kMinTimestamp, kMaxTimestamp};
  auto it = NewIteratorFromView(GetView(options), options, r);
  it->SeekToLast();
  if (!it->status().ok()) return it->status();
  if (!it->Valid()) {
    return absl::NotFoundError(absl::StrFormat(
        "no live record at key '%s'", absl::CHexEscape(std::string(key))));
  }
  return Record{std::string(key), it->timestamp(), it->expire_at(),
                std::string(it->value())};
}

}  // namespace strata
