// Tests of the two-level memtable: a randomized model test against a
// std::map of internal keys (scans, seeks and random walks both ways), a
// concurrent writer/readers test, range tombstones and counters. A
// DISABLED_ test measures insert throughput.
#include "lsm/memtable.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/dbformat.h"
#include "lsm/skiplist.h"
#include "util/arena.h"
#include "util/random.h"

namespace strata {
namespace {

// A skiplist of int64 payloads, to check the list's own invariants.
struct IntTraits {
  using Key = int64_t;
  static constexpr int kMaxHeight = 12;
  static int64_t KeyOf(const SkipNode* n) {
    int64_t v;
    std::memcpy(&v, n->payload(), 8);
    return v;
  }
  static int Compare(const SkipNode* n, int64_t k) {
    int64_t v = KeyOf(n);
    return v < k ? -1 : (v > k ? 1 : 0);
  }
};

// Mixed appends and searched inserts must leave every level linked
// exactly: at level i, each node points to the next node (in key order)
// whose height exceeds i. Searches must match std::set.
TEST(SkipListTest, LinksAtEveryLevelAndSearchesMatchSet) {
  Arena arena;
  SkipList<IntTraits> list(&arena);
  Random rnd(99);
  std::map<int64_t, std::pair<SkipNode*, int>> nodes;  // key -> node, height
  std::set<int64_t> keys;
  int64_t max = 0;
  for (int i = 0; i < 20000; ++i) {
    int h = SkipList<IntTraits>::RandomHeight(&rnd);
    int64_t k;
    bool append = rnd.Uniform(10) < 7 || keys.empty();
    do {
      k = append ? max + 1 + static_cast<int64_t>(rnd.Uniform(5))
                 : static_cast<int64_t>(rnd.Uniform(max + 1));
    } while (keys.count(k));
    SkipNode* n = SkipNode::New(&arena, h, 8);
    std::memcpy(n->payload(), &k, 8);
    if (append) {
      ASSERT_TRUE(list.WriterLast() == nullptr ||
                  IntTraits::Compare(list.WriterLast(), k) < 0);
      list.Append(n, h);
    } else {
      list.Insert(n, h);
    }
    keys.insert(k);
    nodes[k] = {n, h};
    max = std::max(max, k);
    ASSERT_EQ(list.WriterLast(), nodes.rbegin()->second.first);
  }
  std::vector<std::pair<SkipNode*, int>> order;
  for (const auto& [k, nh] : nodes) order.push_back(nh);
  for (size_t i = 0; i < order.size(); ++i) {
    auto [n, h] = order[i];
    for (int level = 0; level < h; ++level) {
      SkipNode* want = nullptr;
      for (size_t j = i + 1; j < order.size(); ++j) {
        if (order[j].second > level) {
          want = order[j].first;
          break;
        }
      }
      ASSERT_EQ(n->Next(level), want) << "node " << i << " level " << level;
    }
  }
  EXPECT_EQ(list.First(), order.front().first);
  EXPECT_EQ(list.Last(), order.back().first);
  auto key_or = [](SkipNode* n) { return n ? IntTraits::KeyOf(n) : -1; };
  for (int i = 0; i < 5000; ++i) {
    int64_t k = static_cast<int64_t>(rnd.Uniform(max + 3)) - 1;
    auto lb = keys.lower_bound(k);
    EXPECT_EQ(key_or(list.LowerBound(k)), lb == keys.end() ? -1 : *lb);
    EXPECT_EQ(key_or(list.LastLess(k)),
              lb == keys.begin() ? -1 : *std::prev(lb));
    auto ub = keys.upper_bound(k);
    EXPECT_EQ(key_or(list.LastLessOrEqual(k)),
              ub == keys.begin() ? -1 : *std::prev(ub));
  }
}

// Sorted runs of searched inserts (as sorted batches arrive) take the
// finger search from the previous insert; runs jump backward and forward
// and into ranges already dense. Every level must stay linked exactly.
TEST(SkipListTest, SortedRunsOfInsertsFromTheFingerLinkExactly) {
  Arena arena;
  SkipList<IntTraits> list(&arena);
  Random rnd(7);
  std::map<int64_t, std::pair<SkipNode*, int>> nodes;
  for (int run = 0; run < 300; ++run) {
    int64_t k = static_cast<int64_t>(rnd.Uniform(1'000'000));
    const int len = 1 + static_cast<int>(rnd.Uniform(60));
    for (int i = 0; i < len; ++i) {
      k += 1 + static_cast<int64_t>(rnd.Uniform(rnd.OneIn(4) ? 50000 : 30));
      if (nodes.count(k)) continue;
      int h = SkipList<IntTraits>::RandomHeight(&rnd);
      SkipNode* n = SkipNode::New(&arena, h, 8);
      std::memcpy(n->payload(), &k, 8);
      list.Insert(n, h);
      nodes[k] = {n, h};
    }
  }
  std::vector<std::pair<SkipNode*, int>> order;
  for (const auto& [k, nh] : nodes) order.push_back(nh);
  for (int level = 0; level < IntTraits::kMaxHeight; ++level) {
    SkipNode* expect = nullptr;  // walking backward: next node at level
    for (size_t i = order.size(); i-- > 0;) {
      auto [n, h] = order[i];
      if (h <= level) continue;
      ASSERT_EQ(n->Next(level), expect) << "node " << i << " level " << level;
      expect = n;
    }
  }
  EXPECT_EQ(list.First(), order.front().first);
  EXPECT_EQ(list.Last(), order.back().first);
  EXPECT_EQ(list.WriterLast(), order.back().first);
  for (int i = 0; i < 3000; ++i) {
    int64_t k = static_cast<int64_t>(rnd.Uniform(1'100'000));
    auto lb = nodes.lower_bound(k);
    SkipNode* got = list.LowerBound(k);
    EXPECT_EQ(got, lb == nodes.end() ? nullptr : lb->second.first) << k;
  }
}

struct RefValue {
  int64_t expire_at;
  std::string value;
};
using RefMap = std::map<std::string, RefValue, InternalKeyLess>;

std::string IKey(std::string_view uk, Timestamp ts, SequenceNumber seq,
                 ValueKind kind) {
  std::string k;
  AppendInternalKey(&k, uk, ts, seq, kind);
  return k;
}

std::string Describe(std::string_view ikey) {
  ParsedInternalKey p;
  if (!ParseInternalKey(ikey, &p)) return "<bad key>";
  std::string uk(p.user_key.substr(0, 20));
  return absl::StrFormat("(%s%s, ts=%d, seq=%d, kind=%d)", uk,
                         p.user_key.size() > 20 ? "..." : "", p.ts, p.seq,
                         static_cast<int>(p.kind));
}

// Checks the iterator is exactly where the reference iterator is.
void ExpectAt(const InternalIterator& it, const RefMap& ref,
              RefMap::const_iterator r, const std::string& where) {
  if (r == ref.end()) {
    ASSERT_FALSE(it.Valid())
        << where << ": expected end, at " << Describe(it.key());
    return;
  }
  ASSERT_TRUE(it.Valid()) << where << ": expected " << Describe(r->first);
  ASSERT_EQ(it.key(), r->first) << where << ": at " << Describe(it.key())
                                << " expected " << Describe(r->first);
  ASSERT_EQ(it.expire_at(), r->second.expire_at) << where;
  ASSERT_EQ(it.value(), r->second.value) << where;
}

RefMap::const_iterator RefSeekForPrev(const RefMap& ref,
                                      const std::string& target) {
  auto r = ref.upper_bound(target);
  if (r == ref.begin()) return ref.end();
  return std::prev(r);
}

class MemTableModelTest : public ::testing::Test {
 protected:
  // 100k mixed operations: in-order and out-of-order ts, duplicate
  // (key, ts) with higher sequences, negative ts, deletes, empty values,
  // 64 KiB keys and a few 1 MiB values.
  void Fill(uint64_t seed, int ops) {
    Random rnd(seed);
    std::vector<std::string> keys;
    keys.push_back("");  // the empty user key is legal
    keys.push_back(std::string("\x00", 1));
    keys.push_back("\xff\xff");
    for (int i = 0; i < 400; ++i) {
      std::string k = absl::StrFormat("cpu.%d.host%d", i % 7, i);
      if (rnd.OneIn(5)) k.push_back('\0');
      keys.push_back(k);
    }
    for (int i = 0; i < 3; ++i) {
      keys.push_back(std::string(kMaxKeySize, static_cast<char>('k' + i)));
    }
    std::vector<Timestamp> last_ts(keys.size(), -5000);
    std::vector<std::pair<size_t, Timestamp>> written;
    int big_values = 0;
    SequenceNumber seq = 100;
    for (int i = 0; i < ops; ++i) {
      size_t ki = rnd.Uniform(keys.size());
      if (keys[ki].size() == kMaxKeySize && !rnd.OneIn(50)) {
        ki = rnd.Uniform(keys.size() - 3);  // keep huge keys rare
      }
      Timestamp ts;
      uint64_t mode = rnd.Uniform(10);
      if (mode < 6) {  // in order
        ts = last_ts[ki] + 1 + static_cast<Timestamp>(rnd.Uniform(1000));
        last_ts[ki] = ts;
      } else if (mode < 8 || written.empty()) {  // out of order, any sign
        ts = static_cast<Timestamp>(rnd.Uniform(2000000)) - 1000000;
        if (rnd.OneIn(100)) ts = rnd.OneIn(2) ? kMinTimestamp : kMaxTimestamp;
      } else {  // overwrite an existing (key, ts) with a newer sequence
        auto [wk, wts] = written[rnd.Uniform(written.size())];
        ki = wk;
        ts = wts;
      }
      written.emplace_back(ki, ts);
      ValueKind kind = rnd.OneIn(10) ? ValueKind::kDelete : ValueKind::kPut;
      std::string value;
      if (kind == ValueKind::kPut && !rnd.OneIn(10)) {
        size_t n = rnd.Uniform(40);
        if (big_values < 4 && rnd.OneIn(20000)) {
          n = 1 << 20;
          ++big_values;
        }
        value.resize(n);
        for (auto& c : value) c = static_cast<char>(rnd.Next());
      }
      int64_t expire_at =
          rnd.OneIn(3) ? static_cast<int64_t>(rnd.Next() >> 1) : kNeverExpires;
      seq += 1 + rnd.Uniform(3);
      mem_.Add(seq, kind, keys[ki], ts, expire_at, value);
      ref_[IKey(keys[ki], ts, seq, kind)] = RefValue{expire_at, value};
    }
    keys_ = keys;
    max_seq_ = seq;
  }

