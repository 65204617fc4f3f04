// Aggregate functions (see exec_aggregate.h). Each function is a small
// struct with a State and Add/Merge/Result; AccumulatorImpl<Agg> runs the
// per-point loop for it, instantiated per input type, so the hot loop has
// no virtual call or variant per point.
#include "series/exec_aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/container/btree_map.h"
#include "absl/strings/str_format.h"
#include "lsm/db_iter.h"

namespace strata::series {

namespace {

// ---------------------------------------------------------------------------
// Input decoding: In is double, int64_t, uint64_t, bool or string_view.

template <class In>
bool Decode(std::string_view bytes, In* v) {
  if constexpr (std::is_same_v<In, std::string_view>) {
    *v = bytes;
    return true;
  } else if constexpr (std::is_same_v<In, bool>) {
    if (bytes.size() != 1 || static_cast<uint8_t>(bytes[0]) > 1) return false;
    *v = bytes[0] == 1;
    return true;
  } else {
    if (bytes.size() != 8) return false;
    std::memcpy(v, bytes.data(), 8);
    return true;
  }
}

template <class In>
In FromVal(const Val& v) {
  if constexpr (std::is_same_v<In, std::string_view>) {
    return v.s;
  } else if constexpr (std::is_same_v<In, bool>) {
    return v.b;
  } else if constexpr (std::is_same_v<In, double>) {
    return v.f;
  } else if constexpr (std::is_same_v<In, int64_t>) {
    return v.i;
  } else {
    return v.u;
  }
}

// The inverse of DecodeBits for the accumulator's input type.
template <class In>
In FromBits(uint64_t bits) {
  if constexpr (std::is_same_v<In, std::string_view>) {
    return In();  // strings never come as bits
  } else if constexpr (std::is_same_v<In, bool>) {
    return bits != 0;
  } else {
    In v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
}

// Stored form of an input value (strings are copied out of the iterator).
template <class In>
using Stored =
    std::conditional_t<std::is_same_v<In, std::string_view>, std::string, In>;

template <class T>
QueryValue ToQuery(const T& v) {
  return QueryValue(v);
}

// Wrapping arithmetic for integers, as Go's.
template <class T>
T WrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <class T>
T WrapSub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}

// ---------------------------------------------------------------------------
// Functions.

template <class InT>
struct Count {
  using In = InT;
  static constexpr bool kNeedsValue = false;
  struct State {
    int64_t n = 0;
  };
  void Add(State& s, const In&, int64_t, const AuxSource*) const { ++s.n; }
  void Merge(State& d, State&& s) const { d.n += s.n; }
  bool Result(State& s, AggCell* c) const {
    c->value = s.n;
    return true;
  }
};

template <class InT>
struct Sum {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct State {
    In sum{};
  };
  void Add(State& s, In v, int64_t, const AuxSource*) const {
    s.sum = WrapAdd(s.sum, v);
  }
  void Merge(State& d, State&& s) const { d.sum = WrapAdd(d.sum, s.sum); }
  bool Result(State& s, AggCell* c) const {
    c->value = s.sum;
    return true;
  }
};

template <class InT>
struct Mean {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct State {
    double sum = 0;
    int64_t n = 0;
  };
  void Add(State& s, In v, int64_t, const AuxSource*) const {
    s.sum += static_cast<double>(v);
    ++s.n;
  }
  void Merge(State& d, State&& s) const {
    d.sum += s.sum;
    d.n += s.n;
  }
  bool Result(State& s, AggCell* c) const {
    c->value = s.sum / static_cast<double>(s.n);
    return true;
  }
};

// Sample standard deviation; Welford's update, Chan's merge.
template <class InT>
struct Stddev {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct State {
    int64_t n = 0;
    double mean = 0;
    double m2 = 0;
  };
  void Add(State& s, In v, int64_t, const AuxSource*) const {
    const double x = static_cast<double>(v);
    ++s.n;
    const double d = x - s.mean;
    s.mean += d / static_cast<double>(s.n);
    s.m2 += d * (x - s.mean);
  }
  void Merge(State& d, State&& s) const {
    if (s.n == 0) return;
    if (d.n == 0) {
      d = s;
      return;
    }
    const double n = static_cast<double>(d.n + s.n);
    const double delta = s.mean - d.mean;
    d.mean += delta * static_cast<double>(s.n) / n;
    d.m2 += s.m2 + delta * delta * static_cast<double>(d.n) *
                       static_cast<double>(s.n) / n;
    d.n += s.n;
  }
  bool Result(State& s, AggCell* c) const {
    // One point: InfluxDB computes NaN, which it returns as null.
    if (s.n < 2) {
      c->value = QueryValue();
      return true;
    }
    c->value = std::sqrt(std::max(0.0, s.m2) / static_cast<double>(s.n - 1));
    return true;
  }
};

template <class InT>
struct Spread {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct State {
    In min{}, max{};
    bool has = false;
  };
  void Add(State& s, In v, int64_t, const AuxSource*) const {
    if (!s.has) {
      s.min = s.max = v;
      s.has = true;
      return;
    }
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  }
  void Merge(State& d, State&& s) const {
    if (!s.has) return;
    if (!d.has) {
      d = s;
      return;
    }
    d.min = std::min(d.min, s.min);
    d.max = std::max(d.max, s.max);
  }
  bool Result(State& s, AggCell* c) const {
    c->value = WrapSub(s.max, s.min);
    return true;
  }
};

template <class InT>
struct Median {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct State {
    std::vector<In> values;
  };
  void Add(State& s, In v, int64_t, const AuxSource*) const {
    s.values.push_back(v);
  }
  void Merge(State& d, State&& s) const {
    if (d.values.empty()) {
      d.values = std::move(s.values);
      return;
    }
    d.values.insert(d.values.end(), s.values.begin(), s.values.end());
  }
  bool Result(State& s, AggCell* c) const {
    std::vector<In>& a = s.values;
    const size_t n = a.size();
    std::nth_element(a.begin(), a.begin() + n / 2, a.end());
    const In hi = a[n / 2];
    if (n % 2 == 1) {
      c->value = static_cast<double>(hi);
      return true;
    }
    const In lo = *std::max_element(a.begin(), a.begin() + n / 2);
    // lo + (hi - lo) / 2, the difference taken in the input type as Go does.
    c->value =
        static_cast<double>(lo) + static_cast<double>(WrapSub(hi, lo)) / 2;
    return true;
  }
};

template <class InT>
struct Percentile {
  using In = InT;
  static constexpr bool kNeedsValue = true;
  struct Entry {
    In v;
    int64_t t;
    std::vector<QueryValue> aux;
  };
  struct State {
    std::vector<Entry> entries;
  };
  double p = 0;

