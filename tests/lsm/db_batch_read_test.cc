// BatchIterator::ReadBatch (the series aggregates' read path) and ReadKeys
// (index walks') against the record-at-a-time walk of the same iterator
// state. ReadBatch: columnar SSTs holding
// several versions per (key, ts) (kept by snapshots), point and range
// deletes, expired records, time windows, at the latest state and at
// snapshots; one SST per window or several merged. The test also asserts that
// batches longer than one record happened, so it cannot pass by never leaving
// the slow path. ReadKeys: row SSTs of many short keys, overwritten (versions
// kept by snapshots), deleted, expiring, across a memtable and several
// merged SSTs, with time windows, key ranges and batch limits.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "gtest/gtest.h"
#include "lsm/db_iter.h"
#include "strata/db.h"
#include "strata/env.h"
#include "strata/write_batch.h"
#include "util/random.h"

namespace strata {
namespace {

struct Row {
  std::string key;
  Timestamp ts;
  std::string value;
  bool operator==(const Row& o) const {
    return key == o.key && ts == o.ts && value == o.value;
  }
};

std::vector<Row> ReadByNext(DB* db, const ReadOptions& ro, const ScanRange& r) {
  std::vector<Row> out;
  auto it = db->NewIterator(ro, r);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.push_back(
        {std::string(it->key()), it->timestamp(), std::string(it->value())});
  }
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

// Reads at the latest state or, half the time, at one of snaps.
ReadOptions AtLatestOrSnapshot(
    const std::vector<std::unique_ptr<const Snapshot>>& snaps, Random* rng) {
  ReadOptions ro;
  if (!snaps.empty() && rng->OneIn(2)) {
    ro.snapshot = snaps[rng->Uniform(snaps.size())].get();
  }
  return ro;
}

void ExpectSameRows(const std::vector<Row>& got, const std::vector<Row>& want,
                    int round, int q) {
  ASSERT_EQ(got.size(), want.size()) << "round " << round << " q " << q;
  for (size_t i = 0; i < want.size(); i++) {
    ASSERT_TRUE(got[i] == want[i])
        << "round " << round << " q " << q << " row " << i << ": got "
        << got[i].key << "@" << got[i].ts << "=" << got[i].value << ", want "
        << want[i].key << "@" << want[i].ts << "=" << want[i].value;
  }
}

std::vector<Row> ReadByBatch(DB* db, const ReadOptions& ro, const ScanRange& r,
                             Random* rng, uint64_t* batched) {
  std::vector<Row> out;
  auto it = db->NewIterator(ro, r);
  auto* b = dynamic_cast<BatchIterator*>(it.get());
  EXPECT_NE(b, nullptr);
  if (b == nullptr) return out;
  Timestamp ts[128];
  std::string_view values[128];
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key(it->key());
    const size_t max = 1 + rng->Uniform(128);
    const size_t n = b->ReadBatch(ts, values, max);
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, max);
    for (size_t i = 0; i < n; i++) {
      out.push_back({key, ts[i], std::string(values[i])});
    }
    EXPECT_EQ(it->key(), key);
    EXPECT_EQ(it->timestamp(), ts[n - 1]) << "not left on the last record";
    *batched += n - 1;
  }
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

TEST(DBBatchReadTest, BatchesMatchTheRecordWalk) {
  auto mem = NewMemEnv();
  ManualClockEnv clock(mem.get());
  Options o;
  o.env = &clock;
  o.block_encoding = BlockEncodingChoice::kColumnar;
  o.columnar_block_size = 16 << 10;
  o.window_merge_trigger = 64;  // only CompactRange merges
  auto db = DB::Open(o, "/batch");
  ASSERT_TRUE(db.ok()) << db.status();
  Random rng(2026);
  const int64_t now = clock.NowNanos();
  uint64_t batched = 0;

  for (int round = 0; round < 6; round++) {
    // Points of a few series, some overwritten, some short-lived.
    std::vector<std::unique_ptr<const Snapshot>> snaps;
    for (int step = 0; step < 4; step++) {
      WriteBatch b;
      for (int k = 0; k < 6; k++) {
        const std::string key = absl::StrFormat("series-%02d", k);
        for (int i = 0; i < 400; i++) {
          if (!rng.OneIn(3)) continue;
          const Timestamp t = now - 1'000'000 + i * 1000;
          const std::string v = absl::StrFormat("r%d-s%d-%d", round, step, i);
          b.Put(key, t, v,
                rng.OneIn(10) ? Expiry::At(now + 50'000 + rng.Uniform(100'000))
                              : Expiry::Never());
        }
        if (rng.OneIn(3)) {
          const Timestamp t = now - 1'000'000 + rng.Uniform(400) * 1000;
          b.Delete(key, t);
        }
      }
      if (rng.OneIn(2)) {
        const Timestamp t0 = now - 1'000'000 + rng.Uniform(400) * 1000;
        b.DeleteRange("series-02", "series-04", t0, t0 + 30'000);
      }
      ASSERT_TRUE((*db)->Write(WriteOptions(), b).ok());
      // Snapshots keep older versions through the compaction below.
      if (rng.OneIn(2)) snaps.push_back((*db)->GetSnapshot());
    }
    // Every other round leaves several overlapping SSTs, so batches come
    // through the merging iterator's clamped runs.
    ASSERT_TRUE((*db)->Flush().ok());
    if (round % 2 == 1) {
      ASSERT_TRUE((*db)->CompactRange("", "").ok());
    }
    clock.Advance(rng.Uniform(40'000));  // some records expire

    for (int q = 0; q < 40; q++) {
      const ReadOptions ro = AtLatestOrSnapshot(snaps, &rng);
      ScanRange r;
      if (rng.OneIn(2)) {
        r.t0 = now - 1'000'000 + rng.Uniform(400) * 1000;
        r.t1 = r.t0 + 1 + rng.Uniform(200'000);
      }
      std::string begin, end;
      if (rng.OneIn(3)) {
        begin = absl::StrFormat("series-%02d", rng.Uniform(6));
        end = begin + "\xff";
        r.begin = begin;
        r.end = end;
      }
      const std::vector<Row> want = ReadByNext(db->get(), ro, r);
      ExpectSameRows(ReadByBatch(db->get(), ro, r, &rng, &batched), want, round,
                     q);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(batched, 10'000u) << "the batch path was hardly exercised";
}

std::vector<Row> ReadByKeys(DB* db, const ReadOptions& ro, const ScanRange& r,
                            Random* rng, uint64_t* batched) {
  std::vector<Row> out;
  auto it = db->NewIterator(ro, r);
  auto* b = dynamic_cast<BatchIterator*>(it.get());
  EXPECT_NE(b, nullptr);
  if (b == nullptr) return out;
  BatchIterator::KeyEntry entries[96];
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const size_t max = 1 + rng->Uniform(96);
    // A limit past the current key, now and then: nothing at or past it.
    std::string limit;
    if (rng->OneIn(4)) {
      limit = absl::StrFormat("k%05d", rng->Uniform(3000));
      if (limit <= it->key()) limit.clear();
    }
    const size_t n = b->ReadKeys(entries, max, limit);
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, max);
    for (size_t i = 0; i < n; i++) {
      if (i > 0 && !limit.empty()) {
        EXPECT_LT(entries[i].key, limit);
      }
      out.push_back({std::string(entries[i].key), entries[i].ts,
                     std::string(entries[i].value)});
    }
    EXPECT_EQ(it->key(), entries[n - 1].key) << "not left on the last record";
    EXPECT_EQ(it->timestamp(), entries[n - 1].ts);
    EXPECT_EQ(it->value(), entries[n - 1].value);
    *batched += n - 1;
  }
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

TEST(DBBatchReadTest, KeyBatchesMatchTheRecordWalk) {
  auto mem = NewMemEnv();
  ManualClockEnv clock(mem.get());
  Options o;
  o.env = &clock;
  o.block_encoding = BlockEncodingChoice::kRow;
  o.block_size = 512;
  o.window_merge_trigger = 64;  // only CompactRange merges
  auto db = DB::Open(o, "/keys");
  ASSERT_TRUE(db.ok()) << db.status();
  Random rng(2027);
  const int64_t now = clock.NowNanos();
  uint64_t batched = 0;

  for (int round = 0; round < 6; round++) {
    std::vector<std::unique_ptr<const Snapshot>> snaps;
    for (int step = 0; step < 4; step++) {
      WriteBatch b;
      for (int i = 0; i < 600; i++) {
        const std::string key = absl::StrFormat("k%05d", rng.Uniform(3000));
        // Few timestamps per key, so versions of one (key, ts) meet.
        const Timestamp t = now - 1'000'000 + rng.Uniform(4) * 100'000;
        if (rng.OneIn(8)) {
          b.Delete(key, t);
          continue;
        }
        b.Put(key, t, absl::StrFormat("r%d-s%d-%d", round, step, i),
              rng.OneIn(8) ? Expiry::At(now + rng.Uniform(100'000))
                           : Expiry::Never());
      }
      ASSERT_TRUE((*db)->Write(WriteOptions(), b).ok());
      if (rng.OneIn(2)) snaps.push_back((*db)->GetSnapshot());
      // Flushed steps leave several overlapping SSTs (merged runs); the
      // last step of odd rounds stays in the memtable.
      if (step < 3 || round % 2 == 0) {
        ASSERT_TRUE((*db)->Flush().ok());
      }
    }
    if (round % 3 == 2) {
      ASSERT_TRUE((*db)->CompactRange("", "").ok());
    }
    clock.Advance(rng.Uniform(40'000));  // some records expire

    for (int q = 0; q < 40; q++) {
      const ReadOptions ro = AtLatestOrSnapshot(snaps, &rng);
      ScanRange r;
      if (rng.OneIn(3)) {
        r.t0 = now - 1'000'000 + rng.Uniform(4) * 100'000;
        r.t1 = r.t0 + 1 + rng.Uniform(250'000);
      }
      std::string begin, end;
      if (rng.OneIn(3)) {
        begin = absl::StrFormat("k%05d", rng.Uniform(3000));
        end = absl::StrFormat("k%05d", rng.Uniform(3000));
        if (end < begin) std::swap(begin, end);
        r.begin = begin;
        r.end = end;
      }
      const std::vector<Row> want = ReadByNext(db->get(), ro, r);
      ExpectSameRows(ReadByKeys(db->get(), ro, r, &rng, &batched), want, round,
                     q);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(batched, 10'000u) << "the key batch path was hardly exercised";
}

}  // namespace
}  // namespace strata