  // A random seek target: an existing key, a neighbour of one, or a
  // made-up (key, ts, seq) that may fall between entries.
  std::string RandomTarget(Random* rnd) {
    auto pick = ref_.begin();
    std::advance(pick, 0);
    uint64_t mode = rnd->Uniform(4);
    if (mode == 0) {
      auto r = ref_.lower_bound(
          SeekKey(keys_[rnd->Uniform(keys_.size())], kMinTimestamp));
      if (r != ref_.end()) return r->first;
    }
    std::string uk = keys_[rnd->Uniform(keys_.size())];
    if (mode == 1) uk.push_back('\x01');  // between keys
    Timestamp ts = static_cast<Timestamp>(rnd->Uniform(2000000)) - 1000000;
    if (rnd->OneIn(20)) ts = kMinTimestamp;
    if (rnd->OneIn(20)) ts = kMaxTimestamp;
    SequenceNumber s = rnd->Uniform(max_seq_ + 2);
    if (mode == 2) return SeekKey(uk, ts, s);
    return IKey(uk, ts, s,
                rnd->OneIn(2) ? ValueKind::kPut : ValueKind::kDelete);
  }

  MemTable mem_;
  RefMap ref_;
  std::vector<std::string> keys_;
  SequenceNumber max_seq_ = 0;
};

TEST_F(MemTableModelTest, ScansAndSeeksMatchReference) {
  Fill(/*seed=*/301, /*ops=*/100000);
  ASSERT_EQ(mem_.num_entries(), 100000u);
  ASSERT_EQ(ref_.size(), 100000u) << "generator made duplicate keys";
  auto it = mem_.NewIterator();

  // Full forward scan.
  it->SeekToFirst();
  for (auto r = ref_.cbegin(); r != ref_.cend(); ++r) {
    ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, ref_, r, "forward"));
    it->Next();
  }
  ASSERT_FALSE(it->Valid());

