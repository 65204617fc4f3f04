// The in-memory reference for strata::DB that the model, corruption and
// crash tests compare against: every version ever written, kept with its
// sequence number, plus every range tombstone, and reads that evaluate the
// visibility rules of db.h / db_iter.cc literally. Slow and simple on
// purpose; it must never share code with the engine it checks.
//
// Also here, because the crash child and its parent must agree on it: the
// deterministic batch generator of the crash test (MakeCrashBatch).
#ifndef STRATA_TESTS_LSM_MODEL_REFERENCE_H_
#define STRATA_TESTS_LSM_MODEL_REFERENCE_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "strata/iterator.h"
#include "strata/options.h"
#include "strata/types.h"
#include "strata/write_batch.h"
#include "util/random.h"

namespace strata::model {

// One write, as given to WriteBatch.
struct Op {
  enum Kind { kPut, kDelete, kDeleteRange };
  Kind kind = kPut;
  std::string key;               // put/delete key; range delete begin
  std::string end;               // range delete end ("" = unbounded)
  Timestamp ts = 0;              // put/delete ts; range delete t0
  Timestamp t1 = kMaxTimestamp;  // range delete only
  std::string value;
  Expiry expiry = Expiry::Default();
};

inline void AddToBatch(const Op& op, WriteBatch* b) {
  switch (op.kind) {
    case Op::kPut:
      b->Put(op.key, op.ts, op.value, op.expiry);
      break;
    case Op::kDelete:
      b->Delete(op.key, op.ts);
      break;
    case Op::kDeleteRange:
      b->DeleteRange(op.key, op.end, op.ts, op.t1);
      break;
  }
}

inline WriteBatch ToBatch(const std::vector<Op>& ops) {
  WriteBatch b;
  for (const Op& op : ops) AddToBatch(op, &b);
  return b;
}

inline std::string Printable(std::string_view s) {
  return absl::CHexEscape(std::string(s));
}

inline std::string Describe(const Op& op) {
  switch (op.kind) {
    case Op::kPut:
      return absl::StrFormat("put('%s', %d, '%s', expiry kind %d value %d)",
                             Printable(op.key), op.ts, Printable(op.value),
                             static_cast<int>(op.expiry.kind()),
                             op.expiry.value());
    case Op::kDelete:
      return absl::StrFormat("delete('%s', %d)", Printable(op.key), op.ts);
    case Op::kDeleteRange:
      return absl::StrFormat("delete_range(['%s', '%s'), ts [%d, %d))",
                             Printable(op.key), Printable(op.end), op.ts,
                             op.t1);
  }
  return "?";
}

// expire_at of a put, per schema/wal.md "Resolution", written from the spec
// rather than from the engine: base = write time or ts; an overflowing sum
// means "never".
inline int64_t ResolveExpiry(const Expiry& e, Timestamp ts, int64_t write_time,
                             int64_t default_ttl_ns, TtlBase base_kind) {
  const int64_t base = base_kind == TtlBase::kWriteTime ? write_time : ts;
  auto add = [](int64_t a, int64_t b) {
    __int128 r = static_cast<__int128>(a) + b;
    if (r > std::numeric_limits<int64_t>::max()) return kNeverExpires;
    return static_cast<int64_t>(r);
  };
  switch (e.kind()) {
    case Expiry::Kind::kAt:
      return e.value();
    case Expiry::Kind::kTtl:
      return add(base, e.value());
    case Expiry::Kind::kDefault:
      return default_ttl_ns > 0 ? add(base, default_ttl_ns) : kNeverExpires;
  }
  return kNeverExpires;
}

struct Tombstone {
  std::string begin, end;  // end "" = unbounded
  Timestamp t0 = kMinTimestamp, t1 = kMaxTimestamp;
  SequenceNumber seq = 0;
  bool Covers(std::string_view key, Timestamp ts) const {
    return begin <= key && (end.empty() || key < end) && t0 <= ts && ts < t1;
  }
};

class ModelDB {
 public:
  static constexpr SequenceNumber kNever =
      std::numeric_limits<SequenceNumber>::max();

  struct Version {
    SequenceNumber seq = 0;
    bool is_delete = false;
    int64_t expire_at = kNeverExpires;
    std::string value;
    // Sequence of the first range tombstone written after this version
    // that covers it; kNever if none. A cache of the literal rule (see
    // VisibleLiteral), so a read needs no scan over every tombstone.
    SequenceNumber killed_at = kNever;
  };
  using Key = std::pair<std::string, Timestamp>;

