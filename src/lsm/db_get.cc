// Point reads of (key, ts) records: gather a record's versions straight from
// the sources that can hold it (memtables; SSTs of its time window whose key
// range, time range and bloom filter admit it) and apply the visibility rules
// of db_iter.cc, without building a merged scan. Get is a MultiGet of one
// key. A MultiGet reads in three passes over the keys in key order:
// memtables (which decide most fresh keys alone), then each SST once for
// all its keys (table_multiget.h: grouped, so cache misses overlap), then
// the verdicts, reported in key order.
#include <algorithm>
#include <numeric>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lsm/db_impl.h"
#include "lsm/dbformat.h"
#include "lsm/table_multiget.h"

namespace strata {
namespace {

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

// One MultiGet: the view it reads and the state of each key. It is also
// the PinnedValues a caller may keep: the view, blocks and copies the
// reported values lie in; a caller that passes it back gets it reused
// (Start), working memory and all.
class DBImpl::PointReader final : public PinnedValues {
 public:
  explicit PointReader(DBImpl* db) : db_(db) {}

  DBImpl* db() const { return db_; }

  // Readies a read at options' view, dropping the previous one's state
  // (values reported before are invalid from here).
  void Start(const ReadOptions& options) {
    view_ = db_->GetView(options);
    now_ = db_->env_->NowNanos();
    probe_filters_ = !options.keys_likely_exist;
    tro_ = TableReadOptions{};
    tro_.verify_checksums = options.verify_checksums;
    tro_.fill_cache = options.fill_cache;
    // An all-expired block holds nothing that decides. Keys that likely
    // exist lie in blocks that hold them: checking each block's bounds
    // (a cache miss into the table index apiece) would skip nothing.
    if (probe_filters_) tro_.now = now_;
    // Memtables with neither entries nor range tombstones decide nothing
    // (after a flush, all of them): the keys skip them unasked.
    mems_decide_ = false;
    for (size_t i = 0; i < NumMemtables(); ++i) {
      if (!Memtable(i)->empty()) mems_decide_ = true;
    }
    mem_its_.clear();
    targets_.clear();
    cands_.clear();
    values_.clear();
    pins_.clear();
    works_.clear();
    work_of_.clear();
    slots_.clear();
    slots_window_.reset();
  }

  absl::Status Run(std::span<const PointKey> keys, MultiGetCallback found) {
    SortKeys(keys);
    const size_t n = order_.size();
    state_.assign(n, State{});
    // Grown once, not doubling its way up key by key.
    size_t key_bytes = 0;
    for (const PointKey& k : keys) key_bytes += k.key.size();
    targets_.reserve(targets_.size() + key_bytes + n * kInternalKeyTrailer);
    cands_.reserve(cands_.size() + n);
    Timestamp t0 = kMaxTimestamp, t1 = kMinTimestamp;
    RetentionCursor floors(view_.rules.get(), now_);
    for (size_t p = 0; p < n; ++p) {
      const PointKey& k = keys[order_[p]];
      State& st = state_[p];
      // Empty keys and kMaxTimestamp are never stored; records dead under
      // a retention rule are hidden, every version.
      if (k.key.empty() || k.ts == kMaxTimestamp || floors.Dead(k.key, k.ts)) {
        st.verdict = 0;
        continue;
      }
      st.target_offset = targets_.size();
      AppendInternalKey(&targets_, k.key, k.ts, view_.seq, kKindForSeek);
      st.target_size = targets_.size() - st.target_offset;
      if (mems_decide_) {
        absl::Status s = ReadMemtables(p, k);
        if (!s.ok()) return s;
        if (st.verdict >= 0) continue;
      }
      t0 = std::min(t0, k.ts);
      t1 = std::max(t1, k.ts);
      absl::Status s = PlanFiles(p, k);
      if (!s.ok()) return s;
    }
    // Blocks outside the undecided keys' time span are skipped.
    if (probe_filters_) {
      tro_.t0 = t0;
      tro_.t1 = t1 == kMaxTimestamp ? kMaxTimestamp : t1 + 1;
    }
    for (FileWork& work : works_) {
      absl::Status s = ReadFile(work);
      if (!s.ok()) return s;
    }
    // Verdicts, in key order: candidates by key, newest first. Usually
    // one source held each key, in key order, and there is nothing to sort.
    const bool one_per_key =
        std::adjacent_find(cands_.begin(), cands_.end(),
                           [](const Candidate& a, const Candidate& b) {
                             return a.pos >= b.pos;
                           }) == cands_.end();
    if (!one_per_key) SortCandidates(n);
    size_t c = 0;
    for (size_t p = 0; p < n; ++p) {
      State& st = state_[p];
      const size_t begin = c;
      while (c < cands_.size() && cands_[c].pos == p) ++c;
      // Found-in-memtable keys decide again: the sort moved their winner.
      if (st.verdict != 0) st.verdict = Decide(st, begin, c, /*complete=*/true);
      if (st.verdict == 1) {
        const Candidate& v = cands_[st.winner];
        found(order_[p], Value(v), v.expire_at);
      }
    }
    return absl::OkStatus();
  }

