// Helpers shared by the reliability tests (fault sweep, power loss): a
// batch log with a tiny reference model, and the recovery check "the DB
// holds exactly the effect of some prefix of the attempted batches, no
// shorter than the last durable acknowledgement". The model is simple on
// purpose and shares no code with the engine.
#ifndef STRATA_TESTS_RELIABILITY_RELIABILITY_UTIL_H_
#define STRATA_TESTS_RELIABILITY_RELIABILITY_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "env/fault_injection_env.h"
#include "env/manual_clock_env.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/write_batch.h"
#include "util/random.h"

namespace strata::reliability {

// One write, as given to WriteBatch. Expiry is always absolute (or never),
// so the model needs no TTL arithmetic.
struct Op {
  enum Kind { kPut, kDelete, kDeleteRange };
  Kind kind = kPut;
  std::string key;   // put/delete key; range delete begin
  std::string end;   // range delete end
  Timestamp ts = 0;  // put/delete ts; range delete t0
  Timestamp t1 = 0;  // range delete only
  std::string value;
  int64_t expire_at = kNeverExpires;
};

using Batch = std::vector<Op>;

inline WriteBatch ToWriteBatch(const Batch& ops) {
  WriteBatch b;
  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::kPut:
        b.Put(op.key, op.ts, op.value,
              op.expire_at == kNeverExpires ? Expiry::Never()
                                            : Expiry::At(op.expire_at));
        break;
      case Op::kDelete:
        b.Delete(op.key, op.ts);
        break;
      case Op::kDeleteRange:
        b.DeleteRange(op.key, op.end, op.ts, op.t1);
        break;
    }
  }
  return b;
}

// (key, ts) -> its put versions since the last delete, oldest first, as
// (value, expire_at). Per db.h, an expired put defers to the next older
// version; a delete or covering range delete hides them all.
using State = std::map<std::pair<std::string, Timestamp>,
                       std::vector<std::pair<std::string, int64_t>>>;

inline void Apply(const Batch& ops, State* s) {
  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::kPut:
        (*s)[{op.key, op.ts}].emplace_back(op.value, op.expire_at);
        break;
      case Op::kDelete:
        s->erase({op.key, op.ts});
        break;
      case Op::kDeleteRange:
        for (auto it = s->lower_bound({op.key, kMinTimestamp});
             it != s->end() && it->first.first < op.end;) {
          bool hit = it->first.second >= op.ts && it->first.second < op.t1;
          it = hit ? s->erase(it) : std::next(it);
        }
        break;
    }
  }
}

// "key@ts=value " for every record visible at now, in key order.
inline std::string Render(const State& s, int64_t now) {
  std::string out;
  for (const auto& [k, versions] : s) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->second <= now) continue;
      absl::StrAppendFormat(&out, "%s@%d=%s ", k.first, k.second, v->first);
      break;
    }
  }
  return out;
}

// The same rendering of what the DB returns (keys starting with prefix),
// or an error.
inline absl::StatusOr<std::string> RenderDb(DB* db,
                                            const std::string& prefix = "") {
  std::string out;
  const std::string end = prefix.empty() ? "" : prefix + "\xff";
  ScanRange range;
  range.begin = prefix;
  range.end = end;
  auto it = db->NewIterator(ReadOptions(), range);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StrAppendFormat(&out, "%s@%d=%s ", it->key(), it->timestamp(),
                          it->value());
  }
  if (!it->status().ok()) return it->status();
  return out;
}

// The attempted batches of a run, in order, and how many of them must
// survive a power loss.
class BatchLog {
 public:
  // Records an attempted batch; returns its index.
  size_t Attempt(Batch b) {
    batches_.push_back(std::move(b));
    return batches_.size() - 1;
  }
  // Batch i and everything before it was acknowledged as durable (a synced
  // write, or a successful Flush/CompactRange after it).
  void MarkDurable(size_t count) { durable_ = std::max(durable_, count); }
  void MarkAllDurable() { durable_ = batches_.size(); }

  size_t attempted() const { return batches_.size(); }
  size_t durable() const { return durable_; }

  // Finds the prefix of attempted batches whose effect the DB shows.
  // Returns its length, or an error describing the mismatch when no prefix
  // in [durable(), attempted()] matches. With key_prefix, only keys starting
  // with it are compared (batches must only touch such keys).
  absl::StatusOr<size_t> MatchPrefix(DB* db, int64_t now,
                                     const std::string& key_prefix = "") const {
    absl::StatusOr<std::string> got = RenderDb(db, key_prefix);
    if (!got.ok()) return got.status();
    State s;
    std::string first_want;
    for (size_t p = 0; p <= batches_.size(); p++) {
      if (p > 0) Apply(batches_[p - 1], &s);
      if (p < durable_) continue;
      std::string want = Render(s, now);
      if (p == durable_) first_want = want;
      if (want == *got) return p;
    }
    State all;
    for (const Batch& b : batches_) Apply(b, &all);
    std::string diff = Diff(*got, first_want);
    return absl::InternalError(absl::StrFormat(
        "DB state matches no prefix in [%d, %d] of the attempted batches\n"
        "  vs the durable prefix: %s\n  vs all attempted: %s\n"
        "  history of the first difference: %s",
        durable_, batches_.size(), diff, Diff(*got, Render(all, now)),
        History(diff)));
  }

