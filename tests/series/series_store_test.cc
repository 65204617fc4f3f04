// Tests of the time-series storage: key components, ingest read back
// through SeriesDbReader, field type conflicts, skip_invalid, catalog
// persistence, concurrent writers, failed writes, retention, and a
// printed ingest throughput.
#include "series/series_store.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "env/fault_injection_env.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "series/key_codec.h"
#include "series/series_db_reader.h"
#include "series/value_codec.h"
#include "strata/db.h"
#include "strata/env.h"
#include "util/random.h"

namespace strata::series {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSecond;

// ---------------------------------------------------------------------------
// Key components

TEST(KeyCodecTest, ComponentsRoundTripAndKeepOrder) {
  const std::vector<std::string> values = {"",
                                           std::string("\0", 1),
                                           std::string("\0\0", 2),
                                           "a",
                                           std::string("a\0", 2),
                                           std::string("a\0b", 3),
                                           "a\x01",
                                           "ab",
                                           "b",
                                           "\xff",
                                           "\xff\xff"};
  std::vector<std::string> encoded;
  for (const std::string& v : values) {
    std::string e;
    AppendComponent(&e, v);
    std::string_view in = e;
    std::string back;
    ASSERT_TRUE(ConsumeComponent(&in, &back)) << v;
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty());
    encoded.push_back(e + "tail");  // order must hold with anything after
  }
  for (size_t i = 1; i < values.size(); ++i) {
    ASSERT_LT(values[i - 1], values[i]);
    EXPECT_LT(encoded[i - 1], encoded[i]) << i;
  }
}

TEST(KeyCodecTest, MalformedComponentsAreRejected) {
  for (std::string bad :
       {std::string("abc"), std::string("abc\0", 4), std::string("a\0\x02", 3),
        std::string("a\0\xff", 3), std::string("\0", 1)}) {
    std::string_view in = bad;
    std::string out;
    EXPECT_FALSE(ConsumeComponent(&in, &out))
        << absl::CHexEscape(absl::string_view(bad.data(), bad.size()));
  }
}

TEST(KeyCodecTest, KeysParseBack) {
  std::string m, k, v, f;
  uint64_t sid;
  uint32_t fid;
  const std::string meas("c\0pu", 4);
  ASSERT_TRUE(ParseDataKey(DataKey(meas, 7, 9), &m, &sid, &fid));
  EXPECT_EQ(m, meas);
  EXPECT_EQ(sid, 7u);
  EXPECT_EQ(fid, 9u);
  ASSERT_TRUE(
      ParseTagIndexKey(TagIndexKey(meas, "host", "a", 3), &m, &k, &v, &sid));
  EXPECT_EQ(k, "host");
  EXPECT_EQ(v, "a");
  EXPECT_EQ(sid, 3u);
  ASSERT_TRUE(ParseFieldRecordKey(FieldKey(meas, "x"), &m, &f));
  EXPECT_EQ(f, "x");
  EXPECT_FALSE(ParseFieldRecordKey(FieldKey(meas, "x") + "z", &m, &f));
  EXPECT_FALSE(ParseFieldRecordKey(SeriesKey(meas, "x"), &m, &f));
  FieldType t;
  ASSERT_TRUE(DecodeFieldCatalogValue(
      EncodeFieldCatalogValue(FieldType::kBoolean, 300), &t, &fid));
  EXPECT_EQ(t, FieldType::kBoolean);
  EXPECT_EQ(fid, 300u);
  EXPECT_FALSE(DecodeFieldCatalogValue(std::string("\x05\x01", 2), &t, &fid));
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  // Every key of one series sorts inside [prefix, successor).
  const std::string p = SeriesDataPrefix("m", 5);
  EXPECT_LT(p, DataKey("m", 5, 0xffffffff));
  EXPECT_LT(DataKey("m", 5, 0xffffffff), PrefixSuccessor(p));
  EXPECT_LE(PrefixSuccessor(p), DataKey("m", 6, 0));
}

