// TsEngine over a KvBackend: the RocksDB / LevelDB time-series baseline of
// issue 4. Line protocol is parsed with Strata's parser; each field value
// is one entry, key = canonical series key, 0x00, field key, 0x00,
// big-endian ts; value = 8 bytes (float64, int64 or uint64, little-endian).
// An in-memory catalog (series per measurement, the series of each host,
// field types) plays the part of InfluxDB's series index; queries iterate
// and aggregate in C++.
#include <cstring>
#include <limits>
#include <map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kv_store.h"
#include "series/line_protocol.h"
#include "ts_engine.h"
#include "util/mutex.h"

namespace strata::bench {
namespace {

struct Catalog {
  struct Measurement {
    std::vector<std::string> series;           // series keys
    std::map<std::string, std::string> hosts;  // hostname -> series key
    std::map<std::string, FieldType> fields;
  };
  std::map<std::string, Measurement, std::less<>> measurements;
  absl::flat_hash_set<std::string> known;  // series keys seen
};

class KvTsEngine final : public TsEngine {
 public:
  explicit KvTsEngine(std::unique_ptr<KvBackend> kv) : kv_(std::move(kv)) {}
  std::string name() const override { return kv_->name(); }
  std::string config() const override {
    return kv_->config() +
           "; time series: our line-protocol parser, key = series key + "
           "field + big-endian ts, 8-byte values, in-memory series index, "
           "queries iterate and aggregate in C++";
  }
  absl::Status Open(const std::string& dir) override {
    KvOptions o;
    o.dir = dir;
    return kv_->Open(o);
  }

  absl::Status WriteLines(std::string_view lines, bool sync) override {
    LineProtocolOptions lpo;
    LineProtocolParser parser(lines, lpo);
    ParsedPoint p;
    auto batch = kv_->NewBatch();
    std::string series, key;
    while (parser.Next(&p)) {
      series.clear();
      AppendSeriesKey(p, &series);
      Remember(p, series);
      for (const FieldView& f : p.fields) {
        key = series;
        key.push_back('\0');
        key.append(f.key);
        key.push_back('\0');
        AppendKeyTs(&key, p.timestamp);
        char v[8];
        const FieldNumber n = f.value.raw_number();
        switch (f.value.type()) {
          case FieldType::kFloat:
          case FieldType::kInteger:
          case FieldType::kUnsigned:
            std::memcpy(v, &n, 8);
            batch->Put(key, std::string_view(v, 8));
            break;
          case FieldType::kBoolean:
            v[0] = n.b ? 1 : 0;
            batch->Put(key, std::string_view(v, 1));
            break;
          case FieldType::kString:
            batch->Put(key, f.value.string_value());
            break;
        }
      }
    }
    if (!parser.status().ok()) return parser.status();
    return kv_->Write(batch.get(), sync);
  }

  absl::Status Settle() override { return kv_->Settle(); }

  absl::StatusOr<QueryAnswer> SeriesRange(std::string_view m,
                                          std::string_view host,
                                          std::string_view field, int64_t t0,
                                          int64_t t1) override {
    QueryAnswer a;
    std::string series;
    FieldType type;
    {
      MutexLock l(&mu_);
      auto mi = catalog_.measurements.find(m);
      if (mi == catalog_.measurements.end()) return a;
      auto hi = mi->second.hosts.find(std::string(host));
      auto fi = mi->second.fields.find(std::string(field));
      if (hi == mi->second.hosts.end() || fi == mi->second.fields.end()) {
        return a;
      }
      series = hi->second;
      type = fi->second;
    }
    absl::Status s = ScanField(Prefix(series, field), t0, t1, type, true,
                               [&](int64_t, double v) {
                                 a.values++;
                                 a.sum += v;
                               });
    if (!s.ok()) return s;
    return a;
  }

  absl::StatusOr<QueryAnswer> MeanPerBucket(std::string_view m,
                                            std::string_view field, int64_t t0,
                                            int64_t t1,
                                            int64_t bucket) override {
    std::vector<std::string> series;
    FieldType type;
    if (!Lookup(m, field, &series, &type)) return QueryAnswer{};
    const size_t n = static_cast<size_t>((t1 - t0 + bucket - 1) / bucket);
    std::vector<double> sum(n, 0);
    std::vector<int64_t> count(n, 0);
    for (const std::string& s : series) {
      absl::Status st = ScanField(Prefix(s, field), t0, t1, type, true,
                                  [&](int64_t ts, double v) {
                                    const size_t b = (ts - t0) / bucket;
                                    sum[b] += v;
                                    count[b]++;
                                  });
      if (!st.ok()) return st;
    }
    QueryAnswer a;
    for (size_t b = 0; b < n; b++) {
      if (count[b] == 0) continue;
      a.values++;
      a.sum += sum[b] / count[b];
    }
    return a;
  }