  // The batches that touched the first record named in a Diff() result.
  std::string History(std::string_view diff) const {
    if (diff.size() < 2 || (diff[0] != '+' && diff[0] != '-')) return "";
    size_t at = diff.find('@'), eq = diff.find('=');
    if (at == std::string_view::npos || eq == std::string_view::npos) {
      return "";
    }
    std::string key(diff.substr(1, at - 1));
    Timestamp ts = std::stoll(std::string(diff.substr(at + 1, eq - at - 1)));
    std::string out;
    for (size_t i = 0; i < batches_.size(); i++) {
      for (const Op& op : batches_[i]) {
        bool hit = false;
        std::string what;
        if (op.kind != Op::kDeleteRange && op.key == key && op.ts == ts) {
          hit = true;
          what = op.kind == Op::kPut
                     ? absl::StrFormat("put %s exp %d", op.value.substr(0, 12),
                                       op.expire_at)
                     : "delete";
        } else if (op.kind == Op::kDeleteRange && op.key <= key &&
                   key < op.end && op.ts <= ts && ts < op.t1) {
          hit = true;
          what = absl::StrFormat("range [%s,%s) [%d,%d)", op.key, op.end, op.ts,
                                 op.t1);
        }
        if (hit) absl::StrAppendFormat(&out, "#%d %s; ", i, what);
      }
    }
    return out;
  }

  // "+record" for records only the DB has, "-record" for those only the
  // model has; values cut short.
  static std::string Diff(const std::string& db, const std::string& model) {
    auto split = [](const std::string& r) {
      std::map<std::string, std::string> m;
      for (std::string_view rest = r; !rest.empty();) {
        size_t sp = rest.find(' ');
        std::string_view rec = rest.substr(0, sp);
        rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
        size_t eq = rec.find('=');
        m[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1, 24));
      }
      return m;
    };
    auto a = split(db), b = split(model);
    std::string out;
    int shown = 0;
    for (const auto& [k, v] : a) {
      auto it = b.find(k);
      if (it != b.end() && it->second == v) continue;
      if (shown++ < 12) absl::StrAppendFormat(&out, "+%s=%s ", k, v);
    }
    for (const auto& [k, v] : b) {
      auto it = a.find(k);
      if (it != a.end() && it->second == v) continue;
      if (shown++ < 12) absl::StrAppendFormat(&out, "-%s=%s ", k, v);
    }
    return out.empty() ? "(same)" : out;
  }

  // Keeps the first p batches (after a recovery chose them).
  void Truncate(size_t p) {
    batches_.resize(p);
    durable_ = p;
  }

 private:
  std::vector<Batch> batches_;
  size_t durable_ = 0;
};

// The env stack of a fault test: an in-memory file system, the fault
// injector over it, and a fixed clock over each (the DB under test uses
// `faulty`; recovery checks open the DB on `clean`, the underlying env).
struct EnvStack {
  EnvStack()
      : mem(NewMemEnv()),
        fault(std::make_unique<FaultInjectionEnv>(mem.get())),
        faulty(std::make_unique<ManualClockEnv>(fault.get())),
        clean(std::make_unique<ManualClockEnv>(mem.get())) {}
  int64_t now() { return faulty->NowNanos(); }

  std::unique_ptr<Env> mem;
  std::unique_ptr<FaultInjectionEnv> fault;
  std::unique_ptr<ManualClockEnv> faulty;
  std::unique_ptr<ManualClockEnv> clean;
};

// Shape of the random batches: key space and value sizes.
struct BatchShape {
  std::string prefix = "k";  // keys are prefix + two digits
  int keys = 24;             // distinct keys, at most 100
  int max_pad = 300;         // values get up to this many extra bytes
};

// A random batch over a small key space, so ops overwrite and delete each
// other. Timestamps span several time windows of width `window`.
inline Batch RandomBatch(Random* rng, int64_t now, int64_t window, int serial,
                         const BatchShape& shape = {}) {
  auto key = [&] {
    return absl::StrFormat("%s%02d", shape.prefix, rng->Uniform(shape.keys));
  };
  Batch b;
  const int n = 1 + static_cast<int>(rng->Uniform(4));
  for (int i = 0; i < n; i++) {
    Op op;
    const uint64_t dice = rng->Uniform(20);
    op.key = key();
    op.ts = static_cast<Timestamp>(rng->Uniform(8)) * (window / 2);
    if (dice < 13) {
      op.kind = Op::kPut;
      op.value = absl::StrFormat("v%d.%d", serial, i);
      if (rng->OneIn(4)) op.value.append(rng->Uniform(shape.max_pad + 1), 'x');
      // TTL writes: some already expired, some expiring later.
      if (dice == 11) op.expire_at = now - 1;
      if (dice == 12) op.expire_at = now + 1'000'000'000'000;
    } else if (dice < 17) {
      op.kind = Op::kDelete;
    } else {
      op.kind = Op::kDeleteRange;
      op.end = key();
      if (op.end <= op.key) op.end = op.key + "~";
      op.t1 = op.ts + static_cast<Timestamp>(1 + rng->Uniform(4)) * window;
    }
    b.push_back(std::move(op));
  }
  return b;
}

}  // namespace strata::reliability

#endif  // STRATA_TESTS_RELIABILITY_RELIABILITY_UTIL_H_