// ---------------------------------------------------------------------------
// Fixture: a DB on a memory env with a manual clock.

class SeriesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    fault_env_ = std::make_unique<FaultInjectionEnv>(mem_env_.get());
    clock_ = std::make_unique<ManualClockEnv>(fault_env_.get());
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
    Open();
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    clock_.reset();
    fault_env_.reset();
    mem_env_.reset();
  }

  void Open() {
    store_.reset();
    db_.reset();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto store = SeriesStore::Open(db_.get(), ts_options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  int64_t now() const { return clock_->NowNanos(); }

  absl::StatusOr<WriteResult> Lp(std::string_view text,
                                 LineProtocolWriteOptions o = {}) {
    return store_->WriteLineProtocol(text, o);
  }

  // "m,k=v" -> id, from ForEachSeries.
  std::map<std::string, uint64_t> SeriesIds(std::string_view m) {
    std::map<std::string, uint64_t> out;
    auto reader = store_->NewReader();
    EXPECT_TRUE(
        reader
            ->ForEachSeries(m,
                            [&](const SeriesInfo& s) {
                              EXPECT_TRUE(out.emplace(s.key, s.id).second)
                                  << "duplicate " << s.key;
                              return absl::OkStatus();
                            })
            .ok());
    return out;
  }

  // "ts=value" for every point of one field of one series.
  std::string Points(std::string_view m, std::string_view series_key,
                     std::string_view field, Timestamp t0 = kMinTimestamp,
                     Timestamp t1 = kMaxTimestamp) {
    auto reader = store_->NewReader();
    auto ids = SeriesIds(m);
    auto sit = ids.find(std::string(series_key));
    if (sit == ids.end()) return "no series";
    auto fields = reader->Fields(m);
    EXPECT_TRUE(fields.ok());
    const FieldInfo* fi = nullptr;
    for (const FieldInfo& f : *fields) {
      if (f.name == field) fi = &f;
    }
    if (fi == nullptr) return "no field";
    std::string out;
    auto it = reader->NewFieldIterator(m, sit->second, fi->id, t0, t1);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto v = DecodeFieldValue(fi->type, it->value());
      if (!v.has_value()) return "undecodable";
      if (!out.empty()) out += " ";
      out += absl::StrFormat("%d=", it->timestamp());
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              out += "null";
            } else if constexpr (std::is_same_v<T, std::string>) {
              out += "\"" + x + "\"";
            } else if constexpr (std::is_same_v<T, bool>) {
              out += x ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
              char buf[32];
              out.append(buf, std::to_chars(buf, buf + sizeof(buf), x).ptr);
            } else {
              out += absl::StrFormat("%d", x);
            }
          },
          *v);
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
    return out;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<FaultInjectionEnv> fault_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<SeriesStore> store_;
};

Point MakePoint(std::string m, std::vector<Tag> tags, std::vector<Field> fields,
                Timestamp ts) {
  Point p;
  p.measurement = std::move(m);
  p.tags = std::move(tags);
  p.fields = std::move(fields);
  p.timestamp = ts;
  return p;
}