 private:
  struct State {
    int verdict = -1;  // 1 = found, 0 = absent, -1 = undecided
    SequenceNumber tomb = 0;
    size_t winner = 0;  // in cands_, when found
    size_t target_offset = 0, target_size = 0;
  };
  struct Candidate {
    uint32_t pos;  // the key's place in key order
    SequenceNumber seq;
    ValueKind kind;
    int64_t expire_at;
    // The value: in a pinned block or a memtable (data), or copied into
    // values_ at value_offset (data null: its source moved on).
    const char* data;
    size_t value_offset, value_size;
  };
  struct FileWork {
    std::shared_ptr<Table> table;
    std::vector<TablePointTarget> targets;  // in key order
  };
  // A file of the window being planned (held by view_).
  struct FileSlot {
    const FileMeta* meta;
    size_t work;                         // in works_
    std::string_view smallest, largest;  // user keys
  };

  void SortKeys(std::span<const PointKey> keys) {
    order_.resize(keys.size());
    std::iota(order_.begin(), order_.end(), 0);
    auto less = [&](uint32_t a, uint32_t b) {
      int c = keys[a].key.compare(keys[b].key);
      return c != 0 ? c < 0 : keys[a].ts < keys[b].ts;
    };
    if (!std::is_sorted(order_.begin(), order_.end(), less)) {
      std::sort(order_.begin(), order_.end(), less);
    }
  }

  // Orders cands_ by key, newest first: placed by key in one counting
  // pass (files hand in their keys in key order, one after another), then
  // a key's few versions by sequence.
  void SortCandidates(size_t n) {
    first_cand_.assign(n + 1, 0);
    for (const Candidate& c : cands_) ++first_cand_[c.pos + 1];
    for (size_t p = 0; p < n; ++p) first_cand_[p + 1] += first_cand_[p];
    sorted_cands_.resize(cands_.size());
    for (const Candidate& c : cands_) sorted_cands_[first_cand_[c.pos]++] = c;
    cands_.swap(sorted_cands_);
    // first_cand_[p] is now where key p's versions end.
    for (size_t p = 0, begin = 0; p < n; begin = first_cand_[p++]) {
      if (first_cand_[p] - begin > 1) {
        std::stable_sort(
            cands_.begin() + static_cast<ptrdiff_t>(begin),
            cands_.begin() + static_cast<ptrdiff_t>(first_cand_[p]),
            [](const Candidate& a, const Candidate& b) {
              return a.seq > b.seq;
            });
      }
    }
  }

  std::string_view Target(const State& st) const {
    return std::string_view(targets_).substr(st.target_offset, st.target_size);
  }

  // `stable`: the value stays where it is while this reader lives.
  void AddCandidate(size_t p, const ParsedInternalKey& ik, int64_t expire_at,
                    std::string_view value, bool stable) {
    cands_.push_back(Candidate{static_cast<uint32_t>(p), ik.seq, ik.kind,
                               expire_at, stable ? value.data() : nullptr,
                               values_.size(), value.size()});
    if (!stable) values_.append(value);
  }
  std::string_view Value(const Candidate& c) const {
    return c.data != nullptr
               ? std::string_view(c.data, c.value_size)
               : std::string_view(values_).substr(c.value_offset, c.value_size);
  }

