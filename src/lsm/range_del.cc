#include "lsm/range_del.h"

#include <algorithm>

namespace strata {

void RangeDelAggregator::Add(const RangeTombstone& t) {
  if (t.seq > read_seq_) return;
  if (!t.end.empty() && t.end <= t.begin) return;  // empty key range
  if (t.t1 <= t.t0) return;                        // empty time range
  tombstones_.push_back(t);
}

void RangeDelAggregator::Finish() {
  fragments_.clear();
  if (tombstones_.empty()) return;
  // Boundaries: every begin and every bounded end. An unbounded end runs to
  // the end of the key space, so the last fragment is open-ended.
  std::vector<std::string> bounds;
  bounds.reserve(tombstones_.size() * 2);
  for (const auto& t : tombstones_) {
    bounds.push_back(t.begin);
    if (!t.end.empty()) bounds.push_back(t.end);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  // Sweep: tombstones sorted by begin enter the active set at their begin
  // and leave it at their end.
  std::vector<uint32_t> order(tombstones_.size());
  for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return tombstones_[a].begin < tombstones_[b].begin;
  });
  std::vector<uint32_t> active;
  size_t next = 0;
  for (const std::string& b : bounds) {
    active.erase(std::remove_if(active.begin(), active.end(),
                                [&](uint32_t i) {
                                  const auto& e = tombstones_[i].end;
                                  return !e.empty() && e <= b;
                                }),
                 active.end());
    while (next < order.size() && tombstones_[order[next]].begin <= b) {
      active.push_back(order[next++]);
    }
    fragments_.push_back(Fragment{b, active});
  }
  last_fragment_ = 0;
}

const RangeDelAggregator::Fragment* RangeDelAggregator::FindFragment(
    std::string_view key) const {
  if (fragments_.empty() || key < fragments_.front().begin) return nullptr;
  size_t i = last_fragment_;
  bool hint_ok = i < fragments_.size() && fragments_[i].begin <= key &&
                 (i + 1 == fragments_.size() || key < fragments_[i + 1].begin);
  if (!hint_ok) {
    auto it = std::upper_bound(
        fragments_.begin(), fragments_.end(), key,
        [](std::string_view k, const Fragment& f) { return k < f.begin; });
    i = static_cast<size_t>(it - fragments_.begin()) - 1;
    last_fragment_ = i;
  }
  return &fragments_[i];
}

SequenceNumber RangeDelAggregator::MaxCoveringSeq(std::string_view key,
                                                  Timestamp ts) const {
  const Fragment* f = FindFragment(key);
  if (f == nullptr) return 0;
  SequenceNumber best = 0;
  for (uint32_t i : f->covering) {
    const RangeTombstone& t = tombstones_[i];
    if (ts >= t.t0 && ts < t.t1 && t.seq > best) best = t.seq;
  }
  return best;
}

bool RangeDelAggregator::CoveredBetween(std::string_view key, Timestamp ts,
                                        SequenceNumber seq,
                                        SequenceNumber upper) const {
  const Fragment* f = FindFragment(key);
  if (f == nullptr) return false;
  for (uint32_t i : f->covering) {
    const RangeTombstone& t = tombstones_[i];
    if (ts >= t.t0 && ts < t.t1 && t.seq > seq && t.seq <= upper) return true;
  }
  return false;
}

bool RangeDelAggregator::ShouldDelete(std::string_view key, Timestamp ts,
                                      SequenceNumber seq) const {
  if (tombstones_.empty()) return false;
  return MaxCoveringSeq(key, ts) > seq;
}

}  // namespace strata
