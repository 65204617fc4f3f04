// Picking compactions per time window: whole-file expiry (by TTL or by
// retention rule), garbage-heavy windows, size tiers, closing old windows
// (schema/compaction.md).
#include <algorithm>
#include <map>

#include "lsm/compaction.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

// Share of a file's records already expired, assuming their expiries are
// spread evenly over [min_expire, max_expire]. Files holding records that
// never expire (or tombstones) report 0: only whole-file drops reach them.
double ExpiredFraction(const FileMeta& f, int64_t now) {
  if (f.max_expire <= now) return 1;
  if (f.min_expire >= now || f.max_expire == kNeverExpires) return 0;
  // Doubles: the span may exceed int64 (expiries can be far in the past).
  return (static_cast<double>(now) - static_cast<double>(f.min_expire)) /
         (static_cast<double>(f.max_expire) -
          static_cast<double>(f.min_expire));
}

// Share of a file's records dead under the retention rules, assuming their
// timestamps spread evenly over [min_ts, max_ts], with the smallest floor
// over the file's keys (0 if some of its keys are under no rule).
double RuleDeadFraction(const FileMeta& f, const RetentionRules* rules,
                        int64_t now) {
  if (rules == nullptr || rules->empty() || !f.has_points()) return 0;
  const Timestamp floor = rules->MinFloorOverClosed(
      ExtractUserKey(f.smallest), ExtractUserKey(f.largest), now);
  if (f.max_ts < floor) return 1;
  if (f.min_ts >= floor) return 0;
  return (static_cast<double>(floor) - static_cast<double>(f.min_ts)) /
         (static_cast<double>(f.max_ts) - static_cast<double>(f.min_ts) + 1);
}

// f and g may hold versions of the same record.
bool MayShareRecords(const FileMeta& f, const FileMeta& g) {
  return f.has_points() && g.has_points() && f.min_ts <= g.max_ts &&
         g.min_ts <= f.max_ts &&
         ExtractUserKey(f.smallest) <= ExtractUserKey(g.largest) &&
         ExtractUserKey(g.smallest) <= ExtractUserKey(f.largest);
}

double TombstoneFraction(const FileMeta& f) {
  uint64_t tombs = f.num_deletes + f.num_range_deletes;
  uint64_t total = f.num_records + f.num_range_deletes;
  return total == 0 ? 0 : static_cast<double>(tombs) / total;
}

}  // namespace

const char* CompactionReasonName(CompactionReason r) {
  switch (r) {
    case CompactionReason::kGarbage:
      return "garbage";
    case CompactionReason::kTiered:
      return "tiered";
    case CompactionReason::kCloseWindow:
      return "close-window";
    case CompactionReason::kManual:
      return "manual";
  }
  return "?";
}

FileList PickExpiredFiles(const Version& v, int64_t now,
                          const std::set<int64_t>& busy) {
  FileList out;
  for (const auto& [w, files] : v.windows()) {
    if (busy.count(w)) continue;
    for (const auto& f : files) {
      // Tombstones never expire, so such a file holds none.
      if (f->max_expire <= now) out.push_back(f);
    }
  }
  return out;
}

FileList PickRetentionDeadFiles(const Version& v, const RetentionRules& rules,
                                int64_t now, const std::set<int64_t>& busy) {
  FileList out;
  if (rules.empty()) return out;
  for (const auto& [w, files] : v.windows()) {
    if (busy.count(w)) continue;
    std::vector<bool> dead(files.size(), false);
    bool any = false;
    for (size_t i = 0; i < files.size(); i++) {
      const FileMeta& f = *files[i];
      // Range tombstones may reach keys outside the file's point keys.
      dead[i] =
          f.has_points() && f.num_range_deletes == 0 &&
          f.max_ts < rules.MinFloorOverClosed(ExtractUserKey(f.smallest),
                                              ExtractUserKey(f.largest), now);
      any = any || dead[i];
    }
    if (!any) continue;
    // A dead file goes only with every kept file that may hold an older
    // version of one of its records: dropping the newer version alone would
    // let the older one resurface if the rule were later lengthened.
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < files.size(); i++) {
        if (!dead[i]) continue;
        for (size_t j = 0; j < files.size(); j++) {
          if (dead[j] || files[j]->min_seq >= files[i]->max_seq) continue;
          if (MayShareRecords(*files[i], *files[j])) {
            dead[i] = false;
            changed = true;
            break;
          }
        }
      }
    }
    for (size_t i = 0; i < files.size(); i++) {
      if (dead[i]) out.push_back(files[i]);
    }
  }
  return out;
}