  // Full backward scan.
  it->SeekToLast();
  for (auto r = ref_.crbegin(); r != ref_.crend(); ++r) {
    ASSERT_NO_FATAL_FAILURE(
        ExpectAt(*it, ref_, std::prev(r.base()), "backward"));
    it->Prev();
  }
  ASSERT_FALSE(it->Valid());

  // Random seeks followed by random walks.
  Random rnd(77);
  for (int i = 0; i < 20000; ++i) {
    std::string target = RandomTarget(&rnd);
    RefMap::const_iterator r;
    bool forward_seek = rnd.OneIn(2);
    if (forward_seek) {
      it->Seek(target);
      r = ref_.lower_bound(target);
    } else {
      it->SeekForPrev(target);
      r = RefSeekForPrev(ref_, target);
    }
    std::string where = absl::StrFormat("%s %s (iteration %d)",
                                        forward_seek ? "Seek" : "SeekForPrev",
                                        Describe(target), i);
    ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, ref_, r, where));
    for (int step = 0; step < 8 && r != ref_.end(); ++step) {
      if (rnd.OneIn(2)) {
        it->Next();
        ++r;
        where += " Next";
      } else {
        it->Prev();
        r = r == ref_.begin() ? ref_.end() : std::prev(r);
        where += " Prev";
      }
      ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, ref_, r, where));
    }
  }
}