  ModelDB(int64_t default_ttl_ns = 0, TtlBase ttl_base = TtlBase::kTimestamp)
      : default_ttl_ns_(default_ttl_ns), ttl_base_(ttl_base) {}

  SequenceNumber last_sequence() const { return seq_; }
  const std::vector<Tombstone>& tombstones() const { return tombstones_; }
  const std::map<Key, std::vector<Version>>& groups() const { return groups_; }

  // Applies one committed batch: records get consecutive sequences.
  void Apply(const std::vector<Op>& ops, int64_t write_time) {
    for (const Op& op : ops) {
      const SequenceNumber seq = ++seq_;
      switch (op.kind) {
        case Op::kPut:
          groups_[{op.key, op.ts}].push_back(
              Version{seq, false,
                      ResolveExpiry(op.expiry, op.ts, write_time,
                                    default_ttl_ns_, ttl_base_),
                      op.value, kNever});
          break;
        case Op::kDelete:
          groups_[{op.key, op.ts}].push_back(
              Version{seq, true, kNeverExpires, "", kNever});
          break;
        case Op::kDeleteRange: {
          Tombstone t{op.key, op.end, op.ts, op.t1, seq};
          tombstones_.push_back(t);
          // Every version present now is older than t. Whether t covers a
          // version depends only on its (key, ts), so within a group the
          // versions not yet killed are exactly the newest ones.
          for (auto it = groups_.lower_bound({t.begin, kMinTimestamp});
               it != groups_.end() &&
               (t.end.empty() || it->first.first < t.end);
               ++it) {
            if (!t.Covers(it->first.first, it->first.second)) continue;
            for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
              if (v->killed_at != kNever) break;
              v->killed_at = seq;
            }
          }
          break;
        }
      }
    }
  }

  // The rules of db.h: walk the versions with seq <= read_seq newest first.
  // A point delete or a covering newer range delete (seq <= read_seq) hides
  // the group; an expired put defers to the next older version; the first
  // live put is the answer.
  static const Version* Visible(const std::vector<Version>& versions,
                                SequenceNumber read_seq, int64_t now) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->seq > read_seq) continue;
      if (v->is_delete) return nullptr;
      if (v->killed_at <= read_seq) return nullptr;
      if (v->expire_at <= now) continue;
      return &*v;
    }
    return nullptr;
  }

  // Visible() spelled out against the tombstone list, with no cache; the
  // self-test checks the two agree.
  const Version* VisibleLiteral(const Key& k, SequenceNumber read_seq,
                                int64_t now) const {
    auto g = groups_.find(k);
    if (g == groups_.end()) return nullptr;
    for (auto v = g->second.rbegin(); v != g->second.rend(); ++v) {
      if (v->seq > read_seq) continue;
      if (v->is_delete) return nullptr;
      for (const Tombstone& t : tombstones_) {
        if (t.seq > v->seq && t.seq <= read_seq &&
            t.Covers(k.first, k.second)) {
          return nullptr;
        }
      }
      if (v->expire_at <= now) continue;
      return &*v;
    }
    return nullptr;
  }

  std::optional<Record> Get(std::string_view key, Timestamp ts,
                            SequenceNumber read_seq, int64_t now) const {
    auto g = groups_.find({std::string(key), ts});
    if (g == groups_.end()) return std::nullopt;
    const Version* v = Visible(g->second, read_seq, now);
    if (v == nullptr) return std::nullopt;
    return Record{std::string(key), ts, v->expire_at, v->value};
  }

  std::optional<Record> GetLatest(std::string_view key, SequenceNumber read_seq,
                                  int64_t now) const {
    auto it = groups_.upper_bound({std::string(key), kMaxTimestamp});
    while (it != groups_.begin()) {
      --it;
      if (it->first.first != key) break;
      const Version* v = Visible(it->second, read_seq, now);
      if (v != nullptr) {
        return Record{it->first.first, it->first.second, v->expire_at,
                      v->value};
      }
    }
    return std::nullopt;
  }

  // Every live record in range, ordered by key then ts (iterator.h).
  std::vector<Record> Scan(const ScanRange& r, SequenceNumber read_seq,
                           int64_t now) const {
    std::vector<Record> out;
    for (auto it = groups_.lower_bound({std::string(r.begin), kMinTimestamp});
         it != groups_.end(); ++it) {
      const auto& [key, ts] = it->first;
      if (!r.end.empty() && key >= r.end) break;
      if (ts < r.t0 || ts >= r.t1) continue;
      const Version* v = Visible(it->second, read_seq, now);
      if (v != nullptr) out.push_back(Record{key, ts, v->expire_at, v->value});
    }
    return out;
  }

  // Every version of (key, ts) and the tombstones covering it, for failure
  // messages.
  std::string DescribeGroup(std::string_view key, Timestamp ts) const {
    std::string out =
        absl::StrFormat("  history of ('%s', %d):\n", Printable(key), ts);
    auto g = groups_.find({std::string(key), ts});
    if (g != groups_.end()) {
      for (const Version& v : g->second) {
        out += absl::StrFormat(
            "    seq %d %s expire_at %d killed_at %s value '%s'\n", v.seq,
            v.is_delete ? "DELETE" : "PUT", v.expire_at,
            v.killed_at == kNever ? std::string("-")
                                  : absl::StrFormat("%d", v.killed_at),
            Printable(v.value));
      }
    }
    for (const Tombstone& t : tombstones_) {
      if (t.Covers(key, ts)) {
        out += absl::StrFormat(
            "    range tombstone seq %d ['%s', '%s') ts [%d, %d)\n", t.seq,
            Printable(t.begin), Printable(t.end), t.t0, t.t1);
      }
    }
    return out;
  }

 private:
  const int64_t default_ttl_ns_;
  const TtlBase ttl_base_;
  SequenceNumber seq_ = 0;
  std::map<Key, std::vector<Version>> groups_;
  std::vector<Tombstone> tombstones_;
};