  // Memtables, newest first. Their versions are newer than anything in an
  // SST, so when they decide, the SSTs need not be read.
  absl::Status ReadMemtables(size_t p, const PointKey& k) {
    State& st = state_[p];
    const size_t begin = cands_.size();
    const std::string_view target = Target(st);
    for (size_t i = 0; i < NumMemtables(); ++i) {
      const MemTable* m = Memtable(i);
      if (m->num_range_tombstones() > 0) {
        st.tomb = std::max(
            st.tomb, MaxCovering(m->RangeTombstones(), k.key, k.ts, view_.seq));
      }
      if (m->empty() || k.ts < m->min_ts() || k.ts > m->max_ts()) continue;
      if (mem_its_.size() <= i) mem_its_.resize(i + 1);
      if (mem_its_[i] == nullptr) mem_its_[i] = m->NewIterator();
      InternalIterator* it = mem_its_[i].get();
      ParsedInternalKey ik;
      for (it->Seek(target); it->Valid(); it->Next()) {
        if (!ParseInternalKey(it->key(), &ik)) {
          return absl::DataLossError("malformed internal key in a memtable");
        }
        if (ik.ts != k.ts || ik.user_key != k.key) break;
        // Memtable entries live as long as view_ holds the memtable.
        AddCandidate(p, ik, it->expire_at(), it->value(), /*stable=*/true);
      }
      if (!it->status().ok()) return it->status();
    }
    if (cands_.size() > begin) {
      std::sort(
          cands_.begin() + static_cast<ptrdiff_t>(begin), cands_.end(),
          [](const Candidate& a, const Candidate& b) { return a.seq > b.seq; });
    }
    st.verdict = Decide(st, begin, cands_.size(), /*complete=*/false);
    return absl::OkStatus();
  }

  size_t NumMemtables() const { return 1 + view_.imms.size(); }
  const MemTable* Memtable(size_t i) const {
    return i == 0 ? view_.mem.get() : view_.imms[i - 1].get();
  }

  // Queues key p on every SST of its window that may hold it, and takes
  // the range tombstones of the window's files.
  absl::Status PlanFiles(size_t p, const PointKey& k) {
    State& st = state_[p];
    const int64_t window = WindowOf(k.ts, db_->versions_->time_window_ns());
    if (slots_window_ != window) {
      absl::Status s = LoadWindow(window);
      if (!s.ok()) return s;
    }
    for (const FileSlot& slot : slots_) {
      const FileMeta& f = *slot.meta;
      const bool may_hold = f.has_points() && k.ts >= f.min_ts &&
                            k.ts <= f.max_ts && k.key >= slot.smallest &&
                            k.key <= slot.largest;
      if (!may_hold && f.num_range_deletes == 0) continue;
      FileWork& work = works_[slot.work];
      if (f.num_range_deletes > 0) {
        st.tomb = std::max(st.tomb, MaxCovering(work.table->range_tombstones(),
                                                k.key, k.ts, view_.seq));
      }
      if (may_hold && (!probe_filters_ || work.table->KeyMayMatch(k.key))) {
        // The view into targets_ is taken when the file is read (the
        // buffer may still grow); the offset stands in until then.
        if (work.targets.empty()) work.targets.reserve(state_.size() - p);
        work.targets.push_back(TablePointTarget{{}, static_cast<uint32_t>(p)});
      }
    }
    return absl::OkStatus();
  }

  // Makes slots_ the files of `window`, each with its FileWork (opening the
  // table the first time a key of this read needs it): keys come in key
  // order, so consecutive keys mostly share a window.
  absl::Status LoadWindow(int64_t window) {
    slots_.clear();
    slots_window_ = window;
    const auto& windows = view_.version->windows();
    auto w = windows.find(window);
    if (w == windows.end()) return absl::OkStatus();
    for (const auto& f : w->second) {
      auto [pos, inserted] = work_of_.try_emplace(f->number, works_.size());
      if (inserted) {
        auto table = db_->table_cache_->Get(f->number, f->file_size);
        if (!table.ok()) {
          work_of_.erase(pos);
          slots_window_.reset();
          return table.status();
        }
        works_.emplace_back();
        works_.back().table = std::move(*table);
      }
      slots_.push_back(FileSlot{f.get(), pos->second,
                                ExtractUserKey(f->smallest),
                                ExtractUserKey(f->largest)});
    }
    return absl::OkStatus();
  }