  void Add(State& s, In v, int64_t t, const AuxSource* aux) const {
    s.entries.push_back(Entry{v, t, {}});
    if (aux != nullptr) aux->Fill(&s.entries.back().aux);
  }
  void Merge(State& d, State&& s) const {
    if (d.entries.empty()) {
      d.entries = std::move(s.entries);
      return;
    }
    for (Entry& e : s.entries) d.entries.push_back(std::move(e));
  }
  bool Result(State& s, AggCell* c) const {
    // Nearest rank: i = floor(n * p / 100 + 0.5) - 1, no point if outside.
    const double n = static_cast<double>(s.entries.size());
    const double rank = std::floor(n * p / 100.0 + 0.5) - 1;
    if (!(rank >= 0 && rank < n)) return false;
    const size_t i = static_cast<size_t>(rank);
    // Ties by time, then arrival, so the answer is deterministic.
    std::stable_sort(s.entries.begin(), s.entries.end(),
                     [](const Entry& a, const Entry& b) {
                       if (a.v != b.v) return a.v < b.v;
                       return a.t < b.t;
                     });
    c->value = s.entries[i].v;
    c->time = s.entries[i].t;
    c->aux = std::move(s.entries[i].aux);
    return true;
  }
};

// min, max, first, last: keep one point. Kind decides which point wins,
// with InfluxDB's tie-breaks.
enum class Pick { kMin, kMax, kFirst, kLast };

template <class InT, Pick kPick>
struct Selector {
  using In = InT;
  static constexpr Pick kPicks = kPick;
  static constexpr bool kNeedsValue = true;
  struct State {
    Stored<In> v{};
    int64_t t = 0;
    bool has = false;
    std::vector<QueryValue> aux;
  };

  // Does (v, t) replace the kept point (bv, bt)?
  template <class A, class B>
  static bool Wins(const A& v, int64_t t, const B& bv, int64_t bt) {
    if constexpr (kPick == Pick::kMin) {
      return v < bv || (v == bv && t < bt);
    } else if constexpr (kPick == Pick::kMax) {
      return v > bv || (v == bv && t < bt);
    } else if constexpr (kPick == Pick::kFirst) {
      if (t != bt) return t < bt;
      if constexpr (std::is_same_v<In, bool>) {
        return !v && bv;  // false wins a tie, as InfluxDB's boolean first
      } else {
        return v > bv;
      }
    } else {
      return t > bt || (t == bt && v > bv);
    }
  }