// Document-shaped writes: mostly new keys, half of them after every key
// so far (growing ids take the append path), half anywhere (index entries
// take the hash slot and a search), plus updates of keys already there.
TEST_F(MemTableModelTest, NewKeysAppendedOrInsertedMatchReference) {
  Random rnd(4242);
  std::vector<std::string> keys;
  SequenceNumber seq = 1;
  for (int i = 0; i < 30000; ++i) {
    std::string k;
    uint64_t mode = rnd.Uniform(10);
    if (mode < 4 || keys.empty()) {
      k = absl::StrFormat("doc%08d", i);  // grows
    } else if (mode < 8) {
      k = absl::StrFormat("ix%05d.%08d", rnd.Uniform(50000), i);
      if (rnd.OneIn(3)) k = "doc" + k;  // lands among the growing keys
    } else {
      k = keys[rnd.Uniform(keys.size())];
    }
    keys.push_back(k);
    const Timestamp ts = static_cast<Timestamp>(rnd.Uniform(100));
    const ValueKind kind = rnd.OneIn(8) ? ValueKind::kDelete : ValueKind::kPut;
    const std::string value = absl::StrFormat("v%d", i);
    ++seq;
    mem_.Add(seq, kind, k, ts, kNeverExpires, value);
    ref_[IKey(k, ts, seq, kind)] = RefValue{kNeverExpires, value};
  }
  keys_ = keys;
  max_seq_ = seq;
  auto it = mem_.NewIterator();
  it->SeekToFirst();
  for (auto r = ref_.cbegin(); r != ref_.cend(); ++r) {
    ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, ref_, r, "forward"));
    it->Next();
  }
  ASSERT_FALSE(it->Valid());
  it->SeekToLast();
  for (auto r = ref_.crbegin(); r != ref_.crend(); ++r) {
    ASSERT_NO_FATAL_FAILURE(
        ExpectAt(*it, ref_, std::prev(r.base()), "backward"));
    it->Prev();
  }
  ASSERT_FALSE(it->Valid());
  for (int i = 0; i < 5000; ++i) {
    std::string target = RandomTarget(&rnd);
    it->Seek(target);
    ASSERT_NO_FATAL_FAILURE(
        ExpectAt(*it, ref_, ref_.lower_bound(target), Describe(target)));
  }
}

// Sorted runs through AddInOrder (as large batches arrive) mixed with
// single Adds: keys placed by one path are found by the other (the hash
// index does not know keys AddInOrder placed), new and existing keys alike.
TEST_F(MemTableModelTest, InOrderRunsAndSingleAddsMatchReference) {
  Random rnd(9090);
  std::vector<std::string> keys;
  SequenceNumber seq = 1;
  auto add = [&](const std::string& k, bool in_order) {
    const Timestamp ts = static_cast<Timestamp>(rnd.Uniform(50));
    const ValueKind kind = rnd.OneIn(8) ? ValueKind::kDelete : ValueKind::kPut;
    const std::string value = absl::StrFormat("v%d", seq);
    ++seq;
    if (in_order) {
      mem_.AddInOrder(seq, kind, k, ts, kNeverExpires, value);
    } else {
      mem_.Add(seq, kind, k, ts, kNeverExpires, value);
    }
    ref_[IKey(k, ts, seq, kind)] = RefValue{kNeverExpires, value};
    keys.push_back(k);
  };
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> run;
    const int n = 1 + static_cast<int>(rnd.Uniform(100));
    for (int i = 0; i < n; ++i) {
      if (!keys.empty() && rnd.OneIn(3)) {
        run.push_back(keys[rnd.Uniform(keys.size())]);  // existing key
      } else {
        run.push_back(absl::StrFormat("k%06d", rnd.Uniform(200000)));
      }
    }
    std::sort(run.begin(), run.end());
    for (const std::string& k : run) add(k, /*in_order=*/true);
    for (int i = 0; i < 20; ++i) {
      add(rnd.OneIn(2) && !keys.empty()
              ? keys[rnd.Uniform(keys.size())]
              : absl::StrFormat("k%06d", rnd.Uniform(200000)),
          /*in_order=*/false);
    }
  }
  keys_ = keys;
  max_seq_ = seq;
  auto it = mem_.NewIterator();
  it->SeekToFirst();
  for (auto r = ref_.cbegin(); r != ref_.cend(); ++r) {
    ASSERT_NO_FATAL_FAILURE(ExpectAt(*it, ref_, r, "forward"));
    it->Next();
  }
  ASSERT_FALSE(it->Valid());
  for (int i = 0; i < 5000; ++i) {
    std::string target = RandomTarget(&rnd);
    it->Seek(target);
    ASSERT_NO_FATAL_FAILURE(
        ExpectAt(*it, ref_, ref_.lower_bound(target), Describe(target)));
  }
}