CompactionInputs WholeWindow(const Version& v, int64_t window,
                             CompactionReason reason) {
  CompactionInputs in;
  in.window = window;
  in.reason = reason;
  in.bottommost = true;
  auto it = v.windows().find(window);
  if (it != v.windows().end()) in.files = it->second;
  return in;
}

namespace {

// A sorted run: one flushed file, or all outputs of one compaction.
struct Unit {
  FileList files;
  uint64_t bytes = 0;
};

std::vector<Unit> Units(const FileList& files) {
  std::map<uint64_t, Unit> by_run;
  for (const auto& f : files) {
    Unit& u = by_run[f->run_id()];
    u.files.push_back(f);
    u.bytes += f->file_size;
  }
  std::vector<Unit> units;
  for (auto& [id, u] : by_run) units.push_back(std::move(u));
  return units;
}

}  // namespace

std::optional<CompactionInputs> PickCompaction(const Version& v,
                                               const PickerOptions& o,
                                               const std::set<int64_t>& busy) {
  const auto& windows = v.windows();
  if (windows.empty()) return std::nullopt;
  const int64_t newest = windows.rbegin()->first;

  // 1. Windows where most of some file is expired or deleted. Expired data
  // always goes, so that rule converges; tombstones may be kept for a
  // snapshot, so a window that is already one compacted run is left alone.
  for (const auto& [w, files] : windows) {
    if (busy.count(w)) continue;
    const bool one_run = Units(files).size() == 1 && files.front()->level > 0;
    for (const auto& f : files) {
      double dead = std::max(ExpiredFraction(*f, o.now),
                             RuleDeadFraction(*f, o.rules, o.now));
      if (dead <= 0.5 && o.mixed_dead_fraction) {
        dead = std::max(dead, o.mixed_dead_fraction(*f));
      }
      bool expired = dead > 0.5;
      bool tombs = !one_run && TombstoneFraction(*f) > 0.5;
      if (expired || tombs) {
        return WholeWindow(v, w, CompactionReason::kGarbage);
      }
    }
  }

  // 2. Size tiers: at least merge_trigger runs within 2x of each other.
  for (const auto& [w, files] : windows) {
    if (busy.count(w)) continue;
    std::vector<Unit> units = Units(files);
    if (units.size() < static_cast<size_t>(o.merge_trigger)) continue;
    std::sort(units.begin(), units.end(),
              [](const Unit& a, const Unit& b) { return a.bytes < b.bytes; });
    size_t best_begin = 0, best_len = 0;
    for (size_t i = 0, j = 0; i < units.size(); i++) {
      if (j < i) j = i;
      uint64_t cap = 2 * std::max<uint64_t>(units[i].bytes, 4096);
      while (j + 1 < units.size() && units[j + 1].bytes <= cap) j++;
      size_t len = j - i + 1;
      if (len >= static_cast<size_t>(o.merge_trigger) && len > best_len) {
        best_begin = i;
        best_len = len;
      }
    }
    // Too many runs of any sizes also merge, smallest first.
    if (best_len == 0 &&
        units.size() >= 2 * static_cast<size_t>(o.merge_trigger)) {
      best_len = units.size();
    }
    if (best_len > 0) {
      best_len = std::min<size_t>(best_len, 32);
      CompactionInputs in;
      in.window = w;
      in.reason = CompactionReason::kTiered;
      for (size_t i = best_begin; i < best_begin + best_len; i++) {
        in.files.insert(in.files.end(), units[i].files.begin(),
                        units[i].files.end());
      }
      in.bottommost = in.files.size() == files.size();
      return in;
    }
  }

  // 3. Close windows that stopped receiving most writes: one sorted run.
  for (const auto& [w, files] : windows) {
    if (w == newest || busy.count(w)) continue;
    std::vector<Unit> units = Units(files);
    if (units.size() < 2) continue;
    uint64_t largest = 0, total = 0;
    for (const auto& u : units) {
      largest = std::max(largest, u.bytes);
      total += u.bytes;
    }
    if (total - largest >= largest / 10) {
      return WholeWindow(v, w, CompactionReason::kCloseWindow);
    }
  }
  return std::nullopt;
}

}  // namespace strata