TEST_F(SeriesStoreTest, IngestReadsBackThroughReader) {
  std::vector<Point> points = {
      MakePoint("cpu", {{"region", "eu"}, {"host", "a"}},
                {{"f", FieldValue::Float(1.5)},
                 {"i", FieldValue::Integer(-3)},
                 {"u", FieldValue::Unsigned(7)},
                 {"b", FieldValue::Boolean(true)},
                 {"s", FieldValue::String(std::string("x\0y", 3))}},
                100),
      MakePoint("cpu", {{"host", "b"}}, {{"f", FieldValue::Float(-0.0)}}, 200),
      MakePoint("cpu", {{"host", "a"}, {"region", "eu"}},
                {{"f", FieldValue::Float(2.5)}}, 300),
      MakePoint("mem", {}, {{"used", FieldValue::Integer(42)}}, 50),
  };
  ASSERT_TRUE(store_->WritePoints(points, false).ok());

  auto reader = store_->NewReader();
  auto ms = reader->Measurements();
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, (std::vector<std::string>{"cpu", "mem"}));
  auto fields = reader->Fields("cpu");
  ASSERT_TRUE(fields.ok());
  std::vector<std::string> names;
  std::set<uint32_t> ids;
  for (const FieldInfo& f : *fields) {
    names.push_back(absl::StrFormat("%s:%s", f.name, FieldTypeName(f.type)));
    ids.insert(f.id);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"b:boolean", "f:float", "i:integer",
                                      "s:string", "u:unsigned"}));
  EXPECT_EQ(ids.size(), 5u);

  auto series = SeriesIds("cpu");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_TRUE(series.count("cpu,host=a,region=eu"));
  EXPECT_TRUE(series.count("cpu,host=b"));
  EXPECT_EQ(SeriesIds("mem").size(), 1u);
  EXPECT_TRUE(SeriesIds("mem").count("mem"));

  auto with = reader->SeriesWithTag("cpu", "host", "a");
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(*with, std::vector<uint64_t>{series["cpu,host=a,region=eu"]});
  auto keys = reader->TagKeys("cpu");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"host", "region"}));
  auto values = reader->TagValues("cpu", "host");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(reader->TagKeys("mem")->empty());

  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "f"), "100=1.5 300=2.5");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "f", 101, 300), "");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "f", 100, 301),
            "100=1.5 300=2.5");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "f", 100, 300), "100=1.5");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "f", 300, 100), "");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "i"), "100=-3");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "u"), "100=7");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "b"), "100=true");
  EXPECT_EQ(Points("cpu", "cpu,host=a,region=eu", "s"),
            "100=\"" + std::string("x\0y", 3) + "\"");
  EXPECT_EQ(Points("cpu", "cpu,host=b", "f"), "200=-0");
  EXPECT_EQ(Points("cpu", "cpu,host=b", "i"), "");
  EXPECT_EQ(Points("mem", "mem", "used"), "50=42");
  EXPECT_EQ(reader->RetentionFloor("cpu"), kMinTimestamp);
  EXPECT_EQ(reader->Now(), now());
}