inline std::string DescribeRecord(const Record& r) {
  return absl::StrFormat("('%s', %d) = '%s' expire_at %d", Printable(r.key),
                         r.ts, Printable(r.value), r.expire_at);
}

inline bool SameRecord(const Record& a, const Record& b) {
  return a.key == b.key && a.ts == b.ts && a.value == b.value &&
         a.expire_at == b.expire_at;
}

// --- The crash test's workload. ---

// Options of the crash test's DB, shared by the child that writes and the
// parent that verifies: a tiny write buffer and narrow time windows, so
// flushes (several SSTs each) and compactions run between kills.
inline Options CrashOptions() {
  Options o;
  o.write_buffer_size = 64 << 10;
  o.block_size = 256;
  o.time_window_ns = 10;
  return o;
}

// Keys and timestamps are drawn from small sets so batches overwrite and
// delete each other's records.
inline constexpr int kCrashKeys = 400;
inline constexpr int kCrashTimestamps = 40;

inline std::string CrashKey(uint64_t i) { return absl::StrFormat("c%04d", i); }

// Batch `id` of the crash workload with `seed`: a pure function, so the
// parent can recompute exactly what the child wrote. 1-20 puts, deletes and
// range deletes; values name their batch so a misplaced one is obvious.
inline std::vector<Op> MakeCrashBatch(uint64_t seed, uint64_t id) {
  Random rng(seed * 0x9e3779b97f4a7c15ull ^ (id + 1) * 0xbf58476d1ce4e5b9ull);
  const int n = 1 + static_cast<int>(rng.Uniform(20));
  std::vector<Op> ops;
  for (int i = 0; i < n; i++) {
    Op op;
    const uint64_t r = rng.Uniform(100);
    const uint64_t k = rng.Uniform(kCrashKeys);
    op.key = CrashKey(k);
    op.ts = static_cast<Timestamp>(rng.Uniform(kCrashTimestamps)) - 5;
    if (r < 75) {
      op.kind = Op::kPut;
      op.expiry = Expiry::Never();
      op.value = absl::StrFormat("b%d.%d:", id, i);
      // Now and then a large value, so memtables fill between kills.
      op.value.append(rng.OneIn(4) ? 4096 : rng.Uniform(300),
                      static_cast<char>('a' + id % 26));
    } else if (r < 95) {
      op.kind = Op::kDelete;
    } else {
      op.kind = Op::kDeleteRange;
      op.end = rng.OneIn(8) ? "" : CrashKey(k + 1 + rng.Uniform(6));
      if (rng.OneIn(2)) {
        op.ts = kMinTimestamp;
        op.t1 = kMaxTimestamp;
      } else {
        op.t1 = op.ts + 1 + static_cast<Timestamp>(rng.Uniform(10));
      }
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace strata::model

#endif  // STRATA_TESTS_LSM_MODEL_REFERENCE_H_
