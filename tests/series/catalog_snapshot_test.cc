// Tests of the in-memory catalog readers use (catalog_snapshot.h) and of
// the shared field scan: after random writes, deletes, drops, retention
// changes and reopens, a reader from SeriesStore::NewReader must answer
// every catalog and data call exactly as a reader that scans the DB's
// catalog records; a reader keeps the catalog version of its DB snapshot;
// a FieldScan reads what per-key iterators read, in any key order.
#include "series/catalog_snapshot.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "series/key_codec.h"
#include "series/series_db_reader.h"
#include "series/series_store.h"
#include "strata/db.h"
#include "strata/env.h"
#include "util/random.h"

namespace strata::series {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

class CatalogSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mem_env_ = NewMemEnv();
    clock_ = std::make_unique<ManualClockEnv>(mem_env_.get());
    db_options_.env = clock_.get();
    ts_options_.env = clock_.get();
    auto db = DB::Open(db_options_, "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  void Reopen() {
    store_.reset();
    auto store = SeriesStore::Open(db_.get(), ts_options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void Lp(std::string_view text) {
    LineProtocolWriteOptions o;
    o.precision = "s";
    auto r = store_->WriteLineProtocol(text, o);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << text;
  }

  // Points of one (series, field) read through an iterator, as
  // "t=bytes-size" items.
  static std::string Points(Iterator* it) {
    std::string out;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      absl::StrAppendFormat(&out, " %d/%d", it->timestamp() / kSecond,
                            it->value().size());
    }
    if (!it->status().ok()) out += " error";
    return out;
  }

  // Everything a reader says about the catalog and the data, as text.
  // With scan, data is read through one FieldScan per measurement instead
  // of one iterator per (series, field).
  static std::string Describe(SeriesReader* r, bool scan,
                              ScanPattern pattern = ScanPattern::kAll) {
    std::string out;
    auto ms = r->Measurements();
    if (!ms.ok()) return "error " + std::string(ms.status().message());
    for (const std::string& m : *ms) {
      out += "measurement " + m + "\n";
      auto fields = r->Fields(m);
      if (!fields.ok()) return out + "fields error";
      for (const FieldInfo& f : *fields) {
        absl::StrAppendFormat(&out, " field %s %d #%d\n", f.name,
                              static_cast<int>(f.type), f.id);
      }
      absl::StrAppendFormat(&out, " floor %d\n", r->RetentionFloor(m));
      std::unique_ptr<FieldScan> fs =
          r->NewFieldScan(m, 0, 100 * kSecond, pattern);
      absl::Status s = r->ForEachSeries(m, [&](const SeriesInfo& info) {
        absl::StrAppendFormat(&out, " series #%d %s", info.id, info.key);
        for (const Tag& t : info.tags) out += " " + t.key + "=" + t.value;
        out += "\n";
        for (const FieldInfo& f : *fields) {
          std::string points;
          if (scan) {
            points = Points(fs->Open(info.id, f.id));
          } else {
            auto it = r->NewFieldIterator(m, info.id, f.id, 0, 100 * kSecond);
            points = Points(it.get());
          }
          if (!points.empty()) out += "  " + f.name + ":" + points + "\n";
        }
        return absl::OkStatus();
      });
      if (!s.ok()) return out + "series error";
      auto keys = r->TagKeys(m);
      if (!keys.ok()) return out + "tag keys error";
      for (const std::string& k : *keys) {
        out += " tag " + k + ":";
        auto values = r->TagValues(m, k);
        if (!values.ok()) return out + "tag values error";
        for (const std::string& v : *values) {
          out += " " + v + "(";
          auto ids = r->SeriesWithTag(m, k, v);
          auto series = r->SeriesByTag(m, k, v);
          if (!ids.ok() || !series.ok()) return out + "index error";
          for (uint64_t id : *ids) absl::StrAppendFormat(&out, "#%d", id);
          out += "|";
          for (const SeriesInfo* info : *series) out += info->key + ";";
          out += ")";
        }
        out += "\n";
      }
    }
    return out;
  }

  // The catalog reader against a reader that scans the DB's records.
  void ExpectCatalogMatchesDb(const std::string& step) {
    auto from_store = store_->NewReader();
    SeriesDbReader from_db(db_.get(), clock_.get(),
                           ts_options_.default_retention_ns);
    const std::string want = Describe(&from_db, /*scan=*/false);
    ASSERT_EQ(Describe(from_store.get(), /*scan=*/false), want) << step;
    ASSERT_EQ(Describe(from_store.get(), /*scan=*/true, ScanPattern::kAll),
              want)
        << step;
    ASSERT_EQ(Describe(from_store.get(), /*scan=*/true, ScanPattern::kEnds),
              want)
        << step;
  }

  std::unique_ptr<Env> mem_env_;
  std::unique_ptr<ManualClockEnv> clock_;
  Options db_options_;
  TimeSeriesOptions ts_options_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<SeriesStore> store_;
};

const std::string* TagOf(const SeriesInfo& s, const std::string& key) {
  for (const Tag& t : s.tags) {
    if (t.key == key) return &t.value;
  }
  return nullptr;
}

TEST_F(CatalogSnapshotTest, MatchesTheDbAfterRandomChanges) {
  static const char* const kMeasurements[] = {"cpu", "mem", "disk"};
  static const char* const kFields[] = {"a=%d.5", "b=%di", "c=\"s%d\"",
                                        "d=%du"};
  Random rnd(301);
  int nonempty = 0;
  int deletes = 0;
  int drops = 0;
  for (int step = 0; step < 250; ++step) {
    const std::string m = kMeasurements[rnd.Uniform(3)];
    const uint32_t op = rnd.Uniform(100);
    std::string what;
    if (op < 50) {
      std::string text;
      const int lines = 1 + static_cast<int>(rnd.Uniform(12));
      for (int i = 0; i < lines; ++i) {
        text += m;
        if (!rnd.OneIn(5)) {
          absl::StrAppendFormat(&text, ",host=h%d", rnd.Uniform(8));
        }
        if (rnd.OneIn(2)) {
          absl::StrAppendFormat(&text, ",region=r%d", rnd.Uniform(3));
        }
        text += " ";
        const int first = static_cast<int>(rnd.Uniform(4));
        const int n = 1 + static_cast<int>(rnd.Uniform(2));
        for (int f = 0; f < n; ++f) {
          if (f > 0) text += ",";
          absl::StrAppendFormat(&text, kFields[(first + f) % 4],
                                rnd.Uniform(50));
        }
        absl::StrAppendFormat(&text, " %d\n", rnd.Uniform(100));
      }
      ASSERT_NO_FATAL_FAILURE(Lp(text));
      what = "write " + text;
    } else if (op < 70) {
      const std::string host = absl::StrFormat("h%d", rnd.Uniform(8));
      const bool drop = rnd.OneIn(3);
      const int64_t t0 = static_cast<int64_t>(rnd.Uniform(100)) * kSecond;
      const int64_t t1 =
          rnd.OneIn(4) ? kMaxTimestamp : t0 + (1 + rnd.Uniform(60)) * kSecond;
      auto n = store_->DeleteSeries(
          m,
          [&](const SeriesInfo& s) {
            const std::string* h = TagOf(s, "host");
            return h != nullptr && *h == host;
          },
          rnd.OneIn(4) ? kMinTimestamp : t0, t1, drop);
      ASSERT_TRUE(n.ok()) << n.status();
      deletes += *n > 0;
      what = absl::StrFormat("delete %s host=%s drop=%d", m, host, drop);
    } else if (op < 75) {
      ASSERT_TRUE(store_->DropMeasurement(m).ok());
      ++drops;
      what = "drop measurement " + m;
    } else if (op < 85) {
      const int64_t r =
          rnd.OneIn(3) ? 0 : (1 + rnd.Uniform(5)) * 3600 * kSecond;
      ASSERT_TRUE(store_->SetRetention(m, r).ok());
      what = absl::StrFormat("retention %s %d", m, r);
    } else if (op < 92) {
      ASSERT_NO_FATAL_FAILURE(Reopen());
      what = "reopen";
    } else {
      ASSERT_TRUE(db_->Flush().ok());
      what = "flush";
    }
    ASSERT_NO_FATAL_FAILURE(
        ExpectCatalogMatchesDb(absl::StrFormat("step %d: %s", step, what)));
    nonempty += store_->SeriesCount() > 0;
  }
  // The walk must have exercised what it claims to.
  EXPECT_GT(nonempty, 100);
  EXPECT_GT(deletes, 10);
  EXPECT_GT(drops, 3);
}

TEST_F(CatalogSnapshotTest, ReaderKeepsTheCatalogOfItsSnapshot) {
  Lp("cpu,host=a v=1 1\ncpu,host=b v=2 2\n");
  auto before = store_->NewReader();
  // DROP SERIES host=a, then a new series and a new field.
  auto n = store_->DeleteSeries(
      "cpu", [](const SeriesInfo& s) { return s.key == "cpu,host=a"; },
      kMinTimestamp, kMaxTimestamp, /*drop_series=*/true);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  Lp("cpu,host=c v=3,w=4i 3\n");
  auto after = store_->NewReader();
  // DELETE of all of b's data removes b from the catalog too.
  n = store_->DeleteSeries(
      "cpu", [](const SeriesInfo& s) { return s.key == "cpu,host=b"; }, 0,
      10 * kSecond, /*drop_series=*/false);
  ASSERT_TRUE(n.ok());
  auto last = store_->NewReader();

  const auto keys = [](SeriesReader* r) {
    std::string out;
    EXPECT_TRUE(r->ForEachSeries("cpu", [&](const SeriesInfo& s) {
                   out += s.key + ";";
                   return absl::OkStatus();
                 }).ok());
    auto fields = r->Fields("cpu");
    for (const FieldInfo& f : *fields) out += " " + f.name;
    return out;
  };
  EXPECT_EQ(keys(before.get()), "cpu,host=a;cpu,host=b; v");
  EXPECT_EQ(keys(after.get()), "cpu,host=b;cpu,host=c; v w");
  EXPECT_EQ(keys(last.get()), "cpu,host=c; v w");
  // The old reader still reads the dropped series' data.
  auto a = before->SeriesByTag("cpu", "host", "a");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  auto fields = before->Fields("cpu");
  std::unique_ptr<FieldScan> scan = before->NewFieldScan(
      "cpu", kMinTimestamp, kMaxTimestamp, ScanPattern::kEnds);
  EXPECT_EQ(Points(scan->Open((*a)[0]->id, (*fields)[0].id)), " 1/8");
  EXPECT_TRUE(after->SeriesByTag("cpu", "host", "a")->empty());
  EXPECT_EQ(after->SeriesWithTag("cpu", "host", "c")->size(), 1u);
  EXPECT_TRUE(last->SeriesByTag("cpu", "host", "b")->empty());
  // A measurement whose every series went is gone from the catalog.
  n = store_->DeleteSeries(
      "cpu", [](const SeriesInfo&) { return true; }, kMinTimestamp,
      kMaxTimestamp, /*drop_series=*/true);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(store_->NewReader()->Measurements()->empty());
  EXPECT_EQ(store_->catalog()->Find("cpu"), nullptr);
  EXPECT_EQ(keys(last.get()), "cpu,host=c; v w");
}

// Writers create series while readers run: every series a reader lists
// must have its data in the reader's DB snapshot (catalog and data commit
// in one batch, and the reader takes both under the store's lock), and a
// later reader never lists fewer series.
TEST_F(CatalogSnapshotTest, ReadersSeeCatalogAndDataTogether) {
  constexpr int kSeries = 300;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kSeries; ++i) {
      LineProtocolWriteOptions o;
      o.precision = "s";
      auto r = store_->WriteLineProtocol(
          absl::StrFormat("m,host=h%d v=%d 1\nm,host=h0 v=1 %d\n", i, i, i + 2),
          o);
      ASSERT_TRUE(r.ok()) << r.status();
    }
    done = true;
  });
  size_t last = 0;
  int rounds = 0;
  while (!done || rounds < 5) {
    ++rounds;
    auto r = store_->NewReader();
    auto fields = r->Fields("m");
    ASSERT_TRUE(fields.ok());
    size_t n = 0;
    std::unique_ptr<FieldScan> scan =
        r->NewFieldScan("m", 0, 1000 * kSecond, ScanPattern::kEnds);
    ASSERT_TRUE(r->ForEachSeries("m", [&](const SeriesInfo& s) {
                   ++n;
                   Iterator* it = scan->Open(s.id, (*fields)[0].id);
                   it->SeekToFirst();
                   EXPECT_TRUE(it->Valid()) << s.key;
                   return absl::OkStatus();
                 }).ok());
    EXPECT_GE(n, last);
    last = n;
    if (HasFailure()) break;
  }
  writer.join();
  size_t final_count = 0;
  ASSERT_TRUE(store_->NewReader()
                  ->ForEachSeries("m",
                                  [&](const SeriesInfo&) {
                                    ++final_count;
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_GE(final_count, last);
  EXPECT_EQ(final_count, static_cast<size_t>(kSeries));
}

TEST_F(CatalogSnapshotTest, TagIndexListsSeriesInKeyOrder) {
  Lp("m,host=b,dc=x v=1 1\nm,host=a,dc=x v=1 1\nm,host=c v=1 1\n"
     "m,dc=y v=1 1\n");
  auto r = store_->NewReader();
  auto x = r->SeriesByTag("m", "dc", "x");
  ASSERT_TRUE(x.ok());
  ASSERT_EQ(x->size(), 2u);
  EXPECT_EQ((*x)[0]->key, "m,dc=x,host=a");
  EXPECT_EQ((*x)[1]->key, "m,dc=x,host=b");
  EXPECT_TRUE(r->SeriesByTag("m", "dc", "z")->empty());
  EXPECT_TRUE(r->SeriesByTag("m", "nosuch", "x")->empty());
  EXPECT_TRUE(r->SeriesByTag("nosuch", "dc", "x")->empty());
  EXPECT_EQ(*r->TagKeys("m"), (std::vector<std::string>{"dc", "host"}));
  EXPECT_EQ(*r->TagValues("m", "host"),
            (std::vector<std::string>{"a", "b", "c"}));
  // The pointers are the ones ForEachSeries hands out.
  std::vector<const SeriesInfo*> all;
  ASSERT_TRUE(r->ForEachSeries("m", [&](const SeriesInfo& s) {
                 all.push_back(&s);
                 return absl::OkStatus();
               }).ok());
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], (*x)[0]);
  EXPECT_EQ(all[1], (*x)[1]);
}