TEST_F(SeriesStoreTest, LineProtocolPrecisionAndDefaultTime) {
  LineProtocolWriteOptions o;
  o.precision = "s";
  auto r = Lp("cpu,host=a v=1 10\ncpu,host=a v=2\n\n# comment\n", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->points_written, 2u);
  EXPECT_EQ(r->values_written, 2u);
  EXPECT_TRUE(r->rejected.empty());
  const int64_t now_s = now() / kSecond * kSecond;
  EXPECT_EQ(Points("cpu", "cpu,host=a", "v"),
            absl::StrFormat("%d=1 %d=2", 10 * kSecond, now_s));
  o.precision = "minutes";
  EXPECT_EQ(Lp("cpu v=1", o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SeriesStoreTest, SameSeriesAndTimeMergesFields) {
  ASSERT_TRUE(Lp("m,t=1 a=1,b=2 5\nm,t=1 b=3,c=4 5\n").ok());
  ASSERT_TRUE(Lp("m,t=1 a=10 5\n").ok());
  EXPECT_EQ(Points("m", "m,t=1", "a"), "5=10");
  EXPECT_EQ(Points("m", "m,t=1", "b"), "5=3");
  EXPECT_EQ(Points("m", "m,t=1", "c"), "5=4");
}

TEST_F(SeriesStoreTest, TypeConflictWithinBatchRejectsAll) {
  auto r = Lp("m x=1 1\nm,h=a y=1i 2\nm,h=b y=2i,x=3i 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()),
            "line 3, column 12: field type conflict: input field \"x\" on "
            "measurement \"m\" is type integer, already exists as type float");
  // Nothing of the batch exists, not even the first line's field.
  EXPECT_TRUE(store_->NewReader()->Measurements()->empty());
  EXPECT_EQ(store_->SeriesCount(), 0u);
  EXPECT_TRUE(store_->Measurements().empty());
}

TEST_F(SeriesStoreTest, TypeConflictAcrossBatches) {
  ASSERT_TRUE(
      store_
          ->WritePoints({MakePoint("m", {}, {{"x", FieldValue::Float(1)}}, 1)},
                        false)
          .ok());
  absl::Status s = store_->WritePoints(
      {MakePoint("m", {{"h", "new"}}, {{"y", FieldValue::Integer(1)}}, 2),
       MakePoint("m", {}, {{"x", FieldValue::Boolean(true)}}, 3)},
      false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "point 1: field type conflict: input field \"x\" on measurement "
            "\"m\" is type boolean, already exists as type float");
  FieldType t;
  EXPECT_FALSE(store_->LookupFieldType("m", "y", &t));
  EXPECT_EQ(SeriesIds("m").size(), 1u);
  EXPECT_EQ(Points("m", "m", "x"), "1=1");
  // The catalog still accepts the original type.
  EXPECT_TRUE(Lp("m x=2 4").ok());
  EXPECT_EQ(Points("m", "m", "x"), "1=1 4=2");
}

TEST_F(SeriesStoreTest, SkipInvalidDropsOnlyOffendingLines) {
  ASSERT_TRUE(Lp("m x=1 1").ok());
  LineProtocolWriteOptions o;
  o.skip_invalid = true;
  auto r =
      Lp("m,h=a x=2 2\n"
         "m,h=b x=\n"
         "m,h=c newf=5i,x=\"s\" 3\n"
         "m,h=d x=4,y=1i 4\n"
         "m,h=e y=2.5 5\n",
         o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->points_written, 2u);
  EXPECT_EQ(r->values_written, 3u);
  ASSERT_EQ(r->rejected.size(), 3u);
  EXPECT_TRUE(r->rejected[0].starts_with("line 2, column 9: "))
      << r->rejected[0];
  EXPECT_EQ(r->rejected[1],
            "line 3, column 15: field type conflict: input field \"x\" on "
            "measurement \"m\" is type string, already exists as type float");
  EXPECT_EQ(r->rejected[2],
            "line 5, column 7: field type conflict: input field \"y\" on "
            "measurement \"m\" is type float, already exists as type integer");
  EXPECT_EQ(Points("m", "m,h=a", "x"), "2=2");
  EXPECT_EQ(Points("m", "m,h=d", "y"), "4=1");
  EXPECT_EQ(Points("m", "m,h=c", "x"), "no series");
  FieldType t;
  EXPECT_FALSE(store_->LookupFieldType("m", "newf", &t));
  EXPECT_EQ(SeriesIds("m").size(), 3u);  // m, m,h=a, m,h=d
}

TEST_F(SeriesStoreTest, LineProtocolErrorsNameLineAndColumn) {
  auto r = Lp("m x=1 1\nm y=2 2\nm,t z=3 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(r.status().message()).starts_with("line 3, column "))
      << r.status();
  EXPECT_EQ(store_->SeriesCount(), 0u);
  EXPECT_TRUE(store_->NewReader()->Measurements()->empty());
}

TEST_F(SeriesStoreTest, InvalidPointsAreRejected) {
  struct Case {
    Point point;
    std::string error;
  };
  const std::vector<Case> cases = {
      {MakePoint("", {}, {{"x", FieldValue::Float(1)}}, 1),
       "point 0: empty measurement"},
      {MakePoint("m", {}, {}, 1), "point 0: no fields"},
      {MakePoint("m", {{"a", ""}}, {{"x", FieldValue::Float(1)}}, 1),
       "point 0: empty value for tag \"a\""},
      {MakePoint("m", {{"a", "1"}, {"a", "2"}}, {{"x", FieldValue::Float(1)}},
                 1),
       "point 0: duplicate tag \"a\""},
      {MakePoint("m", {},
                 {{"x", FieldValue::Float(1)}, {"x", FieldValue::Float(2)}}, 1),
       "point 0: duplicate field \"x\""},
      {MakePoint("m", {}, {{"x", FieldValue::Float(NAN)}}, 1),
       "point 0: field \"x\" is NaN or infinite"},
      {MakePoint("m", {}, {{"x", FieldValue::Float(1)}}, kMaxTimestamp),
       absl::StrFormat("point 0: timestamp %d out of range", kMaxTimestamp)},
      {MakePoint("m", {}, {{"x", FieldValue::Float(INFINITY)}}, 1),
       "point 0: field \"x\" is NaN or infinite"},
      {MakePoint("m", {}, {{"", FieldValue::Float(1)}}, 1),
       "point 0: empty field key"},
      {MakePoint("m", {{"", "v"}}, {{"x", FieldValue::Float(1)}}, 1),
       "point 0: empty tag key"},
      {MakePoint(std::string(kMaxKeySize, 'm'), {},
                 {{"x", FieldValue::Float(1)}}, 1),
       "point 0: measurement name too long"},
      {MakePoint("m", {{"k", std::string(kMaxKeySize - 5, 'v')}},
                 {{"x", FieldValue::Float(1)}}, 1),
       "point 0: series key too long"},
  };
  for (const Case& c : cases) {
    absl::Status s = store_->WritePoints({c.point}, false);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.error;
    EXPECT_EQ(std::string(s.message()), c.error);
  }
  EXPECT_EQ(store_->SeriesCount(), 0u);
  EXPECT_TRUE(store_->Measurements().empty());
}

TEST_F(SeriesStoreTest, CatalogPersistsAcrossReopen) {
  ASSERT_TRUE(Lp("cpu,host=a v=1,w=1i 1\ncpu,host=b v=2 2\nmem x=1 3").ok());
  const auto before = SeriesIds("cpu");
  FieldType t;
  ASSERT_TRUE(store_->LookupFieldType("cpu", "w", &t));
  auto fields_before = *store_->NewReader()->Fields("cpu");
  ASSERT_TRUE(db_->Flush().ok());
  Open();
  EXPECT_EQ(store_->SeriesCount(), 3u);
  ASSERT_TRUE(store_->LookupFieldType("cpu", "w", &t));
  EXPECT_EQ(t, FieldType::kInteger);
  // Known series and fields keep their ids; no duplicate is created.
  ASSERT_TRUE(Lp("cpu,host=a v=3 4\ncpu,host=c v=4,z=true 5").ok());
  auto after = SeriesIds("cpu");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after["cpu,host=a"], before.at("cpu,host=a"));
  EXPECT_EQ(after["cpu,host=b"], before.at("cpu,host=b"));
  EXPECT_GT(after["cpu,host=c"],
            std::max(before.at("cpu,host=a"), before.at("cpu,host=b")));
  EXPECT_EQ(Points("cpu", "cpu,host=a", "v"), "1=1 4=3");
  auto fields_after = *store_->NewReader()->Fields("cpu");
  for (const FieldInfo& f : fields_before) {
    auto it =
        std::find_if(fields_after.begin(), fields_after.end(),
                     [&](const FieldInfo& g) { return g.name == f.name; });
    ASSERT_NE(it, fields_after.end());
    EXPECT_EQ(it->id, f.id);
    EXPECT_EQ(it->type, f.type);
  }
  EXPECT_EQ(fields_after.size(), 3u);
  // Conflicts are still detected against the reloaded catalog.
  EXPECT_FALSE(Lp("cpu v=1i 6").ok());
  // And once more without a flush: the WAL replays the catalog as well.
  Open();
  EXPECT_EQ(store_->SeriesCount(), 4u);
  EXPECT_EQ(SeriesIds("cpu"), after);
}

TEST_F(SeriesStoreTest, ConcurrentWritersBuildOneCatalog) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 40;
  std::vector<std::thread> threads;
  std::vector<absl::Status> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::string text;
        for (int i = 0; i < 20; ++i) {
          // Shared series and fields race between threads; some are own.
          const int host = (b * 7 + i * 3 + t) % 30;
          text += absl::StrFormat("cpu,host=h%d f%d=%d,own%d=%di %d\n", host,
                                  i % 5, b, t, i, (b * 20 + i) * 10 + t);
        }
        text += absl::StrFormat("own%d,k=v x=1 %d\n", t, b);
        auto r = store_->WriteLineProtocol(text, {});
        if (!r.ok()) {
          errors[t] = r.status();
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const absl::Status& s : errors) ASSERT_TRUE(s.ok()) << s;

  auto check = [&] {
    auto ids = SeriesIds("cpu");
    EXPECT_EQ(ids.size(), 30u);
    std::set<uint64_t> unique;
    for (const auto& [k, id] : ids) unique.insert(id);
    EXPECT_EQ(unique.size(), ids.size());
    auto fields = store_->NewReader()->Fields("cpu");
    ASSERT_TRUE(fields.ok());
    EXPECT_EQ(fields->size(), 5u + kThreads);
    std::set<uint32_t> fids;
    for (const FieldInfo& f : *fields) fids.insert(f.id);
    EXPECT_EQ(fids.size(), fields->size());
    EXPECT_EQ(store_->SeriesCount(), 30u + kThreads);
    // Every write is present: each point wrote two values.
    uint64_t points = 0;
    auto reader = store_->NewReader();
    for (const auto& [k, id] : ids) {
      for (const FieldInfo& f : *fields) {
        if (!f.name.starts_with("own")) continue;
        auto it = reader->NewFieldIterator("cpu", id, f.id, kMinTimestamp,
                                           kMaxTimestamp);
        for (it->SeekToFirst(); it->Valid(); it->Next()) ++points;
      }
    }
    EXPECT_EQ(points, uint64_t{kThreads} * kBatches * 20);
  };
  check();
  Open();
  check();
}

TEST_F(SeriesStoreTest, FailedWriteLeavesCachesUnchanged) {
  ASSERT_TRUE(Lp("m,h=a x=1 1").ok());
  fault_env_->FailAfter(FaultOp::kWrite, 0);
  auto r = Lp("m,h=b x=2,y=3i 2\nn z=1 3");
  ASSERT_FALSE(r.ok());
  fault_env_->ClearFaults();
  EXPECT_EQ(store_->SeriesCount(), 1u);
  FieldType t;
  EXPECT_FALSE(store_->LookupFieldType("m", "y", &t));
  EXPECT_FALSE(store_->LookupFieldType("n", "z", &t));
  EXPECT_EQ(store_->Measurements(), std::vector<std::string>{"m"});
  // After a reopen the new ids are free again and the old ones intact.
  Open();
  ASSERT_TRUE(Lp("m,h=b x=2,y=3i 2").ok());
  auto ids = SeriesIds("m");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids["m,h=b"], ids["m,h=a"] + 1);
}