TEST_F(MemTableModelTest, CountersMatchReference) {
  EXPECT_TRUE(mem_.empty());
  EXPECT_EQ(mem_.min_ts(), kMaxTimestamp);
  EXPECT_EQ(mem_.max_ts(), kMinTimestamp);
  size_t empty_usage = mem_.ApproximateMemoryUsage();
  Fill(/*seed=*/5, /*ops=*/5000);
  EXPECT_FALSE(mem_.empty());
  EXPECT_EQ(mem_.num_entries(), ref_.size());
  Timestamp lo = kMaxTimestamp, hi = kMinTimestamp;
  size_t payload = 0;
  for (const auto& [k, v] : ref_) {
    lo = std::min(lo, ExtractTimestamp(k));
    hi = std::max(hi, ExtractTimestamp(k));
    payload += v.value.size();
  }
  EXPECT_EQ(mem_.min_ts(), lo);
  EXPECT_EQ(mem_.max_ts(), hi);
  EXPECT_GT(mem_.ApproximateMemoryUsage(), empty_usage + payload);
}

TEST(MemTableTest, BareUserKeyTargets) {
  MemTable mem;
  mem.Add(1, ValueKind::kPut, "a", 5, kNeverExpires, "a5");
  mem.Add(2, ValueKind::kPut, "b", -3, kNeverExpires, "b-3");
  mem.Add(3, ValueKind::kPut, "b", 7, kNeverExpires, "b7");
  auto it = mem.NewIterator();
  it->Seek("b");  // sorts before every entry of "b"
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "b-3");
  it->SeekForPrev("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "a5");
  it->Seek("c");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("a");
  EXPECT_FALSE(it->Valid());
}

TEST(MemTableTest, NewestVersionOfSameTimestampComesFirst) {
  MemTable mem;
  mem.Add(10, ValueKind::kPut, "k", 100, kNeverExpires, "old");
  mem.Add(11, ValueKind::kDelete, "k", 100, kNeverExpires, "");
  mem.Add(12, ValueKind::kPut, "k", 100, 555, "new");
  auto it = mem.NewIterator();
  it->SeekToFirst();
  std::vector<SequenceNumber> seqs;
  for (; it->Valid(); it->Next()) seqs.push_back(ExtractSequence(it->key()));
  EXPECT_EQ(seqs, (std::vector<SequenceNumber>{12, 11, 10}));
  // A seek at sequence 11 skips the newer version.
  it->Seek(SeekKey("k", 100, 11));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(ExtractSequence(it->key()), 11u);
  it->Seek(SeekKey("k", 100));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "new");
  EXPECT_EQ(it->expire_at(), 555);
}

TEST(MemTableTest, RangeTombstonesAreStoredAndReturned) {
  MemTable mem;
  EXPECT_TRUE(mem.RangeTombstones().empty());
  const RangeTombstone in[] = {
      {"a", "m", kMinTimestamp, kMaxTimestamp, 7},
      {"cpu", "", -100, 100, 9},
      {"", "z", 0, 1, 12},
  };
  for (const auto& t : in) mem.AddRangeTombstone(t);
  EXPECT_FALSE(mem.empty());
  EXPECT_EQ(mem.num_entries(), 0u);
  EXPECT_EQ(mem.num_range_tombstones(), 3u);
  std::vector<RangeTombstone> out = mem.RangeTombstones();
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].begin, in[i].begin);
    EXPECT_EQ(out[i].end, in[i].end);
    EXPECT_EQ(out[i].t0, in[i].t0);
    EXPECT_EQ(out[i].t1, in[i].t1);
    EXPECT_EQ(out[i].seq, in[i].seq);
  }
  // Tombstones are not point entries.
  auto it = mem.NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