  void Add(State& s, const In& v, int64_t t, const AuxSource* aux) const {
    if (s.has && !Wins(v, t, View(s.v), s.t)) return;
    s.v = Stored<In>(v);
    s.t = t;
    s.has = true;
    if (aux != nullptr) aux->Fill(&s.aux);
  }
  void Merge(State& d, State&& s) const {
    if (!s.has) return;
    if (d.has && !Wins(View(s.v), s.t, View(d.v), d.t)) return;
    d = std::move(s);
  }
  bool Result(State& s, AggCell* c) const {
    c->value = ToQuery(s.v);
    c->time = s.t;
    c->aux = std::move(s.aux);
    return true;
  }

 private:
  static In View(const Stored<In>& v) { return In(v); }
};

// ---------------------------------------------------------------------------
// The per-point loop.

template <class Agg>
class AccumulatorImpl final : public Accumulator {
 public:
  using In = typename Agg::In;
  using State = typename Agg::State;

  AccumulatorImpl(const BucketSpec& spec, Agg agg) : spec_(spec), agg_(agg) {}

  absl::Status AddSeries(Iterator* it) override {
    // first()/last() over one bucket need one point per series: seek to it
    // instead of scanning the series (timestamps are unique in a series).
    if constexpr (requires { Agg::kPicks; }) {
      if (spec_.interval == 0 &&
          (Agg::kPicks == Pick::kFirst || Agg::kPicks == Pick::kLast)) {
        if (Agg::kPicks == Pick::kFirst) {
          it->SeekToFirst();
        } else {
          it->SeekToLast();
        }
        if (it->Valid()) {
          const int64_t t = it->timestamp();
          In v{};
          if (!Decode(it->value(), &v)) {
            EndSeries();
            return absl::DataLossError(
                absl::StrFormat("malformed value of %d bytes at time %d",
                                it->value().size(), t));
          }
          Route(t);
          agg_.Add(cur_, v, t, nullptr);
        }
        EndSeries();
        return it->status();
      }
    }
    // The storage core's iterator hands out records in batches: one
    // virtual call per batch instead of several per point.
    BatchIterator* batch = dynamic_cast<BatchIterator*>(it);
    constexpr size_t kBatch = 256;
    Timestamp ts[kBatch];
    std::string_view values[kBatch];
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      size_t n = 1;
      if (batch != nullptr) {
        n = batch->ReadBatch(ts, values, kBatch);
      } else {
        ts[0] = it->timestamp();
        values[0] = it->value();
      }
      for (size_t i = 0; i < n; ++i) {
        const int64_t t = ts[i];
        In v{};
        if constexpr (Agg::kNeedsValue) {
          if (!Decode(values[i], &v)) {
            EndSeries();
            return absl::DataLossError(absl::StrFormat(
                "malformed value of %d bytes at time %d", values[i].size(), t));
          }
        }
        Route(t);
        agg_.Add(cur_, v, t, nullptr);
      }
    }
    EndSeries();
    return it->status();
  }

  void AddPoint(const Val& v, int64_t t, const AuxSource* aux) override {
    Route(t);
    if constexpr (Agg::kNeedsValue) {
      agg_.Add(cur_, FromVal<In>(v), t, aux);
    } else {
      agg_.Add(cur_, In{}, t, aux);  // count: the value's type is any
    }
  }

  void AddBits(const int64_t* ts, const uint64_t* bits, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      Route(ts[i]);
      agg_.Add(cur_, FromBits<In>(bits[i]), ts[i], nullptr);
    }
  }

  void EndSeries() override { Flush(); }

  size_t buckets() const override { return table_.size(); }

  std::vector<std::pair<int64_t, AggCell>> Finish() override {
    Flush();
    std::vector<std::pair<int64_t, AggCell>> out;
    out.reserve(table_.size());
    for (auto& [k, state] : table_) {
      AggCell cell;
      if (agg_.Result(state, &cell)) out.emplace_back(k, std::move(cell));
    }
    table_.clear();
    return out;
  }

 private:
  // Makes cur_ the state of t's bucket.
  void Route(int64_t t) {
    if (active_ && t >= lo_ && t < hi_) return;
    Flush();
    k_ = spec_.Index(t);
    spec_.Bounds(k_, &lo_, &hi_);
    active_ = true;
  }
  void Flush() {
    if (!active_) return;
    active_ = false;
    auto [it, inserted] = table_.try_emplace(k_);
    if (inserted) {
      it->second = std::move(cur_);
    } else {
      agg_.Merge(it->second, std::move(cur_));
    }
    cur_ = State();
  }

  const BucketSpec spec_;
  const Agg agg_;
  absl::btree_map<int64_t, State> table_;
  State cur_;
  bool active_ = false;
  int64_t k_ = 0, lo_ = 0, hi_ = 0;
};