TEST_F(SeriesStoreTest, DefaultRetentionHidesOldPoints) {
  ts_options_.default_retention_ns = kHour;
  Open();
  const int64_t t = now();
  ASSERT_TRUE(Lp(absl::StrFormat("m v=1 %d\nm v=2 %d\nm v=3 %d", t - 2 * kHour,
                                 t - kHour / 2, t))
                  .ok());
  EXPECT_EQ(Points("m", "m", "v"),
            absl::StrFormat("%d=2 %d=3", t - kHour / 2, t));
  EXPECT_EQ(store_->NewReader()->RetentionFloor("m"), t - kHour + 1);
  clock_->Advance(kHour / 2);
  EXPECT_EQ(Points("m", "m", "v"), absl::StrFormat("%d=3", t));
  EXPECT_EQ(store_->NewReader()->RetentionFloor("m"), t - kHour / 2 + 1);
}

TEST_F(SeriesStoreTest, RetentionOverridePerMeasurement) {
  ts_options_.default_retention_ns = kHour;
  Open();
  ASSERT_TRUE(store_->SetRetention("long", 10 * kHour).ok());
  const int64_t t = now();
  ASSERT_TRUE(Lp(absl::StrFormat("long v=1 %d\nshort v=1 %d\n", t - 2 * kHour,
                                 t - 2 * kHour))
                  .ok());
  EXPECT_EQ(Points("long", "long", "v"),
            absl::StrFormat("%d=1", t - 2 * kHour));
  EXPECT_EQ(Points("short", "short", "v"), "");
  EXPECT_EQ(store_->NewReader()->RetentionFloor("long"), t - 10 * kHour + 1);
  // Persisted.
  Open();
  EXPECT_EQ(store_->NewReader()->RetentionFloor("long"), t - 10 * kHour + 1);
  // Shortening it raises the floor at once (the executor clamps to it).
  ASSERT_TRUE(store_->SetRetention("long", kHour / 4).ok());
  EXPECT_EQ(store_->NewReader()->RetentionFloor("long"), t - kHour / 4 + 1);
  // 0 falls back to the default.
  ASSERT_TRUE(store_->SetRetention("long", 0).ok());
  EXPECT_EQ(store_->NewReader()->RetentionFloor("long"), t - kHour + 1);
  Open();
  EXPECT_EQ(store_->NewReader()->RetentionFloor("long"), t - kHour + 1);
  EXPECT_EQ(store_->SetRetention("long", -1).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetRetention("", 5).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SeriesStoreTest, RetentionSetsExpiryForCompaction) {
  ASSERT_TRUE(store_->SetRetention("m", kHour).ok());
  const int64_t t = now();
  ASSERT_TRUE(Lp(absl::StrFormat("m v=1 %d", t)).ok());
  auto it = db_->NewIterator(
      ReadOptions(),
      ScanRange{std::string(1, kDataTag), std::string(1, kDataTag + 1)});
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->expire_at(), t + kHour);
  // Catalog records never expire.
  auto cat = db_->NewIterator(
      ReadOptions(),
      ScanRange{std::string(1, kSeriesTag), std::string(1, kCountersTag + 1)});
  int n = 0;
  for (cat->SeekToFirst(); cat->Valid(); cat->Next(), ++n) {
    EXPECT_EQ(cat->expire_at(), kNeverExpires);
    EXPECT_EQ(cat->timestamp(), 0);
  }
  EXPECT_GE(n, 5);  // series, reverse, field, retention, counters
}