  absl::StatusOr<QueryAnswer> LastPerSeries(std::string_view m) override {
    std::vector<std::string> series;
    std::vector<std::pair<std::string, FieldType>> fields;
    {
      MutexLock l(&mu_);
      auto mi = catalog_.measurements.find(m);
      if (mi == catalog_.measurements.end()) return QueryAnswer{};
      series = mi->second.series;
      fields.assign(mi->second.fields.begin(), mi->second.fields.end());
    }
    QueryAnswer a;
    auto it = kv_->NewIterator({});
    std::string last;
    for (const std::string& s : series) {
      for (const auto& [field, type] : fields) {
        const std::string prefix = Prefix(s, field);
        last = prefix;
        AppendKeyTs(&last, std::numeric_limits<int64_t>::max());
        it->SeekForPrev(last);
        if (!it->Valid() || it->key().size() != prefix.size() + 8 ||
            it->key().substr(0, prefix.size()) != prefix) {
          continue;
        }
        a.values++;
        a.sum += Decode(it->value(), type);
      }
    }
    if (!it->status().ok()) return it->status();
    return a;
  }

  absl::StatusOr<QueryAnswer> MaxAll(std::string_view m,
                                     std::string_view field) override {
    std::vector<std::string> series;
    FieldType type;
    if (!Lookup(m, field, &series, &type)) return QueryAnswer{};
    double best = -std::numeric_limits<double>::infinity();
    bool any = false;
    for (const std::string& s : series) {
      absl::Status st =
          ScanField(Prefix(s, field), std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max(), type, false,
                    [&](int64_t, double v) {
                      any = true;
                      best = std::max(best, v);
                    });
      if (!st.ok()) return st;
    }
    QueryAnswer a;
    if (any) {
      a.values = 1;
      a.sum = best;
    }
    return a;
  }

  void Close() override { kv_->Close(); }

 private:
  static std::string Prefix(std::string_view series, std::string_view field) {
    std::string p(series);
    p.push_back('\0');
    p.append(field);
    p.push_back('\0');
    return p;
  }

  static double Decode(std::string_view v, FieldType type) {
    if (v.size() != 8) return v.size() == 1 ? v[0] : 0;
    FieldNumber n;
    std::memcpy(&n, v.data(), 8);
    switch (type) {
      case FieldType::kFloat:
        return n.f;
      case FieldType::kInteger:
        return static_cast<double>(n.i);
      case FieldType::kUnsigned:
        return static_cast<double>(n.u);
      default:
        return 0;
    }
  }

  // Calls fn(ts, value) for the entries of one field with t0 <= ts < t1.
  template <typename Fn>
  absl::Status ScanField(const std::string& prefix, int64_t t0, int64_t t1,
                         FieldType type, bool fill_cache, Fn fn) {
    std::string start = prefix, end = prefix;
    AppendKeyTs(&start, t0);
    AppendKeyTs(&end, t1);
    auto it = kv_->NewIterator(end, fill_cache);
    for (it->Seek(start); it->Valid(); it->Next()) {
      fn(KeyTs(it->key()), Decode(it->value(), type));
    }
    return it->status();
  }

  bool Lookup(std::string_view m, std::string_view field,
              std::vector<std::string>* series, FieldType* type) {
    MutexLock l(&mu_);
    auto mi = catalog_.measurements.find(m);
    if (mi == catalog_.measurements.end()) return false;
    auto fi = mi->second.fields.find(std::string(field));
    if (fi == mi->second.fields.end()) return false;
    *series = mi->second.series;
    *type = fi->second;
    return true;
  }

  void Remember(const ParsedPoint& p, const std::string& series) {
    MutexLock l(&mu_);
    if (catalog_.known.contains(series)) return;
    catalog_.known.insert(series);
    auto& m = catalog_.measurements[std::string(p.measurement)];
    m.series.push_back(series);
    for (const TagView& t : p.tags) {
      if (t.key == "hostname") m.hosts[std::string(t.value)] = series;
    }
    for (const FieldView& f : p.fields) {
      m.fields.emplace(std::string(f.key), f.value.type());
    }
  }

  std::unique_ptr<KvBackend> kv_;
  Mutex mu_;
  Catalog catalog_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<TsEngine> NewRocksDbTsEngine() {
  return std::make_unique<KvTsEngine>(NewRocksDbKv());
}
std::unique_ptr<TsEngine> NewLevelDbTsEngine() {
  return std::make_unique<KvTsEngine>(NewLevelDbKv());
}

}  // namespace strata::bench
