// Point reads of one (key, ts): gather that record's versions straight from
// the sources that can hold it (memtables; SSTs of its time window whose key
// range, time range and bloom filter admit it) and apply the visibility rules
// of db_iter.cc, without building a merged scan.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

struct Candidate {
  SequenceNumber seq;
  ValueKind kind;
  int64_t expire_at;
  std::string value;
};

// Appends every version of (key, ts) visible at seq from one source.
absl::Status Collect(InternalIterator* it, std::string_view target,
                     std::string_view key, Timestamp ts,
                     std::vector<Candidate>* out) {
  ParsedInternalKey ik;
  for (it->Seek(target); it->Valid(); it->Next()) {
    if (!ParseInternalKey(it->key(), &ik)) {
      return absl::DataLossError("malformed internal key in a data source");
    }
    if (ik.ts != ts || ik.user_key != key) break;
    out->push_back(
        Candidate{ik.seq, ik.kind, it->expire_at(), std::string(it->value())});
  }
  return it->status();
}

SequenceNumber MaxCovering(const std::vector<RangeTombstone>& tombs,
                           std::string_view key, Timestamp ts,
                           SequenceNumber read_seq) {
  SequenceNumber best = 0;
  for (const RangeTombstone& t : tombs) {
    if (t.seq <= read_seq && t.seq > best && ts >= t.t0 && ts < t.t1 &&
        t.CoversKey(key)) {
      best = t.seq;
    }
  }
  return best;
}

}  // namespace

absl::StatusOr<Record> DBImpl::Get(const ReadOptions& options,
                                   std::string_view key, Timestamp ts) {
  gets_.fetch_add(1, std::memory_order_relaxed);
  auto not_found = [&] {
    return absl::NotFoundError(absl::StrFormat(
        "no record at key '%s' ts %d", absl::CHexEscape(std::string(key)), ts));
  };
  if (key.empty() || ts == kMaxTimestamp) return not_found();

  View view = GetView(options);
  const int64_t now = env_->NowNanos();
  // Dead under a retention rule: every version is hidden, so nothing to read.
  if (ts < view.rules->FloorForKey(key, now)) return not_found();
  const std::string target = SeekKey(key, ts, view.seq);
  std::vector<Candidate> versions;
  SequenceNumber tomb = 0;

  // Memtables, newest first. Their versions are newer than anything in an
  // SST, so once one of them decides, the SSTs need not be read.
  std::vector<const MemTable*> mems{view.mem.get()};
  for (const auto& m : view.imms) mems.push_back(m.get());
  for (const MemTable* m : mems) {
    if (m->num_range_tombstones() > 0) {
      tomb =
          std::max(tomb, MaxCovering(m->RangeTombstones(), key, ts, view.seq));
    }
    if (m->empty() || ts < m->min_ts() || ts > m->max_ts()) continue;
    auto it = m->NewIterator();
    absl::Status s = Collect(it.get(), target, key, ts, &versions);
    if (!s.ok()) return s;
  }
  auto decide = [&](bool complete, Record* out) -> int {
    // 1 = found, 0 = absent, -1 = undecided (older sources may decide).
    std::sort(
        versions.begin(), versions.end(),
        [](const Candidate& a, const Candidate& b) { return a.seq > b.seq; });
    for (const Candidate& v : versions) {
      if (v.seq < tomb || v.kind == ValueKind::kDelete) return 0;
      if (v.expire_at > now) {
        *out = Record{std::string(key), ts, v.expire_at, v.value};
        return 1;
      }
    }
    if (tomb > 0) return 0;  // covers everything older too
    return complete ? 0 : -1;
  };
  Record found;
  int verdict = decide(/*complete=*/false, &found);
  if (verdict == 1) return found;
  if (verdict == 0) return not_found();

  // SSTs of the record's window.
  const auto& windows = view.version->windows();
  auto w = windows.find(WindowOf(ts, versions_->time_window_ns()));
  if (w != windows.end()) {
    TableReadOptions tro;
    tro.verify_checksums = options.verify_checksums;
    tro.fill_cache = options.fill_cache;
    tro.t0 = ts;
    tro.t1 = ts + 1;
    tro.now = now;  // an all-expired block holds nothing that decides
    for (const auto& f : w->second) {
      if (f->num_range_deletes > 0) {
        auto table = table_cache_->Get(f->number, f->file_size);
        if (!table.ok()) return table.status();
        tomb = std::max(
            tomb, MaxCovering((*table)->range_tombstones(), key, ts, view.seq));
      }
      if (!f->has_points() || ts < f->min_ts || ts > f->max_ts ||
          key < ExtractUserKey(f->smallest) ||
          key > ExtractUserKey(f->largest)) {
        continue;
      }
      auto table = table_cache_->Get(f->number, f->file_size);
      if (!table.ok()) return table.status();
      if (!(*table)->KeyMayMatch(key)) continue;
      auto it = (*table)->NewIterator(tro);
      absl::Status s = Collect(it.get(), target, key, ts, &versions);
      if (!s.ok()) return s;
    }
  }
  verdict = decide(/*complete=*/true, &found);
  if (verdict == 1) return found;
  return not_found();
}

}  // namespace strata