TEST_F(CatalogSnapshotTest, FieldScanReadsLikePerKeyIterators) {
  std::string text;
  for (int h = 0; h < 6; ++h) {
    for (int t = 0; t < 40; t += 1 + h) {
      absl::StrAppendFormat(&text, "m,host=h%d a=%d,b=%di %d\n", h, t, t, t);
    }
  }
  Lp(text);
  Lp("other,host=h0 a=1 5\n");  // a neighbouring measurement
  for (int round = 0; round < 4; ++round) {
    const ScanPattern pattern =
        round % 2 == 0 ? ScanPattern::kAll : ScanPattern::kEnds;
    if (round == 2) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    auto r = store_->NewReader();
    auto fields = *r->Fields("m");
    std::vector<uint64_t> ids;
    ASSERT_TRUE(r->ForEachSeries("m", [&](const SeriesInfo& s) {
                   ids.push_back(s.id);
                   return absl::OkStatus();
                 }).ok());
    ids.push_back(999);  // no such series
    const int64_t t0 = 3 * kSecond, t1 = 30 * kSecond;
    std::unique_ptr<FieldScan> scan = r->NewFieldScan("m", t0, t1, pattern);
    Random rnd(round + 1);
    for (int i = 0; i < 60; ++i) {
      const uint64_t id = ids[rnd.Uniform(ids.size())];
      const FieldInfo& f = fields[rnd.Uniform(fields.size())];
      auto want = r->NewFieldIterator("m", id, f.id, t0, t1);
      Iterator* got = scan->Open(id, f.id);
      const std::string where =
          absl::StrFormat("round %d op %d series %d", round, i, id);
      EXPECT_EQ(Points(got), Points(want.get())) << where;
      // Backwards from the end, and a seek into the middle.
      std::string back_got, back_want;
      for (got->SeekToLast(); got->Valid(); got->Prev()) {
        absl::StrAppendFormat(&back_got, " %d", got->timestamp());
      }
      for (want->SeekToLast(); want->Valid(); want->Prev()) {
        absl::StrAppendFormat(&back_want, " %d", want->timestamp());
      }
      EXPECT_EQ(back_got, back_want) << where;
      const std::string key = DataKey("m", id, f.id);
      got->Seek(key, 10 * kSecond);
      want->Seek(key, 10 * kSecond);
      ASSERT_EQ(got->Valid(), want->Valid()) << where;
      if (want->Valid()) {
        EXPECT_EQ(got->timestamp(), want->timestamp());
      }
      got->SeekForPrev(key, 10 * kSecond);
      want->SeekForPrev(key, 10 * kSecond);
      ASSERT_EQ(got->Valid(), want->Valid()) << where;
      if (want->Valid()) {
        EXPECT_EQ(got->timestamp(), want->timestamp());
      }
      // Keys before and after this one.
      got->Seek(DataKey("m", 0, 0), kMinTimestamp);
      want->Seek(DataKey("m", 0, 0), kMinTimestamp);
      ASSERT_EQ(got->Valid(), want->Valid()) << where;
      if (want->Valid()) {
        EXPECT_EQ(got->timestamp(), want->timestamp());
      }
      got->SeekForPrev(DataKey("m", 100000, 0), kMaxTimestamp);
      want->SeekForPrev(DataKey("m", 100000, 0), kMaxTimestamp);
      ASSERT_EQ(got->Valid(), want->Valid()) << where;
      if (want->Valid()) {
        EXPECT_EQ(got->timestamp(), want->timestamp());
      }
    }
  }
}

TEST_F(CatalogSnapshotTest, OpenRejectsASeriesRecordThatDoesNotParse) {
  Lp("m,k=v x=1 1\n");
  // A series record filed under m whose key names another measurement.
  ASSERT_TRUE(db_->Put(WriteOptions(), SeriesKey("m", "other,k=v"), 0,
                       EncodeSeriesIdValue(9))
                  .ok());
  store_.reset();
  auto store = SeriesStore::Open(db_.get(), ts_options_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(store.status().message()).find("series catalog"),
            std::string::npos)
      << store.status();
}

}  // namespace
}  // namespace strata::series
