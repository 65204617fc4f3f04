// Picking compactions per time window: whole-file expiry, garbage-heavy
// windows, size tiers, closing old windows (schema/compaction.md).
#include <algorithm>

#include "lsm/compaction.h"

namespace strata {
namespace {

double ExpiredFraction(const FileMeta& f, int64_t now) {
  if (f.max_expire <= now) return 1;
  if (f.min_expire >= now || f.max_expire == kNeverExpires) {
    // Unknown spread up to "never": count only what surely expired.
    return f.min_expire < now && f.max_expire == kNeverExpires ? 0.0 : 0.0;
  }
  return static_cast<double>(now - f.min_expire) /
         static_cast<double>(f.max_expire - f.min_expire);
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

std::optional<CompactionInputs> PickCompaction(const Version& v,
                                               const PickerOptions& o,
                                               const std::set<int64_t>& busy) {
  const auto& windows = v.windows();
  if (windows.empty()) return std::nullopt;
  const int64_t newest = windows.rbegin()->first;

  // 1. Windows where most of some file is expired or deleted.
  for (const auto& [w, files] : windows) {
    if (busy.count(w)) continue;
    for (const auto& f : files) {
      bool expired = ExpiredFraction(*f, o.now) > 0.5;
      // A lone compacted file keeps tombstones only for a snapshot; do not
      // rewrite it again and again while that snapshot lives.
      bool tombs = TombstoneFraction(*f) > 0.5 &&
                   (files.size() > 1 || f->level == 0);
      if (expired || tombs) {
        return WholeWindow(v, w, CompactionReason::kGarbage);
      }
    }
  }

  // 2. Size tiers: at least merge_trigger files within 2x of each other.
  for (const auto& [w, files] : windows) {
    if (busy.count(w) || files.size() < static_cast<size_t>(o.merge_trigger)) {
      continue;
    }
    FileList sorted = files;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a->file_size < b->file_size;
    });
    size_t best_begin = 0, best_len = 0;
    for (size_t i = 0, j = 0; i < sorted.size(); i++) {
      if (j < i) j = i;
      while (j + 1 < sorted.size() &&
             sorted[j + 1]->file_size <= 2 * std::max<uint64_t>(
                                                 sorted[i]->file_size, 4096)) {
        j++;
      }
      size_t len = j - i + 1;
      if (len >= static_cast<size_t>(o.merge_trigger) && len > best_len) {
        best_begin = i;
        best_len = len;
      }
    }
    // Too many files of any sizes also merge, smallest first.
    if (best_len == 0 && files.size() >= 2 * static_cast<size_t>(o.merge_trigger)) {
      best_len = files.size();
    }
    if (best_len > 0) {
      best_len = std::min<size_t>(best_len, 64);
      CompactionInputs in;
      in.window = w;
      in.reason = CompactionReason::kTiered;
      in.files.assign(sorted.begin() + best_begin,
                      sorted.begin() + best_begin + best_len);
      in.bottommost = in.files.size() == files.size();
      return in;
    }
  }

  // 3. Close windows that stopped receiving most writes: one sorted run.
  for (const auto& [w, files] : windows) {
    if (w == newest || busy.count(w) || files.size() < 2) continue;
    uint64_t largest = 0, total = 0;
    for (const auto& f : files) {
      largest = std::max(largest, f->file_size);
      total += f->file_size;
    }
    if (total - largest >= largest / 10) {
      return WholeWindow(v, w, CompactionReason::kCloseWindow);
    }
  }
  return std::nullopt;
}

}  // namespace strata