// What a concurrent reader can check on its own: the value and expiry are
// functions of the internal key, so a torn entry cannot pass.
std::string ValueFor(std::string_view uk, Timestamp ts, SequenceNumber seq) {
  return absl::StrFormat("%s|%d|%d|%s", uk, ts, seq,
                         std::string(seq % 37, 'v'));
}
int64_t ExpireFor(Timestamp ts, SequenceNumber seq) {
  return ts * 3 + static_cast<int64_t>(seq);
}

TEST(MemTableTest, ConcurrentReadersSeeOrderedUntornEntries) {
  constexpr int kEntries = 200000;
  MemTable mem;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};

  auto check_scan = [&](bool backward) {
    uint64_t before = mem.num_entries();
    auto it = mem.NewIterator();
    std::string prev;
    uint64_t n = 0;
    if (backward) {
      it->SeekToLast();
    } else {
      it->SeekToFirst();
    }
    for (; it->Valid(); backward ? it->Prev() : it->Next()) {
      ParsedInternalKey p;
      std::string k(it->key());
      if (!ParseInternalKey(k, &p) ||
          it->value() != ValueFor(p.user_key, p.ts, p.seq) ||
          it->expire_at() != ExpireFor(p.ts, p.seq) ||
          (n > 0 && (backward ? CompareInternalKeys(k, prev) >= 0
                              : CompareInternalKeys(prev, k) >= 0))) {
        failures.fetch_add(1);
        return;
      }
      prev = std::move(k);
      ++n;
    }
    if (n < before) failures.fetch_add(1);  // lost an entry it must see
  };

  std::vector<std::thread> readers;
  std::atomic<int> scans{0};
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&, t] {
      bool backward = t == 1;
      while (!done.load()) {
        check_scan(backward);
        scans.fetch_add(1);
        backward = !backward;
      }
      check_scan(false);
    });
  }
  Random rnd(11);
  std::vector<Timestamp> next_ts(500, 0);
  for (int i = 0; i < kEntries; ++i) {
    int k = static_cast<int>(rnd.Uniform(500));
    std::string uk = absl::StrFormat("series%03d", k);
    Timestamp ts = rnd.OneIn(10)
                       ? static_cast<Timestamp>(rnd.Uniform(1000000)) - 500000
                       : (next_ts[k] += 1 + rnd.Uniform(10));
    SequenceNumber seq = i + 1;
    mem.Add(seq, ValueKind::kPut, uk, ts, ExpireFor(ts, seq),
            ValueFor(uk, ts, seq));
  }
  done.store(true);
  for (auto& r : readers) r.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(scans.load(), 0);
  EXPECT_EQ(mem.num_entries(), static_cast<uint64_t>(kEntries));
}

// Not a test: prints insert throughput for 1000 series x 1000 in-order
// points, arriving round-robin as metrics do. Run with
// --gtest_also_run_disabled_tests.
TEST(MemTableTest, DISABLED_InsertThroughput) {
  constexpr int kKeys = 1000, kPoints = 1000;
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) {
    keys.push_back(absl::StrFormat("cpu.usage,host=server%04d,dc=eu", k));
  }
  char value[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (bool in_order : {true, false}) {
    MemTable mem;
    Random rnd(3);
    SequenceNumber seq = 0;
    auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < kPoints; ++p) {
      for (int k = 0; k < kKeys; ++k) {
        Timestamp ts = in_order ? Timestamp{p} * 1000000000
                                : static_cast<Timestamp>(rnd.Next() >> 1);
        mem.Add(++seq, ValueKind::kPut, keys[k], ts, kNeverExpires,
                std::string_view(value, 8));
      }
    }
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double n = static_cast<double>(kKeys) * kPoints;
    std::printf("%s: %.0f entries in %.3f s = %.2f M entries/s, %.1f B/entry\n",
                in_order ? "in-order" : "random-ts", n, secs, n / secs / 1e6,
                mem.ApproximateMemoryUsage() / n);
  }
}

}  // namespace
}  // namespace strata