template <class Agg>
std::unique_ptr<Accumulator> Make(const BucketSpec& spec, Agg agg = Agg()) {
  return std::make_unique<AccumulatorImpl<Agg>>(spec, agg);
}

// Instantiates F<In> for a numeric field type.
template <template <class> class F>
std::unique_ptr<Accumulator> Numeric(FieldType type, const BucketSpec& spec) {
  switch (type) {
    case FieldType::kFloat:
      return Make<F<double>>(spec);
    case FieldType::kInteger:
      return Make<F<int64_t>>(spec);
    case FieldType::kUnsigned:
      return Make<F<uint64_t>>(spec);
    default:
      return nullptr;
  }
}

template <Pick kPick>
std::unique_ptr<Accumulator> MakeSelector(FieldType type,
                                          const BucketSpec& spec) {
  switch (type) {
    case FieldType::kFloat:
      return Make<Selector<double, kPick>>(spec);
    case FieldType::kInteger:
      return Make<Selector<int64_t, kPick>>(spec);
    case FieldType::kUnsigned:
      return Make<Selector<uint64_t, kPick>>(spec);
    case FieldType::kBoolean:
      return Make<Selector<bool, kPick>>(spec);
    case FieldType::kString:
      return Make<Selector<std::string_view, kPick>>(spec);
  }
  return nullptr;
}

__int128 FloorDiv(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t Clamp(__int128 v) {
  if (v < std::numeric_limits<int64_t>::min()) {
    return std::numeric_limits<int64_t>::min();
  }
  if (v > std::numeric_limits<int64_t>::max()) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(v);
}

}  // namespace

bool DecodeBits(FieldType type, std::string_view bytes, uint64_t* bits) {
  switch (type) {
    case FieldType::kFloat:
    case FieldType::kInteger:
    case FieldType::kUnsigned:
      if (bytes.size() != 8) return false;
      std::memcpy(bits, bytes.data(), 8);
      return true;
    case FieldType::kBoolean:
      if (bytes.size() != 1 || static_cast<uint8_t>(bytes[0]) > 1) {
        return false;
      }
      *bits = static_cast<uint8_t>(bytes[0]);
      return true;
    case FieldType::kString:
      return false;
  }
  return false;
}

int64_t BucketSpec::Index(int64_t t) const {
  if (interval == 0) return 0;
  return static_cast<int64_t>(FloorDiv(static_cast<__int128>(t) - offset,
                                       static_cast<__int128>(interval)));
}

int64_t BucketSpec::Start(int64_t k) const {
  if (interval == 0) return std::numeric_limits<int64_t>::min();
  return Clamp(static_cast<__int128>(k) * interval + offset);
}

void BucketSpec::Bounds(int64_t k, int64_t* lo, int64_t* hi) const {
  if (interval == 0) {
    *lo = std::numeric_limits<int64_t>::min();
    *hi = std::numeric_limits<int64_t>::max();
    return;
  }
  const __int128 start = static_cast<__int128>(k) * interval + offset;
  *lo = Clamp(start);
  *hi = Clamp(start + interval);
}

std::unique_ptr<Accumulator> NewAccumulator(AggFn fn, FieldType type,
                                            double percentile,
                                            const BucketSpec& spec) {
  switch (fn) {
    case AggFn::kCount:
      // Counting never looks at the value bytes.
      return Make<Count<bool>>(spec);
    case AggFn::kSum:
      return Numeric<Sum>(type, spec);
    case AggFn::kMean:
      return Numeric<Mean>(type, spec);
    case AggFn::kMedian:
      return Numeric<Median>(type, spec);
    case AggFn::kSpread:
      return Numeric<Spread>(type, spec);
    case AggFn::kStddev:
      return Numeric<Stddev>(type, spec);
    case AggFn::kPercentile:
      switch (type) {
        case FieldType::kFloat:
          return Make(spec, Percentile<double>{percentile});
        case FieldType::kInteger:
          return Make(spec, Percentile<int64_t>{percentile});
        case FieldType::kUnsigned:
          return Make(spec, Percentile<uint64_t>{percentile});
        default:
          return nullptr;
      }
    case AggFn::kMin:
      return MakeSelector<Pick::kMin>(type, spec);
    case AggFn::kMax:
      return MakeSelector<Pick::kMax>(type, spec);
    case AggFn::kFirst:
      return MakeSelector<Pick::kFirst>(type, spec);
    case AggFn::kLast:
      return MakeSelector<Pick::kLast>(type, spec);
  }
  return nullptr;
}

}  // namespace strata::series