TEST_F(SeriesStoreTest, CorruptCatalogIsDataLossNamingTheRecord) {
  std::string no_terminator = MeasurementPrefix(kSeriesTag, "m");
  no_terminator += "cpu";
  struct Case {
    std::string key;
    std::string value;
    std::string what;  // in the message
  };
  const std::vector<Case> open_cases = {
      {no_terminator, EncodeSeriesIdValue(1), "series catalog"},
      {SeriesKey("m", "m"), "\xff", "series catalog"},
      {FieldKey("m", "f"), std::string("\x09\x01", 2), "field catalog"},
      {std::string("\x14garbage"), "x", "field catalog"},
      {RetentionKey("m"), "", "retention"},
      {CountersKey(), "", "id counters"},
  };
  for (const Case& c : open_cases) {
    TearDown();  // a fresh DB on a fresh env
    SetUp();
    ASSERT_TRUE(db_->Put(WriteOptions(), c.key, 0, c.value).ok());
    store_.reset();
    auto store = SeriesStore::Open(db_.get(), ts_options_);
    ASSERT_FALSE(store.ok()) << c.what;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(std::string(store.status().message()).find(c.what),
              std::string::npos)
        << store.status();
  }
  // Records the store does not load fail the call of a reader that scans
  // the DB's catalog when it meets them. The store's own readers answer
  // from the catalog the store loaded and wrote, so they never meet them.
  TearDown();
  SetUp();
  ASSERT_TRUE(Lp("m,k=v x=1 1").ok());
  std::string bad_tag = MeasurementPrefix(kTagIndexTag, "m") + "junk";
  std::string short_id = TagValuePrefix("m", "k", "v") + "abc";
  ASSERT_TRUE(db_->Put(WriteOptions(), bad_tag, 0, "").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), short_id, 0, "").ok());
  auto reader = std::make_unique<SeriesDbReader>(db_.get(), clock_.get(), 0);
  EXPECT_EQ(reader->TagKeys("m").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(reader->SeriesWithTag("m", "k", "v").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(*store_->NewReader()->TagKeys("m"), std::vector<std::string>{"k"});
  ASSERT_TRUE(db_->Put(WriteOptions(), SeriesKey("m", "other,k=v"), 0,
                       EncodeSeriesIdValue(9))
                  .ok());
  reader = std::make_unique<SeriesDbReader>(db_.get(), clock_.get(), 0);
  absl::Status s = reader->ForEachSeries(
      "m", [](const SeriesInfo&) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
}

// ---------------------------------------------------------------------------
// Throughput (printed, never asserted).

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

TEST_F(SeriesStoreTest, IngestThroughputPrint) {
  db_options_.write_buffer_size = 128 << 20;  // measure ingest, not flush
  Open();
  constexpr int kLines = 100'000;
  constexpr int kPerBatch = 5'000;
  constexpr int kHosts = 100;
  static const char* const kFields[10] = {
      "usage_user",   "usage_system",    "usage_idle",    "usage_nice",
      "usage_iowait", "usage_irq",       "usage_softirq", "usage_steal",
      "usage_guest",  "usage_guest_nice"};
  std::vector<std::string> batches;
  Random rnd(42);
  const int64_t t0 = 1'600'000'000LL * kSecond;
  for (int b = 0; b < kLines / kPerBatch; ++b) {
    std::string text;
    for (int i = 0; i < kPerBatch; ++i) {
      const int line = b * kPerBatch + i;
      text +=
          absl::StrFormat("cpu,host=host_%d,region=eu-west-%d,rack=r%d ",
                          line % kHosts, line % kHosts % 3, line % kHosts % 7);
      for (int f = 0; f < 10; ++f) {
        if (f > 0) text += ',';
        text += absl::StrFormat("%s=%.2f", kFields[f],
                                (rnd.Uniform(10000)) / 100.0);
      }
      text += absl::StrFormat(" %d\n", t0 + (line / kHosts) * 10 * kSecond);
    }
    batches.push_back(std::move(text));
  }
  const double cpu0 = ThreadCpuSeconds();
  const auto wall0 = std::chrono::steady_clock::now();
  uint64_t values = 0;
  for (const std::string& text : batches) {
    auto r = Lp(text);
    ASSERT_TRUE(r.ok()) << r.status();
    values += r->values_written;
  }
  const double cpu = ThreadCpuSeconds() - cpu0;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0)
          .count();
  ASSERT_EQ(values, uint64_t{kLines} * 10);
  std::printf(
      "[ingest] %d lines x 10 fields, %d lines/batch: %.2f M values/s CPU "
      "(%.3f s), %.2f M values/s wall (%.3f s)\n",
      kLines, kPerBatch, values / cpu / 1e6, cpu, values / wall / 1e6, wall);
  EXPECT_EQ(store_->SeriesCount(), static_cast<size_t>(kHosts));
}

}  // namespace
}  // namespace strata::series