  absl::Status ReadFile(FileWork& work) {
    if (work.targets.empty()) return absl::OkStatus();
    for (TablePointTarget& t : work.targets) t.seek_key = Target(state_[t.id]);
    return TableMultiGet(
        *work.table, tro_, work.targets,
        [&](uint32_t p, const ParsedInternalKey& ik, int64_t expire_at,
            std::string_view value, bool pinned) {
          AddCandidate(p, ik, expire_at, value, pinned);
          return !Decisive(ik.kind, expire_at);
        },
        &pins_);
  }

  // Whether a version decides its key whatever older versions say (see
  // Decide): a tombstone, or a live value (unless a range tombstone covers
  // it, and then it covers every older version too). Only an expired
  // value lets an older version show.
  bool Decisive(ValueKind kind, int64_t expire_at) const {
    return kind == ValueKind::kDelete || expire_at > now_;
  }

  // Over versions [begin, end) of cands_, newest first: 1 = found (winner
  // set), 0 = absent, -1 = undecided (older sources may decide).
  int Decide(State& st, size_t begin, size_t end, bool complete) {
    for (size_t i = begin; i < end; ++i) {
      const Candidate& v = cands_[i];
      if (v.seq < st.tomb || v.kind == ValueKind::kDelete) return 0;
      if (v.expire_at > now_) {
        st.winner = i;
        return 1;
      }
    }
    if (st.tomb > 0) return 0;  // covers everything older too
    return complete ? 0 : -1;
  }

  DBImpl* const db_;
  View view_;
  int64_t now_ = 0;
  bool probe_filters_ = true;
  bool mems_decide_ = true;  // a memtable of the view has entries or tombs
  TableReadOptions tro_;
  std::vector<std::unique_ptr<InternalIterator>> mem_its_;
  std::vector<uint32_t> order_;  // key order -> index into keys
  std::vector<State> state_;     // by place in key order
  std::string targets_;          // seek keys, back to back
  std::vector<Candidate> cands_;
  std::vector<Candidate> sorted_cands_;  // SortCandidates' scratch
  std::vector<size_t> first_cand_;       // and its counts
  std::string values_;
  BlockPins pins_;               // the blocks pinned candidates' values lie in
  std::vector<FileWork> works_;  // the files to read
  absl::flat_hash_map<uint64_t, size_t> work_of_;  // file number -> works_
  std::vector<FileSlot> slots_;  // the files of window *slots_window_
  std::optional<int64_t> slots_window_;
};

absl::StatusOr<Record> DBImpl::Get(const ReadOptions& options,
                                   std::string_view key, Timestamp ts) {
  gets_.fetch_add(1, std::memory_order_relaxed);
  PointKey k{key, ts};
  std::optional<Record> out;
  PointReader reader(this);
  reader.Start(options);
  absl::Status s = reader.Run(
      std::span<const PointKey>(&k, 1),
      [&](size_t, std::string_view value, int64_t expire_at) {
        out = Record{std::string(key), ts, expire_at, std::string(value)};
      });
  if (!s.ok()) return s;
  if (out.has_value()) return std::move(*out);
  return absl::NotFoundError(absl::StrFormat(
      "no record at key '%s' ts %d", absl::CHexEscape(std::string(key)), ts));
}

absl::Status DBImpl::MultiGet(const ReadOptions& options,
                              std::span<const PointKey> keys,
                              MultiGetCallback found,
                              std::unique_ptr<PinnedValues>* pinned) {
  gets_.fetch_add(keys.size(), std::memory_order_relaxed);
  if (pinned == nullptr) {
    if (keys.empty()) return absl::OkStatus();
    PointReader reader(this);
    reader.Start(options);
    return reader.Run(keys, found);
  }
  // The caller's holder, reused if it is one of this DB's readers.
  auto* reader = dynamic_cast<PointReader*>(pinned->get());
  if (reader == nullptr || reader->db() != this) {
    auto fresh = std::make_unique<PointReader>(this);
    reader = fresh.get();
    *pinned = std::move(fresh);
  }
  reader->Start(options);
  if (keys.empty()) return absl::OkStatus();
  return reader->Run(keys, found);
}

}  // namespace strata
